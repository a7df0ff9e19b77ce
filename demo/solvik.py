"""Solvik, the demo's Swedish municipality: its avdelning för arbete och utbildning runs
arbetsträning, two Jobbspår (restaurang, vård och omsorg) and feriearbete for youths in the
summer. Everything here is in Swedish; the names and places are invented.
"""

from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Country, Municipality, ProgrammeRole, User
from accounts.services import ROLE_ARBEIDSLEDER, role_grant
from demo.solvik_texts import SUMMER, SWEDISH
from demo.summerjobs import summer_season_build
from demo.world import DemoWorld, sign_off_dated
from participants.consents import consent_withdraw
from participants.models import Enrollment
from participants.services import enrollment_change_status
from participants.vocabularies import ConsentPurpose, Destination, ExitReason, NeetStatus
from placements.models import (
    ExamResult,
    PlacementStatus,
    PlacementType,
    Route,
    WorkField,
    WorksiteKind,
)
from placements.qualification import module_sign_off, path_create
from placements.services import placement_end
from programs.models import (
    Cohort,
    EnrollmentStatus,
    Module,
    Programme,
    ProgrammeKind,
    QualificationTrack,
)

CARE_TRACK = "Vård- och omsorgsutbildning, undersköterska"
CARE_MODULES = [
    "Vård- och omsorgsarbete 1",
    "Medicin 1",
    "Etik och människans livsvillkor",
    "Psykologi 1",
    "Gerontologi och geriatrik",
    "Vård- och omsorgsarbete 2",
]
ADULT_EDUCATION = "Vuxenutbildningen i Solvik"

# key -> (name, kind, address, which handledare: "vard" or "kok")
WORKSITES = {
    "aldreboende": (
        "Solviks äldreboende",
        WorksiteKind.CARE_CENTRE,
        "Storgatan 12, 123 45 Solvik",
        "vard",
    ),
    "fastighet": (
        "Fastighetsservice Solvik",
        WorksiteKind.OTHER,
        "Järnvägsgatan 21, 123 46 Solvik",
        "vard",
    ),
    "kok": ("Centralköket Solvik", WorksiteKind.KITCHEN, "Kyrkogatan 4, 123 40 Solvik", "kok"),
    "restaurang": ("Restaurang Kajen", WorksiteKind.KITCHEN, "Hamngatan 2, 123 51 Solvik", "kok"),
}

# (email, name, role key, worksites)
HANDLEDARE = {
    "vard": ("handledare@solvik.example.org", "Johan Handledare"),
    "kok": ("handledare.kok@solvik.example.org", "Eva Handledare"),
}
HANDLAGGARE = ("handlaggare@solvik.example.org", "Maria Handläggare")
PROJEKTLEDARE = ("projektledare@solvik.example.org", "Anders Projektledare")

# (name, kind, cohort name and start or None, placement type, hours a day, percentage)
PROGRAMMES = {
    "arbetstraning": (
        "Arbetsträning",
        ProgrammeKind.WORK_TRAINING,
        None,
        PlacementType.ARBETSTRANING,
        4,
        50,
    ),
    "restaurang": (
        "Jobbspår restaurang",
        ProgrammeKind.JOBBSPAR,
        ("Höst 2026", date(2026, 8, 24)),
        PlacementType.JOBBSPAR,
        6,
        75,
    ),
    "vard": (
        "Jobbspår vård och omsorg",
        ProgrammeKind.JOBBSPAR,
        ("Höst 2026", date(2026, 8, 24)),
        PlacementType.JOBBSPAR,
        6,
        75,
    ),
}

# programme key -> (first, last, worksite key, work field, age, weeks since enrolment)
PEOPLE = {
    "arbetstraning": [
        ("Linnea", "Ahlgren", "aldreboende", WorkField.HEALTH_CARE, 22, 14),
        ("Hassan", "Berglund", "fastighet", WorkField.CARETAKER, 24, 11),
        ("Tove", "Lundqvist", "kok", WorkField.KITCHEN, 20, 9),
    ],
    "restaurang": [
        ("Nils", "Engström", "restaurang", WorkField.KITCHEN, 23, 13),
        ("Elin", "Hedlund", "restaurang", WorkField.KITCHEN, 21, 13),
    ],
    "vard": [
        ("Viktor", "Carlsson", "aldreboende", WorkField.HEALTH_CARE, 25, 13),
        ("Moa", "Dahlberg", "aldreboende", WorkField.HEALTH_CARE, 19, 13),
        ("Klara", "Nyström", "aldreboende", WorkField.HEALTH_CARE, 27, 13),
    ],
}
# Feriearbete for youths of 16 to 19: (first, last, worksite key, work field, age, period 0-2)
SUMMER_PEOPLE = [
    ("Alva", "Bergqvist", "aldreboende", WorkField.HEALTH_CARE, 17, 0),
    ("Elton", "Lindahl", "kok", WorkField.KITCHEN, 16, 0),
    ("Wilma", "Sjöberg", "aldreboende", WorkField.HEALTH_CARE, 18, 1),
    ("Melvin", "Åkerlund", "fastighet", WorkField.CARETAKER, 16, 1),
    ("Ebba", "Holmgren", "kok", WorkField.KITCHEN, 17, 1),
    ("Liam", "Falkvik", "fastighet", WorkField.CARETAKER, 19, 2),
    ("Saga", "Nordling", "aldreboende", WorkField.HEALTH_CARE, 16, 2),
    ("Adam", "Ekström", "kok", WorkField.KITCHEN, 18, 2),
]
SUMMER_HOURS = 6  # 90 hours over a three-week period
# Beside the first of each programme, how many of the handläggare's list get a full record.
FULL_CASES = 2


def summer_year(today: date) -> int:
    """The summer the feriearbete cohort belongs to: this year's once it has begun, else
    last year's."""
    return today.year if today >= date(today.year, 6, 15) else today.year - 1


def summer_periods(year: int) -> list[tuple[date, date]]:
    """Three periods of three weeks from the Monday of week 25, Monday to Friday."""
    first = date.fromisocalendar(year, 25, 1)
    return [
        (first + timedelta(weeks=3 * n), first + timedelta(weeks=3 * n + 2, days=4))
        for n in range(3)
    ]


def solvik_build(world: DemoWorld) -> None:
    """Solvik's avdelning för arbete och utbildning: arbetsträning, two Jobbspår and
    feriearbete, with a handläggare, two handledare and a projektledare."""
    solvik, _ = Municipality.objects.get_or_create(name="Solvik", country=Country.SWEDEN)
    programmes = {key: _programme(solvik, key) for key in PROGRAMMES}
    programmes["sommar"] = _summer_programme(world, solvik)
    handlaggare = world.user(
        solvik, *HANDLAGGARE, ProgrammeRole.CASEWORKER, programme=programmes["sommar"]
    )
    lead = world.user(
        solvik, *PROJEKTLEDARE, ProgrammeRole.PROGRAMME_LEAD, programme=programmes["sommar"]
    )
    for programme in programmes.values():
        role_grant(actor=None, user=handlaggare, role=ProgrammeRole.CASEWORKER, programme=programme)
        role_grant(actor=None, user=lead, role=ProgrammeRole.PROGRAMME_LEAD, programme=programme)
    sites = {}
    for key, (name, kind, address, who) in WORKSITES.items():
        worksite = world.worksite(solvik, name, kind, address)
        supervisor = world.user(solvik, *HANDLEDARE[who], ROLE_ARBEIDSLEDER, worksite=worksite)
        sites[key] = (worksite, supervisor)
    for key, people in PEOPLE.items():
        programme = programmes[key]
        _name, _kind, _cohort, ptype, hours, percentage = PROGRAMMES[key]
        for first, last, site, field, age, weeks_ago in people:
            worksite, supervisor = sites[site]
            world.person(
                solvik,
                first,
                last,
                programme=programme,
                cohort=programme.cohorts.first(),
                caseworker=handlaggare,
                worksite=worksite,
                supervisor=supervisor,
                field=field,
                ptype=ptype,
                weeks_ago=weeks_ago,
                age=age,
                schedule={"hours_per_day": Decimal(hours), "percentage": percentage},
            )
    _care_paths(world, programmes["vard"], handlaggare)
    _summer(world, solvik, programmes["sommar"], handlaggare, sites)
    _summer_season(programmes["sommar"], lead)
    _cases(world, programmes)


def _programme(solvik, key: str) -> Programme:
    name, kind, cohort, _ptype, _hours, _percentage = PROGRAMMES[key]
    programme, _ = Programme.objects.get_or_create(
        municipality=solvik,
        name=name,
        defaults={"kind": kind, "starts_on": date(2025, 1, 1), "ends_on": date(2027, 12, 31)},
    )
    if cohort is not None:
        Cohort.objects.get_or_create(
            programme=programme,
            name=cohort[0],
            defaults={"starts_on": cohort[1], "capacity": 12},
        )
    return programme


def _summer_programme(world: DemoWorld, solvik) -> Programme:
    """Feriearbete in the summer that has begun this year, or last year's."""
    year = summer_year(world.today)
    programme = Programme.objects.filter(
        municipality=solvik, kind=ProgrammeKind.SUMMER_JOBS
    ).first() or Programme.objects.create(
        municipality=solvik,
        name=f"Feriearbete {year}",
        kind=ProgrammeKind.SUMMER_JOBS,
        starts_on=date(year, 6, 1),
        ends_on=date(year, 8, 31),
        target_participants=len(SUMMER_PEOPLE),
    )
    Cohort.objects.get_or_create(
        programme=programme,
        name=f"Sommar {year}",
        defaults={"starts_on": summer_periods(year)[0][0], "capacity": 8},
    )
    return programme


def _summer(world: DemoWorld, solvik, programme, handlaggare, sites) -> None:
    """Each youth works one three-week period; once it is over, the placement has ended
    and the youth has completed the feriearbete."""
    cohort = programme.cohorts.first()
    periods = summer_periods(cohort.starts_on.year)
    for first, last, site, field, age, period in SUMMER_PEOPLE:
        worksite, supervisor = sites[site]
        enrollment = world.person(
            solvik,
            first,
            last,
            programme=programme,
            cohort=cohort,
            caseworker=handlaggare,
            worksite=worksite,
            supervisor=supervisor,
            field=field,
            ptype=PlacementType.SUMMER_JOB,
            age=age,
            # The offers were accepted in April.
            enrolled_on=date(cohort.starts_on.year, 4, 20),
            placed=periods[period],
            schedule={"hours_per_day": Decimal(SUMMER_HOURS)},
            details={"neet_status": NeetStatus.IN_EDUCATION},  # pupils on their holiday
        )
        if enrollment is None or periods[period][1] >= world.today:
            continue
        placement = enrollment.placements.get()
        ended = periods[period][1]  # the placement's end, as placed above
        placement_end(
            actor=supervisor,
            placement=placement,
            expected_version=placement.version,
            ends_on=ended,
            status=PlacementStatus.ENDED,
        )
        enrollment_change_status(
            actor=handlaggare,
            enrollment=enrollment,
            expected_version=enrollment.version,
            status=EnrollmentStatus.COMPLETED,
            exit_date=ended,
            exit_reason=ExitReason.COMPLETED,
            destination=Destination.EDUCATION,
        )
        world.dated(enrollment, EnrollmentStatus.COMPLETED, ended)
        # The workplace's access ends with the job.
        shared = enrollment.participant.consents.get(purpose=ConsentPurpose.SHARE_WORKSITE)
        consent_withdraw(
            actor=handlaggare,
            consent=shared,
            expected_version=shared.version,
            withdrawn_on=ended + timedelta(days=1),
        )


def _summer_season(programme: Programme, lead: User) -> None:
    """The applications and the lottery that placed last summer's youths: Solvik's season."""
    cohort = programme.cohorts.first()
    assert cohort is not None and cohort.starts_on is not None  # made by _summer_programme
    summer_season_build(
        programme=programme, lead=lead, periods=summer_periods(cohort.starts_on.year)
    )


def _care_paths(world: DemoWorld, programme, handlaggare) -> None:
    """Jobbspår vård och omsorg leads through the vård- och omsorgsutbildning to
    undersköterska; the first courses are done."""
    route = Route.CARE_TRAINING
    track, _ = QualificationTrack.objects.get_or_create(
        name=CARE_TRACK, defaults={"country": Country.SWEDEN}
    )
    for number, name in enumerate(CARE_MODULES, start=1):
        Module.objects.get_or_create(track=track, number=number, defaults={"name": name})
    modules = list(track.modules.order_by("number"))
    for index, enrollment in enumerate(world.by_name(programme)):
        if enrollment.qualification_paths.exists():
            continue
        assert enrollment.starts_on is not None  # enrolled by the demo with a start
        path = path_create(
            actor=handlaggare,
            enrollment=enrollment,
            track=track,
            route=route,
            training_office=ADULT_EDUCATION,
            contract_starts_on=enrollment.starts_on + timedelta(days=14),
        )
        passed = modules[: 2 - index % 2]
        for number, module in enumerate(passed):
            progress = module_sign_off(
                actor=handlaggare, path=path, module=module, result=ExamResult.PASSED
            )
            sign_off_dated(progress, world.today - timedelta(weeks=3 * (len(passed) - number)))


def _cases(world: DemoWorld, programmes: dict) -> None:
    """Full records for the first person in each programme and the first on the
    handläggare's list; the summer youths a short journal and the handledare's notes."""
    full: set[int] = set()
    caseload: list[Enrollment] = []
    for key in PROGRAMMES:
        people = world.by_name(programmes[key])
        full.update(e.pk for e in people[:1])
        caseload.extend(people)
    caseload.sort(key=lambda e: (e.participant.last_name, e.participant.first_name))
    full.update(e.pk for e in caseload[:FULL_CASES])
    world.write_cases(caseload, SWEDISH, full)
    world.write_cases(world.by_name(programmes["sommar"]), SUMMER, set())
