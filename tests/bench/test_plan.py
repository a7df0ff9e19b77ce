"""What the benchmark measures, read from its plan without a server: the pages and their bars,
the order of the repeats, and the mixed workload's users, pages, writes and rates."""

import json
from collections import Counter

import pytest

from bench import mixed
from bench.plan import (
    MIXED_ARBEIDSLEDERE,
    MIXED_CASEWORKERS,
    MIXED_LEADS,
    MIXED_READERS,
    SIGN_IN_POOL,
    pages,
    schedule,
)
from bench.plan import (
    mixed as mixed_plan,
)
from bench.signin import PERIOD

FACTS = {
    "attendance_day": "2026-12-04",
    "caseload_ids": [11, 12, 13],
    "mixed": {
        "cases": {
            user: [100 * n + k for k in range(3)] for n, user in enumerate(MIXED_CASEWORKERS)
        },
        "days": {user: f"2026-12-0{4 - n % 2}" for n, user in enumerate(MIXED_ARBEIDSLEDERE)},
        "placements": {
            user: [1000 * (n + 1) + k for k in range(4)]
            for n, user in enumerate(MIXED_ARBEIDSLEDERE)
        },
    },
}


def by_name():
    return {page.name: page for page in pages(FACTS)}


def test_every_page_of_the_bars_is_measured_as_its_own_user():
    plan = by_name()

    assert {
        "caseload",
        "caseload_search",
        "participant",
        "attendance",
        "dashboard",
        "home_caseworker",
        "home_lead",
        "home_arbeidsleder",
        "home_admin",
        "api_participants",
    } <= set(plan)
    assert plan["attendance"].browser == "arbeidsleder"
    assert plan["attendance"].paths == ("/worksites/attendance/?date=2026-12-04",)
    assert plan["dashboard"].browser == "lead"
    assert plan["home_admin"].browser == "admin"
    assert plan["participant"].paths == tuple(f"/participants/{pk}/" for pk in (11, 12, 13))


def test_the_searching_caseworker_has_a_session_of_their_own():
    plan = by_name()

    assert plan["caseload_search"].paths == plan["caseload"].paths
    assert plan["caseload_search"].browser != plan["caseload"].browser


def test_every_page_is_held_to_three_times_hello_and_the_dashboard_to_five():
    plan = by_name()

    assert plan["hello"].bar is None
    assert plan["dashboard"].bar == 5.0
    assert {page.bar for name, page in plan.items() if name.startswith(("api_", "home_"))} == {3.0}
    assert plan["caseload"].bar == plan["attendance"].bar == 3.0


def test_the_api_lists_are_read_as_json_by_the_roles_that_use_them():
    plan = by_name()
    api = {name: page for name, page in plan.items() if name.startswith("api_")}

    assert len(api) >= 3
    assert {page.accept for page in api.values()} == {"application/json"}
    assert {page.browser for page in api.values()} == {"caseworker", "arbeidsleder"}


def test_repeat_r_runs_every_page_at_every_concurrency_before_repeat_r_plus_one():
    every = pages(FACTS)

    steps = schedule(every, (1, 8), 3)

    assert [s.repeat for s in steps] == sorted(s.repeat for s in steps)
    for repeat in range(3):
        ran = Counter((s.page.name, s.concurrency) for s in steps if s.repeat == repeat)
        assert ran == Counter((p.name, c) for p in every for c in (1, 8))


def test_each_repeat_begins_at_another_page():
    steps = schedule(pages(FACTS), (1, 8), 3)

    firsts = [next(s.page.name for s in steps if s.repeat == r) for r in range(3)]

    assert len(set(firsts)) == 3


def test_the_mix_has_many_users_of_each_role_each_once():
    plan = mixed_plan(FACTS)
    readers = Counter(r.user for r in plan.readers if r.pages[0][0] != "hello")

    assert set(readers) == set(MIXED_READERS)
    assert set(readers.values()) == {1}
    assert (len(MIXED_CASEWORKERS), len(MIXED_ARBEIDSLEDERE), len(MIXED_LEADS)) == (6, 4, 3)
    assert "admin" in readers


def test_each_user_reads_their_own_pages_and_records():
    plan = mixed_plan(FACTS)
    cases, days = FACTS["mixed"]["cases"], FACTS["mixed"]["days"]

    for reader in plan.readers:
        kinds = {kind for kind, _ in reader.pages}
        paths = [path for _, path in reader.pages]
        if reader.user in MIXED_CASEWORKERS and kinds != {"hello"}:
            assert kinds == {"caseload", "participant", "home_caseworker"}
            people = {p for k, p in reader.pages if k == "participant"}
            assert people == {f"/participants/{pk}/" for pk in cases[reader.user]}
        elif reader.user in MIXED_ARBEIDSLEDERE:
            assert paths == [f"/worksites/attendance/?date={days[reader.user]}", "/"]
        elif reader.user in MIXED_LEADS:
            assert paths == ["/reports/dashboard/", "/"]


def test_the_writes_are_taps_and_notes_on_each_users_own_people():
    plan = mixed_plan(FACTS)
    placements, cases = FACTS["mixed"]["placements"], FACTS["mixed"]["cases"]

    taps = [w for w in plan.writers if w.kind == "tap"]
    notes = [w for w in plan.writers if w.kind == "note"]

    assert {w.user for w in taps} == set(MIXED_ARBEIDSLEDERE)
    assert {w.user for w in notes} == set(MIXED_CASEWORKERS)
    for tap in taps:
        day = FACTS["mixed"]["days"][tap.user]
        assert [path for path, _ in tap.targets] == [
            f"/worksites/attendance/{pk}/" for pk in placements[tap.user]
        ]
        assert all(dict(fields)["date"] == day for _, fields in tap.targets)
        assert tap.form == f"/worksites/attendance/?date={day}"
    for note in notes:
        assert [path for path, _ in note.targets] == [
            f"/participants/{pk}/notes/new/" for pk in cases[note.user]
        ]
        assert dict(note.targets[0][1])["kind"] == "meeting"


def test_the_write_rates_are_a_working_mornings():
    rates = mixed_plan(FACTS).rates()

    assert rates == pytest.approx({"tap": 80.0, "note": 18.0, "sign_in": 12.0})


def test_no_one_of_the_sign_in_pool_signs_in_twice_within_a_totp_step():
    plan = mixed_plan(FACTS)

    assert not set(plan.sign_in_pool) & set(MIXED_READERS)
    assert len(set(SIGN_IN_POOL)) * plan.sign_in_every > PERIOD


def test_the_mixed_process_reads_the_plan_it_was_given():
    plan = mixed_plan(FACTS)
    spec = mixed.spec(
        plan,
        port=8000,
        sessions={user: {"__Host-fotfeste-session": "s"} for user in MIXED_READERS},
        pool={"veileder7@example.org": "SECRET"},
        password="pw",
        last={},
        seconds=10,
        writes=True,
    )

    read = json.loads(json.dumps(spec))

    assert mixed.readers_of(read) == list(plan.readers)
    assert [w for w, _ in mixed.writers_of(read)] == list(plan.writers)


def test_the_writers_of_a_kind_take_turns_within_one_interval():
    plan = mixed_plan(FACTS)
    spec = json.loads(
        json.dumps(
            mixed.spec(
                plan, port=1, sessions={}, pool={}, password="", last={}, seconds=1, writes=True
            )
        )
    )

    offsets = [offset for writer, offset in mixed.writers_of(spec) if writer.kind == "tap"]

    assert offsets == [0.0, 0.75, 1.5, 2.25]
