"""The city's organisation: programmes and cohorts, worksites, staff and their roles, trades
with their modules, and the grants that pay for it all."""

import bisect
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import ProgrammeMembership, ProgrammeRole, User, WorksiteSupervisor
from demo.scale.plan import SUMMER, YEARS, PersonPlan, pick
from demo.scale.world import World
from placements.models import WorkField, Worksite, WorksiteKind
from programs.models import (
    Cohort,
    EnrollmentStatus,
    Grant,
    Module,
    Programme,
    QualificationTrack,
    ReportDeadline,
)

SITES_PER_PERSON = 0.03  # 300 worksites for 10 000 people
KINDS = (
    (WorksiteKind.HEALTH_HOUSE, 0.08),
    (WorksiteKind.CARE_CENTRE, 0.35),
    (WorksiteKind.KITCHEN, 0.12),
    (WorksiteKind.SCHOOL, 0.25),
    (WorksiteKind.OTHER, 0.2),
)
W = WorkField
KIND_FIELDS = {
    WorksiteKind.HEALTH_HOUSE: (W.HEALTH_CARE, W.CLEANING, W.KITCHEN, W.CARETAKER),
    WorksiteKind.CARE_CENTRE: (W.HEALTH_CARE, W.CLEANING, W.KITCHEN, W.CARETAKER),
    WorksiteKind.KITCHEN: (W.KITCHEN, W.CLEANING),
    WorksiteKind.SCHOOL: (W.CLEANING, W.CARETAKER, W.KITCHEN, W.OTHER),
    WorksiteKind.OTHER: (W.OTHER, W.CARETAKER, W.CLEANING),
}
CASELOAD = 45  # open enrollments per caseworker


def programmes_create(world: World, people: list[PersonPlan]) -> None:
    targets = Counter(p.programme for p in people)
    first = date(world.today.year - YEARS, 1, 1)
    world.programmes = world.writer.create(
        Programme,
        (
            Programme(
                municipality=world.municipality,
                name=spec.name,
                kind=spec.kind,
                starts_on=first,
                target_participants=targets[index] // YEARS or 1,
            )
            for index, spec in enumerate(world.words.programmes)
        ),
    )


def cohorts_create(world: World, people: list[PersonPlan]) -> dict[int, Cohort]:
    """Two intakes a year (one a summer for summer jobs); each person joins the latest cohort
    that started before their intake. Returns each person's cohort by index."""
    starts = [_cohort_starts(world, index) for index in range(len(world.words.programmes))]
    chosen = {p.index: (p.programme, _cohort_of(starts[p.programme], p)) for p in people}
    sizes = Counter(chosen.values())
    rows = [
        Cohort(
            programme=world.programmes[index],
            name=name,
            starts_on=day,
            capacity=max(10, -(-sizes[index, day] // 10) * 10),
        )
        for index, options in enumerate(starts)
        for day, name in options
    ]
    by_start = {(c.programme_id, c.starts_on): c for c in world.writer.create(Cohort, rows)}
    return {
        person: by_start[world.programmes[index].pk, day] for person, (index, day) in chosen.items()
    }


def _cohort_starts(world: World, programme: int) -> list[tuple[date, str]]:
    today, words = world.today, world.words
    years = range(today.year - YEARS, today.year + 1)
    if programme == words.summer_programme:
        return [(SUMMER[0].replace(year=y), words.summer_cohort.format(year=y)) for y in years]
    options = [(date(y, m, d), f"{season} {y}") for y in years for m, d, season in words.seasons]
    return [o for o in options if o[0] <= today + timedelta(days=120)]


def _cohort_of(options: list[tuple[date, str]], person: PersonPlan) -> date:
    """The start of the latest cohort that began before the person became active."""
    joined = next(
        (day for status, day in person.pipeline if status == EnrollmentStatus.ACTIVE),
        person.referred_on + timedelta(days=30),
    )
    position = bisect.bisect_right([day for day, _ in options], joined)
    return options[max(0, position - 1)][0]


def worksites_create(world: World, count: int) -> None:
    """``count`` worksites; the first, a helsehus, is the one the named arbeidsleder runs."""
    used: set[str] = set()
    rows = []
    for index in range(count):
        kind = WorksiteKind.HEALTH_HOUSE if index == 0 else pick(world.rng, KINDS)
        name = _site_name(world, kind, index, used)
        heads, endings = world.words.place_heads, world.words.street_endings
        street = heads[index % len(heads)].replace(" ", "")
        ending = endings[index % len(endings)]
        address = f"{street}{ending} {1 + index % 90}, {world.municipality.name}"
        rows.append(
            Worksite(municipality=world.municipality, name=name, kind=kind, address=address)
        )
    world.worksites = world.writer.create(Worksite, rows)


def _site_name(world: World, kind: str, index: int, used: set[str]) -> str:
    endings, heads = world.words.site_endings[kind], world.words.place_heads
    base = f"{heads[index % len(heads)]} {world.rng.choice(endings)}"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base} {n}"
    used.add(name.lower())
    return name


def tracks_get(world: World) -> None:
    """The trades are shared by every municipality of a country: found, or made once."""
    for work_field, (name, module_names) in world.words.tracks.items():
        track, _ = QualificationTrack.objects.get_or_create(
            name=name, defaults={"country": world.words.country}
        )
        for number, module_name in enumerate(module_names, start=1):
            Module.objects.get_or_create(track=track, number=number, defaults={"name": module_name})
        world.tracks[work_field] = (track, list(track.modules.order_by("number")))


def staff_create(world: World, people: list[PersonPlan]) -> None:
    """Caseworkers enough for about 45 open enrollments each in every programme, a lead per
    programme, an arbeidsleder per worksite and an admin; all with the demo password."""
    password = make_password(settings.FOTFESTE_DEMO_PASSWORD)  # once: hashing is slow
    open_counts = Counter(p.programme for p in people if p.is_open)
    count = len(world.words.programmes)
    sizes = [max(1, -(-open_counts[i] // CASELOAD)) for i in range(count)]
    kinds = [("admin", 1), ("veileder", sum(sizes)), ("programleder", count)]
    kinds.append(("arbeidsleder", len(world.worksites)))
    users = world.writer.create(
        User, (_user(world, kind, n, password) for kind, count in kinds for n in range(count))
    )
    staff = iter(users[1:])  # after the admin
    world.caseworkers = [[next(staff) for _ in range(size)] for size in sizes]
    world.leads = [next(staff) for _ in world.words.programmes]
    world.supervisors = list(staff)
    _roles_create(world)
    _assign_caseworkers(world, people)


def _user(world: World, kind: str, n: int, password: str) -> User:
    number = "" if kind == "admin" else str(n + 1)
    offset = {"admin": 0, "veileder": 7, "programleder": 301, "arbeidsleder": 419}[kind] + n
    words = world.words
    first_names = words.first_names[""]
    first = first_names[(offset * 7) % len(first_names)]
    return User(
        email=f"{kind}{number}@{world.domain}",
        full_name=f"{first} {words.surname(offset * 13 + 5)} ({words.staff_titles[kind]})",
        municipality=world.municipality,
        is_municipality_admin=kind == "admin",
        password=password,
    )


def _roles_create(world: World) -> None:
    memberships = [
        ProgrammeMembership(user=user, programme=programme, role=ProgrammeRole.CASEWORKER)
        for programme, users in zip(world.programmes, world.caseworkers, strict=True)
        for user in users
    ]
    memberships += [
        ProgrammeMembership(user=lead, programme=programme, role=ProgrammeRole.PROGRAMME_LEAD)
        for programme, lead in zip(world.programmes, world.leads, strict=True)
    ]
    world.writer.create(ProgrammeMembership, memberships)
    world.writer.create(
        WorksiteSupervisor,
        (
            WorksiteSupervisor(user=user, worksite=site)
            for site, user in zip(world.worksites, world.supervisors, strict=True)
        ),
    )


def _assign_caseworkers(world: World, people: list[PersonPlan]) -> None:
    """Open enrollments in turn, so every caseworker has about the same caseload; closed ones
    to anyone in the programme."""
    turn: Counter[int] = Counter()
    for person in people:
        size = len(world.caseworkers[person.programme])
        if person.is_open:
            person.caseworker = turn[person.programme] % size
            turn[person.programme] += 1
        else:
            person.caseworker = world.rng.randrange(size)


def grants_create(world: World) -> None:
    """Each year two grants (in Norway a LIM grant for the two largest programmes and KS
    project money for «Inn i jobb»), with a half-year and a final report deadline."""
    years = range(world.today.year - YEARS + 1, world.today.year + 1)
    terms = [(year, *grant) for year in years for grant in world.words.grants]
    grants = world.writer.create(Grant, (_grant(world, *t) for t in terms))
    through = Grant.programmes.through
    world.writer.create(
        through,
        (
            through(grant_id=grant.pk, programme_id=programme.pk)
            for grant, t in zip(grants, terms, strict=True)
            for programme in world.programmes[: t[-1]]
        ),
    )
    world.writer.create(
        ReportDeadline,
        (
            ReportDeadline(grant=grant, due_on=due, label=label)
            for grant in grants
            for due, label in zip(
                (date(grant.starts_on.year, 8, 31), date(grant.starts_on.year + 1, 2, 15)),
                world.words.deadlines,
                strict=True,
            )
        ),
    )


def _grant(world: World, year: int, funder: str, name: str, amount: str, _funds: int) -> Grant:
    return Grant(
        municipality=world.municipality,
        funder=funder,
        name=name.format(year=year),
        amount=Decimal(amount),
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        own_contribution_percent=Decimal("20"),
        funded_position_share=Decimal("0.5"),
    )
