"""Reads for summer jobs."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import memberships
from accounts.models import User
from accounts.tokens import token_digest
from summerjobs import lottery
from summerjobs.models import (
    LIVE_OFFER,
    PRESTART_SHORT,
    SETTLED_OFFER,
    Allocation,
    Application,
    ApplicationStatus,
    Choice,
    Gender,
    LotteryRun,
    Offer,
    OfferStatus,
    Override,
    PayRate,
    Period,
    Place,
    PreStart,
    PreStartItem,
    Season,
    StaffAnswer,
    WorkArea,
    Workplace,
    WorkplaceAccess,
)

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
            Prefetch(
                "choices",
                queryset=Choice.objects.order_by("rank").only("application_id", "area_id"),
            ),
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


def season_list(*, user: User) -> QuerySet[Season]:
    """The seasons the user may see, newest first, with how many applied and how many places
    are offered."""
    applied = Application.objects.filter(season=OuterRef("pk"), status=ApplicationStatus.SUBMITTED)
    offered = Place.objects.filter(period__season=OuterRef("pk"))
    return (
        Season.objects.visible_to(user)
        .select_related("programme")
        .annotate(
            applied=_count(applied),
            places_offered=Coalesce(
                Subquery(offered.values("period__season").annotate(n=Sum("slots")).values("n")),
                0,
            ),
        )
        .order_by("-applications_open_at", "pk")
    )


def _count(rows: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(rows.values("season").annotate(n=Count("pk")).values("n")),
        0,
    )


def season_get(*, user: User, pk: int) -> Season:
    return get_object_or_404(Season.objects.visible_to(user).select_related("programme"), pk=pk)


def season_get_to_run(*, user: User, pk: int) -> Season:
    """A season the user runs (a lead or coordinator of its programme: its payroll, its
    figures' files); 404 for everyone else, its caseworkers too."""
    season = season_get(user=user, pk=pk)
    if not memberships.runs_summer_jobs(user, season.programme_id):
        raise Http404
    return season


@dataclass(frozen=True)
class AreaOffer:
    area: WorkArea
    slots_by_period: list[int]
    total: int


def season_overview(*, season: Season) -> dict[str, Any]:
    """A season's set-up as its page shows it: periods, pay, areas with the places offered per
    period, tiers with how many applied in each, and the runs. Six queries."""
    periods = list(season.periods.all())
    slots = {
        (row["area_id"], row["period_id"]): row["n"]
        for row in Place.objects.filter(period__season=season)
        .values("area_id", "period_id")
        .annotate(n=Sum("slots"))
    }
    areas = [
        AreaOffer(area, counts, sum(counts))
        for area in season.areas.all()
        for counts in [[slots.get((area.pk, p.pk), 0) for p in periods]]
    ]
    standing = Application.objects.filter(season=season, status=ApplicationStatus.SUBMITTED)
    by_tier: dict[int | None, int] = dict(
        standing.values_list("tier_id").annotate(n=Count("pk")).values_list("tier_id", "n")
    )
    tiers = [(tier, by_tier.get(tier.pk, 0)) for tier in season.tiers.all()]
    return {
        "periods": periods,
        "pay_rates": list(season.pay_rates.all()),
        "areas": areas,
        "tiers": tiers,
        "without_tier": by_tier.get(None, 0),
        "applied": sum(by_tier.values()),
        "runs": list(season.lottery_runs.select_related("run_by")[:20]),
    }


def run_get(*, user: User, pk: int) -> LotteryRun:
    return get_object_or_404(
        LotteryRun.objects.filter(season__in=Season.objects.visible_to(user)).select_related(
            "season", "run_by"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class PlacedRow:
    application: Application
    place: Place
    choice_rank: int | None
    allocation_id: int | None = None  # on a run for real, where a change by hand starts


@dataclass(frozen=True)
class ReserveRow:
    application: Application
    allocation_id: int | None = None


def run_outcome(*, run: LotteryRun) -> dict[str, Any]:
    """Who got which place and who is on the reserve list, by name, and the run's figures per
    tier and area named as the season names them. Four queries whatever the numbers."""
    result = run.result
    keys = [row["applicant"] for row in result["assignments"]] + list(result["reserve"])
    people = (
        Application.objects.filter(season=run.season_id)
        .only("pk", "first_name", "last_name", "birth_date", "tier_id")
        .in_bulk(keys)
    )
    places = (
        Place.objects.filter(period__season=run.season_id)
        .select_related("workplace", "area", "period")
        .in_bulk([row["place"] for row in result["assignments"]])
    )
    placed = [
        PlacedRow(people[row["applicant"]], places[row["place"]], row["choice_rank"])
        for row in result["assignments"]
        if row["applicant"] in people and row["place"] in places
    ]
    reserve = [ReserveRow(people[key]) for key in result["reserve"] if key in people]
    if not run.dry_run:
        # The run for real as it stands now, changes by hand included.
        placed, reserve = _allocations_now(run)
    placed.sort(
        key=lambda row: (row.place.area.name, row.place.period.number, row.application.last_name)
    )
    tiers = list(run.season.tiers.all())
    areas = {str(area.pk): area.name for area in run.season.areas.all()}
    return {
        "placed": placed,
        "reserve": reserve,
        "tiers": [
            {**row, "name": tiers[row["tier"]].name if row["tier"] < len(tiers) else None}
            for row in result["summary"]["tiers"]
        ],
        "areas": [
            {**row, "name": areas.get(row["area"], "")} for row in result["summary"]["areas"]
        ],
    }


def _allocations_now(run: LotteryRun) -> tuple[list[PlacedRow], list[ReserveRow]]:
    rows = run.allocations.select_related(
        "application", "place__workplace", "place__area", "place__period"
    ).order_by("reserve_position", "pk")
    placed, reserve = [], []
    for row in rows:
        if row.place is not None:
            placed.append(PlacedRow(row.application, row.place, row.choice_rank, row.pk))
        elif row.reserve_position is not None:
            reserve.append(ReserveRow(row.application, row.pk))
        # Neither: declined or lapsed; shown with the offers (run_offers).
    return placed, reserve


def run_overrides(*, run: LotteryRun) -> QuerySet[Override]:
    """The changes made by hand to a run, newest first, with who and where."""
    return Override.objects.filter(allocation__run=run).select_related(
        "allocation__application",
        "from_place__workplace",
        "from_place__area",
        "to_place__workplace",
        "to_place__area",
        "made_by",
    )


def allocation_get(*, user: User, pk: int) -> Allocation:
    return get_object_or_404(
        Allocation.objects.filter(run__season__in=Season.objects.visible_to(user)).select_related(
            "run__season", "application", "place__area", "place__workplace", "place__period"
        ),
        pk=pk,
    )


def places_with_room(*, run: LotteryRun) -> list[tuple[Place, int]]:
    """The season's places and how many positions each still has in the run. Two queries."""
    taken = dict(
        run.allocations.filter(place__isnull=False)
        .values_list("place_id")
        .annotate(n=Count("pk"))
        .values_list("place_id", "n")
    )
    places = Place.objects.filter(period__season=run.season_id).select_related(
        "workplace", "area", "period"
    )
    rows = [(place, place.slots - taken.get(place.pk, 0)) for place in places]
    rows.sort(key=lambda row: (row[0].area.name, row[0].period.number, row[0].workplace.name))
    return [(place, free) for place, free in rows if free > 0]


def application_list(*, season: Season) -> QuerySet[Application]:
    """A season's applications still standing, by name, with their ranked work areas and
    periods: three queries for a page, whatever its length."""
    return (
        Application.objects.filter(season=season, status=ApplicationStatus.SUBMITTED)
        .select_related("tier")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.select_related("area").order_by("rank")),
            "periods",
        )
        .order_by("last_name", "first_name", "pk")
    )


def application_get(*, user: User, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(user).select_related("season", "tier"), pk=pk
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
        .select_related("season__programme__municipality", "email_change")
        .prefetch_related(Prefetch("choices", queryset=choices), "periods")
        .first()
    )


def _offer_page(offers: QuerySet[Offer]) -> Offer | None:
    return offers.select_related(
        "allocation__application",
        "place__workplace",
        "place__area",
        "place__period__season__programme__municipality",
    ).first()


def offer_for_link(*, token: str) -> Offer | None:
    """The offer whose private link holds ``token`` (the first message's, the reminder's or
    the one saying the certificate is ready), with its place, season and municipality. One
    query; None if no link holds it."""
    digest = token_digest(token)
    return _offer_page(
        Offer.objects.filter(
            Q(token_hash=digest) | Q(reminder_token_hash=digest) | Q(certificate_token_hash=digest)
        )
    )


def offer_for_guardian_link(*, token: str) -> Offer | None:
    """The offer whose guardian's link holds ``token``, as ``offer_for_link``."""
    digest = token_digest(token)
    return _offer_page(
        Offer.objects.filter(Q(guardian_token_hash=digest) | Q(guardian_reminder_token_hash=digest))
    )


def pay_for(*, season: Season, birth_date: date, on: date) -> PayRate | None:
    """The season's pay for someone born on ``birth_date``, by their age on ``on``."""
    age = lottery.age_on(birth_date, on)
    return season.pay_rates.filter(age_from__lte=age, age_to__gte=age).first()


def run_offers(*, run: LotteryRun) -> dict[int, Offer]:
    """Each allocation's latest offer in the run, by allocation id. One query."""
    latest: dict[int, Offer] = {}
    rows = (
        Offer.objects.filter(allocation__run=run)
        .select_related("allocation__application", "place__area", "place__workplace")
        .order_by("allocation_id", "-created_at", "-pk")
    )
    for offer in rows:
        latest.setdefault(offer.allocation_id, offer)
    return latest


@dataclass(frozen=True)
class OfferCounts:
    waiting: int = 0
    guardian: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0
    unsent_places: int = 0  # placed, with no offer waiting or accepted


def offer_counts(*, offers: dict[int, Offer], placed: list["PlacedRow"]) -> OfferCounts:
    """The run's offers as the staff follow them: waiting for the young person, for a
    guardian, settled, declined and lapsed; and the places with no offer yet."""
    counts: dict[str, int] = {}
    for offer in offers.values():
        if offer.status == OfferStatus.PENDING:
            key = "waiting"
        elif offer.status == OfferStatus.ACCEPTED:
            key = "accepted" if offer.settled else "guardian"
        elif offer.status in (OfferStatus.DECLINED, OfferStatus.LAPSED):
            key = str(offer.status)
        else:
            continue
        counts[key] = counts.get(key, 0) + 1
    unsent = 0
    for row in placed:
        latest = offers.get(row.allocation_id or 0)
        if latest is None or latest.status not in LIVE_OFFER or latest.place_id != row.place.pk:
            unsent += 1
    return OfferCounts(**counts, unsent_places=unsent)


def offers_ended(*, offers: dict[int, Offer]) -> list[Offer]:
    """The young people out of the run: they declined, or let their offer lapse, and hold no
    place now. By name."""
    ended = [
        offer
        for offer in offers.values()
        if offer.status in (OfferStatus.DECLINED, OfferStatus.LAPSED)
        and offer.allocation.place_id is None
        and offer.allocation.reserve_position is None
    ]
    ended.sort(key=lambda o: (o.allocation.application.last_name, o.allocation.application.pk))
    return ended


def workplace_access_for(*, token: str, at: datetime | None = None) -> WorkplaceAccess | None:
    """The open, unexpired workplace link holding ``token``, with its workplace and season."""
    now = at or timezone.now()
    return (
        WorkplaceAccess.objects.filter(
            token_hash=token_digest(token), revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("workplace", "season__programme__municipality")
        .first()
    )


@dataclass(frozen=True)
class WorkplaceRow:
    workplace: Workplace
    places: int
    settled: int
    access: WorkplaceAccess | None


def season_workplaces(*, season: Season) -> list[WorkplaceRow]:
    """The workplaces with places in the season: places, young people settled, and the open
    link if any. Three queries."""
    places = dict(
        Place.objects.filter(period__season=season)
        .values_list("workplace_id")
        .annotate(n=Sum("slots"))
        .values_list("workplace_id", "n")
    )
    settled: dict[int, int] = {}
    offers = Offer.objects.filter(place__period__season=season, status=OfferStatus.ACCEPTED)
    for offer in offers.only(
        "place__workplace_id", "guardian_needed", "guardian_confirmed_at", "status"
    ).select_related("place"):
        if offer.settled:
            settled[offer.place.workplace_id] = settled.get(offer.place.workplace_id, 0) + 1
    accesses = {
        a.workplace_id: a
        for a in WorkplaceAccess.objects.filter(season=season, revoked_at__isnull=True)
    }
    workplaces = Workplace.objects.filter(pk__in=places).order_by("name")
    return [
        WorkplaceRow(w, places[w.pk], settled.get(w.pk, 0), accesses.get(w.pk)) for w in workplaces
    ]


# --- before the start (summerjobs/prestart.py) -----------------------------------------------

_CHECKED_BY = tuple(f"prestart__{item}_by" for item in PreStartItem.values)
_PERSON_AND_PLACE = (
    "allocation__application",
    "place__workplace",
    "place__area",
    "place__period",
)


def offer_get(*, user: User, pk: int) -> Offer:
    """An offer of a season the user sees, with its young person, place, run and checklist."""
    offers = Offer.objects.filter(allocation__run__season__in=Season.objects.visible_to(user))
    related = (*_PERSON_AND_PLACE, "allocation__run__season__programme__municipality")
    return get_object_or_404(offers.select_related(*related, *_CHECKED_BY), pk=pk)


def checklist_of(offer: Offer) -> PreStart:
    """The offer's checklist, or an empty one (not saved) where nothing is ticked yet."""
    try:
        return offer.prestart
    except PreStart.DoesNotExist:
        return PreStart(offer=offer)


@dataclass(frozen=True)
class ItemState:
    item: str
    label: str
    short: str
    needed: bool  # the extract only where the place asks for it
    at: datetime | None
    by: User | None

    @property
    def missing(self) -> bool:
        return self.needed and self.at is None


@dataclass(frozen=True)
class PreStartRow:
    offer: Offer
    checklist: PreStart
    items: list[ItemState]

    @property
    def missing(self) -> list[ItemState]:
        return [state for state in self.items if state.missing]


def prestart_row(offer: Offer) -> PreStartRow:
    """A settled offer with each item of its checklist: needed or not, ticked when and by whom."""
    checklist = checklist_of(offer)
    needed = PreStart.items_for(offer.place)
    items = [
        ItemState(
            item=item,
            label=str(label),
            short=str(PRESTART_SHORT[item]),
            needed=item in needed,
            at=getattr(checklist, f"{item}_at"),
            by=getattr(checklist, f"{item}_by"),
        )
        for item, label in PreStartItem.choices
    ]
    return PreStartRow(offer, checklist, items)


@dataclass(frozen=True)
class ItemCount:
    item: str
    label: str
    short: str
    done: int
    needed: int


@dataclass(frozen=True)
class WorkplaceGroup:
    workplace: Workplace
    rows: list[PreStartRow]


@dataclass(frozen=True)
class PeriodGroup:
    period: Period
    workplaces: list[WorkplaceGroup]


@dataclass(frozen=True)
class PreStartBoard:
    periods: list[PeriodGroup]
    settled: int  # young people with a settled offer
    complete: int  # of them, with every item they need
    items: list[ItemCount]
    shown: int

    @property
    def lacking(self) -> int:
        return self.settled - self.complete


def prestart_board(*, run: LotteryRun, only_missing: bool = False) -> PreStartBoard:
    """The young people of a run for real whose offers are settled, by period and workplace,
    each with their checklist, and how many have everything; ``only_missing`` keeps those who
    lack something. One query, whatever the number of people."""
    offers = (
        Offer.objects.filter(SETTLED_OFFER, allocation__run=run)
        .select_related(*_PERSON_AND_PLACE, *_CHECKED_BY)
        .order_by(
            "place__period__number",
            "place__workplace__name",
            "allocation__application__last_name",
            "allocation__application__first_name",
            "pk",
        )
    )
    rows = [prestart_row(offer) for offer in offers]
    items = [
        ItemCount(
            item,
            str(label),
            str(PRESTART_SHORT[item]),
            done=sum(1 for row in rows for s in row.items if s.item == item and s.needed and s.at),
            needed=sum(1 for row in rows for s in row.items if s.item == item and s.needed),
        )
        for item, label in PreStartItem.choices
    ]
    shown = [row for row in rows if row.missing] if only_missing else rows
    return PreStartBoard(
        periods=_grouped(shown),
        settled=len(rows),
        complete=sum(1 for row in rows if not row.missing),
        items=items,
        shown=len(shown),
    )


def _grouped(rows: list[PreStartRow]) -> list[PeriodGroup]:
    periods: dict[int, PeriodGroup] = {}
    for row in rows:
        place = row.offer.place
        group = periods.setdefault(place.period_id, PeriodGroup(place.period, []))
        if not group.workplaces or group.workplaces[-1].workplace.pk != place.workplace_id:
            group.workplaces.append(WorkplaceGroup(place.workplace, []))
        group.workplaces[-1].rows.append(row)
    return list(periods.values())


def staff_answers(*, offer: Offer) -> QuerySet[StaffAnswer]:
    """The answers staff recorded for the offer's young person or guardian, newest first."""
    return offer.staff_answers.select_related("made_by")


def run_staff_answers(*, run: LotteryRun) -> QuerySet[StaffAnswer]:
    """The answers staff recorded in a run, newest first, with whose offer and who recorded."""
    return StaffAnswer.objects.filter(offer__allocation__run=run).select_related(
        "offer__allocation__application", "offer__place__area", "offer__place__workplace", "made_by"
    )
