"""Latency statistics of one load run (percentiles, throughput and what went wrong), and of a
figure measured in several repeats (the median and the spread)."""

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

PER_REQUEST = ("started", "latencies_ms", "statuses", "server")


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) with linear interpolation between the two nearest ranks
    (numpy's default, and statistics.quantiles(method="inclusive")): p95 of 400 samples lies
    between the 380th and 381st fastest."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """One page under load, as the load generator (bench/load.py) saw it."""

    requests: int
    ok: int
    p50_ms: float
    p95_ms: float
    throughput: float  # answered requests per second
    server_errors: int  # 5xx
    other_statuses: int  # anything else that is not 200: a redirect to sign-in, a 404
    failures: int  # no answer: refused, reset, timed out
    app_ms: float  # server time of all requests (Server-Timing "app"), summed
    audit_ms: float  # of which writing access events (Server-Timing "audit")

    @property
    def errors(self) -> int:
        return self.server_errors + self.other_statuses + self.failures

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "ok": self.ok,
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "throughput": round(self.throughput, 1),
            "server_errors": self.server_errors,
            "other_statuses": self.other_statuses,
            "failures": self.failures,
            "app_ms": round(self.app_ms, 1),
            "audit_ms": round(self.audit_ms, 1),
        }


def summarise(run: dict) -> Summary:
    """``run`` is the JSON bench/load.py prints. Percentiles are over every answered request,
    whatever its status: a fast error page must not hide behind the slow good ones, and the
    errors are counted apart."""
    latencies, statuses = run["latencies_ms"], Counter(run["statuses"])
    server = run.get("server") or []  # the mixed workload does not read Server-Timing
    answered = len(latencies)
    return Summary(
        requests=answered + run["failures"],
        ok=statuses[200],
        p50_ms=percentile(latencies, 50) if latencies else math.nan,
        p95_ms=percentile(latencies, 95) if latencies else math.nan,
        throughput=answered / run["seconds"] if run["seconds"] > 0 else 0.0,
        server_errors=sum(n for code, n in statuses.items() if code >= 500),
        other_statuses=sum(n for code, n in statuses.items() if code != 200 and code < 500),
        failures=run["failures"],
        app_ms=sum(t["app"] for t in server),
        audit_ms=sum(t["audit"] for t in server),
    )


def within(run: dict, start: float, end: float) -> dict:
    """The requests of ``run`` that started and finished between ``start`` and ``end``
    (wall-clock seconds), as a run of their own. Failures cannot be placed in time and are
    kept whole."""
    kept = [
        i
        for i, (at, ms) in enumerate(zip(run["started"], run["latencies_ms"], strict=True))
        if at >= start and at + ms / 1000 <= end
    ]
    span = max((run["started"][i] + run["latencies_ms"][i] / 1000 for i in kept), default=start)
    return {
        **{key: [run[key][i] for i in kept] for key in PER_REQUEST},
        "failures": run["failures"],
        "seconds": span - min((run["started"][i] for i in kept), default=start),
    }


def merge(runs: list[dict]) -> dict:
    """Several runs of one page as one: their requests together, their durations added."""
    return {
        **{key: [x for run in runs for x in run[key]] for key in PER_REQUEST},
        "failures": sum(run["failures"] for run in runs),
        "seconds": sum(run["seconds"] for run in runs),
    }


def audit_overhead(*runs: Summary) -> float:
    """How much slower the page is for writing its access event: the server time of the
    requests with the write against the same time without it, Σ app / Σ (app − audit), over
    every request of ``runs``."""
    app = sum(s.app_ms for s in runs)
    without = app - sum(s.audit_ms for s in runs)
    if without <= 0:
        return math.nan
    return app / without


def saturation(throughputs: dict[int, float], share: float = 0.9) -> int:
    """The lowest concurrency whose throughput reaches ``share`` of the best one seen: past it,
    more clients only queue."""
    if not throughputs:
        raise ValueError("no steps")
    best = max(throughputs.values())
    return min(c for c, rate in throughputs.items() if rate >= share * best)


@dataclass(frozen=True)
class Repeats:
    """One figure as each repeat measured it. The median is the figure: with three repeats, one
    bad minute on the shared machine moves the spread, not the verdict. A repeat that measured
    nothing (no answers, a ratio to nothing) leaves the median undefined: the figure then says
    nothing, and fails its bar."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        if not self.values or any(math.isnan(v) for v in self.values):
            return math.nan
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values, default=math.nan)

    @property
    def high(self) -> float:
        return max(self.values, default=math.nan)


def per_repeat_ratios(values: Sequence[float], bases: Sequence[float]) -> Repeats:
    """Each repeat's value over the same repeat's base (a page's p95 over the hello page's at
    the same concurrency): the ratio is taken within a repeat, where both ran under the same
    conditions, and only then the median over the repeats."""
    if len(values) != len(bases):
        raise ValueError("one base per repeat")
    return Repeats(
        tuple(
            v / b if b and not math.isnan(b) else math.nan
            for v, b in zip(values, bases, strict=True)
        )
    )
