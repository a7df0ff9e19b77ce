"""A Norwegian and a Swedish municipality as their users live in them: each with its own
programmes, worksites, people on placements of the country's own kinds, a qualification path,
journal, plan, an exit and a grant, and a caseworker, a programme lead, an arbeidsleder and a
municipality admin."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Country, Municipality, User
from participants.journal import note_create, task_create
from participants.plan import goal_create, milestone_add
from participants.services import enrollment_change_status
from placements.models import AttendanceRecord, PlacementType, Route, Worksite
from placements.progress import progress_reply, progress_write
from placements.qualification import module_sign_off, path_create
from programs.models import Cohort, Module, QualificationTrack
from programs.services import grant_save
from tests import factories as f

TODAY = timezone.localdate()


@dataclass
class Place:
    country: str
    users: dict[str, User]
    # The people and programmes by what they stand for: "on_path", "summer_job", "exited"…
    things: dict


def _users(municipality, programmes, worksite, names: dict[str, str]) -> dict[str, User]:
    users = {
        role: f.UserFactory(municipality=municipality, full_name=n) for role, n in names.items()
    }
    for programme in programmes:
        f.MembershipFactory(user=users["caseworker"], programme=programme, role="caseworker")
        f.MembershipFactory(user=users["lead"], programme=programme, role="programme_lead")
    f.SupervisorFactory(user=users["supervisor"], worksite=worksite)
    users["admin"].is_municipality_admin = True
    users["admin"].save()
    return users


def _person(municipality, programme, worksite, caseworker, *, first, last, ptype, **extra):
    person = f.ParticipantFactory(
        municipality=municipality,
        first_name=first,
        last_name=last,
        birth_date=date(2006, 3, 14),
        gender="female",
        language_level="B1",
        education_level="primary",
        neet_status="neet_seeking",
        social_assistance=True,
        **extra,
    )
    enrollment = f.EnrollmentFactory(
        participant=person, programme=programme, caseworker=caseworker, referral_source="nav"
    )
    f.ConsentFactory(participant=person, recorded_by=caseworker)
    placement = f.PlacementFactory(enrollment=enrollment, worksite=worksite, type=ptype)
    AttendanceRecord.objects.create(
        placement=placement,
        date=TODAY - timedelta(days=1),
        status="present",
        hours=Decimal(6),
        recorded_by=caseworker,
    )
    return enrollment, placement


def _case(users, enrollment, placement, *, note: str, goal: str, task: str) -> None:
    person = enrollment.participant
    caseworker = users["caseworker"]
    note_create(actor=caseworker, participant=person, kind="meeting", occurred_on=TODAY, text=note)
    task_create(actor=caseworker, participant=person, title=task, due_on=TODAY, assignee=caseworker)
    planned = goal_create(actor=caseworker, participant=person, category="work", title=goal)
    milestone_add(actor=caseworker, goal=planned, title=goal, due_on=TODAY + timedelta(days=30))
    entry = progress_write(actor=users["supervisor"], placement=placement, text=note, punctuality=4)
    progress_reply(actor=caseworker, entry=entry, text=goal)


def _path(users, enrollment, track, route) -> None:
    path = path_create(
        actor=users["caseworker"],
        enrollment=enrollment,
        track=track,
        route=route,
        contract_starts_on=TODAY - timedelta(days=60),
        contract_ends_on=TODAY + timedelta(days=300),
    )
    module_sign_off(
        actor=users["supervisor"], path=path, module=track.modules.first(), result="passed"
    )


def _exit(users, enrollment, *, reason: str, destination: str) -> None:
    enrollment_change_status(
        actor=users["caseworker"],
        enrollment=enrollment,
        expected_version=enrollment.version,
        status="completed",
        exit_date=TODAY - timedelta(days=5),
        exit_reason=reason,
        destination=destination,
    )


def _grant(users, municipality, programmes, *, funder: str, name: str) -> None:
    grant_save(
        actor=users["lead"],
        municipality=municipality,
        programmes=programmes,
        funder=funder,
        name=name,
        amount=Decimal(500000),
        starts_on=date(TODAY.year, 1, 1),
        ends_on=date(TODAY.year, 12, 31),
        own_contribution_percent=Decimal(20),
        funded_position_share=Decimal("0.5"),
    )


def _track(name: str, country: str, modules: list[str]) -> QualificationTrack:
    track = QualificationTrack.objects.create(name=name, country=country)
    for number, title in enumerate(modules, start=1):
        Module.objects.create(track=track, number=number, name=title)
    return track


def norway() -> Place:
    home = Municipality.objects.create(name="Fjellvik", country=Country.NORWAY)
    programme = f.ProgrammeFactory(municipality=home, name="Flere i arbeid", kind="inn_i_jobb")
    Cohort.objects.create(programme=programme, name="Høst 2026")
    worksite = Worksite.objects.create(municipality=home, name="Fjellvik helsehus", kind="helsehus")
    users = _users(
        home,
        [programme],
        worksite,
        {
            "caseworker": "Kari Nordmann",
            "lead": "Liv Berg",
            "supervisor": "Per Hansen",
            "admin": "Ola Dahl",
        },
    )
    track = _track("Helsearbeiderfaget", Country.NORWAY, ["Hygiene", "Kommunikasjon"])
    common = {"programme": programme, "worksite": worksite, "caseworker": users["caseworker"]}
    enrollment, placement = _person(
        home,
        last="Nilsen",
        first="Ingrid",
        ptype=PlacementType.TRAINEE_CANDIDATE,
        nav_innsatsgruppe="situational",
        **common,
    )
    _case(
        users,
        enrollment,
        placement,
        note="Samtale om arbeidstid.",
        goal="Fast jobb",
        task="Ring arbeidsgiver",
    )
    _path(users, enrollment, track, Route.PRACTICE_CANDIDATE)
    gone, _ = _person(home, first="Jonas", last="Lie", ptype=PlacementType.WAGE_SUBSIDY, **common)
    _exit(users, gone, reason="job", destination="work_full")
    _grant(users, home, [programme], funder="Agder fylkeskommune", name="LIM-tilskudd 2026")
    return Place(
        Country.NORWAY,
        users,
        {"on_path": enrollment.participant, "exited": gone.participant, "programme": programme},
    )


def sweden() -> Place:
    home = Municipality.objects.create(name="Solvik", country=Country.SWEDEN)
    summer = f.ProgrammeFactory(municipality=home, name="Sommarjobb 2026", kind="feriearbete")
    training = f.ProgrammeFactory(municipality=home, name="Steget", kind="arbeidstrening")
    track_programme = f.ProgrammeFactory(municipality=home, name="Vård och omsorg", kind="jobbspar")
    Cohort.objects.create(programme=summer, name="Period 1")
    worksite = Worksite.objects.create(
        municipality=home, name="Solviks äldreboende", kind="omsorgssenter"
    )
    users = _users(
        home,
        [summer, training, track_programme],
        worksite,
        {
            "caseworker": "Maria Lindqvist",
            "lead": "Sara Holm",
            "supervisor": "Johan Berg",
            "admin": "Erik Sjöberg",
        },
    )
    track = _track("Vård- och omsorgsprogrammet", Country.SWEDEN, ["Vård och omsorg 1", "Etik"])
    common = {"worksite": worksite, "caseworker": users["caseworker"]}
    summer_job, summer_placement = _person(
        home,
        programme=summer,
        first="Elsa",
        last="Lund",
        ptype=PlacementType.SUMMER_JOB,
        **common,
    )
    _case(
        users,
        summer_job,
        summer_placement,
        note="Första dagen gick bra.",
        goal="Sommarjobb",
        task="Ring vårdnadshavare",
    )
    in_training, placement = _person(
        home,
        programme=track_programme,
        first="Amina",
        last="Said",
        ptype=PlacementType.JOBBSPAR,
        **common,
    )
    _case(
        users,
        in_training,
        placement,
        note="Samtal om schema.",
        goal="Anställning",
        task="Boka möte",
    )
    _path(users, in_training, track, Route.CARE_TRAINING)
    gone, _ = _person(
        home,
        programme=training,
        first="Leo",
        last="Ek",
        ptype=PlacementType.ARBETSTRANING,
        **common,
    )
    _exit(users, gone, reason="measure", destination="measure")
    _grant(users, home, [training, track_programme], funder="Länsstyrelsen", name="Projektmedel")
    return Place(
        Country.SWEDEN,
        users,
        {
            "on_path": in_training.participant,
            "summer_job": summer_job.participant,
            "exited": gone.participant,
            "programme": track_programme,
        },
    )
