"""The mixed workload, run as its own process like bench/load.py:

    python -m bench.mixed < spec.json > result.json

Many signed-in users at once (bench/plan.py names them), each a thread loading their own pages
in turn with a pause between two; and, when the spec asks for writes, at the same time and at
set rates: attendance taps (the attendance page's htmx form), case notes (the note form) and
fresh sign-ins through the real pages with a TOTP code. The sessions' cookies and the sign-in
pool's secrets come in on stdin, never on a command line. Printed, per kind of page or write:
when each request started, its latency and status, how many answered otherwise than that
request should be answered (a note form shown again, a tap refused, a page that sends the user
to sign in) and how many got no answer."""

import http.client
import itertools
import json
import random
import signal
import sys
import threading
import time
from dataclasses import asdict

from bench.plan import Mixed, Reader, Writer
from bench.signin import Browser, SignInError, SignIns

STOP = threading.Event()
HTMX = {"HX-Request": "true", "Accept": "text/html"}


class Record:
    """What came back, by kind, from every thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.kinds: dict[str, dict] = {}

    def add(self, kind: str, at: float, ms: float, status: int, expected: bool) -> None:
        with self._lock:
            run = self.kinds.setdefault(
                kind,
                {"started": [], "latencies_ms": [], "statuses": [], "failures": 0, "unexpected": 0},
            )
            if status == 0:
                run["failures"] += 1
                return
            run["started"].append(round(at, 3))
            run["latencies_ms"].append(round(ms, 3))
            run["statuses"].append(status)
            # An answer outside 2xx/3xx is an error of its own; this counts the others.
            if not expected and status < 400:
                run["unexpected"] += 1


def timed(record: Record, kind: str, call) -> None:
    """``call()`` returns the status, whether it is the answer that request should get, and
    optionally the seconds of it that were the client's own (not counted)."""
    at, started = time.time(), time.perf_counter()
    idle = 0.0
    try:
        status, expected, *rest = call()
        idle = sum(rest)
    except (OSError, http.client.HTTPException, SignInError):
        status, expected = 0, False
    record.add(kind, at, (time.perf_counter() - started - idle) * 1000, status, expected)


def _until(deadline: float, seconds: float) -> bool:
    """Sleeps ``seconds`` unless the run ends first; True while it has not."""
    left = deadline - time.monotonic()
    if seconds > 0:
        STOP.wait(min(seconds, max(left, 0)))
    return time.monotonic() < deadline and not STOP.is_set()


def read(record: Record, reader: Reader, browser: Browser, deadline: float, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - pauses between page loads, not secrets
    # Each user begins at another moment of their first pause, not all at once.
    if not _until(deadline, rng.uniform(0, reader.think)):
        return
    for kind, path in itertools.cycle(reader.pages):

        def get(path: str = path) -> tuple[int, bool]:
            status, _, _ = browser.request("GET", path, extra={"Accept": "text/html"})
            return status, status == 200

        timed(record, kind, get)
        if not _until(deadline, reader.think * rng.uniform(0.5, 1.5)):
            return


def write(record: Record, writer: Writer, browser: Browser, deadline: float, offset: float) -> None:
    """One write every ``writer.every`` seconds from ``offset`` on, to each target in turn; a
    write that comes late is made at once, and the next keeps the schedule."""
    try:
        token = browser.csrf_token(writer.form)
    except (OSError, http.client.HTTPException, SignInError):
        record.add(writer.kind, time.time(), 0.0, 0, False)  # no form: no writes, a failure
        return
    due = time.monotonic() + offset
    for path, fields in itertools.cycle(writer.targets):
        if not _until(deadline, due - time.monotonic()):
            return
        form = {**dict(fields), "csrfmiddlewaretoken": token}
        timed(
            record,
            writer.kind,
            lambda path=path, form=form: _post(writer.kind, browser, path, form),
        )
        due += writer.every


def _post(kind: str, browser: Browser, path: str, form: dict) -> tuple[int, bool]:
    if kind == "tap":
        status, _, body = browser.request("POST", path, form, extra=HTMX)
        return status, status == 200 and 'role="alert"' not in body
    status, location, _ = browser.request("POST", path, form)
    return status, status == 302 and location.startswith("/participants/")


def sign_ins(record: Record, signer: SignIns, spec: dict, deadline: float) -> None:
    """The sign-in pool in turn, one every ``every`` seconds, each through the password page,
    the code page and the start page. Staff arrive whether or not the last one has got in: each
    sign-in runs in a thread of its own, so a slow one does not hold back the next."""
    every = spec["every"]
    due = time.monotonic() + every / 2
    started = []
    for email in itertools.cycle(spec["people"]):
        if not _until(deadline, due - time.monotonic()):
            break
        started.append(threading.Thread(target=_sign_in, args=(record, signer, email)))
        started[-1].start()
        due += every
    for thread in started:
        thread.join()


def _sign_in(record: Record, signer: SignIns, email: str) -> None:
    signer.ready(email)  # not timed, nor the wait for a fresh code: a person reads their phone

    def once() -> tuple[int, bool, float]:
        return 200, True, signer(email).waited

    timed(record, "sign_in", once)


def readers_of(spec: dict) -> list[Reader]:
    return [Reader(r["user"], tuple(map(tuple, r["pages"])), r["think"]) for r in spec["readers"]]


def writers_of(spec: dict) -> list[tuple[Writer, float]]:
    """The writers, each with the offset of its first write: the writers of one kind take
    turns, evenly spread over one interval, rather than all writing at the same moment."""
    writers = [
        Writer(w["user"], w["kind"], w["every"], w["form"], _targets(w["targets"]))
        for w in spec["writers"]
    ]
    placed = []
    for writer in writers:
        same = [w for w in writers if w.kind == writer.kind]
        placed.append((writer, writer.every * same.index(writer) / len(same)))
    return placed


def threads(spec: dict, record: Record, signer: SignIns, deadline: float) -> list[threading.Thread]:
    sessions = {user: _browser(spec, cookies) for user, cookies in spec["sessions"].items()}
    calls: list[tuple] = [
        (read, (record, reader, sessions[reader.user].copy(), deadline, n))
        for n, reader in enumerate(readers_of(spec))
    ]
    if spec["writes"]:
        calls += [
            (write, (record, writer, sessions[writer.user].copy(), deadline, offset))
            for writer, offset in writers_of(spec)
        ]
        calls.append((sign_ins, (record, signer, spec["sign_in"], deadline)))
    return [threading.Thread(target=call, args=args, daemon=True) for call, args in calls]


def _browser(spec: dict, cookies: dict) -> Browser:
    browser = Browser(spec["port"], spec["host"])
    browser.cookies = dict(cookies)
    return browser


def _targets(raw: list) -> tuple:
    return tuple((path, tuple(map(tuple, fields))) for path, fields in raw)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda signum, frame: STOP.set())
    spec = json.load(sys.stdin)
    record = Record()
    pool = spec["sign_in"]
    signer = SignIns(spec["port"], pool["password"], pool["secrets"], pool["last"])
    started = time.monotonic()
    deadline = started + spec["seconds"]
    running = threads(spec, record, signer, deadline)
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    seconds = time.monotonic() - started
    json.dump(
        {
            "kinds": {kind: run | {"seconds": seconds} for kind, run in record.kinds.items()},
            "seconds": round(seconds, 3),
            "writes": spec["writes"],
            "last_sign_in": signer.last,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()


def spec(
    plan: Mixed,
    *,
    port: int,
    sessions: dict[str, dict[str, str]],
    pool: dict[str, str],
    password: str,
    last: dict[str, int],
    seconds: float,
    writes: bool,
) -> dict:
    """What this process reads on stdin: the plan, each user's session cookies, and the
    sign-in pool's TOTP secrets by e-mail address, in turn, with the step of each one's last
    sign-in (bench.signin SignIns)."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "seconds": seconds,
        "writes": writes,
        "sessions": sessions,
        "readers": [asdict(reader) for reader in plan.readers],
        "writers": [asdict(writer) for writer in plan.writers],
        "sign_in": {
            "every": plan.sign_in_every,
            "people": list(pool),
            "secrets": pool,
            "password": password,
            "last": last,
        },
    }
