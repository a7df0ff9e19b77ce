"""Each country's users see their own country's words: every role of a Norwegian and of a
Swedish municipality walks every page it can reach (the URLconf with the pks of real objects,
and every link and htmx fragment found on the way) and finds none of the other country's
terms. Norwegian users read bokmål, Swedish users Swedish: their municipality's language."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Country, User
from participants.models import (
    CaseNote,
    Consent,
    Enrollment,
    FollowUp,
    Goal,
    Participant,
    Task,
)
from placements.models import (
    Placement,
    ProgressEntry,
    QualificationPath,
    Worksite,
)
from programs.models import Cohort, Grant, Programme
from tests.countries import Place, norway, sweden

pytestmark = pytest.mark.django_db

# Words only the other country uses. Chosen so that no page of the right country needs them:
# institutions, schemes, ID names, and the letters and small words one language never uses.
NORWEGIAN_ONLY = [
    r"fødsel",
    r"\bD-nummer",
    r"(?-i:\bNAV\b)",
    r"lærling",
    r"lærekandidat",
    r"praksiskandidat",
    r"fagbrev",
    r"fagprøve",
    r"(?-i:\bVg3\b)",
    r"helsearbeider",
    r"lønnstilskudd",
    r"arbeidstrening",
    r"innsatsgruppe",
    r"oppfølging",
    r"sosialhjelp",
    r"(?-i:\bSSB\b)",
    r"(?-i:\bMFY\b)",
    r"veileder",
    r"arbeidsleder",
    r"fylkeskommune",
    r"norska? / svenska?",
    r"\bikke\b",
    r"\bog\b",
    r"[øæ]",
]
SWEDISH_ONLY = [
    r"personnummer",
    r"samordningsnummer",
    r"Arbetsförmedlingen",
    r"arbetsträning",
    r"lönebidrag",
    r"yrkesbevis",
    r"handläggare",
    r"handledare",
    r"feriearbete",
    r"feriepraktik",
    r"Jobbspår",
    r"extratjänst",
    r"nystartsjobb",
    r"(?-i:\bSCB\b)",
    r"bistånd",
    r"undersköterska",
    r"\boch\b",
    r"\binte\b",
    r"norska? / svenska?",
    r"[äö]",
]
FOREIGN = {
    Country.NORWAY: re.compile("|".join(SWEDISH_ONLY), re.I),
    Country.SWEDEN: re.compile("|".join(NORWEGIAN_ONLY), re.I),
}
LANGUAGE = {Country.NORWAY: "nb", Country.SWEDEN: "sv"}
# And the country's own words, which the walk must meet: proof that it reached the pages
# where the other country's would have stood (intake, placement, route, exit, the record).
OWN = {
    Country.NORWAY: ["Fødselsnummer", "NAV", "Lærekandidat", "Praksiskandidat", "Nivå i norsk"],
    Country.SWEDEN: [
        "Personnummer",
        "Arbetsförmedlingen",
        "Jobbspår",
        "Vård- och omsorgsutbildning till undersköterska",
        "Nivå i svenska",
        "Lönebidrag",
    ],
}
# Pages that are not the municipality's own: Django's admin, the API and its schema, the
# sign-in flow's forms (tested in tests/accounts), what changes the session, and the public
# summer-job application, which is Swedish municipalities' only and speaks Swedish or English
# to whoever opens it, staff of any country included (tests/summerjobs/test_apply_flow.py).
SKIPPED = ("/admin/", "/api/", "/accounts/", "/i18n/", "/health/", "/hello/", "/static/")
SKIPPED += ("/apply/",)
MAX_PAGES = 400


# --- walking ------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """The text a reader sees (and hears: titles and labels), and the addresses it links to."""

    SILENT = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._silent = 0
        self._language_form = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in self.SILENT:
            self._silent += 1
        if tag == "form" and "language" in (values.get("class") or "").split():
            self._language_form += 1
        for name in ("href", "hx-get", "action"):
            if values.get(name) and (name != "action" or tag != "form"):
                self.links.append(values[name])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if values.get(name):
                self.text.append(values[name])

    def handle_endtag(self, tag):
        if tag in self.SILENT and self._silent:
            self._silent -= 1
        if tag == "form" and self._language_form:
            self._language_form -= 1

    def handle_data(self, data):
        if not self._silent and not self._language_form:
            self.text.append(data)


# Which objects a route's pk names (the word before it in the route), and how each kind of
# object belongs to a municipality.
_MODELS = {
    "participants/<id:pk>": (Participant, "municipality"),
    "people/<id:pk>": (Participant, "municipality"),
    "enrollments/<id:pk>": (Enrollment, "participant__municipality"),
    "follow-ups/<id:pk>": (FollowUp, "enrollment__participant__municipality"),
    "notes/<id:pk>": (CaseNote, "participant__municipality"),
    "tasks/<id:pk>": (Task, "participant__municipality"),
    "goals/<id:pk>": (Goal, "participant__municipality"),
    "consents/<id:pk>": (Consent, "participant__municipality"),
    "worksites/<id:pk>": (Worksite, "municipality"),
    "placements/<id:pk>": (Placement, "worksite__municipality"),
    "paths/<id:pk>": (QualificationPath, "enrollment__participant__municipality"),
    "progress/<id:pk>": (ProgressEntry, "placement__worksite__municipality"),
    "programmes/<id:pk>": (Programme, "municipality"),
    "grants/<id:pk>": (Grant, "municipality"),
    "cohorts/<id:pk>": (Cohort, "programme__municipality"),
    "users/<id:pk>": (User, "municipality"),
}


def _routes(patterns=None, prefix: str = "", namespace: str | None = None):
    """Every named URL with its whole route, converters as written."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield (
                (f"{namespace}:{entry.name}" if namespace else entry.name),
                prefix + str(entry.pattern),
            )


def _start(municipality) -> list[str]:
    """Every page of the URLconf without arguments, and every page of one object with the pk
    of each of the municipality's objects of that kind."""
    urls = []
    for name, route in _routes():
        if "(?P" in route or route.count("<") > 1:
            continue
        if "<" not in route:
            urls.append(reverse(name))
            continue
        kind = next((k for key, k in _MODELS.items() if key in route), None)
        if kind is None:
            continue
        model, owner = kind
        for pk in model.objects.filter(**{owner: municipality}).values_list("pk", flat=True):
            urls.append(reverse(name, args=[pk]))
    return [u for u in urls if not u.startswith(SKIPPED)]


def walk(place: Place, role: str) -> tuple[dict[str, list[str]], str]:
    """Every page the user reaches: for each page, the other country's words found on it; and
    the text of all of them."""
    user = place.users[role]
    client = Client()
    client.force_login(user)
    queue, seen, found, read = deque(_start(user.municipality)), set(), {}, []
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        if url in seen or not url.startswith("/") or url.startswith(SKIPPED):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert f'<html lang="{LANGUAGE[place.country]}"' in html, url
        page = _Page()
        page.feed(html)
        text = " ".join(" ".join(page.text).split())
        read.append(text)
        words = sorted({m.group(0) for m in FOREIGN[place.country].finditer(text)})
        if words:
            found[url] = words
        for link in page.links:
            parts = urlsplit(link)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(seen) > 10, seen
    return found, " ".join(read)


ROLES = ["caseworker", "lead", "supervisor", "admin"]


@pytest.mark.parametrize("build", [norway, sweden], ids=["norway", "sweden"])
def test_every_page_speaks_only_the_users_country(db, build):
    """Both municipalities exist side by side; each role of the one built here walks."""
    place = build()
    (sweden if build is norway else norway)()
    found, read = {}, {}
    for role in ROLES:
        found[role], read[role] = walk(place, role)
    assert found == {role: {} for role in ROLES}
    # The walk reached the pages that name the country's institutions and schemes.
    assert [word for word in OWN[place.country] if word not in read["caseworker"]] == []
