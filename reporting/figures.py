"""The figures of a report, computed from the database and returned as plain JSON-ready data,
suppressed for small cells before anything leaves Fotfeste."""

from datetime import date

from django.db.models import Q

from participants.models import Enrollment, FollowUp
from placements.models import Placement, PlacementType, QualificationPath
from reporting.suppression import suppress_breakdown, suppress_count

_WORK_TRAINING = [PlacementType.WORK_TRAINING, PlacementType.AFT, PlacementType.PRACTICE]
_AGE_BANDS = [
    ("under 18", 0, 17),
    ("18–20", 18, 20),
    ("21–24", 21, 24),
    ("25–29", 25, 29),
    ("30 and over", 30, 200),
]


def _age_band(born: date | None, on: date) -> str:
    if born is None:
        return "unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((label for label, low, high in _AGE_BANDS if low <= age <= high), "unknown")


def _breakdown(values: list[str]) -> dict:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return suppress_breakdown(counts, total=len(values))


def ks_figures(*, programme, start: date, end: date) -> dict:
    """KS «Inn i jobb» progress figures for one programme and period."""
    enrollments = Enrollment.objects.filter(programme=programme).select_related("participant")
    in_period = enrollments.filter(
        Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    )
    recruited = [e for e in in_period if e.starts_on and start <= e.starts_on <= end]
    training = Placement.objects.filter(
        enrollment__in=in_period, type__in=_WORK_TRAINING, starts_on__lte=end
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    routes = QualificationPath.objects.filter(enrollment__in=in_period)
    employed = in_period.filter(
        Q(destination__in=["work_full", "work_part"], ends_on__range=(start, end))
        | Q(placements__type=PlacementType.ORDINARY_JOB)
    ).distinct()
    follow_ups = FollowUp.objects.filter(
        enrollment__programme=programme, recorded_on__range=(start, end)
    ).exclude(status="")
    return {
        "participants": suppress_count(len(in_period)),
        "recruited": suppress_count(len(recruited)),
        "by_gender": _breakdown([e.participant.gender or "unknown" for e in recruited]),
        "by_age": _breakdown([_age_band(e.participant.birth_date, end) for e in recruited]),
        "in_work_training": suppress_count(
            training.values("enrollment__participant").distinct().count()
        ),
        "qualification_routes": _breakdown(list(routes.values_list("route", flat=True))),
        "in_ordinary_employment": suppress_count(employed.count()),
        "follow_up_6": _breakdown(
            list(follow_ups.filter(months=6).values_list("status", flat=True))
        ),
        "follow_up_12": _breakdown(
            list(follow_ups.filter(months=12).values_list("status", flat=True))
        ),
    }


def figure_labels() -> dict[str, str]:
    """What each figure is called on the page and in the files."""
    from django.utils.translation import gettext as _

    return {
        "participants": _("Participants in the period"),
        "recruited": _("Recruited in the period"),
        "by_gender": _("Recruited, by gender"),
        "by_age": _("Recruited, by age"),
        "in_work_training": _("In structured work training"),
        "qualification_routes": _("In a formal qualification route"),
        "in_ordinary_employment": _("In ordinary employment"),
        "follow_up_6": _("Status 6 months after exit"),
        "follow_up_12": _("Status 12 months after exit"),
    }


def category_labels(figure: str) -> dict[str, str]:
    """What each category of one figure's breakdown is called: «unknown» means «gender not
    stated» in one breakdown and «could not be reached» in another."""
    from django.utils.translation import gettext as _

    from participants.models import FollowUpStatus, Gender
    from placements.models import Route

    by_figure = {
        "by_gender": dict(Gender.choices),
        "qualification_routes": dict(Route.choices),
        "follow_up_6": dict(FollowUpStatus.choices),
        "follow_up_12": dict(FollowUpStatus.choices),
        "by_age": {"under 18": _("under 18"), "30 and over": _("30 and over")},
    }
    labels = {"unknown": _("Unknown")}
    labels.update({value: str(label) for value, label in by_figure.get(figure, {}).items()})
    return labels
