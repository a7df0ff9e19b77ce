"""The rules of placing a person, as pure functions: the one-person service
(``placement_start``) and the bulk import (``placements.bulk``) both call them, each with the
facts read its own way (one query per person, or one per file)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from config.errors import ApplicationError

WEEKDAYS = "0123456"


def placement_rules(
    *,
    supervisor_at_worksite: bool,
    schedule_days: str | None,
    percentage: int | None,
    overlapping_days: Iterable[str],
) -> str:
    """Refuses a placement that breaks a rule, in the order a person fixes them; returns its
    weekdays as stored. ``overlapping_days`` are the weekdays of the person's current
    placements in the same period (read only when the earlier rules hold)."""
    if not supervisor_at_worksite:
        raise ApplicationError(_("Choose a work supervisor at this worksite."), field="supervisor")
    days = "".join(sorted(set(schedule_days or "")))
    if not days or any(d not in WEEKDAYS for d in days):
        raise ApplicationError(_("Choose at least one weekday."), field="schedule_days")
    if not 1 <= int(percentage or 0) <= 100:
        raise ApplicationError(_("The percentage must be between 1 and 100."), field="percentage")
    if any(set(days) & set(other) for other in overlapping_days):
        raise ApplicationError(
            _("The person already has a placement on some of these days in this period."),
            field="schedule_days",
        )
    return days


def over_capacity(*, site: str, places: int | None, taken: int) -> str:
    """The warning a placement beyond a field's places at a worksite must be confirmed past,
    or empty when there is room (or no limit)."""
    if places is None or taken < places:
        return ""
    return _(
        "%(site)s has %(places)d places in this field and %(taken)d are taken in "
        "this period. Confirm to place the person anyway."
    ) % {"site": site, "places": places, "taken": taken}
