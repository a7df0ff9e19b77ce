"""The rules a summer job's hours are checked against (Arbetsmiljöverket's rules for minors,
AFS 2023:2, formerly AFS 2012:3, and the season's cap), as pure functions of plain values: the
workplace's link, the staff's corrections and the tests call the same ones.

- 16 and 17, compulsory school done: at most 8 hours a day and 40 a week, and no work between
  22:00 and 06:00.
- Under 16 (light work in the school holidays): at most 7 hours a day and 35 a week, and no
  work between 20:00 and 06:00.
- Under 18: a break of at least 30 minutes in a day of more than four and a half hours' work
  (rast efter högst 4,5 timmar).
- Under 18: at least 36 hours off in a row in every period of seven days (veckovila). The
  period is the calendar week, Monday 00:00 to Sunday 24:00, the week the 40 or 35 hours are
  counted in: the rest must lie inside it, so time off that runs on into the next week counts
  only up to Sunday midnight. A Monday-to-Friday job always has it; six days in a row ending
  late on Saturday, or seven, do not.
- Everyone: at most the period's hours (its own cap, else the season's hours per period)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from config.errors import ApplicationError

MINUTES = Decimal(60)


@dataclass(frozen=True)
class MinorLimits:
    day: Decimal
    week: Decimal
    earliest: time
    latest: time


UNDER_16 = MinorLimits(Decimal(7), Decimal(35), time(6, 0), time(20, 0))
UNDER_18 = MinorLimits(Decimal(8), Decimal(40), time(6, 0), time(22, 0))
# A minor's day of more than this much work has a break of at least BREAK_MINUTES.
WORK_BEFORE_BREAK = Decimal("4.5")
BREAK_MINUTES = 30
# A minor's time off in a row in each calendar week, at least.
WEEKLY_REST = timedelta(hours=36)
HOUR = timedelta(hours=1)

# A day worked: the day, and the time it started and ended.
WorkedDay = tuple[date, time, time]


def hours_text(hours: Decimal) -> str:
    """Hours as people write them: 90, 7.5, 7.25."""
    return format(hours.quantize(Decimal("0.01")).normalize(), "f")


def minor_limits(age: int) -> MinorLimits | None:
    """The limits of someone ``age`` years old on the day; None from 18."""
    if age < 16:
        return UNDER_16
    if age < 18:
        return UNDER_18
    return None


def worked_hours(starts: time, ends: time, break_minutes: int) -> Decimal:
    """Hours from ``starts`` to ``ends`` on one day less the break, to the minute; refused when
    the day ends before it starts or the break takes it all."""
    if ends <= starts:
        raise ApplicationError(_("The day must end after it starts."), field="ends_at")
    minutes = (datetime.combine(date.min, ends) - datetime.combine(date.min, starts)) // timedelta(
        minutes=1
    )
    if break_minutes >= minutes:
        raise ApplicationError(_("The break cannot be as long as the day."), field="break_minutes")
    return (Decimal(minutes - break_minutes) / MINUTES).quantize(Decimal("0.01"))


def check_minor(
    limits: MinorLimits,
    *,
    starts: time,
    ends: time,
    break_minutes: int,
    hours: Decimal,
    week_hours: Decimal,
) -> None:
    """A minor's day: within the clock window, the day's hours, a break in a long day, and the
    week's hours (``week_hours``: the week's other days)."""
    if starts < limits.earliest or ends > limits.latest:
        raise ApplicationError(
            _("Someone this young may work only between %(earliest)s and %(latest)s.")
            % {"earliest": f"{limits.earliest:%H:%M}", "latest": f"{limits.latest:%H:%M}"},
            field="starts_at",
        )
    if hours > limits.day:
        raise ApplicationError(
            _("Someone this young may work at most %(hours)s hours a day.") % {"hours": limits.day},
            field="ends_at",
        )
    if hours > WORK_BEFORE_BREAK and break_minutes < BREAK_MINUTES:
        raise ApplicationError(
            _(
                "Someone this young who works more than %(hours)s hours a day has a break of "
                "at least %(minutes)s minutes."
            )
            % {"hours": hours_text(WORK_BEFORE_BREAK), "minutes": BREAK_MINUTES},
            field="break_minutes",
        )
    if week_hours + hours > limits.week:
        raise ApplicationError(
            _(
                "That makes %(total)s hours this week: someone this young may work at most "
                "%(hours)s."
            )
            % {"total": hours_text(week_hours + hours), "hours": hours_text(limits.week)},
            field="ends_at",
        )


def longest_rest(monday: date, worked: Iterable[WorkedDay]) -> timedelta:
    """The longest time off in a row from ``monday`` 00:00 to the Sunday's midnight, between
    the days ``worked`` of that week (a break inside a day is not time off)."""
    free_from = datetime.combine(monday, time.min)
    longest = timedelta(0)
    for day, starts, ends in sorted(worked):
        longest = max(longest, datetime.combine(day, starts) - free_from)
        free_from = max(free_from, datetime.combine(day, ends))
    week_ends = datetime.combine(monday + timedelta(days=7), time.min)
    return max(longest, week_ends - free_from)


def check_weekly_rest(monday: date, worked: Iterable[WorkedDay]) -> None:
    """A minor's week, this day's times with the other days', leaves 36 hours off in a row
    inside the week (Monday to Sunday)."""
    rest = longest_rest(monday, worked)
    if rest < WEEKLY_REST:
        hours = Decimal(rest // timedelta(minutes=1)) / MINUTES
        raise ApplicationError(
            _(
                "With this day the longest time off in a row this week (Monday to Sunday) is "
                "%(rest)s hours: someone this young has at least %(hours)s."
            )
            % {"rest": hours_text(hours), "hours": hours_text(Decimal(WEEKLY_REST // HOUR))},
            field="starts_at",
        )


def check_cap(*, cap: Decimal, other_days: Decimal, hours: Decimal) -> None:
    """The period's hours, this day's with the others', within the period's cap."""
    if other_days + hours > cap:
        raise ApplicationError(
            _("That makes %(total)s hours in the period, more than the %(cap)s the job has.")
            % {"total": hours_text(other_days + hours), "cap": hours_text(cap)},
            field="ends_at",
        )


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)
