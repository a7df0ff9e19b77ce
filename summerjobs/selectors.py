"""Reads for summer jobs."""

from django.db.models import Prefetch

from summerjobs import lottery
from summerjobs.models import Application, ApplicationStatus, Choice, Gender, Place, Season

# The genders the lottery can balance; anything else is drawn without balancing.
_BALANCED: dict[str, str] = {Gender.FEMALE.value: "female", Gender.MALE.value: "male"}


def lottery_draw(*, season: Season, seed: int) -> lottery.Draw:
    """What the lottery is given: every application still standing, in its tier (position
    order; an application without a tier comes after every tier), with its ranked work areas
    and its periods; every place offered in the season's periods. Three queries."""
    tiers = {pk: index for index, pk in enumerate(season.tiers.values_list("pk", flat=True))}
    applications = (
        Application.objects.filter(season=season, status=ApplicationStatus.SUBMITTED)
        .only("pk", "tier_id", "birth_date", "gender")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("rank").only("area_id")),
            "periods",
        )
    )
    applicants = tuple(_applicant(application, tiers) for application in applications)
    places = Place.objects.filter(period__season=season).select_related("period")
    return lottery.Draw(
        seed=seed,
        applicants=applicants,
        places=tuple(_place(place) for place in places),
        gender_balance=season.gender_balance,
    )


def _applicant(application: Application, tiers: dict[int, int]) -> lottery.Applicant:
    return lottery.Applicant(
        key=application.pk,
        tier=tiers.get(application.tier_id or 0, len(tiers)),
        birth_date=application.birth_date,
        gender=_BALANCED.get(application.gender, ""),
        areas=tuple(str(choice.area_id) for choice in application.choices.all()),
        periods=frozenset(period.pk for period in application.periods.all()),
    )


def _place(place: Place) -> lottery.Place:
    return lottery.Place(
        key=place.pk,
        area=str(place.area_id),
        period=place.period_id,
        starts_on=place.period.starts_on,
        slots=place.slots,
        min_age=place.min_age,
    )
