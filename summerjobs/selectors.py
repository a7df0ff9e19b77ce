"""Reads for summer jobs."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.tokens import token_digest
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


# --- the application e-service (no staff account) -------------------------------------------


def seasons_open(*, at: datetime | None = None) -> QuerySet[Season]:
    """Seasons taking applications now, the nearest deadline first. One query."""
    now = at or timezone.now()
    return (
        Season.objects.filter(applications_open_at__lte=now, applications_close_at__gt=now)
        .select_related("programme__municipality")
        .order_by("applications_close_at", "name")
    )


def season_public(*, pk: int) -> Season | None:
    """A season as its public pages show it, with its municipality; None if there is none."""
    return Season.objects.select_related("programme__municipality").filter(pk=pk).first()


def application_for_link(*, token: str) -> Application | None:
    """The application whose private link holds ``token``, with what its page shows: its
    season and municipality, ranked work areas and periods. Three queries; None if no link
    holds it."""
    choices = Choice.objects.select_related("area").order_by("rank")
    return (
        Application.objects.filter(edit_token_hash=token_digest(token))
        .select_related("season__programme__municipality")
        .prefetch_related(Prefetch("choices", queryset=choices), "periods")
        .first()
    )
