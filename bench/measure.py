"""The pages under load, each from a separate process (bench/load.py), as signed-in users."""

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
# their first requests: bounded by the page's seconds and by this many requests.
BUSY_REQUESTS = 20_000


@dataclass
class Options:
    workers: int
    concurrency: int
    requests: int  # measured per page, at the most
    warmup: int
    seconds: float  # per page, at the most
    step_seconds: float  # per concurrency step, at the most
    worker_cpus: float  # the worker's CPU budget (bench/cpu.py), 0 for none


@dataclass
class Signed:
    """The signed-in browsers of one scale, and what the pages will show them."""

    port: int
    caseworker: Browser
    lead: Browser | None
    arbeidsleder: Browser | None
    facts: dict


class Load:
    """bench.load running in its own process; the spec goes in on stdin."""

    def __init__(self, browser: Browser, paths: list[str], **spec):
        accept = spec.pop("accept", "text/html")
        self.spec = {
            "host": browser.host,
            "port": browser.port,
            "paths": paths,
            "headers": browser.headers() | {"Accept": accept},
            "timeout": 120,
            **spec,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.load"],
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
        limit = self.spec["max_seconds"] + self.spec.get("warmup_seconds", 10) + 180
        try:
            self._talk.join(timeout=limit)
        except BaseException:  # Ctrl-C: the load stops with the benchmark
            self.process.kill()
            raise
        if self._talk.is_alive() or self.process.returncode:
            self.process.kill()
            raise SystemExit(f"bench.load failed:\n{self._output[1][-3000:]}")
        return json.loads(self._output[0])


def run_load(
    browser: Browser,
    paths: list[str],
    options: Options,
    *,
    concurrency: int | None = None,
    requests: int | None = None,
    warmup: int | None = None,
    seconds: float | None = None,
    accept: str = "text/html",
) -> tuple[Summary, dict]:
    raw = Load(
        browser,
        paths,
        accept=accept,
        concurrency=concurrency or options.concurrency,
        warmup=options.warmup if warmup is None else warmup,
        requests=requests or options.requests,
        max_seconds=seconds or options.seconds,
    ).result()
    return summarise(raw), raw


def _line(name: str, s: Summary) -> str:
    return (
        f"{name:<16} p50 {s.p50_ms:7.1f} ms  p95 {s.p95_ms:7.1f} ms  "
        f"{s.throughput:5.1f} req/s  {s.requests} requests, {s.errors} errors"
    )


def load_pages(
    big: Signed, small: Signed, options: Options, say: Callable[[str], None], rounds: int = 2
) -> dict[str, Summary]:
    """Each page in turn, ``rounds`` times over with a share of the requests and time each: a
    change in what else the machine runs then weighs on every page alike, not on whichever
    page ran at the time, and the ratios between pages stay fair."""
    facts = big.facts
    day = facts["attendance_day"]
    participants = [f"/participants/{pk}/" for pk in facts["caseload_ids"]]
    plan = {
        "hello": (big.caseworker, ["/hello/"], "text/html"),
        "caseload": (big.caseworker, ["/participants/"], "text/html"),
        "caseload_small": (small.caseworker, ["/participants/"], "text/html"),
        "participant": (big.caseworker, participants, "text/html"),
        "attendance": (big.arbeidsleder, [f"/worksites/attendance/?date={day}"], "text/html"),
        "dashboard": (big.lead, ["/reports/dashboard/"], "text/html"),
        "api_list": (big.caseworker, ["/api/participants/"], "application/json"),
    }
    raw: dict[str, list[dict]] = {name: [] for name in plan}
    for n in range(rounds):
        for name, (browser, paths, accept) in plan.items():
            _, run = run_load(
                browser,
                paths,
                options,
                accept=accept,
                requests=max(1, options.requests // rounds),
                seconds=options.seconds / rounds,
                warmup=options.warmup if n == 0 else 0,
            )
            raw[name].append(run)
    pages = {name: summarise(merge(runs)) for name, runs in raw.items()}
    for name, summary in pages.items():
        say(_line(name, summary))
    return pages


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
    say(_line("caseload+2 LIM", summary) + f" in the {span:.0f} s two reports ran")
    return {"summary": summary, "window_seconds": span, "report_seconds": seconds}


def _while_both_run(big: Signed, runs: list[int], options: Options) -> tuple[dict, float]:
    _wait_for(runs, lambda states: states.count("running") == len(runs), 120)
    started = time.time()
    load = Load(
        big.caseworker,
        ["/participants/"],
        concurrency=options.concurrency,
        warmup=0,
        requests=BUSY_REQUESTS,
        max_seconds=options.seconds,
    )
    while load.process.poll() is None and _states(runs).count("running") == len(runs):
        time.sleep(0.25)
    load.stop()
    raw = load.result()
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
    turn: a person's page is never served from the page cache and writes an access event, so
    the overload reaches the database and its writes, not only the cache."""
    steps = {}
    for c in STEPS:
        steps[c], _ = run_load(
            big.caseworker,
            ["/participants/"],
            options,
            concurrency=c,
            requests=options.requests,
            warmup=c,
            seconds=options.step_seconds,
        )
        say(_line(f"concurrency {c}", steps[c]))
    # A CPU-bound server cannot saturate with fewer clients than cores, one core would idle: a
    # lower reading means other work on the machine took a core, and is not the server's.
    saturated = max(saturation({c: s.throughput for c, s in steps.items()}), os.cpu_count() or 1)
    heavy = 4 * saturated
    people = [f"/participants/{pk}/" for pk in big.facts["caseload_ids"]]
    summary, raw = run_load(
        big.caseworker,
        [path for person in people for path in ("/participants/", person)],
        options,
        concurrency=heavy,
        requests=max(options.requests, 10 * heavy),
        warmup=0,
    )
    statuses = {code: raw["statuses"].count(code) for code in sorted(set(raw["statuses"]))}
    say(_line(f"concurrency {heavy}", summary) + f" (4 × {saturated}) {statuses}")
    return steps, {"saturated": saturated, "concurrency": heavy, "summary": summary, "raw": raw}
