"""axe-core over every kind of page each role of the demo can reach, with the WCAG 2.1 A and AA
rules: zero violations. Each role signs in once (the sign-in and second-factor pages are checked
on the way) and makes what only a form makes (the caseworker a note, a task, a plan, a progress
entry, an exit with its follow-up and a form with errors; the lead a report, an export, an
import, a token and a right-of-access export). Then every page reachable by a link is opened once
per kind of address (numbers and query strings aside), with its htmx fragments loaded."""

import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings

from tests.browser.axe_check import describe, settle, violations
from tests.browser.helpers import enter_code, set_up_second_factor

pytestmark = pytest.mark.browser

# The Kristiansand caseworker and arbeidsleder have people on MFY paths; the Lyngdal lead has
# the LIM grant.
ROLES = {
    "caseworker": "veileder@kristiansand.example.org",
    "arbeidsleder": "arbeidsleder.ternevig@kristiansand.example.org",
    "programme lead": "programleder@lyngdal.example.org",
    "municipality admin": "admin@lyngdal.example.org",
}
NOT_PAGES = re.compile(
    r"^/(admin|api|health|static|media|i18n)/"
    r"|/download/|/documents/N/$|/template/|/subject-access/N/[a-z]+/$|^/accounts/logout/"
)
# Pages that are the same whoever opens them, but for the menu, which every other page checks:
# the account pages and the forms of a person's record. Checked once per run, by the first role
# that reaches them, to keep the run short.
SAME_FOR_EVERY_ROLE = re.compile(
    r"^/accounts/"
    r"|^/participants/(new|N/(edit|enroll|notes/new|tasks/new|plan/goals/new|consents/new"
    r"|documents/new)|consents/N/withdraw|notes/N/edit|goals/N)/$"
    r"|^/worksites/(people/N/(placements|qualification)/new|placements/N/end|paths/N/fagprove"
    r"|enrollments/N/status)/$"
)
CHECKED_ONCE: set[str] = set()


def kinds(text: str) -> set[str]:
    return set(text.split())


# Page types each role must have reached, so that a broken link cannot shrink the check.
EXPECTED = {
    "caseworker": kinds("""
        / /participants/ /participants/new/ /participants/N/ /participants/N/edit/
        /participants/N/enroll/ /participants/N/notes/new/ /participants/notes/N/edit/
        /participants/N/tasks/new/ /participants/N/plan/ /participants/N/plan/goals/new/
        /participants/goals/N/ /participants/N/consents/new/ /participants/consents/N/withdraw/
        /participants/N/documents/new/ /worksites/enrollments/N/status/
        /participants/follow-ups/N/ /participants/N/audit/ /worksites/ /worksites/N/
        /worksites/capacity/ /worksites/people/N/placements/new/ /worksites/placements/N/end/
        /worksites/placements/N/progress/new/ /worksites/people/N/qualification/
        /worksites/people/N/qualification/new/ /worksites/paths/N/fagprove/
        /worksites/people/N/progress/ /reports/exports/ /accounts/tokens/ /accounts/tokens/new/
        /accounts/2fa/ /accounts/password/change/ /accounts/language/
    """),
    "arbeidsleder": kinds("""
        / /participants/ /participants/N/ /worksites/attendance/ /worksites/attendance/week/
        /worksites/ /worksites/N/ /worksites/placements/N/progress/new/
        /worksites/people/N/progress/ /worksites/people/N/qualification/
        /worksites/paths/N/sign-off/
    """),
    "programme lead": kinds("""
        / /participants/ /participants/N/ /participants/N/merge/ /participants/N/erase/
        /participants/N/subject-access/ /programmes/ /programmes/N/edit/ /programmes/grants/new/
        /programmes/grants/N/ /worksites/cohorts/N/modules/ /reports/ /reports/N/
        /reports/dashboard/ /reports/exports/ /reports/exports/N/ /imports/ /imports/N/
        /worksites/ /worksites/N/ /worksites/new/ /worksites/N/edit/ /worksites/capacity/
    """),
    "municipality admin": kinds("""
        / /manage/users/ /manage/users/N/ /manage/users/invite/ /manage/municipality/
        /worksites/ /worksites/N/
    """),
}
MAX_PAGES = 80


def pattern(url: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", urlsplit(url).path)


class Checker:
    """Runs axe on pages and keeps what it finds, by page type."""

    def __init__(self, page, site: str, role: str) -> None:
        self.page, self.site, self.role = page, site, role
        self.found: dict[str, list[dict]] = {}
        self.checked: set[str] = set()

    def check(self, label: str | None = None) -> None:
        settle(self.page)
        kind = pattern(self.page.url)
        self.checked.add(kind)
        if SAME_FOR_EVERY_ROLE.search(kind):
            CHECKED_ONCE.add(kind)
        if found := violations(self.page):
            self.found[f"{self.role}: {label or kind} ({self.page.url})"] = found

    def crawl(self, *starts: str) -> None:
        """Each start, then breadth first over same-site links, one page per kind of address.
        Links are taken from the page as the browser has it (htmx fragments loaded) and from the
        page as sent (the links a fragment replaces lead to pages of their own)."""
        queue = [(self.site + start if start.startswith("/") else start) for start in starts]
        seen = {pattern(url) for url in queue} | CHECKED_ONCE
        for number, url in enumerate(queue):
            if number == MAX_PAGES:
                pytest.fail(f"{self.role} reaches more than {MAX_PAGES} kinds of page: raise it.")
            response = self.page.goto(url)
            kind = pattern(self.page.url)  # a redirect may lead to a kind already checked
            if kind not in CHECKED_ONCE and (number < len(starts) or kind not in self.checked):
                self.check()
            hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
            if response and "text/html" in response.headers.get("content-type", ""):
                sent = re.findall(r'href="([^"]*)"', response.text())
                hrefs += [urljoin(self.page.url, unescape(href)) for href in sent]
            for href in hrefs:
                kind = pattern(href)
                if href.startswith(self.site) and kind not in seen and not NOT_PAGES.search(kind):
                    seen.add(kind)
                    queue.append(href.split("#")[0])

    def check_once(self, label: str) -> None:
        """For pages every role passes through the same way, such as the sign-in."""
        if pattern(self.page.url) not in CHECKED_ONCE:
            self.check(label)

    def submit(self) -> None:
        self.page.click("main form.form button[type=submit], main form button[type=submit]")

    def password_if_asked(self) -> None:
        if "/reauthenticate/" in self.page.url:
            self.check()
            self.page.fill("input[name=password]", settings.FOTFESTE_DEMO_PASSWORD)
            self.page.click("main form button[type=submit]")
            self.page.wait_for_load_state()

    def assert_clean(self) -> None:
        missing = sorted(EXPECTED.get(self.role, set()) - self.checked - CHECKED_ONCE)
        assert not missing, f"{self.role} did not reach: {missing}"
        assert not self.found, "axe found WCAG 2.1 A/AA violations:" + describe(self.found)


def sign_in_checked(checker: Checker, email: str) -> None:
    """Sign in as helpers.sign_in_fully does, checking every page on the way."""
    page, site = checker.page, checker.site
    page.goto(f"{site}/accounts/login/")
    checker.check_once("sign-in")
    page.fill("#id_login", email)
    page.fill("#id_password", settings.FOTFESTE_DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate|2fa/authenticate)/"))
    if "/2fa/authenticate/" in page.url:
        checker.check_once("second factor")
        enter_code(page, email)
        return
    if "/reauthenticate/" in page.url:
        checker.check_once("password again")
        page.fill("input[name=password]", settings.FOTFESTE_DEMO_PASSWORD)
        page.click("form[action*='/reauthenticate/'] button[type=submit]")
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    checker.check_once("second factor set-up")
    set_up_second_factor(page, email)


def make_things_to_look_at(checker: Checker) -> None:
    """What only a form makes: a report run, an export, an import with problems, a token and a
    right-of-access export."""
    page, site = checker.page, checker.site
    page.goto(f"{site}/reports/")
    page.select_option("#id_report", "ks")
    page.select_option("#id_programme", index=1)
    page.fill("#id_period_start", f"{date.today().year}-01-01")
    page.fill("#id_period_end", date.today().isoformat())
    checker.submit()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    checker.check("report run, just asked for")

    page.goto(f"{site}/reports/exports/")
    checker.password_if_asked()
    checker.submit()
    page.wait_for_url(re.compile(r"/reports/exports/\d+/$"))
    checker.check("export, just asked for")

    page.goto(f"{site}/imports/")
    page.select_option("#id_kind", "participants")
    header = page.request.get(f"{site}/imports/template/participants.csv").text().splitlines()[0]
    rows = f"{header}\n,,x\n".encode()  # a row with problems, to see them listed
    page.set_input_files(
        "#id_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": rows}]
    )
    checker.submit()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    checker.check("import with problems")

    page.goto(f"{site}/accounts/tokens/new/")
    checker.password_if_asked()
    page.fill("#id_name", "Accessibility check")
    checker.submit()
    checker.check("token, shown once")

    page.goto(f"{site}/participants/")
    page.locator("main table tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    page.goto(page.url + "subject-access/")
    checker.password_if_asked()
    checker.submit()
    page.wait_for_url(re.compile(r"/participants/subject-access/\d+/status/$|/subject-access/$"))
    checker.check("right of access, just asked for")


def caseworker_extras(checker: Checker) -> list[str]:
    """A seeded person given a note, a task, a goal with a milestone and a progress entry; the
    national ID shown by htmx; the intake form with errors; a new person taken to exit, with a
    follow-up due. Returns both people's pages."""
    page, site = checker.page, checker.site
    today = date.today().isoformat()
    page.goto(f"{site}/participants/")
    # Someone placed now (the caseload also lists people who have left).
    page.locator("main table tbody tr a", has_text="Hægeland").first.click()
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    person = page.url
    page.locator("#national-id button").click()
    page.wait_for_selector("#national-id:not(:has(button))")
    checker.check("participant, national ID shown")
    page.goto(person + "notes/new/")
    page.fill("#id_text", "Good first week at the care centre.")
    checker.submit()
    page.wait_for_url(re.compile(re.escape(person)))
    page.goto(person + "tasks/new/")
    page.fill("#id_title", "Call the training office")
    page.fill("#id_due_on", today)
    checker.submit()
    page.wait_for_url(re.compile(re.escape(person)))
    page.goto(person + "plan/goals/new/")
    page.select_option("#id_category", "fagbrev")
    page.fill("#id_title", "Fagbrev i helsearbeiderfaget")
    checker.submit()
    page.wait_for_url(re.compile(re.escape(person)))
    page.locator("#plan a", has_text="Fagbrev i helsearbeiderfaget").first.click()
    goal = page.url
    page.fill("form[action*='/milestones/'] input[name=title]", "MFY modul 3")
    page.click("form[action*='/milestones/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(goal)
    page.select_option("#id_status", "dropped")  # shown greyed out
    checker.submit()
    page.wait_for_url(re.compile(re.escape(person)))
    page.locator("#plan form[action*='/milestones/'] button").first.click()  # done
    page.wait_for_load_state()
    page.goto(person)
    page.locator("#tasks form button").first.click()  # done, shown greyed out
    page.wait_for_url(re.compile(re.escape(person)))
    page.locator("a[href*='/progress/new/']").first.click()
    page.select_option("#id_punctuality", "4")
    page.fill("#id_text", "Punctual and kind to the residents.")
    checker.submit()
    page.wait_for_url(re.compile(r"/worksites/people/\d+/progress/#entry-\d+$"))  # at the entry

    page.goto(f"{site}/participants/new/")
    checker.submit()
    page.wait_for_selector(".errors, .error, .errorlist")
    checker.check("intake form with errors")
    page.fill("#id_first_name", "Aksel")
    page.fill("#id_last_name", "Tilgjengelig")
    page.select_option("#id_gender", "male")
    checker.submit()
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    newcomer = page.url
    for status in ("active", "completed"):
        page.locator("a[href*='/status/']").first.click()
        page.check(f"input[name=status][value={status}]")
        if status == "completed":
            page.select_option("#id_exit_reason", "job")
            page.select_option("#id_destination", "work_part")
            checker.submit()
            page.wait_for_selector("button[name=confirm]")
            checker.check("exit, confirmation")
            page.click("button[name=confirm]")
        else:
            checker.submit()
        page.wait_for_url(re.compile(re.escape(newcomer)))
    return [person, newcomer]


def arbeidsleder_extras(checker: Checker) -> None:
    """A day with records, a late arrival among them (the day page opens on today, which has
    none yet)."""
    page, site = checker.page, checker.site
    for weeks in range(5):
        page.goto(f"{site}/worksites/attendance/week/?date={date.today() - timedelta(weeks=weeks)}")
        late = page.locator("ol.week-days li.cell-late a")
        if late.count():
            late.first.click()
            page.wait_for_load_state()
            checker.check("attendance, a day with a late arrival")
            return
    pytest.fail("The demo has no late arrival in the last five weeks.")


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_has_no_wcag_violations(browser, live_site, role):
    # The arbeidsleder works from a phone at the worksite; the others at a desk.
    phone = role == "arbeidsleder"
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="nb-NO", viewport=size)
    page = context.new_page()
    page.set_default_timeout(20000)
    checker = Checker(page, live_site, role)
    sign_in_checked(checker, ROLES[role])
    people = []
    if role == "programme lead":
        make_things_to_look_at(checker)
    elif role == "arbeidsleder":
        arbeidsleder_extras(checker)
    elif role == "caseworker":
        people = caseworker_extras(checker)
    checker.crawl(*people, "/", "/accounts/2fa/", "/accounts/tokens/")
    page.goto(f"{live_site}/participants/999999999/")
    checker.check("not found")
    context.close()
    checker.assert_clean()


def test_pages_before_sign_in_have_no_wcag_violations(browser, live_site):
    context = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    page = context.new_page()
    checker = Checker(page, live_site, "signed out")
    page.goto(f"{live_site}/accounts/login/")
    page.fill("#id_login", "nobody@example.org")
    page.fill("#id_password", "not the password")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[role=alert], .errors")
    checker.check("sign-in with an error")
    checker.crawl("/accounts/login/", "/accounts/password/reset/")
    page.goto(f"{live_site}/no-such-page/")
    checker.check("not found")
    context.close()
    checker.assert_clean()
