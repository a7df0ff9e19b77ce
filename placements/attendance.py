"""Attendance: recording a day in one tap, and finding the days nobody recorded."""

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError
from participants.models import Participant
from participants.services import participant_check_changeable
from placements.models import (
    AttendanceDay,
    AttendanceMonth,
    AttendanceRecord,
    AttendanceStatus,
    Placement,
    PlacementQuerySet,
    Worksite,
)
from programs.models import Cohort, Programme

MISSING_LOOKBACK_DAYS = 28
_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
ABSENCES = (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)
_FIELDS = ("date", "status", "hours")


def _hours(value: Decimal | str | None, placement: Placement, status: str) -> Decimal:
    """The hours to write down: none on an absence (whatever was typed: a late day changed to
    an excused one keeps no hours), the schedule's by default, and never above it."""
    if status in ABSENCES:
        return Decimal("0.00")
    if value in (None, ""):
        return placement.hours_per_day
    try:
        hours = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ApplicationError(_("Hours must be a number."), field="hours") from None
    if not hours.is_finite() or hours < 0 or hours > 24:
        raise ApplicationError(_("Hours must be between 0 and 24."), field="hours")
    if hours > placement.hours_per_day:
        raise ApplicationError(
            _("The schedule has %(hours)s hours for this day; write down at most that.")
            % {"hours": formats.number_format(placement.hours_per_day.normalize())},
            field="hours",
        )
    return hours.quantize(Decimal("0.01"))


def _check_day(placement: Placement, day: date) -> None:
    """A day may be recorded within the placement, up to the person's exit, and not ahead."""
    if day > timezone.localdate():
        raise ApplicationError(
            _("Attendance cannot be recorded for a day in the future."), field="date"
        )
    if day < placement.starts_on:
        raise ApplicationError(
            _("The placement starts on %(day)s; attendance before that cannot be recorded.")
            % {"day": formats.date_format(placement.starts_on, "SHORT_DATE_FORMAT")},
            field="date",
        )
    if placement.ends_on and day > placement.ends_on:
        raise ApplicationError(
            _("The placement ended on %(day)s; attendance after that cannot be recorded.")
            % {"day": formats.date_format(placement.ends_on, "SHORT_DATE_FORMAT")},
            field="date",
        )
    exit_on = placement.exit_on
    if exit_on is not None and day > exit_on:
        raise ApplicationError(
            _("The person left the programme on %(day)s; attendance after that cannot be recorded.")
            % {"day": formats.date_format(exit_on, "SHORT_DATE_FORMAT")},
            field="date",
        )


def attendance_record(
    *,
    actor: User,
    placement: Placement,
    day: date,
    status: str,
    hours: Decimal | str | None = None,
    _retry: bool = True,
) -> AttendanceRecord:
    """Record one day; recording the same day again updates it (the change history keeps the
    earlier value)."""
    participant_check_changeable(placement.enrollment.participant_id)
    if status not in AttendanceStatus.values:
        raise ApplicationError(_("Choose present, late, excused or unexcused."), field="status")
    _check_day(placement, day)
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


def supervised_placements(user: User) -> PlacementQuerySet:
    """Current placements at the worksites the user supervises, of people the user may see:
    the arbeidsleder's lists, and what "everyone present" records."""
    return Placement.objects.current().filter(
        memberships.supervised_by(user, via="worksite__"),
        enrollment__participant__in=Participant.objects.visible_to(user),
    )


def attendance_record_all_present(*, actor: User, worksite: Worksite, day: date) -> int:
    """Everyone the schedule expects at ``worksite`` on ``day`` and nobody has recorded yet,
    recorded present with their scheduled hours; days already recorded stay as they are.
    Returns how many days were recorded. Safe to run twice and from two phones at once: a day
    the other phone wrote first (the unique constraint) is left to it."""
    if day > timezone.localdate():
        raise ApplicationError(_("Attendance cannot be recorded for a day in the future."))
    return sum(1 for p in _unrecorded(actor, worksite, day) if _record_if_new(actor, p, day))


def _unrecorded(actor: User, worksite: Worksite, day: date) -> list[Placement]:
    placements = (
        supervised_placements(actor)
        .filter(worksite=worksite, starts_on__lte=day)
        .exclude(attendance__date=day)
        .select_related("enrollment__participant")
    )
    return [p for p in placements if p.expects(day)]


def _record_if_new(actor: User, placement: Placement, day: date) -> bool:
    participant = placement.enrollment.participant
    if participant.anonymised_at:
        return False
    try:
        with transaction.atomic():
            record = AttendanceRecord.objects.create(
                placement=placement,
                date=day,
                status=AttendanceStatus.PRESENT,
                hours=placement.hours_per_day,
                recorded_by=actor,
            )
            change_record(
                actor=actor,
                instance=record,
                participant=participant,
                action=ChangeAction.CREATE,
                after=snapshot(record, _FIELDS),
            )
    except IntegrityError:
        return False  # recorded a moment ago from another phone: that record stands
    return True


def expected_days(placement: Placement, start: date, end: date) -> list[date]:
    """The days between ``start`` and ``end`` (inclusive) the schedule expects the person."""
    return placement.expected_days(start, end)


def _lookback(placement: Placement, today: date) -> list[date]:
    """The days the schedule expected before today in the last four weeks: where missing days
    and the attendance figures are looked for."""
    start = max(placement.starts_on, today - timedelta(days=MISSING_LOOKBACK_DAYS))
    return placement.expected_days(start, today - timedelta(days=1))


def _not_recorded(days: list[date], recorded: Container[date]) -> list[date]:
    return [d for d in days if d not in recorded]


def missing_days(placement: Placement, recorded: Container[date], today: date) -> list[date]:
    """The one definition of a *missing* day, for every page, list, count and digest: a day
    the schedule expected, before today and in the last four weeks, that nobody recorded."""
    return _not_recorded(_lookback(placement, today), recorded)


@dataclass(frozen=True)
class AttendanceStats:
    rate: int | None  # percent of expected days attended (present or late)
    consecutive_absences: int  # the latest expected days in a row not attended
    missing: int  # len(missing_days(...))


def attendance_summary(
    placement: Placement, statuses: Mapping[date, str], today: date
) -> tuple[list[date], AttendanceStats]:
    """``missing_days`` and the attendance figures at once, from one reading of the schedule
    (``statuses``: date → status of the records of the last four weeks)."""
    days = _lookback(placement, today)
    missing = _not_recorded(days, statuses)
    attended = sum(1 for d in days if statuses.get(d) in _ATTENDED)
    streak = 0
    for day in reversed(days):
        if statuses.get(day) in _ATTENDED:
            break
        streak += 1
    rate = round(100 * attended / len(days)) if days else None
    return missing, AttendanceStats(rate, streak, len(missing))


def attendance_stats(
    placement: Placement, records: Mapping[date, AttendanceRecord], today: date
) -> AttendanceStats:
    """From the records of the last four weeks (``records``: date → record)."""
    statuses = {day: record.status for day, record in records.items()}
    return attendance_summary(placement, statuses, today)[1]


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _split(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The period as the calendar months that lie wholly within it (first and last day), and
    the one or two stretches of a month it cuts at either end."""
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last = end if end == month_end(end) else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return None, [(start, end)]
    cut = [(start, first - timedelta(days=1)), (last + timedelta(days=1), end)]
    return (first, last), [(a, b) for a, b in cut if a <= b]


_HOURS: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=12, decimal_places=2)


def attendance_by_month(
    *,
    enrollment_ids: Iterable[int] | QuerySet[Any, Any],
    start: date,
    end: date,
) -> QuerySet[Any, dict[str, Any]]:
    """Per calendar month of the period: days recorded, days attended (present or late), the
    people behind them, and hours worked (those written down, or the placement's hours per day
    for a day attended without hours), in one query. Whole months are read from the monthly
    sums; a month the period cuts is counted from its days, so that a period may start and end
    on any day. ``enrollment_ids``: numbers, or a subquery of them."""
    whole, cut = _split(start, end)
    people = Count("placement__enrollment__participant", distinct=True)
    stretches = Q()
    for stretch in cut:
        stretches |= Q(date__range=stretch)
    attended = Q(status__in=_ATTENDED)
    by_day = (
        AttendanceRecord.objects.filter(stretches, placement__enrollment_id__in=enrollment_ids)
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("month")
        .annotate(
            days=Count("pk"),
            attended=Count("pk", filter=attended),
            persons=people,
            hours=Sum(
                Coalesce("hours", "placement__hours_per_day"), filter=attended, output_field=_HOURS
            ),
        )
    )
    if not whole:
        return by_day
    summed = (
        AttendanceMonth.objects.filter(
            placement__enrollment_id__in=enrollment_ids, month__range=whole, days__gt=0
        )
        .order_by()
        .values("month")
        .annotate(
            days=Sum("days"),
            attended=Sum("attended"),
            persons=people,
            hours=Sum(
                F("hours") + F("attended_unhoured") * F("placement__hours_per_day"),
                output_field=_HOURS,
            ),
        )
    )
    return summed.union(by_day, all=True) if cut else summed


def attendance_by_month_in(
    *,
    programmes: Iterable[Programme],
    cohort: Cohort | None,
    enrollment_ids: QuerySet[Any, Any],
    start: date,
    end: date,
) -> QuerySet[Any, dict[str, Any]]:
    """What ``attendance_by_month`` counts without the people (0), for ``enrollment_ids``: the
    enrollments of ``programmes`` (of ``cohort`` only, if given) active at some time of the
    period, as a subquery. Read from the sums per programme, cohort and day, a row per day
    whatever the number of people. A day within its enrollment's dates falls in the period
    only if the enrollment does, so it counts; a day outside them counts only if its
    enrollment is one of ``enrollment_ids``."""
    days = AttendanceDay.objects.filter(
        programme__in=programmes, date__range=(start, end), days__gt=0
    ).filter(Q(outside=0) | Q(outside__in=enrollment_ids))
    if cohort is not None:
        days = days.filter(cohort=cohort.pk)
    return (
        days.annotate(month=TruncMonth("date"))
        .order_by("month")
        .values("month")
        .annotate(
            days=Sum("days"),
            attended=Sum("attended"),
            persons=Value(0),
            hours=Sum("hours", output_field=_HOURS),
        )
    )
