"""The API's cursor: every list, in every ordering, pages through each row exactly once, forward
and back, whatever ties the ordering has; a deep page costs what the first does (no OFFSET, the
same queries, on PostgreSQL the same index); a cursor the list did not make is a 404. CI runs
this file on SQLite and on PostgreSQL."""

import base64
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.rest import keyset_fields
from config.viewsets import ServiceViewSet
from participants.models import CaseNote, Goal, Milestone, Participant, Task
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
)
from programs.models import Grant, Module, QualificationTrack
from reporting.models import ReportRun
from tests.factories import (
    ConsentFactory,
    EnrollmentFactory,
    MembershipFactory,
    ParticipantFactory,
    PlacementFactory,
    ProgrammeFactory,
    WorksiteFactory,
)
from tests.support.api import Api, is_error
from web.api import router

pytestmark = pytest.mark.django_db

SAME_DAY = date.today() - timedelta(days=3)
LISTS = [
    (f"/api/{prefix}/", list(viewset.orderings))
    for prefix, viewset, _ in router.registry
    if issubclass(viewset, ServiceViewSet) and "list" in dir(viewset)
]


@pytest.fixture
def ties(world):
    """Rows that share what the lists order by: people of one name, placements, notes, tasks,
    milestones, attendance and progress of one day, grants of one start, runs of one moment."""
    people = [world.participant]
    for _ in range(6):
        person = ParticipantFactory(
            municipality=world.municipality, first_name="Amalie", last_name="Testesen"
        )
        enrollment = EnrollmentFactory(
            participant=person, programme=world.programme, caseworker=world.caseworker
        )
        PlacementFactory(enrollment=enrollment, worksite=world.worksite, starts_on=SAME_DAY)
        ConsentFactory(participant=person, recorded_by=world.caseworker)
        people.append(person)
    for n, person in enumerate(people):
        _case(world, person, n)
    for n in range(3):
        WorksiteFactory(municipality=world.municipality, name=f"Verksted {n}")
        grant = Grant.objects.create(
            municipality=world.municipality,
            funder="Fylkeskommunen",
            name=f"LIM {n}",
            amount=Decimal("1000"),
            starts_on=SAME_DAY,
            ends_on=SAME_DAY + timedelta(days=300),
        )
        grant.programmes.add(world.programme)
    for programme in (world.other_programme, ProgrammeFactory(municipality=world.municipality)):
        MembershipFactory(user=world.programme_lead, programme=programme, role="programme_lead")
    moment = timezone.now()
    for _ in range(3):
        ReportRun.objects.create(
            kind="ks",
            programme=world.programme,
            period_start=SAME_DAY,
            period_end=SAME_DAY,
            requested_by=world.programme_lead,
            created_at=moment,
        )
    return people


def _case(world, person, n: int) -> None:
    enrollment = person.enrollments.get()
    caseworker, placement = world.caseworker, enrollment.placements.get()
    CaseNote.objects.create(
        participant=person, author=caseworker, kind="meeting", occurred_on=SAME_DAY, text="Møte"
    )
    Task.objects.create(participant=person, title="Ring", due_on=SAME_DAY, assignee=caseworker)
    goal = Goal.objects.create(participant=person, category="work", title="Jobb")
    Milestone.objects.create(goal=goal, title="CV", due_on=SAME_DAY)
    for day in (SAME_DAY, SAME_DAY - timedelta(days=1)):
        AttendanceRecord.objects.create(
            placement=placement, date=day, status="present", recorded_by=world.arbeidsleder
        )
    entry = ProgressEntry.objects.create(
        placement=placement, author=world.arbeidsleder, written_on=SAME_DAY, text=f"Bra {n}"
    )
    ProgressReply.objects.create(entry=entry, author=caseworker, text="Takk")
    track, _ = QualificationTrack.objects.get_or_create(name="Helsearbeiderfaget")
    module, _ = Module.objects.get_or_create(track=track, number=1, defaults={"name": "Modul 1"})
    path = QualificationPath.objects.create(enrollment=enrollment, track=track, route="mfy")
    ModuleProgress.objects.create(path=path, module=module, started_on=SAME_DAY)


def _who_sees_most(world, client_for, url: str, ordering: str) -> tuple[Api, list[int]]:
    """Of the caseworker, the lead and the arbeidsleder, the one who sees most of the list,
    and the ids of the whole list in one page."""
    found = []
    for user in (world.caseworker, world.programme_lead, world.arbeidsleder):
        client = Api(client_for(user))
        whole = client.get(url, ordering=ordering, page_size=200).json()["results"]
        found.append((len(whole), client, [row["id"] for row in whole]))
    _, client, expected = max(found, key=lambda seen: seen[0])
    return client, expected


def _walk(client: Api, url: str, ordering: str, size: int) -> tuple[list, list]:
    """The ids of every page forward from the first, and back again from the last."""
    response = client.get(url, ordering=ordering, page_size=size)
    forward, pages = [], []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        forward += pages[-1]
        if body["next"] is None:
            break
        response = client.client.get(body["next"])
    backward = list(pages[-1])
    while body["previous"] is not None:
        body = client.client.get(body["previous"]).json()
        backward = [row["id"] for row in body["results"]] + backward
    return forward, backward


@pytest.mark.parametrize("url, orderings", LISTS)
def test_every_list_pages_through_each_row_once_in_every_ordering(
    world, ties, client_for, url, orderings
):
    for ordering in orderings:
        client, expected = _who_sees_most(world, client_for, url, ordering)
        assert len(expected) > 2, f"nobody sees three rows of {url}: it would prove nothing"

        # Pages of two: seven people of one name straddle three page breaks.
        forward, backward = _walk(client, url, ordering, 2)
        assert forward == expected, (ordering, forward, expected)
        assert backward == expected, (ordering, backward, expected)


def test_people_of_one_name_straddling_pages_are_each_shown_once(world, ties, client_for):
    client = Api(client_for(world.caseworker))

    forward, _ = _walk(client, "/api/participants/", "name", 2)

    assert sorted(forward) == sorted(person.pk for person in ties)


def _page_queries(client: Api, url: str) -> list[str]:
    client.client.get(url)  # warm: sessions, the user's roles
    with CaptureQueriesContext(connection) as captured:
        assert client.client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("ordering", ["id", "name", "-name", "newest"])
def test_a_deep_page_costs_what_the_first_does_and_has_no_offset(world, ties, client_for, ordering):
    client = Api(client_for(world.caseworker))
    first = f"/api/participants/?ordering={ordering}&page_size=2"
    deep = client.client.get(client.client.get(first).json()["next"]).json()["next"]

    on_first, on_deep = _page_queries(client, first), _page_queries(client, deep)

    assert len(on_deep) == len(on_first)
    assert not any("OFFSET" in sql.upper() for sql in on_first + on_deep)


def _cursor(**body) -> str:
    raw = json.dumps(body).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _cursor(o="pk", r=0, p=[1]),  # another ordering's
        _cursor(o="last_name,first_name,pk", r=0, p=["A", "B"]),  # too short
        _cursor(o="last_name,first_name,pk", r=2, p=["A", "B", 1]),
        _cursor(o="last_name,first_name,pk", r=0, p=["A", "B", 10**30]),  # beyond bigint
        _cursor(o="last_name,first_name,pk", r=0, p=["A", "B", "1"]),
        _cursor(o="last_name,first_name,pk", r=0, p=["A\x00", "B", 1]),
        _cursor(o="last_name,first_name,pk", r=0, p=["A" * 101, "B", 1]),
        _cursor(o="last_name,first_name,pk", r=0, p=[None, "B", 1]),
        _cursor(o="last_name,first_name,pk", r=0, p={"a": 1}),
        _cursor(o="last_name,first_name,pk"),
        _cursor(),
    ],
)
def test_a_cursor_the_list_did_not_make_is_a_404(world, client_for, cursor):
    client = Api(client_for(world.caseworker))

    is_error(client.get("/api/participants/", ordering="name", cursor=cursor), 404)


@pytest.mark.parametrize(
    "position",
    [["2026-13-01T00:00:00+00:00", 1], ["2026-01-01T00:00:00", 1], [20260101, 1], ["x", 1]],
)
def test_a_time_in_a_cursor_must_be_a_time_with_its_zone(world, client_for, position):
    client = Api(client_for(world.caseworker))
    cursor = _cursor(o="-created_at,-pk", r=0, p=position)

    is_error(client.get("/api/participants/", ordering="newest", cursor=cursor), 404)


def test_a_date_in_a_cursor_must_be_a_date(world, client_for):
    client = Api(client_for(world.caseworker))
    cursor = _cursor(o="occurred_on,pk", r=0, p=["0000-01-01", 1])

    is_error(client.get("/api/notes/", ordering="occurred_on", cursor=cursor), 404)


# --- on PostgreSQL: the seek is an index's ------------------------------------------------------


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        # Tables of a few rows are read whole whatever the indexes: forbid that, and sorting,
        # so the plan shows whether an index can deliver the page in order from its position.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


SCAN = re.compile(r"^\s*->  Index Scan (?:Backward )?using (\w+) on participants_participant")
FIRST_KEY = {"id": "id", "name": "last_name", "-name": "last_name", "newest": "created_at"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize("ordering", list(FIRST_KEY))
def test_on_postgresql_the_first_and_a_deep_page_seek_in_the_same_index(
    world, ties, client_for, ordering
):
    client = Api(client_for(world.caseworker))
    first = f"/api/participants/?ordering={ordering}&page_size=2"
    deep = client.client.get(client.client.get(first).json()["next"]).json()["next"]

    plans = []
    for url in (first, deep):
        listing = next(sql for sql in _page_queries(client, url) if "LIMIT 3" in sql)
        plans.append(_plan(listing).splitlines())

    for plan in plans:
        assert plan[0].startswith("Limit") and not any("Sort" in line for line in plan), plan
    # The participants' index scan drives the page in order: directly under the limit, or as the
    # outer side of a join that keeps its order (a semi join with the user's enrollments).
    scans = [_participant_scan(plan) for plan in plans]
    assert all(scans) and scans[0][1] == scans[1][1], plans
    assert scans[0][1].startswith("participant_municip_")
    # The deep page starts at its position in the index, not at the municipality's first row.
    condition = plans[1][scans[1][0] + 1]
    assert FIRST_KEY[ordering] in condition and "Index Cond" in condition, plans[1]


def _participant_scan(plan: list[str]) -> tuple[int, str] | None:
    for number, line in enumerate(plan):
        if match := SCAN.match(line):
            return number, match[1]
        if " on participants_participant" in line:
            return None  # read another way first: no seek
    return None


def test_an_ordering_without_the_key_at_the_end_or_on_a_column_that_may_be_empty_is_refused():
    with pytest.raises(ImproperlyConfigured, match="primary key"):
        keyset_fields(Participant, ("last_name",))
    with pytest.raises(ImproperlyConfigured, match="birth_date"):
        keyset_fields(Participant, ("birth_date", "pk"))
