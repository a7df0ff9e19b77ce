"""Restart drills under load, each printing its figures:

    python -m faults.restarts postgres   # PostgreSQL restarted while pages are served
    python -m faults.restarts redis      # Redis restarted while pages, sign-ins and reports go on

Both run on a stage of their own (faults/world.py): a PostgreSQL cluster and a Redis started
for the drill, the production stack, a seeded synthetic municipality. The load generator
(bench/load.py, its own process) asks for the caseload and a person's page with 4 clients;
after a settled start the service is restarted, and every answer is sorted by when it was
asked: before the restart, during it (until the service answers again, plus a grace of
``GRACE`` seconds for connections that were mid-request), and after.

PostgreSQL: errors are allowed only during the restart; none before or after (every web
process's connection is found dead and replaced by itself), and a report asked for after the
restart is built. Redis: no errors at all (the cache serves misses while Redis is away, the
sessions are in the database), sign-ins go on, and every report, asked for before or during
the restart, is built once: the queue survives in Redis's append-only file, and a report
whose message could not be sent is sent again by the resender."""

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import psycopg

from faults.common import Figures
from faults.world import World, inside, load, load_result, manage, say, staged

SETTLE = 8.0  # seconds of load before the restart
AFTER = 15.0  # seconds of load after the service is back
GRACE = 2.0
DOWN = 12.0  # seconds Redis stays away: long enough for the side work to happen meanwhile
SIGN_INS = ("programleder1", "arbeidsleder1")  # besides the caseworker whose pages are loaded


def _paths(world: World) -> list[str]:
    person = world.facts["caseload_ids"][0]
    return ["/participants/", f"/participants/{person}/"]


def sort_answers(result: dict, down: float, up: float) -> dict[str, dict[str, int]]:
    """Answers (and their 5xx): before, when they were answered before ``down``; after, when
    they were asked after ``up`` + GRACE; during, the rest (in flight at some moment of the
    restart)."""
    phases = {name: {"answers": 0, "errors": 0} for name in ("before", "during", "after")}
    answers = zip(result["started"], result["latencies_ms"], result["statuses"], strict=True)
    for at, ms, status in answers:
        name = "before" if at + ms / 1000 < down else "after" if at >= up + GRACE else "during"
        phases[name]["answers"] += 1
        phases[name]["errors"] += status >= 500
    return phases


def _restart_under_load(world: World, restart, figures: Figures, during=None) -> dict:
    browser = world.browser()
    seconds = SETTLE + AFTER + 30
    generator = load(world, browser, _paths(world), seconds=seconds, threads=4)
    time.sleep(SETTLE)
    down = time.time()
    say("Restarting")
    side = threading.Thread(target=during, daemon=True) if during else None
    if side:
        side.start()
    restart()
    up = time.time()
    say(f"Back after {up - down:.2f} s; load goes on for {AFTER:.0f} s")
    time.sleep(AFTER)
    generator.terminate()  # SIGTERM: it finishes what is under way and prints
    result = load_result(generator)
    if side:
        side.join(timeout=60)
    phases = sort_answers(result, down, up)
    figures.add("restart seconds", round(up - down, 2))
    for name, counts in phases.items():
        figures.add(f"answers {name}", counts["answers"])
        figures.add(f"5xx {name}", counts["errors"])
    figures.add("requests without an answer", result["failures"])
    return phases


def _report_statuses(world: World, ids: list[int]) -> dict[int, str]:
    with psycopg.connect(world.env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
        rows = db.execute(
            "SELECT id, status FROM reporting_reportrun WHERE id = ANY(%s)", (ids,)
        ).fetchall()
    return dict(rows)


def _wait_reports(world: World, ids: list[int], seconds: float) -> dict[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        statuses = _report_statuses(world, ids)
        done = all(s in ("ready", "failed") for s in statuses.values())
        if done or time.monotonic() > deadline:
            return statuses
        time.sleep(1)


def _ask_reports(world: World) -> list[int]:
    return inside(world.env, "reports")["runs"]


def postgres(world: World, figures: Figures) -> bool:
    phases = _restart_under_load(world, world.cluster.restart, figures)
    runs = _ask_reports(world)
    statuses = _wait_reports(world, runs, 180)
    ready = sum(s == "ready" for s in statuses.values())
    figures.add("reports asked after the restart", len(runs))
    figures.add("reports built", ready)
    return phases["before"]["errors"] == 0 and phases["after"]["errors"] == 0 and ready == len(runs)


def redis(world: World, figures: Figures) -> bool:
    before = _ask_reports(world)  # queued for the one worker: most still wait at the restart
    during: list[int] = []
    sign_ins = {"tried": 0, "done": 0}
    window: dict[str, float] = {}

    def ask_reports() -> None:
        during.extend(_ask_reports(world))  # their sends are refused while Redis is away
        window["reports asked"] = time.time()

    def while_down() -> None:
        asking = threading.Thread(target=ask_reports, daemon=True)
        asking.start()
        for who in SIGN_INS:
            sign_ins["tried"] += 1
            try:
                world.browser(who)
                sign_ins["done"] += 1
            except Exception as exc:
                say(f"sign-in failed: {type(exc).__name__}: {exc}")
        window["signed in"] = time.time()
        asking.join(timeout=120)

    def restart() -> None:
        world.redis.stop()
        window["stopped"] = time.time()
        time.sleep(DOWN)
        window["starting"] = time.time()
        world.redis.start()

    phases = _restart_under_load(world, restart, figures, during=while_down)
    for who in SIGN_INS:  # and after it
        sign_ins["tried"] += 1
        world.browser(who)
        sign_ins["done"] += 1
    _resend(world)
    runs = before + during
    statuses = _wait_reports(world, runs, 300)
    ready = sum(s == "ready" for s in statuses.values())
    figures.add("sign-ins tried", sign_ins["tried"])
    figures.add("sign-ins done", sign_ins["done"])
    figures.add("reports asked before", len(before))
    figures.add("reports asked during", len(during))
    # Whether the side work really happened while Redis was away, not after.
    away = window["starting"]
    figures.add("reports asked while Redis was away", window["reports asked"] < away)
    figures.add("sign-ins done while Redis was away", window["signed in"] < away)
    figures.add("reports built", ready)
    errors = sum(p["errors"] for p in phases.values())
    really_away = window["reports asked"] < away and window["signed in"] < away
    return (
        errors == 0 and really_away and sign_ins["done"] == sign_ins["tried"] and ready == len(runs)
    )


def _resend(world: World) -> None:
    """What the beat does every five minutes, at once: a report whose send was refused while
    Redis was away, now older than the resender's two minutes, is sent again."""

    manage(
        world.env,
        "shell",
        "-c",
        "from datetime import timedelta; from django.utils import timezone; "
        "from config.queue import queued_work_resend; "
        "print(queued_work_resend(now=timezone.now() + timedelta(minutes=3)))",
    )


DRILLS = {"postgres": postgres, "redis": redis}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("drill", choices=sorted(DRILLS))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = Figures(f"{args.drill} restarted under load")
    with staged() as world:
        passed = DRILLS[args.drill](world, figures)
    figures.add("passed", passed)
    figures.print()
    if args.json:
        args.json.write_text(json.dumps(figures.values, indent=2))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
