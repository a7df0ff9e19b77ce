"""What `make bench` measures, as data: the pages each user loads, at which concurrencies and in
which order over the repeats; and the mixed workload's users, the pages each of them reads and
the writes made meanwhile, at a working morning's rates. Built from the facts bench.inside
reports about the seeded city, so that it can be read, and tested, without a server."""

from dataclasses import dataclass

HTML = "text/html"
JSON = "application/json"
# DESIGN.md §6: every page ≤ 3 × the hello page's p95 at the same concurrency, the dashboard ≤ 5 ×.
PAGE_BAR = 3.0
DASHBOARD_BAR = 5.0

# The signed-in browsers of the page runs, each a session of its own: the caseworker's name
# search is kept in the session (participants/views/caseload.py), so the searching browser
# is a second session of the same caseworker, and the plain caseload stays unfiltered.
BROWSERS = {
    "caseworker": "veileder1",
    "caseworker_search": "veileder1",
    "lead": "programleder1",
    "arbeidsleder": "arbeidsleder1",
    "admin": "admin",
}
SMALL_BROWSERS = {"caseworker": "veileder1"}


@dataclass(frozen=True)
class Page:
    """A page as one user loads it, its paths taken in turn. ``bar``: the most its p95 may be,
    in times the hello page's; None for a page measured for another figure's sake."""

    name: str
    label: str
    browser: str
    paths: tuple[str, ...]
    accept: str = HTML
    bar: float | None = PAGE_BAR
    scale: str = "large"


def pages(facts: dict) -> list[Page]:
    """Every page of the page runs; ``facts`` of the large city (bench.inside users)."""
    day = facts["attendance_day"]
    people = tuple(f"/participants/{pk}/" for pk in facts["caseload_ids"])
    return [
        Page("hello", "hello page (baseline)", "caseworker", ("/hello/",), bar=None),
        Page("caseload", "caseload", "caseworker", ("/participants/",)),
        Page("caseload_search", "caseload, name search", "caseworker_search", ("/participants/",)),
        Page("participant", "participant page", "caseworker", people),
        Page(
            "attendance",
            "attendance, arbeidsleder",
            "arbeidsleder",
            (f"/worksites/attendance/?date={day}",),
        ),
        Page(
            "dashboard", "programme dashboard", "lead", ("/reports/dashboard/",), bar=DASHBOARD_BAR
        ),
        Page("home_caseworker", "home, caseworker", "caseworker", ("/",)),
        Page("home_lead", "home, programme lead", "lead", ("/",)),
        Page("home_arbeidsleder", "home, arbeidsleder", "arbeidsleder", ("/",)),
        Page("home_admin", "home, municipality admin", "admin", ("/",)),
        *(
            Page(f"api_{name}", f"API /api/{name}/", browser, (f"/api/{name}/",), JSON)
            for name, browser in API_LISTS
        ),
        Page(
            "caseload_small",
            "caseload, 100-person city",
            "caseworker",
            ("/participants/",),
            bar=None,
            scale="small",
        ),
    ]


# The API lists a caseworker's and an arbeidsleder's own tools read (web/api.py's router).
API_LISTS = (
    ("participants", "caseworker"),
    ("enrollments", "caseworker"),
    ("placements", "arbeidsleder"),
    ("attendance", "arbeidsleder"),
)


@dataclass(frozen=True)
class Step:
    repeat: int
    concurrency: int
    page: Page


def schedule(every: list[Page], concurrencies: tuple[int, ...], repeats: int) -> list[Step]:
    """Repeat r runs every page at every concurrency before repeat r + 1 begins, so that a
    change in what else the machine runs weighs on all pages alike. Each repeat starts at
    another place in the list: no page is always the first or the last of a repeat."""
    steps = []
    for repeat in range(repeats):
        start = len(every) * repeat // max(repeats, 1)
        turned = every[start:] + every[:start]
        steps += [Step(repeat, c, page) for c in concurrencies for page in turned]
    return steps


# The mixed workload: many users of each role at once, each on their own pages and records
# (demo/scale/organisation.py names the seeded staff).
MIXED_CASEWORKERS = tuple(f"veileder{n}" for n in range(1, 7))
MIXED_ARBEIDSLEDERE = tuple(f"arbeidsleder{n}" for n in range(1, 5))
MIXED_LEADS = ("programleder1", "programleder2", "programleder3")
MIXED_ADMINS = ("admin",)
MIXED_READERS = MIXED_CASEWORKERS + MIXED_ARBEIDSLEDERE + MIXED_LEADS + MIXED_ADMINS
# Staff arriving in the morning: signed in one after the other through the real pages. Ten in
# turn, so that none signs in twice within one 30-second TOTP step (a code is taken once).
SIGN_IN_POOL = tuple(f"veileder{n}" for n in range(7, 17))
MIXED_USERS = MIXED_READERS + SIGN_IN_POOL
CASES_PER_CASEWORKER = 10

# A working morning's rates, for these 14 users (docs/benchmarks.md): an arbeidsleder taps in
# the people at the worksite as they arrive, 30 in a minute and a half; a caseworker writes a
# note after each meeting, here one every 20 seconds (a caseworker's morning of notes
# compressed into minutes); staff sign in as they arrive, one every 5 seconds (the city's 410
# within 35 minutes). Each user loads a page every two seconds or so, far faster than a person
# reads one: the 14 stand for many more, and ask for about half of the two cores on a quiet
# machine (at one a second they saturate them, and every page then waits in the same queue).
TAP_SECONDS = 3.0
NOTE_SECONDS = 20.0
SIGN_IN_SECONDS = 5.0
THINK_SECONDS = 2.0
HELLO_THINK_SECONDS = 0.25
TAP_STATUSES = ("present",) * 8 + ("late", "excused")
NOTE_TEXT = "Oppfølgingssamtale på arbeidsplassen: trives, ønsker flere timer."


@dataclass(frozen=True)
class Reader:
    """A signed-in user loading their pages in turn, ``think`` seconds apart on average
    (±50 %, so that the users do not march in step). ``kind`` names each page's figure."""

    user: str
    pages: tuple[tuple[str, str], ...]  # (kind, path)
    think: float = THINK_SECONDS


@dataclass(frozen=True)
class Writer:
    """A user's writes, one every ``every`` seconds: a POST of ``form``'s form (whose page gives
    the CSRF token) to each target in turn, with the fields given."""

    user: str
    kind: str
    every: float
    form: str
    targets: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (path, fields)


@dataclass(frozen=True)
class Mixed:
    readers: tuple[Reader, ...]
    writers: tuple[Writer, ...]
    sign_in_every: float = SIGN_IN_SECONDS
    sign_in_pool: tuple[str, ...] = SIGN_IN_POOL

    def rates(self) -> dict[str, float]:
        """The writes asked for, per minute, by kind."""
        rates: dict[str, float] = {}
        for writer in self.writers:
            rates[writer.kind] = rates.get(writer.kind, 0.0) + 60 / writer.every
        return rates | {"sign_in": 60 / self.sign_in_every}


# The figures of the mixed workload: each page kind, its label and its bar.
MIXED_KINDS = {
    "hello": ("hello page (baseline)", None),
    "caseload": ("caseload", PAGE_BAR),
    "participant": ("participant page", PAGE_BAR),
    "home_caseworker": ("home, caseworker", PAGE_BAR),
    "attendance": ("attendance, arbeidsleder", PAGE_BAR),
    "home_arbeidsleder": ("home, arbeidsleder", PAGE_BAR),
    "dashboard": ("programme dashboard", DASHBOARD_BAR),
    "home_lead": ("home, programme lead", PAGE_BAR),
    "home_admin": ("home, municipality admin", PAGE_BAR),
}
WRITE_KINDS = {"tap": "attendance taps", "note": "case notes", "sign_in": "sign-ins"}


def mixed(facts: dict) -> Mixed:
    """The mixed workload over the seeded city: ``facts["mixed"]`` names each caseworker's
    open cases, and each arbeidsleder's day and the placements expected on it."""
    cases, days = facts["mixed"]["cases"], facts["mixed"]["days"]
    placements = facts["mixed"]["placements"]
    readers = [_caseworker(user, cases[user]) for user in MIXED_CASEWORKERS]
    readers += [
        Reader(
            user,
            (
                ("attendance", f"/worksites/attendance/?date={days[user]}"),
                ("home_arbeidsleder", "/"),
            ),
        )
        for user in MIXED_ARBEIDSLEDERE
    ]
    readers += [
        Reader(user, (("dashboard", "/reports/dashboard/"), ("home_lead", "/")))
        for user in MIXED_LEADS
    ]
    readers += [Reader(user, (("home_admin", "/"),)) for user in MIXED_ADMINS]
    # The baseline under the same mix: a signed-in caseworker's hello page, more often than a
    # person would, for enough samples; it adds little load.
    readers.append(Reader(MIXED_CASEWORKERS[0], (("hello", "/hello/"),), HELLO_THINK_SECONDS))
    writers = [_taps(user, days[user], placements[user]) for user in MIXED_ARBEIDSLEDERE] + [
        _notes(user, cases[user], facts["attendance_day"]) for user in MIXED_CASEWORKERS
    ]
    return Mixed(tuple(readers), tuple(writers))


def _caseworker(user: str, case_ids: list[int]) -> Reader:
    """The caseload, one of the caseworker's own people, the home page; the next person each
    time round."""
    turns = [
        (
            ("caseload", "/participants/"),
            ("participant", f"/participants/{pk}/"),
            ("home_caseworker", "/"),
        )
        for pk in case_ids
    ]
    return Reader(user, tuple(page for turn in turns for page in turn))


def _taps(user: str, day: str, placement_ids: list[int]) -> Writer:
    """One tap on the attendance page for each person expected that day, in turn."""
    targets = tuple(
        (
            f"/worksites/attendance/{pk}/",
            (("date", day), ("status", TAP_STATUSES[n % len(TAP_STATUSES)])),
        )
        for n, pk in enumerate(placement_ids)
    )
    return Writer(user, "tap", TAP_SECONDS, f"/worksites/attendance/?date={day}", targets)


def _notes(user: str, case_ids: list[int], day: str) -> Writer:
    """A meeting note on each of the caseworker's own people in turn."""
    fields = (("kind", "meeting"), ("occurred_on", day), ("text", NOTE_TEXT))
    targets = tuple((f"/participants/{pk}/notes/new/", fields) for pk in case_ids)
    return Writer(user, "note", NOTE_SECONDS, targets[0][0], targets)
