"""Each country's users see their own country's words: every role of a Norwegian and of a
Swedish municipality walks every page it can reach (the URLconf with the pks of real objects,
and every link and htmx fragment found on the way) and finds none of the other country's
terms. Norwegian users read bokmål, Swedish users Swedish: their municipality's language."""

import re
from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Country, Municipality, User
from participants.journal import note_create, task_create
from participants.models import (
    CaseNote,
    Consent,
    Enrollment,
    FollowUp,
    Goal,
    Participant,
    Task,
)
from participants.plan import goal_create, milestone_add
from participants.services import enrollment_change_status
from placements.models import (
    AttendanceRecord,
    Placement,
    PlacementType,
    ProgressEntry,
    QualificationPath,
    Route,
    Worksite,
)
from placements.progress import progress_reply, progress_write
from placements.qualification import module_sign_off, path_create
from programs.models import Cohort, Grant, Module, Programme, QualificationTrack
from programs.services import grant_save
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

# Words only the other country uses. Chosen so that no page of the right country needs them:
# institutions, schemes, ID names, and the letters and small words one language never uses.
NORWEGIAN_ONLY = [
    r"fødsel",
    r"\bD-nummer",
    r"(?-i:\bNAV\b)",
    r"lærling",
    r"lærekandidat",
    r"praksiskandidat",
    r"fagbrev",
    r"fagprøve",
    r"(?-i:\bVg3\b)",
    r"helsearbeider",
    r"lønnstilskudd",
    r"arbeidstrening",
    r"innsatsgruppe",
    r"oppfølging",
    r"sosialhjelp",
    r"(?-i:\bSSB\b)",
    r"(?-i:\bMFY\b)",
    r"veileder",
    r"arbeidsleder",
    r"fylkeskommune",
    r"norska? / svenska?",
    r"\bikke\b",
    r"\bog\b",
    r"[øæ]",
]
SWEDISH_ONLY = [
    r"personnummer",
    r"samordningsnummer",
    r"Arbetsförmedlingen",
    r"arbetsträning",
    r"lönebidrag",
    r"yrkesbevis",
    r"handläggare",
    r"handledare",
    r"feriearbete",
    r"feriepraktik",
    r"Jobbspår",
    r"extratjänst",
    r"nystartsjobb",
    r"(?-i:\bSCB\b)",
    r"bistånd",
    r"undersköterska",
    r"\boch\b",
    r"\binte\b",
    r"norska? / svenska?",
    r"[äö]",
]
FOREIGN = {
    Country.NORWAY: re.compile("|".join(SWEDISH_ONLY), re.I),
    Country.SWEDEN: re.compile("|".join(NORWEGIAN_ONLY), re.I),
}
LANGUAGE = {Country.NORWAY: "nb", Country.SWEDEN: "sv"}
# And the country's own words, which the walk must meet: proof that it reached the pages
# where the other country's would have stood (intake, placement, route, exit, the record).
OWN = {
    Country.NORWAY: ["Fødselsnummer", "NAV", "Lærekandidat", "Praksiskandidat", "Nivå i norsk"],
    Country.SWEDEN: [
        "Personnummer",
        "Arbetsförmedlingen",
        "Jobbspår",
        "Vård- och omsorgsutbildning till undersköterska",
        "Nivå i svenska",
        "Lönebidrag",
    ],
}
# Pages that are not the municipality's own: Django's admin, the API and its schema, the
# sign-in flow's forms (tested in tests/accounts), and what changes the session.
SKIPPED = ("/admin/", "/api/", "/accounts/", "/i18n/", "/health/", "/hello/", "/static/")
MAX_PAGES = 400


@dataclass
class Place:
    country: str
    users: dict[str, User]


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
    return Place(Country.NORWAY, users)


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
    return Place(Country.SWEDEN, users)


# --- walking ------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """The text a reader sees (and hears: titles and labels), and the addresses it links to."""

    SILENT = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._silent = 0
        self._language_form = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in self.SILENT:
            self._silent += 1
        if tag == "form" and "language" in (values.get("class") or "").split():
            self._language_form += 1
        for name in ("href", "hx-get", "action"):
            if values.get(name) and (name != "action" or tag != "form"):
                self.links.append(values[name])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if values.get(name):
                self.text.append(values[name])

    def handle_endtag(self, tag):
        if tag in self.SILENT and self._silent:
            self._silent -= 1
        if tag == "form" and self._language_form:
            self._language_form -= 1

    def handle_data(self, data):
        if not self._silent and not self._language_form:
            self.text.append(data)


# Which objects a route's pk names (the word before it in the route), and how each kind of
# object belongs to a municipality.
_MODELS = {
    "participants/<id:pk>": (Participant, "municipality"),
    "people/<id:pk>": (Participant, "municipality"),
    "enrollments/<id:pk>": (Enrollment, "participant__municipality"),
    "follow-ups/<id:pk>": (FollowUp, "enrollment__participant__municipality"),
    "notes/<id:pk>": (CaseNote, "participant__municipality"),
    "tasks/<id:pk>": (Task, "participant__municipality"),
    "goals/<id:pk>": (Goal, "participant__municipality"),
    "consents/<id:pk>": (Consent, "participant__municipality"),
    "worksites/<id:pk>": (Worksite, "municipality"),
    "placements/<id:pk>": (Placement, "worksite__municipality"),
    "paths/<id:pk>": (QualificationPath, "enrollment__participant__municipality"),
    "progress/<id:pk>": (ProgressEntry, "placement__worksite__municipality"),
    "programmes/<id:pk>": (Programme, "municipality"),
    "grants/<id:pk>": (Grant, "municipality"),
    "cohorts/<id:pk>": (Cohort, "programme__municipality"),
    "users/<id:pk>": (User, "municipality"),
}


def _routes(patterns=None, prefix: str = "", namespace: str | None = None):
    """Every named URL with its whole route, converters as written."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield (
                (f"{namespace}:{entry.name}" if namespace else entry.name),
                prefix + str(entry.pattern),
            )


def _start(municipality) -> list[str]:
    """Every page of the URLconf without arguments, and every page of one object with the pk
    of each of the municipality's objects of that kind."""
    urls = []
    for name, route in _routes():
        if "(?P" in route or route.count("<") > 1:
            continue
        if "<" not in route:
            urls.append(reverse(name))
            continue
        kind = next((k for key, k in _MODELS.items() if key in route), None)
        if kind is None:
            continue
        model, owner = kind
        for pk in model.objects.filter(**{owner: municipality}).values_list("pk", flat=True):
            urls.append(reverse(name, args=[pk]))
    return [u for u in urls if not u.startswith(SKIPPED)]


def walk(place: Place, role: str) -> tuple[dict[str, list[str]], str]:
    """Every page the user reaches: for each page, the other country's words found on it; and
    the text of all of them."""
    user = place.users[role]
    client = Client()
    client.force_login(user)
    queue, seen, found, read = deque(_start(user.municipality)), set(), {}, []
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        if url in seen or not url.startswith("/") or url.startswith(SKIPPED):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert f'<html lang="{LANGUAGE[place.country]}"' in html, url
        page = _Page()
        page.feed(html)
        text = " ".join(" ".join(page.text).split())
        read.append(text)
        words = sorted({m.group(0) for m in FOREIGN[place.country].finditer(text)})
        if words:
            found[url] = words
        for link in page.links:
            parts = urlsplit(link)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(seen) > 10, seen
    return found, " ".join(read)


ROLES = ["caseworker", "lead", "supervisor", "admin"]


@pytest.mark.parametrize("build", [norway, sweden], ids=["norway", "sweden"])
def test_every_page_speaks_only_the_users_country(db, build):
    """Both municipalities exist side by side; each role of the one built here walks."""
    place = build()
    (sweden if build is norway else norway)()
    found, read = {}, {}
    for role in ROLES:
        found[role], read[role] = walk(place, role)
    assert found == {role: {} for role in ROLES}
    # The walk reached the pages that name the country's institutions and schemes.
    assert [word for word in OWN[place.country] if word not in read["caseworker"]] == []
