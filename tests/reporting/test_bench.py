"""The report benchmark measures a real build and leaves the database as it was."""

from datetime import timedelta

import pytest
from django.utils import timezone

from participants.models import Participant
from placements.models import AttendanceRecord
from reporting.management.commands.bench_report import measure, measure_grant
from reporting.models import ReportRun
from tests.support.grants import make_grant

pytestmark = pytest.mark.django_db


def test_the_benchmark_builds_the_report_and_rolls_its_world_back():
    before = Participant.objects.count()
    result = measure(12)
    assert result["participants"] == 12 and result["attendance_rows"] == 12 * 40
    assert result["pdf_pages"] >= 3 and result["seconds"] > 0 and result["peak_mb"] > 0
    assert Participant.objects.count() == before


def test_the_benchmark_times_an_existing_grants_report_and_leaves_no_run(world):
    today = timezone.localdate()
    grant = make_grant(
        world, starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=100)
    )
    AttendanceRecord.objects.create(
        placement=world.placement, date=today, status="present", recorded_by=world.arbeidsleder
    )
    runs = ReportRun.objects.count()

    result = measure_grant(grant.pk)

    assert result["participants"] == 1 and result["attendance_rows"] == 1
    assert result["period"] == [grant.starts_on.isoformat(), today.isoformat()]
    assert result["pdf_pages"] >= 3 and result["seconds"] > 0
    assert ReportRun.objects.count() == runs
