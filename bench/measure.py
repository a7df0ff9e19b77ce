"""Load from separate processes (bench/load.py, bench/mixed.py) against the running stack: one
page at a time, the caseload while reports render, and throughput by concurrency."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from bench.config import LARGE, ROOT, database_url
from bench.signin import Browser
from bench.stats import Summary, merge, saturation, summarise, within

STEPS = (1, 2, 4, 8, 16)
REPORT_WAIT_SECONDS = 600
# Pairs of LIM reports rendered one after the other while the caseload is measured: one pair
# renders for a few seconds only, too few requests for a p95.
REPORT_PAIRS = 3
# The load runs for the whole time both reports render, from the queries to the PDF, not only
# their first requests: bounded by these many seconds and requests.
BUSY_SECONDS = 40
BUSY_REQUESTS = 20_000
# Each concurrency step of the throughput curve, and the run at four times saturation.
STEP_REQUESTS = 400
HEAVY_SECONDS = 40
# Warm-up requests before each measured run are bounded by this many seconds.
WARMUP_SECONDS = 5


@dataclass
class Options:
    workers: int
    concurrencies: tuple[int, ...]  # each page at each
    requests: tuple[int, ...]  # measured per page and repeat, at the most, by concurrency
    seconds: tuple[float, ...]  # per page and repeat, at the most, by concurrency
    warmup: int  # unmeasured requests per client before each run
    repeats: int
    step_seconds: float  # per concurrency step, at the most
    worker_cpus: float  # the worker's CPU budget (bench/cpu.py), 0 for none
    mixed_seconds: float  # each phase of the mixed workload, per repeat

    @property
    def busiest(self) -> int:
        return max(self.concurrencies)

    def limits(self, concurrency: int) -> tuple[int, float]:
        """The requests and seconds of one measured run at ``concurrency``."""
        n = self.concurrencies.index(concurrency)
        return self.requests[n], self.seconds[n]


@dataclass
class Signed:
    """The signed-in browsers of one scale (bench/plan.py BROWSERS), and what the pages will
    show them."""

    port: int
    browsers: dict[str, Browser]
    facts: dict

    @property
    def caseworker(self) -> Browser:
        return self.browsers["caseworker"]


class Child:
    """One of the benchmark's own modules in a process of its own; the spec goes in on stdin
    (session cookies and secrets among it: never on a command line that `ps` shows)."""

    def __init__(self, module: str, spec: dict, seconds: float):
        self.spec, self.seconds = spec, seconds
        self.process = subprocess.Popen(  # noqa: S603 - this package's own modules
            [sys.executable, "-m", module],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._output: tuple[str, str] = ("", "")
        self._talk = threading.Thread(target=self._communicate, daemon=True)
        self._talk.start()

    def _communicate(self) -> None:
        self._output = self.process.communicate(json.dumps(self.spec))

    def stop(self) -> None:
        """Ends the run early: requests under way finish and are counted."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def result(self) -> dict:
        try:
            self._talk.join(timeout=self.seconds + 180)
        except BaseException:  # Ctrl-C: the load stops with the benchmark
            self.process.kill()
            raise
        if self._talk.is_alive() or self.process.returncode:
            self.process.kill()
            raise SystemExit(f"{self.process.args[2]} failed:\n{self._output[1][-3000:]}")
        return json.loads(self._output[0])


def load(
    browser: Browser,
    paths: list[str] | tuple[str, ...],
    *,
    concurrency: int,
    requests: int,
    seconds: float,
    warmup: int = 0,
    accept: str = "text/html",
) -> Child:
    """bench.load: ``paths`` in turn from ``concurrency`` clients, after ``warmup`` requests."""
    spec = {
        "host": browser.host,
        "port": browser.port,
        "paths": list(paths),
        "headers": browser.headers() | {"Accept": accept},
        "timeout": 120,
        "concurrency": concurrency,
        "warmup": warmup,
        "warmup_seconds": WARMUP_SECONDS,
        "requests": requests,
        "max_seconds": seconds,
    }
    return Child("bench.load", spec, seconds + WARMUP_SECONDS)


def run_load(browser: Browser, paths, **spec) -> tuple[Summary, dict]:
    raw = load(browser, paths, **spec).result()
    return summarise(raw), raw


def line(name: str, s: Summary) -> str:
    return (
        f"{name:<24} p50 {s.p50_ms:7.1f} ms  p95 {s.p95_ms:7.1f} ms  "
        f"{s.throughput:5.1f} req/s  {s.requests} requests, {s.errors} errors"
    )


def under_reports(
    big: Signed, queue: Callable[[], list[int]], options: Options, say: Callable[[str], None]
) -> dict:
    """The caseload while the worker renders two LIM reports, ``REPORT_PAIRS`` pairs in turn
    (``queue`` queues one pair): the load starts once both of a pair run and stops when the
    first is done; only requests that began and ended while both ran are counted, and the
    pairs' requests are taken together."""
    windows, seconds = [], []
    for _ in range(REPORT_PAIRS):
        runs = queue()
        windows.append(_while_both_run(big, runs, options))
        seconds += report_seconds(runs)
    summary = summarise(merge([raw for raw, _ in windows]))
    span = sum(length for _, length in windows)
    say(line("caseload+2 LIM", summary) + f" in the {span:.0f} s two reports ran")
    return {"summary": summary, "window_seconds": span, "report_seconds": seconds}


def _while_both_run(big: Signed, runs: list[int], options: Options) -> tuple[dict, float]:
    _wait_for(runs, lambda states: states.count("running") == len(runs), 120)
    started = time.time()
    running = load(
        big.caseworker,
        ["/participants/"],
        concurrency=options.busiest,
        requests=BUSY_REQUESTS,
        seconds=BUSY_SECONDS,
    )
    while running.process.poll() is None and _states(runs).count("running") == len(runs):
        time.sleep(0.25)
    running.stop()
    raw = running.result()
    ended = min(_finished(runs), default=time.time())
    return within(raw, started, ended), max(0.0, ended - started)


def _runs(runs: list[int]) -> list[tuple[str, float, float | None]]:
    """Each report run's status, and when it was queued and finished (wall-clock seconds)."""
    with psycopg.connect(database_url(LARGE.name)) as conn:
        rows = conn.execute(
            "SELECT status, created_at, finished_at FROM reporting_reportrun "
            "WHERE id = ANY(%s) ORDER BY id",
            [runs],
        ).fetchall()
    return [(status, at.timestamp(), done and done.timestamp()) for status, at, done in rows]


def _states(runs: list[int]) -> list[str]:
    return [status for status, _, _ in _runs(runs)]


def _finished(runs: list[int]) -> list[float]:
    return [done for _, _, done in _runs(runs) if done is not None]


def _wait_for(runs: list[int], done: Callable[[list[str]], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = _states(runs)
        if done(states) or set(states) & {"failed"}:
            return done(states)
        time.sleep(0.2)
    return False


def report_seconds(runs: list[int]) -> list[float | None]:
    """Each report's time from queued to ready (None if it failed or took too long)."""
    _wait_for(runs, lambda states: set(states) <= {"ready", "failed"}, REPORT_WAIT_SECONDS)
    return [
        done - queued if status == "ready" and done else None
        for status, queued, done in _runs(runs)
    ]


def saturation_runs(
    big: Signed, options: Options, say: Callable[[str], None]
) -> tuple[dict[int, Summary], dict]:
    """Throughput of the caseload at growing concurrency; then four times the concurrency at
    which it stopped growing (at least the number of cores), where slow answers are expected
    and errors are not. That run takes the caseload and the caseworker's people's pages in
    turn: a person's page writes an access event, so the overload reaches the database and its
    writes."""
    steps = {}
    for c in STEPS:
        steps[c], _ = run_load(
            big.caseworker,
            ["/participants/"],
            concurrency=c,
            requests=STEP_REQUESTS,
            warmup=c,
            seconds=options.step_seconds,
        )
        say(line(f"concurrency {c}", steps[c]))
    # A CPU-bound server cannot saturate with fewer clients than cores, one core would idle: a
    # lower reading means other work on the machine took a core, and is not the server's.
    saturated = max(saturation({c: s.throughput for c, s in steps.items()}), os.cpu_count() or 1)
    heavy = 4 * saturated
    people = [f"/participants/{pk}/" for pk in big.facts["caseload_ids"]]
    summary, raw = run_load(
        big.caseworker,
        [path for person in people for path in ("/participants/", person)],
        concurrency=heavy,
        requests=max(STEP_REQUESTS, 10 * heavy),
        seconds=HEAVY_SECONDS,
    )
    statuses = {code: raw["statuses"].count(code) for code in sorted(set(raw["statuses"]))}
    say(line(f"concurrency {heavy}", summary) + f" (4 × {saturated}) {statuses}")
    return steps, {"saturated": saturated, "concurrency": heavy, "summary": summary, "raw": raw}
