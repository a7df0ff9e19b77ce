"""The repeats: every page at every concurrency, then the mixed workload without and with its
writes; and all of it again, ``--repeats`` times over. Repeat r ends before repeat r + 1
begins (bench/plan.py schedule), so a change in what else the machine runs weighs on every
figure alike, and each figure is the median of its repeats."""

from collections.abc import Callable
from dataclasses import dataclass, field

from bench import mixed
from bench.measure import Child, Options, Signed, line, load
from bench.mixfigures import wrong_answers
from bench.plan import Mixed, Page, schedule
from bench.stats import Summary, summarise

# Each phase of the mixed workload: its name in the results, and whether it writes.
PHASES = (("write_free", False), ("with_writes", True))
# Before the first repeat: each page this many times from each client, at the most this long.
WARMUP_ROUNDS = 2
WARMUP_SECONDS = 10


@dataclass
class MixSetup:
    """The mixed workload's plan and its signed-in users (cookies by user), the sign-in pool's
    TOTP secrets by e-mail address, and the TOTP step of each user's last sign-in, handed on
    from one phase to the next (bench.signin SignIns)."""

    plan: Mixed
    port: int
    sessions: dict[str, dict[str, str]]
    pool: dict[str, str]
    password: str
    last: dict[str, int]


@dataclass
class Measured:
    # page → concurrency → its summary in each repeat
    pages: dict[str, dict[int, list[Summary]]] = field(default_factory=dict)
    # per repeat: what bench.mixed printed for each phase
    mixed: list[dict[str, dict]] = field(default_factory=list)


def run_repeats(
    signed: dict[str, Signed],
    plan: list[Page],
    mix: MixSetup | None,
    options: Options,
    say: Callable[[str], None],
) -> Measured:
    """``signed``: the browsers by scale ("large", "small")."""
    measured = Measured()
    steps = schedule(plan, options.concurrencies, options.repeats)
    say(f"Warming up: each page {WARMUP_ROUNDS} times from each of {options.workers} clients")
    for page in plan:
        warm_up(signed[page.scale], page, options.workers)
    for repeat in range(options.repeats):
        say(
            f"Repeat {repeat + 1} of {options.repeats}: every page at concurrency "
            + " and ".join(str(c) for c in options.concurrencies)
        )
        for step in (s for s in steps if s.repeat == repeat):
            summary = _page(signed[step.page.scale], step.page, step.concurrency, options)
            per_c = measured.pages.setdefault(step.page.name, {})
            per_c.setdefault(step.concurrency, []).append(summary)
            say("  " + line(f"{step.page.name} c{step.concurrency}", summary))
        if mix is not None:
            measured.mixed.append(_mixed(mix, options, repeat, say))
    return measured


def warm_up(signed: Signed, page: Page, clients: int) -> None:
    """Every gunicorn worker renders the page a few times before anything is measured (its
    first render of a template compiles it), so that the first repeat is like the others."""
    load(
        signed.browsers[page.browser],
        page.paths,
        concurrency=clients,
        requests=WARMUP_ROUNDS * clients,
        seconds=WARMUP_SECONDS,
        accept=page.accept,
    ).result()


def _page(signed: Signed, page: Page, concurrency: int, options: Options) -> Summary:
    requests, seconds = options.limits(concurrency)
    raw = load(
        signed.browsers[page.browser],
        page.paths,
        concurrency=concurrency,
        requests=requests,
        seconds=seconds,
        warmup=options.warmup * concurrency,
        accept=page.accept,
    ).result()
    return summarise(raw)


def _mixed(mix: MixSetup, options: Options, repeat: int, say: Callable[[str], None]) -> dict:
    """Both phases, the write-free one first in even repeats and last in odd ones."""
    phases = PHASES if repeat % 2 == 0 else PHASES[::-1]
    results = {}
    for name, writes in phases:
        spec = mixed.spec(
            mix.plan,
            port=mix.port,
            sessions=mix.sessions,
            pool=mix.pool,
            password=mix.password,
            last=mix.last,
            seconds=options.mixed_seconds,
            writes=writes,
        )
        results[name] = Child("bench.mixed", spec, options.mixed_seconds + 60).result()
        mix.last |= results[name].pop("last_sign_in")
        say("  " + describe(name, results[name]))
    return results


def describe(name: str, raw: dict) -> str:
    kinds = raw["kinds"]
    shown = []
    for kind in ("hello", "caseload", "attendance", "dashboard", "tap", "note", "sign_in"):
        if kind in kinds:
            s = summarise(kinds[kind])
            shown.append(f"{kind} {s.requests} p95 {s.p95_ms:.0f} ms")
    errors = sum(wrong_answers(k) for k in kinds.values())
    return f"mixed, {name.replace('_', ' ')}: " + ", ".join(shown) + f"; {errors} errors"
