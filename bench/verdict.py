"""The figures of one run, each with its ratio and its bar (DESIGN.md §6)."""

import math
from dataclasses import dataclass

from bench.figures import Bar, Figure, queries_fixed, ratio
from bench.stats import Summary, audit_overhead

MIN_SAMPLES = 20


@dataclass
class Results:
    """What one run measured; a part left out with --skip is None and gives no figures."""

    pages: dict[str, Summary]  # per page, at the set concurrency
    facts: dict  # of the large scale: rows on the attendance page, caseload size
    busy: dict | None = None  # the caseload while two LIM reports render
    report_seconds: list | None = None  # those reports, queued to ready
    steps: dict[int, Summary] | None = None  # the caseload at concurrency 1 … 16
    heavy: dict | None = None  # and at four times the saturating concurrency
    counts: dict | None = None  # queries per page and number of rows
    lim: list | None = None  # what bench_report prints
    imported: dict | None = None  # what bench_import prints


def build_figures(r: Results) -> list[Figure]:
    return [
        *_page_figures(r.pages, r.facts),
        *(_busy_figures(r.busy, r.pages) if r.busy else []),
        *(_load_figures(r.steps, r.heavy) if r.steps and r.heavy else []),
        *(_query_figures(r.counts) if r.counts else []),
        *(_lim_figures(r.lim) if r.lim else []),
        *(_worker_figures(r.report_seconds) if r.report_seconds else []),
        *(_import_figures(r.imported) if r.imported else []),
    ]


def _page_figures(pages: dict[str, Summary], facts: dict) -> list[Figure]:
    hello = pages["hello"].p95_ms
    return [
        _page("hello", "hello page (baseline)", pages["hello"], hello, None),
        _page("caseload", "caseload", pages["caseload"], hello, Bar(2.5)),
        _page("participant", "participant page", pages["participant"], hello, None),
        _page(
            "attendance",
            "attendance, arbeidsleder",
            pages["attendance"],
            hello,
            Bar(1.5),
            note=f"{facts['attendance_rows']} people",
        ),
        _page("dashboard", "programme dashboard", pages["dashboard"], hello, None),
        _page("api_list", "API list /api/participants/", pages["api_list"], hello, None),
        _page(
            "caseload_scale",
            "caseload, 10 000 vs 100 participants",
            pages["caseload_small"],
            pages["caseload_small"].p95_ms,
            Bar(1.3),
            ratio_value=ratio(pages["caseload"].p95_ms, pages["caseload_small"].p95_ms),
            extra_ok=pages["caseload"].errors == 0,
            note="value: p95 at 100",
        ),
        _audit(pages["participant"]),
    ]


def _busy_figures(busy: dict, pages: dict[str, Summary]) -> list[Figure]:
    s = busy["summary"]
    return [
        _page(
            "caseload_reports",
            "caseload while 2 LIM reports render",
            s,
            pages["caseload"].p95_ms,
            Bar(1.5),
            # Too few requests in the time both reports ran say nothing about the p95.
            extra_ok=s.requests >= MIN_SAMPLES,
            note=f"ratio to idle; {s.requests} requests in {busy['window_seconds']:.0f} s",
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


def _page(key, label, s: Summary, base: float, bar, *, ratio_value=None, extra_ok=True, note=""):
    notes = [f"p50 {s.p50_ms:.0f} ms, {s.throughput:.1f} req/s", *([note] if note else [])]
    if s.errors:
        notes.append(f"{s.errors} errors of {s.requests}")
    return Figure(
        f"{key}.p95_ms",
        label,
        s.p95_ms,
        "ms",
        ratio=ratio(s.p95_ms, base) if ratio_value is None else ratio_value,
        bar=bar,
        ok=extra_ok and s.errors == 0,
        note="; ".join(notes),
        detail=s.as_dict(),
    )


def _audit(s: Summary) -> Figure:
    per_request = s.audit_ms / s.requests if s.requests else math.nan
    return Figure(
        "read_audit.overhead",
        "read-audit overhead, participant page",
        per_request,
        "ms",
        ratio=audit_overhead(s),
        bar=Bar(1.15),
        ok=s.errors == 0 and s.audit_ms > 0,
        note="value: access-event write per request",
        detail={"app_ms": round(s.app_ms, 1), "audit_ms": round(s.audit_ms, 1)},
    )


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
