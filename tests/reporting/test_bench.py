"""The report benchmark measures a real build and leaves the database as it was."""

import pytest

from participants.models import Participant
from reporting.management.commands.bench_report import measure

pytestmark = pytest.mark.django_db


def test_the_benchmark_builds_the_report_and_rolls_its_world_back():
    before = Participant.objects.count()
    result = measure(12)
    assert result["participants"] == 12 and result["attendance_rows"] == 12 * 40
    assert result["pdf_pages"] >= 3 and result["seconds"] > 0 and result["peak_mb"] > 0
    assert Participant.objects.count() == before
