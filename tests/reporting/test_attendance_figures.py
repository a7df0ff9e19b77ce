"""The attendance rate per month, drawn on the dashboard and in the reports: a month with days
recorded has its rate, whether the period takes whole months or cuts one, on SQLite and on
PostgreSQL alike."""

from datetime import date
from decimal import Decimal

import pytest

from placements.models import AttendanceRecord
from reporting.figures import figures
from reporting.profiles import Audience
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cells",
    [{"suppress": False}, {"suppress": True, "audience": Audience.PUBLICATION, "threshold": 1}],
)
@pytest.mark.parametrize(
    "period",
    [
        (date(2025, 1, 1), date(2025, 3, 31)),  # whole months
        (date(2025, 1, 1), date(2025, 3, 12)),  # cut at the end, as the dashboard's year to date
        (date(2024, 12, 20), date(2025, 3, 12)),  # cut at both ends
    ],
)
def test_every_month_with_days_has_its_rate(world, period, cells):
    enrollment = f.EnrollmentFactory(programme=world.programme, starts_on=date(2024, 12, 1))
    placement = f.PlacementFactory(
        enrollment=enrollment, worksite=world.worksite, starts_on=date(2024, 12, 1), ends_on=None
    )
    days = [date(2024, 12, 23), date(2025, 1, 6), date(2025, 1, 7), date(2025, 2, 3)]
    days += [date(2025, 3, 3)]
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            placement=placement,
            date=day,
            status="present" if day.day != 7 else "unexcused",
            hours=Decimal("6.00"),
            recorded_by=world.arbeidsleder,
        )
        for day in days
    )
    start, end = period
    rates = dict(
        figures(programmes=[world.programme], start=start, end=end, **cells)["series"][
            "attendance_rate"
        ]
    )
    assert rates["2025-01-01"] == 50.0
    assert rates["2025-02-01"] == 100.0 and rates["2025-03-01"] == 100.0
