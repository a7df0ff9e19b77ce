"""Schemathesis over every operation of the API's own schema, in-process through the WSGI app:
for a caseworker, a programme lead and an arbeidsleder, data that fits the schema and data that
does not, with the ids of real rows (in and out of the user's scope) mixed in and, for changes,
the row's current ETag some of the time. Zero server errors and zero answers that break the
schema are allowed; and every operation refuses a request with no credentials, a bogus token
or a revoked one with 401.

Bounded: FOTFESTE_FUZZ_EXAMPLES examples per operation, role and mode (12 by default), from a
fixed seed so that CI is repeatable; set FOTFESTE_FUZZ_SEED to explore other inputs."""

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WerkzeugClient

from accounts.tokens import api_token_create, api_token_revoke
from participants.journal import note_create, task_create
from participants.models import CaseNote, Enrollment, Goal, Milestone, Participant, Task
from participants.plan import goal_create, milestone_add
from placements.attendance import attendance_record
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
    Worksite,
)
from placements.progress import progress_reply, progress_write
from placements.qualification import module_sign_off, path_create
from programs.models import Cohort, Grant, Module, Programme, QualificationTrack
from programs.services import grant_save
from reporting.models import ReportRun
from tests.factories import CohortFactory, MembershipFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FOTFESTE_FUZZ_EXAMPLES", "12"))
SEED = os.environ.get("FOTFESTE_FUZZ_SEED")
ROLES = ["caseworker", "programme_lead", "arbeidsleder"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Which rows an id in a path or a body may name, by the resource's path or the field's name.
MODELS = {
    "participants": Participant,
    "participant": Participant,
    "enrollments": Enrollment,
    "enrollment": Enrollment,
    "notes": CaseNote,
    "goals": Goal,
    "goal": Goal,
    "milestones": Milestone,
    "tasks": Task,
    "worksites": Worksite,
    "worksite": Worksite,
    "placements": Placement,
    "placement": Placement,
    "attendance": AttendanceRecord,
    "progress": ProgressEntry,
    "entry": ProgressEntry,
    "progress-replies": ProgressReply,
    "qualification-paths": QualificationPath,
    "path": QualificationPath,
    "module-progress": ModuleProgress,
    "module": Module,
    "track": QualificationTrack,
    "programmes": Programme,
    "programme": Programme,
    "cohort": Cohort,
    "grants": Grant,
    "grant": Grant,
    "report-runs": ReportRun,
}


@dataclass
class Finding:
    role: str
    operation: str
    problem: str
    request: str

    def __str__(self) -> str:
        return f"[{self.role}] {self.operation}: {self.problem}\n    {self.request}"


@dataclass
class Run:
    role: str
    auth: dict
    pools: dict[str, list[int]]
    findings: list[Finding] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)


# --- the world the fuzzer works in -------------------------------------------------------------


def furnish(world) -> None:
    """A row of every kind the API serves, seen by the world's users."""
    today = timezone.localdate()
    lead, caseworker, supervisor = world.programme_lead, world.caseworker, world.arbeidsleder
    CohortFactory(programme=world.programme, name="Høst")
    MembershipFactory(user=lead, programme=world.other_programme, role="caseworker")
    note_create(
        actor=caseworker,
        participant=world.participant,
        kind="meeting",
        occurred_on=today,
        text="Talked.",
    )
    goal = goal_create(
        actor=caseworker, participant=world.participant, category="fagbrev", title="Fagbrev"
    )
    milestone_add(actor=caseworker, goal=goal, title="Vg2")
    task_create(
        actor=caseworker, participant=world.participant, title="Call", due_on=today, assignee=lead
    )
    placement = world.placement
    attendance_record(
        actor=supervisor, placement=placement, day=today - timedelta(days=1), status="present"
    )
    entry = progress_write(actor=supervisor, placement=placement, text="Good week.")
    progress_reply(actor=caseworker, entry=entry, text="Thanks.")
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    modules = [Module.objects.create(track=track, number=n, name=f"Modul {n}") for n in (1, 2)]
    path = path_create(
        actor=caseworker,
        enrollment=world.enrollment,
        track=track,
        route="mfy",
        contract_ends_on=today + timedelta(days=300),
    )
    module_sign_off(actor=supervisor, path=path, module=modules[0], result="passed")
    grant = grant_save(
        actor=lead,
        municipality=world.municipality,
        programmes=[world.programme],
        funder="Agder fylkeskommune",
        name="LIM 2025",
        amount=Decimal("500000"),
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=265),
    )
    ReportRun.objects.create(
        kind="lim",
        grant=grant,
        period_start=today - timedelta(days=100),
        period_end=today,
        requested_by=lead,
        status="ready",
        pdf_file="reports/run-1.pdf",
        expires_at=timezone.now() + timedelta(days=30),
    )
    ReportRun.objects.create(
        kind="ks", programme=world.programme, period_start=today, period_end=today
    )


def bearer(user) -> dict:
    _token, secret = api_token_create(
        actor=user, name="Fuzz", expires_on=timezone.localdate() + timedelta(days=5)
    )
    return {"Authorization": f"Bearer {secret}"}


def id_pools() -> dict[str, list[int]]:
    pools = MODELS.items()
    return {name: list(model.objects.values_list("pk", flat=True)) for name, model in pools}


@pytest.fixture
def app():
    """The project's WSGI app, on the test's database connection: the request signals would
    otherwise close that connection (and its transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)


def operations(api_schema) -> list:
    found = [result.ok() for result in api_schema.get_all_operations()]
    assert len(found) > 40, "the schema lost its operations"
    return found


# --- one case ----------------------------------------------------------------------------------


def describe(case) -> str:
    body = json.dumps(case.body, default=str)[:300] if isinstance(case.body, dict | list) else ""
    return f"{case.method} {case.formatted_path} query={case.query} body={body}"


def _resource(case) -> str:
    return case.operation.path.split("/")[2]


def with_real_ids(case, run: Run, data) -> None:
    """Point the case at real rows some of the time: ids in the path and in the body."""
    pool = run.pools.get(_resource(case))
    if pool and "id" in (case.path_parameters or {}) and data.draw(st.booleans()):
        case.path_parameters["id"] = data.draw(st.sampled_from(pool))
    if isinstance(case.body, dict):
        for name in list(case.body):
            choices = run.pools.get(name)
            if choices and data.draw(st.booleans()):
                case.body[name] = data.draw(st.sampled_from(choices))


def with_current_etag(case, run: Run, app_client: WerkzeugClient, data) -> None:
    """For a change of a real row, the row's current ETag half of the time (so that the
    services behind it are reached, not only the 412)."""
    if case.method not in {"PUT", "PATCH"} or not data.draw(st.booleans()):
        return
    response = app_client.get(case.formatted_path, headers=run.auth)
    if response.status_code == 200:
        case.headers = {**(case.headers or {}), "If-Match": response.headers["ETag"]}


def judge(case, response, run: Run, checks=CHECKS) -> None:
    try:
        case.validate_response(response, checks=checks)
    except FailureGroup as group:
        for failure in group.exceptions:
            run.findings.append(
                Finding(
                    run.role,
                    case.operation.label,
                    f"{failure.title} ({response.status_code}): {failure.message[:500]}",
                    describe(case),
                )
            )
    except AssertionError as exc:
        run.findings.append(Finding(run.role, case.operation.label, str(exc), describe(case)))


def bounded(test):
    test = settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(test)
    return seed(int(SEED))(test) if SEED else test


def fuzz_operation(operation, mode, run: Run, app_client: WerkzeugClient) -> None:
    @bounded
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def explore(case, data):
        with_real_ids(case, run, data)
        with_current_etag(case, run, app_client, data)
        try:
            response = case.call(headers=run.auth)
        except Exception as exc:  # the app raised instead of answering
            run.findings.append(
                Finding(run.role, operation.label, f"{type(exc).__name__}: {exc}", describe(case))
            )
            return
        run.statuses[response.status_code] += 1
        judge(case, response, run)

    explore()


def report(findings: list[Finding]) -> str:
    unique = {(f.role, f.operation, f.problem): f for f in findings}
    return "\n".join(str(f) for f in list(unique.values())[:40])


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_with_a_server_error_or_outside_the_schema(
    world, app, api_schema, role
):
    furnish(world)
    user = getattr(world, role)
    run = Run(role, bearer(user), id_pools())
    # Not Django's test client: it would reconnect the signal that closes the connection.
    app_client = WerkzeugClient(app)
    started = time.monotonic()
    for operation in operations(api_schema):
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            fuzz_operation(operation, mode, run, app_client)
    elapsed = time.monotonic() - started
    calls = sum(run.statuses.values())
    print(f"\n{role}: {calls} requests in {elapsed:.0f}s, {dict(sorted(run.statuses.items()))}")
    assert not run.findings, report(run.findings)


def test_no_operation_accepts_missing_or_wrong_credentials(world, app, api_schema):
    furnish(world)
    revoked_user = world.caseworker
    token, secret = api_token_create(
        actor=revoked_user, name="Old", expires_on=timezone.localdate() + timedelta(days=5)
    )
    api_token_revoke(actor=revoked_user, token=token)
    wrong = [
        {},
        {"Authorization": "Bearer ff_not-a-token"},
        {"Authorization": "Token nonsense"},
        {"Authorization": f"Bearer {secret}"},
        {"Cookie": "sessionid=forged"},
    ]
    run = Run("nobody", {}, id_pools())
    accepted: list[str] = []
    for operation in operations(api_schema):
        knock_with(wrong, operation, run, accepted)
    assert not accepted, "\n".join(accepted[:40])
    assert not run.findings, report(run.findings)


def knock_with(wrong: list[dict], operation, run: Run, accepted: list[str]) -> None:
    """A few valid requests to the operation, each sent with every kind of wrong credentials:
    all must be refused with 401, in the documented error format."""

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), data=st.data())
    def knock(case, data):
        with_real_ids(case, run, data)
        for headers in wrong:
            response = case.call(headers=headers)
            if response.status_code != 401:
                accepted.append(f"{operation.label} {headers}: {response.status_code}")
            judge(case, response, run)

    knock()


# --- what the fuzzer found, kept as plain regressions --------------------------------------------


@pytest.mark.parametrize("resource", ["enrollments", "milestones", "tasks", "placements"], ids=str)
def test_an_action_patch_without_its_fields_is_a_400_and_not_a_server_error(
    world, client_for, resource
):
    """A status change, "done" or ending a placement needs its fields even in a PATCH (it
    once reached the service without them and failed with a 500)."""
    furnish(world)
    pk = MODELS[resource].objects.order_by("pk").values_list("pk", flat=True).first()
    client = client_for(world.caseworker)
    url = f"/api/{resource}/{pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, "{}", content_type="application/json", headers={"If-Match": etag})
    assert response.status_code == 400, response.content
    assert response.json()["fields"]


def test_an_address_under_the_api_that_nothing_serves_is_a_404_in_the_error_format(client):
    response = client.get("/api/tasks/1/2/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code", "fields"}
    assert "<html" in client.get("/no-such-page/").content.decode().lower()
