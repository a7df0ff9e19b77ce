"""The application deadline (issue 18): a burst of young people sending the summer-job form, run
as a process of its own like bench.load:

    python -m bench.burst < spec.json > result.json

Each young person of the spec first opens the form (not measured: people open it over the
minutes before the deadline). Then three bursts, each paced at the spec's rate in an open loop
(request i leaves at i / rate seconds, whatever became of those before it, as people do not
wait for each other): a signed-in caseworker's hello page, the baseline at the same pace; the
forms sent; and the codes from the e-mails entered. Each young person comes from an address of
their own (X-Forwarded-For, as through the municipality's proxy), so the per-address rate
limit sees a crowd, not one machine.

Printed: for each burst the same JSON as bench.load's (a POST answered with the redirect it
should give is a good answer, recorded as 200; any other answer is recorded as it came), and
how late the requests left against their schedule."""

import email
import http.client
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from bench.load import server_timing
from bench.signin import PROXY, Browser

# Enough clients that a slow answer does not hold the next one back at 50 a second.
CLIENTS = 48
_CODE = re.compile(r"\b(\d{6})\b")
# How long the e-mails with the codes may take to appear in the spec's mail folder.
MAIL_SECONDS = 30.0


class Burst:
    """What one paced burst saw, in bench.load's shape."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self.size = size
        self.started: list[float] = []
        self.latencies: list[float] = []
        self.statuses: list[int] = []
        self.server: list[dict[str, float]] = []
        self.late_ms: list[float] = []
        self.failures = 0

    def answered(self, at: float, ms: float, status: int, timing: dict, late: float) -> None:
        with self._lock:
            self.started.append(round(at, 3))
            self.latencies.append(round(ms, 3))
            self.statuses.append(status)
            self.server.append(timing)
            self.late_ms.append(round(late * 1000, 1))

    def failed(self) -> None:
        with self._lock:
            self.failures += 1

    def as_run(self, seconds: float) -> dict:
        return {
            "started": self.started,
            "latencies_ms": self.latencies,
            "statuses": self.statuses,
            "server": self.server,
            "failures": self.failures,
            "seconds": round(seconds, 3),
            "concurrency": CLIENTS,
            "late_ms_max": max(self.late_ms, default=0.0),
        }


# One request of a burst: returns (status, Location, Server-Timing values).
Send = Callable[[int], tuple[int, str, dict]]


def paced(count: int, rate: float, send: Send, expected: int) -> tuple[Burst, list[str]]:
    """``send(i)`` for i in 0 … count − 1, the i-th at i / rate seconds from now. Returns what
    was seen and each request's Location header ("" where none came)."""
    burst, locations = Burst(count), [""] * count
    begin = time.perf_counter() + 0.2

    def one(i: int) -> None:
        due = begin + i / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        at, started = time.time(), time.perf_counter()
        try:
            status, location, timing = send(i)
        except (OSError, http.client.HTTPException):
            burst.failed()
            return
        ms = (time.perf_counter() - started) * 1000
        locations[i] = location
        good = 200 if status == expected else status
        burst.answered(at, ms, good, timing, max(0.0, started - due))

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(one, range(count)))
    return burst, locations


def request(
    spec: dict, method: str, path: str, headers: dict, body: str | None = None
) -> tuple[int, str, dict, str]:
    connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=spec["timeout"])
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        timing = server_timing(response.getheader("Server-Timing"))
        return response.status, response.getheader("Location") or "", timing, text
    finally:
        connection.close()


class Applicant:
    """One young person's browser: their own address and cookies, the form they fill in."""

    def __init__(self, spec: dict, form: dict, n: int) -> None:
        self.spec, self.form = spec, form
        self.browser = Browser(spec["port"], spec["host"])
        self.address = f"10.{20 + n // 65536}.{n // 256 % 256}.{n % 256}"
        self.token = ""

    def headers(self) -> dict[str, str]:
        return self.browser.headers() | {"X-Forwarded-For": self.address}

    def open_form(self, path: str) -> None:
        status, _, page = self.browser.request("GET", path, extra={"X-Forwarded-For": self.address})
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or found is None:
            raise SystemExit(f"the form gave {status} without a CSRF token")
        self.token = found.group(1)

    def post(self, path: str, fields: dict) -> tuple[int, str, dict]:
        body = urlencode({**fields, "csrfmiddlewaretoken": self.token}, doseq=True)
        headers = self.headers() | {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.browser.origin,
            "Referer": self.browser.origin + path,
        }
        status, location, timing, _ = request(self.spec, "POST", path, headers, body)
        return status, location, timing


def codes(folder: Path, wanted: set[str], seconds: float = MAIL_SECONDS) -> dict[str, str]:
    """The code e-mailed to each address of ``wanted``, read from the file-based mail backend's
    folder (Django writes every message there, separated by a line of dashes)."""
    found: dict[str, str] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.log")):
            for raw in path.read_text("utf-8", "replace").split("\n" + "-" * 79 + "\n"):
                message = email.message_from_string(raw.strip())
                to = (message.get("To") or "").strip().lower()
                if to in wanted and to not in found:
                    body = message.get_payload(decode=True) or b""
                    match = _CODE.search(body.decode("utf-8", "replace"))
                    if match:
                        found[to] = match.group(1)
        if len(found) == len(wanted):
            break
        time.sleep(0.5)
    return found


def run(spec: dict) -> dict:
    form_path = f"/apply/{spec['season']}/"
    people = [Applicant(spec, form, n) for n, form in enumerate(spec["applicants"])]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda person: person.open_form(form_path), people))
    rate, count = spec["rate"], len(people)
    hello_headers = {**PROXY, **spec["hello_headers"]}

    def hello(i: int) -> tuple[int, str, dict]:
        status, location, timing, _ = request(spec, "GET", spec["hello_path"], hello_headers)
        return status, location, timing

    hello_burst, _ = paced(count, rate, hello, expected=200)
    started = time.perf_counter()

    def send(i: int) -> tuple[int, str, dict]:
        return people[i].post(form_path, people[i].form)

    sent, confirm_paths = paced(count, rate, send, expected=302)
    sent_seconds = time.perf_counter() - started
    mailed = codes(Path(spec["mail_dir"]), {p.form["email"].lower() for p in people})
    confirmable = [i for i, path in enumerate(confirm_paths) if "/confirm/" in path]

    def confirm(k: int) -> tuple[int, str, dict]:
        person = people[confirmable[k]]
        code = mailed.get(person.form["email"].lower(), "000000")
        return person.post(confirm_paths[confirmable[k]], {"code": code})

    started = time.perf_counter()
    entered, received = paced(len(confirmable), rate, confirm, expected=302)
    entered_seconds = time.perf_counter() - started
    return {
        "hello": hello_burst.as_run(count / rate),
        "apply": sent.as_run(sent_seconds),
        "confirm": entered.as_run(entered_seconds),
        "mailed": len(mailed),
        "received": sum(1 for path in received if path.endswith("/received/")),
        "rate": rate,
    }


def main() -> None:
    json.dump(run(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
