"""Each page's figures over the repeats: its ratio to the hello page of the same repeat and
concurrency, and the page's own bar."""

import pytest

from bench.plan import Page
from bench.stats import Summary
from bench.verdict import page_figures


def summary(p95: float, errors: int = 0) -> Summary:
    return Summary(
        requests=60,
        ok=60 - errors,
        p50_ms=p95 / 2,
        p95_ms=p95,
        throughput=10.0,
        server_errors=errors,
        other_statuses=0,
        failures=0,
        app_ms=600.0,
        audit_ms=30.0,
    )


PLAN = [
    Page("hello", "hello", "caseworker", ("/hello/",), bar=None),
    Page("caseload", "caseload", "caseworker", ("/participants/",)),
    Page("participant", "participant page", "caseworker", ("/participants/1/",)),
    Page("dashboard", "dashboard", "lead", ("/reports/dashboard/",), bar=5.0),
]
FACTS = {"attendance_rows": 30, "caseload_ids": [1]}


def measured(**p95s: dict[int, list[float]]) -> dict:
    return {
        name: {c: [summary(v) for v in values] for c, values in by_c.items()}
        for name, by_c in p95s.items()
    }


def test_each_page_is_judged_at_each_concurrency_against_the_hello_page_of_the_same_repeat():
    pages = measured(
        hello={1: [10.0, 20.0, 10.0], 8: [50.0, 50.0, 50.0]},
        # c1: 2.0×, 1.75×, 4.0× → 2.0; c8: 3.2×, 3.4×, 2.0× → 3.2
        caseload={1: [20.0, 35.0, 40.0], 8: [160.0, 170.0, 100.0]},
        participant={1: [10.0, 10.0, 10.0], 8: [50.0, 50.0, 50.0]},
        # 4.5×, 6×, 4× → 4.5 against the dashboard's 5×
        dashboard={1: [45.0, 120.0, 40.0], 8: [250.0, 250.0, 250.0]},
    )

    figures = {f.key: f for f in page_figures(PLAN, pages, FACTS)}

    assert figures["caseload.c1.p95_ms"].ratio == 2.0
    assert figures["caseload.c1.p95_ms"].passed is True
    assert figures["caseload.c8.p95_ms"].ratio == pytest.approx(3.2)
    assert figures["caseload.c8.p95_ms"].passed is False
    assert figures["dashboard.c1.p95_ms"].ratio == 4.5
    assert figures["dashboard.c1.p95_ms"].passed is True
    assert figures["hello.c8.p95_ms"].passed is None
    assert figures["caseload.c1.p95_ms"].value == 35.0


def test_errors_in_any_repeat_fail_the_page():
    pages = measured(
        hello={8: [50.0, 50.0, 50.0]},
        caseload={8: [60.0, 60.0, 60.0]},
        participant={8: [50.0, 50.0, 50.0]},
        dashboard={8: [60.0, 60.0, 60.0]},
    )
    pages["caseload"][8][1] = summary(60.0, errors=1)

    figures = {f.key: f for f in page_figures(PLAN, pages, FACTS)}

    assert figures["caseload.c8.p95_ms"].ratio == 1.2
    assert figures["caseload.c8.p95_ms"].passed is False
    assert figures["dashboard.c8.p95_ms"].passed is True
