"""Starting and stopping the benchmark's own processes: Redis, gunicorn and a Celery worker.

Each process runs in a session of its own, so that the terminal's Ctrl-C reaches only the
benchmark, which then stops them in reverse order: SIGTERM to the process group (gunicorn and
Celery shut their children down), SIGKILL to whatever is left after a grace period. Only
processes started here are signalled, by their own group id."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from bench.config import ROOT, VAR
from bench.cpu import Budget

GRACE_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []
        (VAR / "logs").mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> "Stack":
        # SIGTERM (a CI runner giving up, `kill`) unwinds like Ctrl-C, so that __exit__ runs; and
        # Ctrl-C does so even when the shell started the benchmark with SIGINT ignored (`&`).
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str] | None = None,
        before: Callable[[], None] | None = None,
    ) -> None:
        log = open(VAR / "logs" / f"{name}.log", "w", encoding="utf-8")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 - fixed programs started by the benchmark
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=before,  # only writes its pid to a control group
        )
        log.close()
        self.processes.append((name, process))

    def redis(self) -> int:
        port = free_port()
        self.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(VAR),
            ],
        )
        _wait(lambda: _redis_answers(port), "Redis", 20, self)
        return port

    def gunicorn(self, name: str, env: dict[str, str], workers: int) -> int:
        port = free_port()
        self.start(
            name,
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
            ],
            env,
        )
        return port

    def celery(
        self, name: str, env: dict[str, str], budget: Budget | None = None, queue: str = ""
    ) -> None:
        """A worker on ``queue`` ("" for every queue), inside ``budget``'s control group
        (bench/cpu.py) where there is one."""
        self.start(
            name,
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--hostname",
                f"{name}@%h",
                *(["-Q", queue] if queue else []),
            ],
            env,
            budget.join() if budget else None,
        )

    def check_running(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise SystemExit(
                    f"{name} stopped (exit {process.returncode}): var/bench/logs/{name}.log"
                )

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                _signal(process, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for name, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                # Still unreaped, so its group id is still its own: safe to signal.
                print(f"  {name} did not stop in {GRACE_SECONDS} s: killed")
                _signal(process, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _signal(process: subprocess.Popen, signum: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def health(port: int) -> dict | None:
    """The /health/ answer (200 or 503), or None while nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        return json.load(error)
    except (OSError, ValueError):
        return None


def wait_healthy(ports: list[int], stack: Stack, seconds: float = 120) -> None:
    """Until each web process answers /health/ and, through the first, the database, the
    cache and a worker all answer."""
    for port in ports[1:]:
        _wait(lambda port=port: health(port) is not None, "gunicorn", seconds, stack)
    _wait(lambda: (health(ports[0]) or {}).get("status") == "ok", "/health/", seconds, stack)


def _wait(ready, what: str, seconds: float, stack: Stack) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        stack.check_running()
        if ready():
            return
        time.sleep(0.5)
    raise SystemExit(f"{what} was not ready within {seconds:.0f} s (see var/bench/logs/)")
