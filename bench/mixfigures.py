"""The mixed workload's figures: each page kind's p95 under the mix over the hello page's under
the same mix, its p95 with the writes over its p95 without them, the write rates reached, and
the errors. Each is the median over the repeats (bench/repeats.py)."""

from bench.figures import Bar, Figure, p95s, repeated
from bench.plan import MIXED_KINDS, WRITE_KINDS
from bench.stats import Repeats, Summary, per_repeat_ratios, summarise

# Fewer answers than this in a repeat give no p95 worth the name (three leads load the
# dashboard some 15 times in a phase of 45 seconds on a busy machine).
MIN_SAMPLES = 10
NOTHING = {"started": [], "latencies_ms": [], "statuses": [], "failures": 0, "unexpected": 0}


def kind_runs(repeats: list[dict], phase: str, kind: str) -> list[Summary]:
    """``kind``'s requests in ``phase`` of each repeat, one summary per repeat."""
    found = []
    for repeat in repeats:
        raw = repeat[phase]
        found.append(
            summarise({**NOTHING, "seconds": raw["seconds"], **raw["kinds"].get(kind, {})})
        )
    return found


def mixed_figures(repeats: list[dict], asked: dict[str, float]) -> list[Figure]:
    hello = p95s(kind_runs(repeats, "with_writes", "hello"))
    figures = []
    for kind, (label, limit) in MIXED_KINDS.items():
        busy = kind_runs(repeats, "with_writes", kind)
        quiet = kind_runs(repeats, "write_free", kind)
        ratios = None if kind == "hello" else per_repeat_ratios(p95s(busy), hello)
        figure = repeated(
            f"mixed.{kind}.p95_ms",
            f"mixed: {label}",
            busy,
            ratios,
            Bar(limit) if limit else None,
            f"{min(s.requests for s in busy)}+ requests a repeat",
        )
        figure.ok = figure.ok and min(s.requests for s in busy) >= MIN_SAMPLES
        figures.append(figure)
        if kind != "hello":
            figures.append(_against_write_free(kind, label, busy, quiet))
    figures += [_rate(repeats, kind, label, asked.get(kind)) for kind, label in WRITE_KINDS.items()]
    figures.append(_errors(repeats))
    return figures


def _against_write_free(kind: str, label: str, busy: list[Summary], quiet: list[Summary]) -> Figure:
    """Informational: the bar of ≤ 1.5 × the write-free p95 is for cached pages (DESIGN.md
    §6), and Fotfeste has no page cache."""
    return Figure.over(
        f"mixed.{kind}.vs_write_free",
        f"mixed: {label}, with writes ÷ without",
        Repeats(tuple(p95s(quiet))),
        "ms",
        per_repeat_ratios(p95s(busy), p95s(quiet)),
        note="value: p95 of the same mix without its writes",
    )


def _rate(repeats: list[dict], kind: str, label: str, asked: float | None) -> Figure:
    runs = kind_runs(repeats, "with_writes", kind)
    per_minute = [
        len(r["with_writes"]["kinds"].get(kind, NOTHING)["latencies_ms"])
        * 60
        / r["with_writes"]["seconds"]
        for r in repeats
    ]
    p95 = Repeats(tuple(p95s(runs))).median
    return Figure.over(
        f"mixed.{kind}.per_minute",
        f"mixed: {label} made",
        Repeats(tuple(per_minute)),
        "/min",
        note=f"asked {asked or 0:.0f}/min; p95 {p95:.0f} ms",
        higher_is_better=True,
    )


def wrong_answers(run: dict) -> int:
    """A kind's answers outside 2xx/3xx, requests without an answer, and answers other than
    the request should get (bench.mixed counts those): a note's redirect is right, a page's
    is not."""
    outside = sum(1 for code in run["statuses"] if not 200 <= code < 400)
    return outside + run["failures"] + run["unexpected"]


def _errors(repeats: list[dict]) -> Figure:
    """Answers outside 2xx/3xx, requests without an answer, and answers other than the request
    should get (a page that sends its user to sign in, a note form shown again, a refused tap),
    in both phases of every repeat."""
    counts: dict[str, int] = {}
    for repeat in repeats:
        for raw in repeat.values():
            for kind, run in raw["kinds"].items():
                if n := wrong_answers(run):
                    counts[kind] = counts.get(kind, 0) + n
    return Figure(
        "mixed.errors",
        "mixed: errors",
        sum(counts.values()),
        "errors",
        bar=Bar(0, on="value", text="= 0"),
        note=", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "none",
        detail=counts,
    )
