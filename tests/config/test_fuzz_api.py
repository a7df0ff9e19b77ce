"""Schemathesis over every operation of the API's own schema, in-process through the WSGI app:
for a caseworker, a programme lead and an arbeidsleder, data that fits the schema and data that
does not, with the ids of real rows (in and out of the user's scope) mixed in and, for changes,
the row's current ETag some of the time. Zero server errors and zero answers that break the
schema are allowed; and every operation refuses a request with no credentials, a bogus token
or a revoked one with 401.

Bounded: FOTFESTE_FUZZ_EXAMPLES examples per operation, role and mode (tests/support/fuzz.py)."""

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
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
from tests.support.fuzz import MODELS, bounded, furnish, id_pools

pytestmark = pytest.mark.django_db

ROLES = ["caseworker", "programme_lead", "arbeidsleder"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


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


def bearer(user) -> dict:
    _token, secret = api_token_create(
        actor=user, name="Fuzz", expires_on=timezone.localdate() + timedelta(days=5)
    )
    return {"Authorization": f"Bearer {secret}"}


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
