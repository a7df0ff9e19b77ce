"""Reads for a season's set-up pages (summerjobs/setup.py writes): the programmes a user sets
up seasons for, a season's periods, pay, work areas and tiers with what holds each of them in
place, its places, and the municipality's workplaces. Everything starts from
``Season.objects.visible_to(user)`` and ends at the programme's leads and summer-jobs
coordinators (``memberships.runs_summer_jobs``): anyone else gets 404."""

from typing import Any, TypeVar, cast

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import memberships
from accounts.models import User
from programs.models import Programme, ProgrammeKind
from summerjobs.models import (
    Allocation,
    Application,
    Choice,
    LotteryRun,
    Override,
    PayRate,
    Period,
    Place,
    PriorityTier,
    Season,
    WorkArea,
    Workplace,
)

SetupRow = Period | PayRate | WorkArea | PriorityTier | Place
Row = TypeVar("Row", bound=SetupRow)
# The way from each kind of set-up row to its season.
SEASON_OF: dict[type[Model], str] = {
    Period: "season",
    PayRate: "season",
    WorkArea: "season",
    PriorityTier: "season",
    Place: "period__season",
}


def programmes_run(*, user: User) -> QuerySet[Programme]:
    """The programmes of the kind «Summer jobs» in the user's municipality whose seasons the
    user sets up: as their lead or summer-jobs coordinator. By name."""
    if not user.is_authenticated or user.municipality_id is None:
        return Programme.objects.none()
    ids = memberships.programme_ids_led(user) + memberships.programme_ids_coordinated(user)
    return Programme.objects.filter(
        municipality_id=user.municipality_id, kind=ProgrammeKind.SUMMER_JOBS, pk__in=ids
    ).order_by("name")


def sets_up_seasons(user: User) -> bool:
    """Whether the user sets up any season: the «New season» button and the workplaces."""
    return programmes_run(user=user).exists()


def season_for_setup(*, user: User, pk: int) -> Season:
    """A season the user sets up, with its programme and municipality; 404 for anyone else,
    the programme's caseworkers included."""
    season = get_object_or_404(
        Season.objects.visible_to(user).select_related("programme__municipality"), pk=pk
    )
    if not memberships.runs_summer_jobs(user, season.programme_id):
        raise Http404
    return season


def row_for_setup(*, user: User, model: type[Row], pk: int) -> Row:
    """A period, pay rate, work area, tier or place of a season the user sets up, with its
    season; 404 otherwise."""
    path = SEASON_OF[model]
    rows = cast(
        "QuerySet[Row]",
        model._default_manager.filter(
            **{f"{path}__in": Season.objects.visible_to(user)}
        ).select_related(f"{path}__programme__municipality"),
    )
    row = get_object_or_404(rows, pk=pk)
    if not memberships.runs_summer_jobs(user, season_of(row).programme_id):
        raise Http404
    return row


def season_of(row: SetupRow) -> Season:
    return row.period.season if isinstance(row, Place) else row.season


def _count(rows: QuerySet[Any], column: str) -> Coalesce:
    counted = rows.values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _slots(rows: QuerySet[Any], column: str) -> Coalesce:
    summed = rows.values(column).annotate(n=Sum("slots")).values("n")
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def season_setup(*, season: Season) -> dict[str, Any]:
    """The set-up page's rows: periods and work areas with how many applications chose each
    and how many positions are offered in it, pay rates, tiers with how many applications are
    in each, and whether applications or a run for real exist (what freezes). Five queries."""
    chosen_periods = Application.periods.through.objects.filter(period_id=OuterRef("pk"))
    periods = season.periods.annotate(
        chosen=_count(chosen_periods, "period_id"),
        offered=_slots(Place.objects.filter(period_id=OuterRef("pk")), "period_id"),
    )
    areas = season.areas.annotate(
        chosen=_count(Choice.objects.filter(area_id=OuterRef("pk")), "area_id"),
        offered=_slots(Place.objects.filter(area_id=OuterRef("pk")), "area_id"),
    )
    tiers = season.tiers.annotate(
        applied=_count(Application.objects.filter(tier_id=OuterRef("pk")), "tier_id")
    )
    flags = (
        Season.objects.filter(pk=season.pk)
        .annotate(
            applied=Exists(Application.objects.filter(season_id=OuterRef("pk"))),
            run=Exists(LotteryRun.objects.filter(season_id=OuterRef("pk"), dry_run=False)),
            places=_count(Place.objects.filter(period__season_id=OuterRef("pk")), "period__season"),
            slots=_slots(Place.objects.filter(period__season_id=OuterRef("pk")), "period__season"),
        )
        .values("applied", "run", "places", "slots")
        .get()
    )
    return {
        "periods": list(periods),
        "pay_rates": list(season.pay_rates.all()),
        "areas": list(areas),
        "tiers": list(tiers),
        "has_applications": flags["applied"],
        "run_for_real": flags["run"],
        "place_count": flags["places"],
        "slot_count": flags["slots"],
    }


def run_for_real(season: Season) -> bool:
    """Whether the lottery has run for real in the season."""
    return LotteryRun.objects.filter(season=season, dry_run=False).exists()


def period_chosen(period: Period) -> bool:
    """Whether any application chose the period."""
    return Application.periods.through.objects.filter(period_id=period.pk).exists()


def place_totals(*, season: Season) -> dict[str, int]:
    """How many offers the season's places are, and how many positions. One query."""
    totals = Place.objects.filter(period__season=season).aggregate(
        offers=Count("pk"), slots=Sum("slots")
    )
    return {"offers": totals["offers"], "slots": totals["slots"] or 0}


def seasons_for_setup(*, user: User) -> QuerySet[Season]:
    """The seasons the user sets up, newest first."""
    return Season.objects.filter(programme__in=programmes_run(user=user)).order_by(
        "-applications_open_at", "pk"
    )


def placed_in(rows: QuerySet[Place]) -> QuerySet[Place]:
    """The places with ``placed``: how many young people the run for real gives each, as it
    stands now (changes by hand included)."""
    allocated = Allocation.objects.filter(place_id=OuterRef("pk"), run__dry_run=False)
    return rows.annotate(placed=_count(allocated, "place_id"))


def season_places(*, season: Season) -> QuerySet[Place]:
    """The season's places by workplace, period and area, with how many are placed in each.
    One query."""
    return placed_in(
        Place.objects.filter(period__season=season)
        .select_related("workplace", "area", "period")
        .order_by("workplace__name", "period__number", "area__name", "pk")
    )


def place_usage(*, place: Place) -> dict[str, int]:
    """What holds a place in place: the young people the run for real gives it, the changes by
    hand that name it, and the offers made of it. Three queries."""
    placed = Allocation.objects.filter(place=place, run__dry_run=False).count()
    named = Override.objects.filter(Q(from_place=place) | Q(to_place=place)).count()
    return {"placed": placed, "overridden": named, "offered": place.offers.count()}


def workplace_list(*, user: User) -> QuerySet[Workplace]:
    """The municipality's workplaces by name, with how many places each offers in the seasons
    of the programmes the user sets up. One query."""
    offered = Place.objects.filter(
        workplace_id=OuterRef("pk"),
        period__season__programme__in=programmes_run(user=user),
    )
    if user.municipality_id is None:
        return Workplace.objects.none()
    return Workplace.objects.filter(municipality_id=user.municipality_id).annotate(
        offered=_count(offered, "workplace_id")
    )


def workplace_get(*, user: User, pk: int) -> Workplace:
    """A workplace of the user's municipality, for those who set up its seasons; 404
    otherwise."""
    if user.municipality_id is None or not sets_up_seasons(user):
        raise Http404
    return get_object_or_404(Workplace.objects.filter(municipality_id=user.municipality_id), pk=pk)


def workplace_places(*, user: User, workplace: Workplace) -> QuerySet[Place]:
    """The workplace's places in the seasons the user sets up, newest season first."""
    return placed_in(
        Place.objects.filter(
            workplace=workplace, period__season__programme__in=programmes_run(user=user)
        )
        .select_related("period__season", "area")
        .order_by("-period__season__applications_open_at", "period__number", "area__name")
    )
