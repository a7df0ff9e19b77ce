"""Attendance: recording a day in one tap, and finding the days nobody recorded."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError
from participants.services import participant_check_changeable
from placements.models import AttendanceRecord, AttendanceStatus, Placement

MISSING_LOOKBACK_DAYS = 28
_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
_FIELDS = ("date", "status", "hours")


def _hours(value, placement: Placement, status: str) -> Decimal:
    if value in (None, ""):
        absent = status in (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)
        return Decimal("0") if absent else placement.hours_per_day
    try:
        hours = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ApplicationError(_("Hours must be a number."), field="hours") from None
    if not hours.is_finite() or hours < 0 or hours > 24:
        raise ApplicationError(_("Hours must be between 0 and 24."), field="hours")
    return hours.quantize(Decimal("0.01"))


def attendance_record(
    *, actor, placement: Placement, day: date, status: str, hours=None, _retry: bool = True
) -> AttendanceRecord:
    """Record one day; recording the same day again updates it (the change history keeps the
    earlier value)."""
    participant_check_changeable(placement.enrollment.participant_id)
    if status not in AttendanceStatus.values:
        raise ApplicationError(_("Choose present, late, excused or unexcused."), field="status")
    if day > timezone.localdate():
        raise ApplicationError(
            _("Attendance cannot be recorded for a day in the future."), field="date"
        )
    if day < placement.starts_on or (placement.ends_on and day > placement.ends_on):
        raise ApplicationError(_("The day is outside the placement."), field="date")
    value = _hours(hours, placement, status)
    participant = placement.enrollment.participant
    try:
        with transaction.atomic():
            record = (
                AttendanceRecord.objects.select_for_update()
                .filter(placement=placement, date=day)
                .first()
            )
            if record is None:
                record = AttendanceRecord.objects.create(
                    placement=placement, date=day, status=status, hours=value, recorded_by=actor
                )
                change_record(
                    actor=actor,
                    instance=record,
                    participant=participant,
                    action=ChangeAction.CREATE,
                    after=snapshot(record, _FIELDS),
                )
                return record
            before = snapshot(record, _FIELDS)
            record.status, record.hours, record.recorded_by = status, value, actor
            record.recorded_at = timezone.now()
            record.save(update_fields=["status", "hours", "recorded_by", "recorded_at"])
            change_record(
                actor=actor,
                instance=record,
                participant=participant,
                action=ChangeAction.UPDATE,
                before=before,
                after=snapshot(record, _FIELDS),
            )
            return record
    except IntegrityError:
        # Two taps for the same new day at the same moment: the other one won; apply this one
        # on top of it, once.
        if not _retry:
            raise
        return attendance_record(
            actor=actor, placement=placement, day=day, status=status, hours=hours, _retry=False
        )


def expected_days(placement: Placement, start: date, end: date) -> list[date]:
    """The days between ``start`` and ``end`` (inclusive) the schedule expects the person."""
    days, day = [], start
    while day <= end:
        if placement.expects(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def missing_days(placement: Placement, recorded: set[date], today: date) -> list[date]:
    """Expected days before today, in the last four weeks, that nobody recorded."""
    start = max(placement.starts_on, today - timedelta(days=MISSING_LOOKBACK_DAYS))
    return [
        d for d in expected_days(placement, start, today - timedelta(days=1)) if d not in recorded
    ]


@dataclass(frozen=True)
class AttendanceStats:
    rate: int | None  # percent of expected days attended (present or late)
    consecutive_absences: int  # the latest expected days in a row not attended
    missing: int


def attendance_stats(placement: Placement, records: dict, today: date) -> AttendanceStats:
    """From the records of the last four weeks (``records``: date → record)."""
    start = max(placement.starts_on, today - timedelta(days=MISSING_LOOKBACK_DAYS))
    days = expected_days(placement, start, today - timedelta(days=1))
    attended = [d for d in days if d in records and records[d].status in _ATTENDED]
    streak = 0
    for day in reversed(days):
        if day in records and records[day].status in _ATTENDED:
            break
        streak += 1
    missing = sum(1 for d in days if d not in records)
    rate = round(100 * len(attended) / len(days)) if days else None
    return AttendanceStats(rate, streak, missing)
