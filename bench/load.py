"""The load generator, run as its own process so that it does not share an interpreter (and
its lock) with the code that starts and measures the stack:

    python -m bench.load < spec.json > result.json

The spec names the server, the paths (taken in turn), the headers (the session cookie among
them: on stdin, never on a command line that `ps` shows), the number of client threads, the
warm-up and measured request counts, and a time limit for each. Each thread keeps one HTTP/1.1
connection and opens a new one when the server closes it (gunicorn's sync workers close after
every answer) or fails. SIGTERM ends the run early. Printed, for each measured request: when
it started (wall clock), its latency, its status and the server's own timings from the
Server-Timing header (bench/timing.py); and the number of requests that got no answer."""

import http.client
import itertools
import json
import re
import signal
import sys
import threading
import time
from collections import Counter

_TIMING = re.compile(r"(\w+);dur=([0-9.]+)")
# Set by SIGTERM: take no more requests, finish the ones under way and print what was seen.
STOP = threading.Event()


class Run:
    """The shared state of one phase: which request comes next, and what came back."""

    def __init__(self, spec: dict, count: int, seconds: float):
        self.spec = spec
        self.count = count
        self.deadline = time.monotonic() + seconds
        self._next = itertools.count()
        self._paths = itertools.cycle(spec["paths"])
        self._lock = threading.Lock()
        self.started: list[float] = []  # wall-clock seconds, to match with other processes
        self.latencies: list[float] = []
        self.statuses: list[int] = []
        self.server: list[dict[str, float]] = []
        self.failures: Counter[str] = Counter()

    def take(self) -> str | None:
        with self._lock:
            late = time.monotonic() > self.deadline or STOP.is_set()
            if next(self._next) >= self.count or late:
                return None
            return next(self._paths)

    def answered(self, at: float, ms: float, status: int, timing: dict[str, float]) -> None:
        with self._lock:
            self.started.append(round(at, 3))
            self.latencies.append(round(ms, 3))
            self.statuses.append(status)
            self.server.append(timing)

    def failed(self, kind: str) -> None:
        with self._lock:
            self.failures[kind] += 1


def server_timing(header: str | None) -> dict[str, float]:
    found = {name: float(ms) for name, ms in _TIMING.findall(header or "")}
    return {"app": found.get("app", 0.0), "audit": found.get("audit", 0.0)}


def _client(run: Run) -> None:
    spec = run.spec
    connection = None
    while (path := run.take()) is not None:
        if connection is None:
            connection = http.client.HTTPConnection(
                spec["host"], spec["port"], timeout=spec.get("timeout", 60)
            )
        at, started = time.time(), time.perf_counter()
        try:
            connection.request("GET", path, headers=spec.get("headers", {}))
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            run.failed(type(exc).__name__)
            connection.close()
            connection = None
            continue
        ms = (time.perf_counter() - started) * 1000
        timing = server_timing(response.getheader("Server-Timing"))
        run.answered(at, ms, response.status, timing)
        if response.will_close:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()


def phase(spec: dict, count: int, seconds: float) -> tuple[Run, float]:
    run = Run(spec, count, seconds)
    threads = [
        threading.Thread(target=_client, args=(run,), daemon=True)
        for _ in range(spec["concurrency"])
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run, time.perf_counter() - started


def main() -> None:
    signal.signal(signal.SIGTERM, lambda signum, frame: STOP.set())
    spec = json.load(sys.stdin)
    if spec.get("warmup"):
        phase(spec, spec["warmup"], spec.get("warmup_seconds", 10))
    run, seconds = phase(spec, spec["requests"], spec.get("max_seconds", 60))
    json.dump(
        {
            "started": run.started,
            "latencies_ms": run.latencies,
            "statuses": run.statuses,
            "failures": sum(run.failures.values()),
            "failure_kinds": dict(run.failures),
            "server": run.server,
            "seconds": round(seconds, 3),
            "concurrency": spec["concurrency"],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
