"""Hypothesis over every HTML page and form the URLconfs serve (walked from the resolver, so a
new form is fuzzed the day it is added): hostile values in every field and query parameter,
bodies that are not UTF-8 or are JSON nested a thousand deep, ids of other municipalities'
rows in the path and in every id field; as the people who may use each page and as those who
may not (another programme's caseworker, another worksite's arbeidsleder, another
municipality's caseworker).

Zero server errors are allowed, for anyone; and somebody who may not must change nothing of
the other programme's rows (tests/support/snapshot.py), whatever they send.

A view that takes POST without a ``form_class`` is described in FIELDS below; a test fails
when one is missing, so that no form goes unfuzzed. Bounded like the API's fuzzer
(tests/support/fuzz.py): FOTFESTE_FUZZ_EXAMPLES // 4 examples per page and user (3 by
default), with the hostile extremes of every field sent once more to each page in one go."""

import time
from dataclasses import dataclass, field
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.forms import InvitationPasswordForm
from config.bodies import MAX_JSON_DEPTH, json_depth
from imports.forms import ConfirmForm
from participants.forms import BulkForm, CaseloadFilterForm, MilestoneForm
from participants.models import CaseNote, Participant
from placements.forms import CapacityForm, EnrollmentStatusForm, ReplyForm
from placements.models import QualificationPath
from programs.forms import CostForm, MemberForm
from programs.models import QualificationTrack
from reporting.forms import NarrativeForm, SubmitForm
from tests.support import hostile
from tests.support.fuzz import EXAMPLES, bounded, furnish
from tests.support.hostile import DATE, FLAG, NUMBER, TEXT, Field
from tests.support.routes import PROJECT_APPS, Route, project_pages
from tests.support.snapshot import others_rows, what_changed

pytestmark = pytest.mark.django_db

PAGE_EXAMPLES = max(2, EXAMPLES // 4)
INSIDERS = ["caseworker", "programme_lead", "arbeidsleder", "admin"]
OUTSIDERS = ["other_caseworker", "other_arbeidsleder", "foreign_caseworker"]

# What a POST view without a form_class reads: a form it binds itself, or fields by kind.
FIELDS: dict[str, type[forms.Form] | dict[str, Field]] = {
    "participants:caseload": CaseloadFilterForm,
    "participants:bulk": BulkForm,
    "participants:note-draft": {"kind": TEXT, "text": TEXT, "occurred_on": DATE},
    "participants:task-done": {"done": FLAG, "next": TEXT},
    "privacy:subject-access": {},
    "applicant-privacy:applicant": {},
    "participants:milestone-add": MilestoneForm,
    "participants:milestone-done": {"done": FLAG},
    "participants:national-id": {},
    "placements:capacity-set": CapacityForm,
    "placements:module-sign-off": {"module": NUMBER, "result": TEXT},
    "placements:module-sign-off-undo": {},
    "placements:progress-reply": ReplyForm,
    "placements:attendance-record": {"status": TEXT, "hours": NUMBER, "date": DATE},
    "placements:enrollment-status": EnrollmentStatusForm,
    "placements:attendance-all-present": {"date": DATE},
    "programs:member-add": MemberForm,
    "programs:member-remove": {},
    "programs:budget-line-delete": {},
    "programs:cost-add": CostForm,
    "programs:cost-delete": {},
    "programs:payment-delete": {},
    "programs:target-delete": {},
    "reporting:narrative": NarrativeForm,
    "reporting:submit": SubmitForm,
    "reporting:correct": {},
    "imports:confirm": ConfirmForm,
    "accounts:user-action": {"membership": NUMBER, "supervision": NUMBER, "admin": FLAG},
    "accounts:invitation": InvitationPasswordForm,
    "accounts:invitation-provider": {},
    "tokens:revoke": {},
    # The form is prefixed by the application's id; unprefixed, it must still be refused cleanly.
    "summerjobs:tier": {"tier": TEXT, "version": NUMBER},
    "summerjobs:offers_send": {},
    "summerjobs:workplace_link": {},
    "summerjobs:period-remove": {},
    "summerjobs:pay-rate-remove": {},
    "summerjobs:area-remove": {},
    "summerjobs:tier-remove": {},
    "summerjobs:place-remove": {},
    "set_language": {"language": TEXT, "next": TEXT},
}
# Fields every form may be sent on top of its own: the confirmations and markers views read.
EXTRA_FIELDS = {"confirm": FLAG, "edit": FLAG, "clear": FLAG, "version": NUMBER}
# The query parameters pages read, sent to every page.
QUERY: dict[str, Field] = {
    "date": DATE,
    "page": NUMBER,
    "sort": TEXT,
    "attention": TEXT,
    "module": NUMBER,
    "result": TEXT,
    "costs": NUMBER,
    "programme": NUMBER,
    "cohort": NUMBER,
    "period_start": DATE,
    "period_end": DATE,
}
# Path parameters other than a row's id, by name.
PATH_VALUES = {
    "fmt": ["pdf", "xlsx", "json", "csv", "zip", "x" * 300],
    "action": ["remove-role", "deactivate", "activate", "reinvite", "delete"],
    "token": ["x", "a" * 300, "0"],
    "kind": ["participants", "costs", "enrollments", "nothing"],
    "day": ["2027-06-15", "2027-02-30", "0001-01-01", "9999-12-31", "x" * 300],
    "workplace": ["1", "0", str(10**18 - 1)],
    "slug": ["lyngdal", "no-such-provider", "x" * 300],
}


def id_pools() -> dict:
    """Ids of every row in the project's tables, by model, and all of them together."""
    models = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    pools = {model: list(model.objects.values_list("pk", flat=True)) for model in models}
    pools["any"] = sorted({pk for pks in pools.values() for pk in pks if isinstance(pk, int)})
    return pools


def form_fields(route: Route, pools: dict) -> dict[str, Field]:
    described = FIELDS.get(route.name, route.form_class or {})
    if not isinstance(described, dict):
        described = {name: hostile.field_of(f, pools) for name, f in described.base_fields.items()}
    return {**EXTRA_FIELDS, **described}


def path_value(name: str, pools: dict) -> st.SearchStrategy:
    if name in PATH_VALUES:
        return st.sampled_from(PATH_VALUES[name])
    return st.one_of(st.sampled_from(pools["any"]), st.sampled_from(["0", str(10**18 - 1)]))


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    data: dict | None = None
    body: hostile.Body | None = None
    htmx: bool = False

    def __str__(self) -> str:
        data = {k: str(v)[:60] for k, v in (self.data or {}).items()}
        return f"{self.method} {self.url} htmx={self.htmx} {self.body or data}"[:600]


@st.composite
def requests_to(draw, route: Route, pools: dict) -> Request:
    url = reverse(route.name, kwargs={name: draw(path_value(name, pools)) for name in route.params})
    htmx = draw(st.booleans())
    if not route.accepts_post or draw(st.integers(0, 3)) == 0:
        return Request("GET", url, draw(hostile.form_data(QUERY)), htmx=htmx)
    if draw(st.integers(0, 5)) == 0:
        return Request("POST", url, body=draw(hostile.raw_bodies()), htmx=htmx)
    return Request("POST", url, draw(hostile.form_data(form_fields(route, pools))), htmx=htmx)


def _with_extremes(url: str, method: str, fields: dict[str, Field], kinds: tuple) -> list:
    """The form filled in plainly but for one kind of field, at each of its extremes."""
    found = []
    for kind in kinds:
        if not any(f.kind == kind for f in fields.values()):
            continue
        for n in range(len(hostile.EXTREMES[kind])):
            data = {k: f.extreme(n) if f.kind == kind else f.plain() for k, f in fields.items()}
            found.append(Request(method, url, data))
    return found


def extremes(route: Route, pools: dict, *, outsider: bool) -> list[Request]:
    """The same requests to every page whatever Hypothesis draws: the form filled in plainly
    but for its dates, or its numbers, or its text, at their extremes; the query string
    likewise; and bodies no form can send. An outsider, who is shown no page, is sent only
    the forms' dates and numbers."""
    params = route.params
    kwargs = {n: PATH_VALUES[n][0] if n in PATH_VALUES else pools["any"][0] for n in params}
    url = reverse(route.name, kwargs=kwargs)
    found = []
    if route.accepts_get and not outsider:
        found += _with_extremes(url, "GET", {"date": DATE}, ("date",))
    if route.accepts_post:
        kinds = ("date", "number") if outsider else ("date", "number", "text")
        found += _with_extremes(url, "POST", form_fields(route, pools), kinds)
        found += [Request("POST", url, body=body) for body in hostile.RAW_BODIES[:2]]
    return found


def send(client: Client, request: Request) -> HttpResponse:
    headers = {"HX-Request": "true"} if request.htmx else {}
    if request.method == "GET":
        return client.get(request.url, request.data, headers=headers)
    if request.body is not None:
        body = request.body
        return client.post(
            request.url, body.content, content_type=body.content_type, headers=headers
        )
    return client.post(request.url, request.data, headers=headers)


@dataclass
class Run:
    world: object
    user: object
    client: Client
    outsider: bool
    pools: dict
    findings: list[str] = field(default_factory=list)
    requests: int = 0


def attempt(run: Run, route: Route, request: Request) -> None:
    """One request, which must not answer with a server error."""
    run.requests += 1
    try:
        # A savepoint: a database error inside the request must not poison the next one.
        with transaction.atomic():
            response = send(run.client, request)
    except Exception as exc:  # the view raised instead of answering
        run.findings.append(f"[{route}] {type(exc).__name__}: {str(exc)[:300]}\n    {request}")
        return
    if response.status_code >= 500:
        run.findings.append(f"[{route}] {response.status_code}\n    {request}")


def fuzz(route: Route, run: Run) -> None:
    """The fixed sweep and Hypothesis's draws to one page; an outsider's requests to it must
    leave the others' rows as they were (compared once per page: a snapshot is forty queries)."""
    before = others_rows(run.world, run.user) if run.outsider else None
    for request in extremes(route, run.pools, outsider=run.outsider):
        attempt(run, route, request)

    @given(request=requests_to(route, run.pools))
    def explore(request: Request) -> None:
        attempt(run, route, request)

    bounded(explore, examples=PAGE_EXAMPLES)()
    if before is not None and (changed := what_changed(before, others_rows(run.world, run.user))):
        run.findings.append(f"[{route}] an outsider changed {changed}")


def report(findings: list[str]) -> str:
    unique = {line.split("\n")[0]: line for line in findings}
    return f"{len(findings)} findings, {len(unique)} kinds:\n" + "\n".join(
        list(unique.values())[:40]
    )


# --- the tests ---------------------------------------------------------------------------------


def test_every_page_is_found_and_every_form_without_a_form_class_is_described():
    pages = {route.name: route for route in project_pages()}
    assert len(pages) > 80, "the resolver walk lost its pages"
    undescribed = [
        name
        for name, route in pages.items()
        if route.accepts_post and route.view_class and not route.form_class and name not in FIELDS
    ]
    assert not undescribed, (
        f"POST views the fuzzer cannot fill in: add them to FIELDS: {undescribed}"
    )
    assert not set(FIELDS) - set(pages), "FIELDS names pages that no longer exist"
    params = {p for route in pages.values() for p in route.params} - {"pk"}
    assert params <= set(PATH_VALUES), (
        f"path parameters without values: {params - set(PATH_VALUES)}"
    )


@pytest.mark.parametrize("role", INSIDERS + OUTSIDERS)
def test_no_page_answers_with_a_server_error_nor_lets_an_outsider_change_anything(
    world, client_for, role
):
    furnish(world)
    user = getattr(world, role)
    run = Run(world, user, client_for(user), role in OUTSIDERS, id_pools())
    started = time.monotonic()
    for route in project_pages():
        fuzz(route, run)
    print(f"\n{role}: {run.requests} requests in {time.monotonic() - started:.0f}s")
    assert not run.findings, report(run.findings)


# --- what the fuzzer found, kept as plain regressions --------------------------------------------


@pytest.mark.parametrize("name", ["attendance", "attendance-week", "capacity"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30"])
def test_a_day_no_record_can_hold_shows_this_week_instead_of_a_server_error(
    world, client_for, name, day
):
    """The pages stepped a day or a week back from year 1 (or on from 9999) and overflowed."""
    response = client_for(world.arbeidsleder).get(reverse(f"placements:{name}"), {"date": day})
    assert response.status_code == 200
    shown = response.context.get("day") or response.context["monday"]
    assert shown.year == date.today().year


def test_a_contract_ending_in_year_one_is_refused_on_the_form(world, client_for):
    """Three months before year 1's contract end was a ValueError in the service."""
    url = reverse("placements:path-create", args=[world.participant.pk])
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    data = {"enrollment": world.enrollment.pk, "track": track.pk, "route": "mfy"}
    response = client_for(world.caseworker).post(url, {**data, "contract_ends_on": "0001-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["contract_ends_on"] == [
        "Enter a date between 1900 and 2100."
    ]
    assert not QualificationPath.objects.exists()


@pytest.mark.parametrize("url", ["/api/participants/", "/participants/new/"])
def test_a_json_body_nested_a_thousand_deep_is_a_400_in_the_error_format(world, client_for, url):
    client = client_for(world.caseworker)
    response = client.post(url, hostile.deep_json(1000), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is nested too deeply.",
        "code": "too_deep",
        "fields": {},
    }


def test_json_depth_counts_brackets_but_not_those_inside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{"}], "c": "\\"]"}') == 3
    assert json_depth(hostile.deep_json(MAX_JSON_DEPTH)) == MAX_JSON_DEPTH


def test_the_language_menu_with_a_next_that_is_not_a_path_redirects_without_an_error(
    world, client_for
):
    """An unknown language sent the user back to ``next``, which redirect() took for the name
    of a view when it was not a path."""
    response = client_for(world.caseworker).post(
        reverse("set_language"), {"language": "xx", "next": "Infinity"}
    )
    assert response.status_code == 302


def test_the_snapshot_sees_a_change_to_the_others_rows_and_not_the_outsiders_own(world):
    """What makes the outsiders' check able to fail: a changed row, a new row pointing at the
    others' person, and (not counted) the outsider's own sign-in."""
    outsider = world.other_caseworker
    before = others_rows(world, outsider)
    outsider.last_login = timezone.now()
    outsider.save()
    assert what_changed(before, others_rows(world, outsider)) == []
    Participant.objects.filter(pk=world.participant.pk).update(first_name="Changed")
    CaseNote.objects.create(
        participant=world.participant, author=outsider, kind="meeting", occurred_on=date.today()
    )
    assert what_changed(before, others_rows(world, outsider)) == [
        "Participant: 1 rows -> 1",
        "CaseNote: 0 rows -> 1",
    ]
