"""The rules a summer job's hours are checked against (Arbetsmiljöverket's rules for minors,
AFS 2023:2, formerly AFS 2012:3, and the season's cap), as pure functions of plain values: the
workplace's link, the staff's corrections and the tests call the same ones.

- 16 and 17, compulsory school done: at most 8 hours a day and 40 a week, and no work between
  22:00 and 06:00.
- Under 16 (light work in the school holidays): at most 7 hours a day and 35 a week, and no
  work between 20:00 and 06:00.
- Under 18: a break of at least 30 minutes in a day of more than four and a half hours' work
  (rast efter högst 4,5 timmar).
- Everyone: at most the period's hours (its own cap, else the season's hours per period)."""

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
