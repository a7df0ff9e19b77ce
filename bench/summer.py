"""The summer-job figures of `make bench` (issue 18): the lottery for 5 000 applicants over 2 000
places (≤ 10 s, the same result for the same seed), and a burst of 50 applications a second at
the deadline (no errors; p95 ≤ 3 × the hello page sent at the same pace). Part of the whole
benchmark, or on their own against the small city's database only:

    python -m bench.summer        # make bench-summer: a few minutes, no 10 000 city needed

The burst runs on the small city's gunicorn: the e-service's cost does not follow the size
of the case-management data, and the small city's web processes are otherwise idle."""

import argparse
import shutil
import sys
import time

from bench import databases, inside
from bench.config import (
    RESULTS,
    ROOT,
    SMALL,
    django_env,
    keys,
    keys_fingerprint,
    seed_version,
)
from bench.figures import Bar, Figure, all_passed
from bench.measure import Child
from bench.report import document, table, write
from bench.signin import Browser, SignIns
from bench.stack import Stack, wait_healthy
from bench.stats import Repeats, per_repeat_ratios, summarise

RATE = 50  # applications a second at the deadline
BURST_SIZE = 150  # three seconds of it, per repeat
REPEATS = 3
LOTTERY_BAR_SECONDS = 10
BURST_BAR = 3  # × the hello page at the same pace
SUMMER_LATEST = RESULTS / "summer.json"


def mail_folder(env: dict[str, str]) -> str:
    return env["EMAIL_FILE_PATH"]


def lottery(env: dict[str, str]) -> dict:
    """bench.inside's lottery, in a transaction it rolls back."""
    return inside.call("lottery", env)


def bursts(port: int, caseworker: Browser, env: dict[str, str], say) -> list[dict]:
    """The season open for applications, then ``REPEATS`` bursts, each of new young people."""
    season = inside.call("summer", env)
    runs = []
    for repeat in range(REPEATS):
        people = season["applicants"][repeat * BURST_SIZE : (repeat + 1) * BURST_SIZE]
        if len(people) < BURST_SIZE:
            raise SystemExit("bench.inside summer made too few applicants for the repeats")
        folder = mail_folder(env)
        shutil.rmtree(folder, ignore_errors=True)
        spec = {
            "host": "127.0.0.1",
            "port": port,
            "timeout": 60,
            "season": season["season"],
            "applicants": people,
            "rate": RATE,
            "hello_path": "/hello/",
            "hello_headers": caseworker.headers(),
            "mail_dir": folder,
        }
        say(f"Application burst {repeat + 1} of {REPEATS}: {BURST_SIZE} at {RATE} a second")
        runs.append(Child("bench.burst", spec, seconds=120).result())
    return runs


def lottery_figures(found: dict) -> list[Figure]:
    seconds = ", ".join(f"{s:.1f}" for s in found["seconds"])
    return [
        Figure(
            "summer_lottery.seconds",
            f"summer-job lottery, {found['applicants']:,} applicants × {found['places']:,} places",
            found["median_seconds"],
            "s",
            bar=Bar(LOTTERY_BAR_SECONDS, on="value", text=f"≤ {LOTTERY_BAR_SECONDS} s"),
            ok=found["same_result"] and found["placed"] > 0,
            note=f"runs {seconds} s, {found['placed']:,} placed, "
            + ("the same result each time" if found["same_result"] else "RESULTS DIFFER"),
        )
    ]


def burst_figures(runs: list[dict]) -> list[Figure]:
    hello = [summarise(run["hello"]) for run in runs]
    return [_burst(runs, step, label, hello) for step, label in _STEPS]


_STEPS = (
    ("apply", "application form sent, 50 a second"),
    ("confirm", "application code entered, 50 a second"),
)


def _burst(runs: list[dict], step: str, label: str, hello: list) -> Figure:
    seen = [summarise(run[step]) for run in runs]
    p95 = tuple(s.p95_ms for s in seen)
    errors = sum(s.errors for s in seen)
    late = max(run[step]["late_ms_max"] for run in runs)
    received = sum(run["received"] for run in runs)
    note = (
        f"hello p95 {Repeats(tuple(h.p95_ms for h in hello)).median:.0f} ms at the same pace; "
        f"{errors} errors of {sum(s.requests for s in seen)}; left up to {late:.0f} ms late"
    )
    if step == "confirm":
        note += f"; {received} applications made"
    return Figure.over(
        f"summer_{step}_burst.p95",
        label,
        Repeats(p95),
        "ms",
        per_repeat_ratios(p95, [h.p95_ms for h in hello]),
        bar=Bar(BURST_BAR),
        ok=errors == 0 and all(h.errors == 0 for h in hello),
        note=note,
        detail={"runs": [s.as_dict() for s in seen], "hello": [h.as_dict() for h in hello]},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.summer", description=__doc__)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers.")
    args = parser.parse_args(argv)
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:6.0f} s] {message}", flush=True)

    found = keys()
    with Stack() as stack:
        env = django_env(SMALL, stack.redis(), found)
        want = databases.wanted(SMALL, seed_version(), keys_fingerprint(found))
        databases.prepare(SMALL, want, env, say)
        databases.collect_static(env, SMALL.name)
        facts = inside.call("users", env)
        say("The lottery: 5 000 applicants over 2 000 places, three times on one seed")
        figures = lottery_figures(lottery(env))
        port = stack.gunicorn("web-small", env, args.workers)
        # /health/ answers "ok" once a worker answers too; the burst itself queues nothing.
        stack.celery("worker-small", env, queue=env["CELERY_TASK_DEFAULT_QUEUE"])
        wait_healthy([port], stack)
        signer = SignIns(port, facts["password"], facts["secrets"])
        caseworker = signer(facts["emails"]["veileder1"])
        figures += burst_figures(bursts(port, caseworker, env, say))
    write(SUMMER_LATEST, document(figures, run_seconds=round(time.monotonic() - started)))
    print()
    print(table(figures))
    print(f"\nWritten to {SUMMER_LATEST.relative_to(ROOT)}.")
    return 0 if all_passed(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
