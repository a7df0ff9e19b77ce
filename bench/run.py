"""`make bench`: Fotfeste's production stack on this machine, measured against DESIGN.md §6.

    python -m bench [--repeats N] [--concurrency 1,8] [--requests 60,200] [--seconds 8,10]
    python -m bench --baseline      # copies bench/results/latest.json to bench/baseline.json

The steps, in order: Redis of its own; the seeded databases (seeded once, copied afresh every
run); static files; a TOTP authenticator for each user; queries per page; the LIM report, the
LIM report of the seeded city, the import benchmark and the summer-job lottery (quiet
machine); gunicorn for each scale and Celery workers; sign-in through the pages; the repeats,
each of every page at every concurrency and then the mixed workload without and with its
writes; the caseload while two LIM reports render; throughput by concurrency, and errors at
four times the saturating load; the summer-job application bursts at the deadline.
Everything started is stopped at the end, on failure and on Ctrl-C too."""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

from bench import cpu, databases, inside, plan, summer
from bench.config import (
    BASELINE,
    LARGE,
    LATEST,
    ROOT,
    SMALL,
    django_env,
    keys,
    keys_fingerprint,
    seed_version,
)
from bench.figures import Figure, all_passed
from bench.measure import Options, Signed, saturation_runs, under_reports
from bench.repeats import MixSetup, run_repeats
from bench.report import compare, document, table, write
from bench.signin import Browser, SignInError, SignIns
from bench.stack import Stack, wait_healthy
from bench.verdict import Results, build_figures
from config.settings.base import FOTFESTE_REPORTS_QUEUE_SUFFIX as REPORTS_QUEUE_SUFFIX

# gunicorn's rule of thumb, 2 × cores + 1: a sync worker waits on PostgreSQL for part of each
# request, so a few more workers than cores keep both cores busy (docs/benchmarks.md).
DEFAULT_WORKERS = 2 * (os.cpu_count() or 1) + 1
# The CPU budget of docker-compose.yml's reports-worker (cpu_quota ÷ cpu_period), which the
# benchmark's reports worker gets too: tests/bench/test_cpu_budget.py keeps the two equal.
WORKER_CPUS = 0.2
STARTED = time.monotonic()
# The machine is shared: what else ran shows in the load average, recorded with the figures.
LOAD_AT_START = os.getloadavg()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.0f} s] {message}", flush=True)


PARTS = ("queries", "lim", "import", "mixed", "reports", "saturation", "summer")


def _numbers(kind: type) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        try:
            return tuple(kind(part) for part in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a comma-separated list: {text!r}") from None

    return parse


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--baseline", action="store_true", help="Copy latest to baseline.")
    add("--workers", type=int, default=DEFAULT_WORKERS)
    add("--repeats", type=int, default=3, help="Interleaved repeats of every page and the mix.")
    add("--concurrency", type=_numbers(int), default=(1, 8), help="Clients per page, e.g. 1,8.")
    each = "Per page and repeat at the most, one per concurrency."
    add("--requests", type=_numbers(int), default=(60, 200), help=each)
    add("--seconds", type=_numbers(float), default=(8.0, 10.0), help=each)
    add("--warmup", type=int, default=1, help="Unmeasured requests per client before each run.")
    add(
        "--mixed-seconds",
        type=float,
        default=45,
        help="Each phase of the mixed workload (without and with writes), per repeat.",
    )
    add("--step-seconds", type=float, default=10, help="Per concurrency step, at the most.")
    add(
        "--worker-cpus",
        type=float,
        default=WORKER_CPUS,
        help="The reports worker's CPU budget in cores, as docker-compose.yml gives it (0: none).",
    )
    add(
        "--keep-seed",
        action="store_true",
        help="Reuse the seeded databases even if the seeder changed since (saves a reseed).",
    )
    add(
        "--skip",
        default="",
        help=f"Leave out some of {', '.join(PARTS)} (comma-separated): a quicker, partial run.",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = arguments()
    args = parser.parse_args(argv)
    if args.baseline:
        if not LATEST.exists():
            parser.error(f"no {LATEST.relative_to(ROOT)} yet: run the benchmark first")
        shutil.copyfile(LATEST, BASELINE)
        print(f"{LATEST.relative_to(ROOT)} copied to {BASELINE.relative_to(ROOT)}")
        return 0
    skip = {part for part in args.skip.split(",") if part}
    if skip - set(PARTS):
        parser.error(f"--skip takes {', '.join(PARTS)}")
    if not len(args.concurrency) == len(args.requests) == len(args.seconds):
        parser.error("--concurrency, --requests and --seconds take as many numbers each")
    if args.repeats < 1:
        parser.error("--repeats takes 1 or more (3 or more for a median worth the name)")
    options = Options(
        workers=args.workers,
        concurrencies=args.concurrency,
        requests=args.requests,
        seconds=args.seconds,
        warmup=args.warmup,
        repeats=args.repeats,
        step_seconds=args.step_seconds,
        worker_cpus=args.worker_cpus,
        mixed_seconds=args.mixed_seconds,
    )
    try:
        figures, context = measure(options, skip, keep_seed=args.keep_seed)
    except KeyboardInterrupt:
        print("\nInterrupted; everything the benchmark started has been stopped.")
        return 130
    return conclude(figures, context | {"skipped": sorted(skip)})


def measure(options: Options, skip: set[str], *, keep_seed: bool) -> tuple[list[Figure], dict]:
    found = keys()
    version, fingerprint = None if keep_seed else seed_version(), keys_fingerprint(found)
    context: dict = {"settings": options.__dict__ | {"cores": os.cpu_count()}}
    budget = cpu.budget("fotfeste-bench-reports", options.worker_cpus)
    context["worker_budget"] = budget.describe()
    try:
        return _measure(options, skip, context, budget, version, fingerprint, found)
    finally:
        cpu.remove(budget)  # after Stack has stopped the worker: an empty group goes


def _measure(
    options: Options,
    skip: set[str],
    context: dict,
    budget: cpu.Budget,
    version: str | None,
    fingerprint: str,
    found: dict[str, str],
) -> tuple[list[Figure], dict]:
    with Stack() as stack:
        redis = stack.redis()
        envs = {scale: django_env(scale, redis, found) for scale in (LARGE, SMALL)}
        context["seed_seconds"] = {
            scale.short: round(
                databases.prepare(
                    scale, databases.wanted(scale, version, fingerprint), envs[scale], say
                )
            )
            for scale in (LARGE, SMALL)
        }
        say("Collecting static files, giving the users their authenticators")
        databases.collect_static(envs[LARGE])
        facts = {scale: inside.call("users", envs[scale]) for scale in (LARGE, SMALL)}
        results = quiet_parts(envs, skip, facts[LARGE])
        say(
            f"Starting gunicorn ({options.workers} workers per scale), a Celery worker and one "
            f"for documents with {budget.describe()}"
        )
        large = stack.gunicorn("web-large", envs[LARGE], options.workers)
        small = stack.gunicorn("web-small", envs[SMALL], options.workers)
        queue = envs[LARGE]["CELERY_TASK_DEFAULT_QUEUE"]
        stack.celery("worker-large", envs[LARGE], queue=queue)
        stack.celery("reports-large", envs[LARGE], budget, queue=queue + REPORTS_QUEUE_SUFFIX)
        wait_healthy([large, small], stack)
        say("Signing in: password, then the TOTP code")
        big, small_city, mix = sign_everyone_in(large, small, facts, mixed="mixed" not in skip)
        pages = plan.pages(facts[LARGE])
        measured = run_repeats({"large": big, "small": small_city}, pages, mix, options, say)
        results |= {"plan": pages, "pages": measured.pages}
        if mix is not None:
            results |= {"mixed": measured.mixed, "asked": mix.plan.rates()}
        stack.check_running()
        if "reports" not in skip:
            say("The caseload while the worker renders two LIM reports, three times over")
            busy = under_reports(big, partial(_report_runs, envs[LARGE]), options, say)
            results["report_seconds"] = busy.pop("report_seconds")
            results["busy"] = busy
        if "saturation" not in skip:
            results["steps"], results["heavy"] = saturation_runs(big, options, say)
        if "summer" not in skip:
            results["bursts"] = summer.bursts(small, small_city.caseworker, envs[SMALL], say)
        stack.check_running()
    context["facts"] = {s.short: _public(f) for s, f in facts.items()}
    return build_figures(Results(facts=facts[LARGE], **results)), context


def quiet_parts(envs: dict, skip: set[str], facts: dict) -> dict:
    """What is measured before the web processes start, so that they do not compete."""
    results: dict = {}
    if "queries" not in skip:
        say("Counting queries per page at 1, 25 and 100 rows")
        results["counts"] = inside.call("queries", envs[LARGE])["counts"]
    if "lim" not in skip:
        say("LIM report at 100 and 1 000 participants (bench_report)")
        results["lim"] = report_bench(envs[SMALL])
        say("LIM report of the 10 000 city's latest LIM grant (bench_report --grant)")
        results["city"] = city_report(envs[LARGE], facts["lim_grant"])
    if "import" not in skip:
        say("CSV import of 10 000 rows (bench_import)")
        results["imported"] = import_bench(envs[SMALL])
    if "summer" not in skip:
        say("Summer-job lottery: 5 000 applicants over 2 000 places, three times on one seed")
        results["lottery"] = summer.lottery(envs[SMALL])
    return results


def _report_runs(env: dict[str, str]) -> list[int]:
    return inside.call("reports", env)["runs"]


def _public(facts: dict) -> dict:
    """What the JSON file may keep of the facts: counts and days, no names nor secrets."""
    hidden = ("secrets", "emails", "caseload_ids", "password", "search", "mixed")
    return {k: v for k, v in facts.items() if k not in hidden}


def _last_json(output: str) -> dict:
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line")


def _command(args: list[str], env: dict[str, str]) -> dict:
    """An existing bench command's figures (its last JSON line), whether or not it met its bar
    (it exits 1 when it did not)."""
    done = subprocess.run(  # noqa: S603 - manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    try:
        return _last_json(done.stdout)
    except ValueError:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}") from None


def report_bench(env: dict[str, str]) -> list[dict]:
    """reporting's bench_report, each size in a fresh process in a rolled-back world."""
    path = ROOT / "var" / "bench" / "bench_report.json"
    _command(["bench_report", "--participants", "100", "1000", "--json", str(path)], env)
    return json.loads(path.read_text())["runs"]


def city_report(env: dict[str, str], grant: int) -> dict:
    """The LIM report of the seeded city's grant, on the run's working copy, rolled back."""
    path = ROOT / "var" / "bench" / "bench_report_city.json"
    _command(["bench_report", "--grant", str(grant), "--json", str(path)], env)
    return json.loads(path.read_text())


def import_bench(env: dict[str, str]) -> dict:
    return _command(["bench_import", "--rows", "10000"], env)


def sign_everyone_in(
    large: int, small: int, facts: dict, *, mixed: bool
) -> tuple[Signed, Signed, MixSetup | None]:
    """The page runs' browsers of both cities, then the mixed workload's users (those of the
    page runs keep their sessions), and last the caseworker's second session, whose caseload
    search is kept in it."""
    big_facts = facts[LARGE]
    signer = SignIns(large, big_facts["password"], big_facts["secrets"])
    emails = big_facts["emails"]
    page_users = {name: user for name, user in plan.BROWSERS.items() if name != "caseworker_search"}
    by_user = {user: signer(emails[user]) for user in dict.fromkeys(page_users.values())}
    big = Signed(large, {name: by_user[user] for name, user in page_users.items()}, big_facts)
    mix = None
    if mixed:
        for user in plan.MIXED_READERS:
            by_user.setdefault(user, signer(emails[user]))
        mix = MixSetup(
            plan=plan.mixed(big_facts),
            port=large,
            sessions={user: by_user[user].cookies for user in plan.MIXED_READERS},
            pool={emails[user]: big_facts["secrets"][emails[user]] for user in plan.SIGN_IN_POOL},
            password=big_facts["password"],
            last=signer.last,
        )
    big.browsers["caseworker_search"] = search(signer(emails["veileder1"]), big_facts["search"])
    small_facts = facts[SMALL]
    small_signer = SignIns(small, small_facts["password"], small_facts["secrets"])
    small_emails = small_facts["emails"]
    small_city = Signed(
        small,
        {name: small_signer(small_emails[user]) for name, user in plan.SMALL_BROWSERS.items()},
        small_facts,
    )
    return big, small_city, mix


def search(browser: Browser, term: str) -> Browser:
    """Posts a name search on the caseload, which keeps it in this browser's session."""
    status, location, _ = browser.post_form("/participants/", {"q": term})
    if status != 303 or location != "/participants/":
        raise SignInError(f"the caseload search gave {status} → {location or 'no redirect'}")
    return browser


def conclude(figures: list[Figure], context: dict) -> int:
    context |= {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "run_seconds": round(time.monotonic() - STARTED),
        "commit": _commit(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": {"start": LOAD_AT_START, "end": os.getloadavg()},
        },
    }
    latest = document(figures, **context)
    write(LATEST, latest)
    print()
    print(table(figures))
    start, end = (round(load[0], 1) for load in context["machine"]["load_average"].values())
    print(
        f"\nWritten to {LATEST.relative_to(ROOT)} ({context['run_seconds']} s in all; "
        f"load average {start} at the start, {end} at the end, on {os.cpu_count()} cores)."
    )
    if BASELINE.exists():
        baseline = json.loads(BASELINE.read_text())
        print(
            f"\nAgainst the baseline ({baseline.get('measured_at', '?')}, "
            f"{baseline.get('commit', '?')[:10]}):"
        )
        for line in compare(latest, baseline):
            print(f"  {line}")
    if context["skipped"]:
        print(f"\nLeft out (--skip), so not checked: {', '.join(context['skipped'])}.")
    passed = all_passed(figures)
    print("\nEvery bar met." if passed else "\nA bar was missed (FAIL above).")
    return 0 if passed else 1


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()
