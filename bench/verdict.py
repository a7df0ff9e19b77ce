"""The figures of one run, each with its ratio and its bar (DESIGN.md §6). A figure measured
in repeats is the median of its repeats, and its bar is judged on that median."""

import math
from dataclasses import dataclass

from bench.figures import Bar, Figure, p95s, queries_fixed, ratio, repeated
from bench.mixfigures import mixed_figures
from bench.plan import Page
from bench.stats import Repeats, Summary, audit_overhead, per_repeat_ratios
from bench.summer import burst_figures, lottery_figures

MIN_SAMPLES = 20


@dataclass
class Results:
    """What one run measured; a part left out with --skip is None and gives no figures."""

    plan: list[Page]  # the pages of the page runs (bench/plan.py)
    pages: dict[str, dict[int, list[Summary]]]  # page → concurrency → one per repeat
    facts: dict  # of the large scale: rows on the attendance page, caseload size
    mixed: list[dict] | None = None  # per repeat, bench.mixed's output for each phase
    asked: dict | None = None  # the mixed workload's write rates, per minute
    busy: dict | None = None  # the caseload while two LIM reports render
    report_seconds: list | None = None  # those reports, queued to ready
    steps: dict[int, Summary] | None = None  # the caseload at concurrency 1 … 16
    heavy: dict | None = None  # and at four times the saturating concurrency
    counts: dict | None = None  # queries per page and number of rows
    lim: list | None = None  # what bench_report prints
    city: dict | None = None  # the LIM report of the seeded city's latest LIM grant
    imported: dict | None = None  # what bench_import prints
    lottery: dict | None = None  # the summer-job lottery's timing (bench/summer.py)
    bursts: list | None = None  # the application bursts at the deadline, one per repeat


def build_figures(r: Results) -> list[Figure]:
    return [
        *page_figures(r.plan, r.pages, r.facts),
        *(mixed_figures(r.mixed, r.asked or {}) if r.mixed else []),
        *(_busy_figures(r.busy, r.pages) if r.busy else []),
        *(_load_figures(r.steps, r.heavy) if r.steps and r.heavy else []),
        *(_query_figures(r.counts) if r.counts else []),
        *(_lim_figures(r.lim) if r.lim else []),
        *(_city_figures(r.city) if r.city else []),
        *(_worker_figures(r.report_seconds) if r.report_seconds else []),
        *(_import_figures(r.imported) if r.imported else []),
        *(lottery_figures(r.lottery) if r.lottery else []),
        *(burst_figures(r.bursts) if r.bursts else []),
    ]


def page_figures(
    plan: list[Page], pages: dict[str, dict[int, list[Summary]]], facts: dict
) -> list[Figure]:
    """Each page at each concurrency: its p95 over the hello page's at the same concurrency in
    the same repeat, the median of those ratios against the page's bar."""
    hello = pages["hello"]
    notes = {
        "attendance": f"{facts['attendance_rows']} people",
        "caseload_search": f"{facts.get('search_hits', '?')} found",
        "participant": f"{len(facts['caseload_ids'])} people in turn",
    }
    figures = []
    for page in plan:
        if page.scale != "large":
            continue
        for c, runs in pages[page.name].items():
            ratios = None if page.name == "hello" else per_repeat_ratios(p95s(runs), p95s(hello[c]))
            bar = Bar(page.bar) if page.bar else None
            label = f"{page.label}, c{c}"
            figures.append(
                repeated(
                    f"{page.name}.c{c}.p95_ms", label, runs, ratios, bar, notes.get(page.name, "")
                )
            )
    if "caseload_small" in pages:
        figures += [_scale(pages, c) for c in pages["caseload_small"]]
    figures.append(_audit(pages["participant"]))
    return figures


def _scale(pages: dict[str, dict[int, list[Summary]]], c: int) -> Figure:
    small, large = pages["caseload_small"][c], pages["caseload"][c]
    figure = repeated(
        f"caseload_scale.c{c}",
        f"caseload, 10 000 vs 100 participants, c{c}",
        small,
        per_repeat_ratios(p95s(large), p95s(small)),
        Bar(1.3),
        "value: p95 at 100",
    )
    figure.ok = figure.ok and all(s.errors == 0 for s in large)
    return figure


def _audit(by_concurrency: dict[int, list[Summary]]) -> Figure:
    """The participant page's server time with and without its access-event write, over every
    request of a repeat, at every concurrency."""
    repeats = list(zip(*by_concurrency.values(), strict=True))
    requests = [sum(s.requests for s in runs) for runs in repeats]
    per_request = [
        sum(s.audit_ms for s in runs) / n if n else math.nan
        for runs, n in zip(repeats, requests, strict=True)
    ]
    every = [s for runs in repeats for s in runs]
    return Figure.over(
        "read_audit.overhead",
        "read-audit overhead, participant page",
        Repeats(tuple(per_request)),
        "ms",
        Repeats(tuple(audit_overhead(*runs) for runs in repeats)),
        bar=Bar(1.15),
        ok=all(s.errors == 0 for s in every) and all(s.audit_ms > 0 for s in every),
        note="value: access-event write per request",
        detail={
            "app_ms": [round(sum(s.app_ms for s in runs), 1) for runs in repeats],
            "audit_ms": [round(sum(s.audit_ms for s in runs), 1) for runs in repeats],
        },
    )


def _busy_figures(busy: dict, pages: dict[str, dict[int, list[Summary]]]) -> list[Figure]:
    s = busy["summary"]
    c = max(pages["caseload"])
    idle = Repeats(tuple(p95s(pages["caseload"][c]))).median
    return [
        Figure(
            "caseload_reports.p95_ms",
            "caseload while 2 LIM reports render",
            s.p95_ms,
            "ms",
            ratio=ratio(s.p95_ms, idle),
            bar=Bar(1.5),
            # Too few requests in the time both reports ran say nothing about the p95.
            ok=s.requests >= MIN_SAMPLES and s.errors == 0,
            note=f"ratio to the idle median at c{c}; {s.requests} requests in "
            f"{busy['window_seconds']:.0f} s",
            detail=s.as_dict(),
        )
    ]


def _import_figures(imported: dict) -> list[Figure]:
    return [
        Figure(
            "import_10000.seconds",
            "CSV import, 10 000 rows",
            imported["total_seconds"],
            "s",
            bar=Bar(60, on="value", text="≤ 60 s"),
            note=f"dry run {imported['check_seconds']:.0f} s, "
            f"import {imported['import_seconds']:.0f} s",
        )
    ]


def _load_figures(steps: dict[int, Summary], heavy: dict) -> list[Figure]:
    s = heavy["summary"]
    best = max(steps.values(), key=lambda x: x.throughput)
    return [
        Figure(
            "caseload.peak_throughput",
            "caseload throughput, best step",
            best.throughput,
            "req/s",
            note=f"saturates at concurrency {heavy['saturated']}",
            higher_is_better=True,
            detail={str(c): round(x.throughput, 1) for c, x in steps.items()},
        ),
        Figure(
            "caseload.errors_at_4x",
            f"errors at 4× saturation (concurrency {heavy['concurrency']})",
            s.errors,
            "errors",
            bar=Bar(0, on="value", text="= 0"),
            note=f"{s.requests} requests, p95 {s.p95_ms:.0f} ms",
            detail=s.as_dict() | {"statuses": heavy["raw"]["statuses"]},
        ),
    ]


def _query_figures(counts: dict[str, dict]) -> list[Figure]:
    labels = {
        "caseload": "caseload",
        "participant": "participant page",
        "attendance": "attendance",
        "dashboard": "dashboard",
        "api_list": "API list",
    }
    figures = []
    for page, label in labels.items():
        by_size = {int(n): c for n, c in counts[page].items()}
        figures.append(
            Figure(
                f"queries.{page}",
                f"queries, {label}",
                max(by_size.values()),
                "queries",
                bar=Bar(12, on="value", text="fixed, ≤ 12"),
                ok=queries_fixed(by_size),
                note="1/25/100 rows: " + "/".join(str(by_size[n]) for n in sorted(by_size)),
            )
        )
    return figures


def _lim_figures(lim: list[dict]) -> list[Figure]:
    return [
        Figure(
            f"lim_{r['participants']}.seconds",
            f"LIM report, {_thousands(r['participants'])} participants",
            r["seconds"],
            "s",
            bar=Bar(10, on="value", text="≤ 10 s") if r["participants"] == 1000 else None,
            note=f"PDF {r['pdf_seconds']:.1f} s, {r['pdf_pages']} pages, {r['peak_mb']:.0f} MB",
        )
        for r in sorted(lim, key=lambda r: r["participants"])
    ]


def _worker_figures(seconds: list[float | None]) -> list[Figure]:
    done = [s for s in seconds if s is not None]
    return [
        Figure(
            "lim_worker_10000.seconds",
            "LIM report in the worker, 10 000 municipality",
            max(done) if done else math.nan,
            "s",
            note=f"two at a time, queued to ready, the slowest; {len(done)} of {len(seconds)} "
            "finished",
        )
    ]


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _city_figures(city: dict) -> list[Figure]:
    return [
        Figure(
            "lim_city.seconds",
            "LIM report, the 10 000 city's latest LIM grant",
            city["seconds"],
            "s",
            bar=Bar(10, on="value", text="≤ 10 s"),
            note=f"{_thousands(city['participants'])} people, "
            f"{_thousands(city['attendance_rows'])} attendance days, "
            f"{city['worksites']} worksites; PDF {city['pdf_seconds']:.1f} s, "
            f"{city['pdf_pages']} pages, {city['peak_mb']:.0f} MB",
            detail=city,
        )
    ]
