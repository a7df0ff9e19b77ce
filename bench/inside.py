"""The benchmark's work that needs Django, run in a process of its own with the environment of
one scale (bench.config.django_env):

    python -m bench.inside users|queries|reports|lottery|summer

Each prints one line ``BENCH-RESULT {json}`` for bench/run.py to read; TOTP secrets travel
only over that pipe."""

# Imports inside functions: Django is set up in main(), once this module has chosen the
# settings of the scale it measures; the apps cannot be imported before that.

import json
import subprocess
import sys
from datetime import date, timedelta

import django

from bench import summer_inside
from bench.config import ROOT
from bench.plan import (
    BROWSERS,
    CASES_PER_CASEWORKER,
    MIXED_ARBEIDSLEDERE,
    MIXED_CASEWORKERS,
    MIXED_USERS,
    SMALL_BROWSERS,
)

RESULT = "BENCH-RESULT "
SIZES = (1, 25, 100)
# The signed-in users: those of the page runs, of the mixed workload and its sign-ins.
STAFF = tuple(dict.fromkeys([*BROWSERS.values(), *SMALL_BROWSERS.values(), *MIXED_USERS]))
# How far back an arbeidsleder's day may be sought: the last weekday anyone is expected.
DAY_SEARCH = 14


def last_weekday(today: date) -> date:
    """The attendance page lists the people expected on a day; at weekends nobody is."""
    while today.weekday() >= 5:
        today -= timedelta(days=1)
    return today


def users() -> dict:
    """Gives each benchmark user a TOTP authenticator (the second factor production requires)
    and names what the pages will show them. In the small city only some of them exist."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import User
    from demo.scale import DEFAULT_NAME, email_domain
    from participants.models import Participant
    from placements.selectors import attendance_day

    domain = email_domain(DEFAULT_NAME)
    found = User.objects.in_bulk([f"{name}@{domain}" for name in STAFF], field_name="email")
    staff = {name: found[f"{name}@{domain}"] for name in STAFF if f"{name}@{domain}" in found}
    secrets = {}
    for user in staff.values():
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        secrets[user.email] = generate_totp_secret()
        TOTP.activate(user, secrets[user.email])
    caseworker = staff["veileder1"]
    day = last_weekday(timezone.localdate())
    cases = open_cases(caseworker)
    first = Participant.objects.get(pk=cases[0])
    facts = {
        "password": settings.FOTFESTE_DEMO_PASSWORD,
        "emails": {name: user.email for name, user in staff.items()},
        "secrets": secrets,
        "caseload_ids": cases[:40],
        "caseload_open": len(cases),
        "visible_participants": Participant.objects.visible_to(caseworker).count(),
        # What the caseworker types into the caseload's search: a surname of their own.
        "search": first.last_name,
        "search_hits": Participant.objects.visible_to(caseworker)
        .filter(last_name__icontains=first.last_name)
        .count(),
        "attendance_day": day.isoformat(),
        "attendance_rows": len(attendance_day(user=staff["arbeidsleder1"], day=day)),
        "lim_grant": lim_grants()[0].pk,
    }
    if all(name in staff for name in MIXED_USERS):
        facts["mixed"] = mixed_facts(staff, day)
    return facts


def open_cases(caseworker) -> list[int]:
    """The caseworker's open cases, oldest first: the people whose pages they work on."""
    from participants.models import Enrollment
    from participants.services import EXIT_STATUSES

    return list(
        Enrollment.objects.filter(caseworker=caseworker)
        .exclude(status__in=EXIT_STATUSES)
        .order_by("pk")
        .values_list("participant_id", flat=True)
    )


def mixed_facts(staff: dict, day: date) -> dict:
    """For the mixed workload (bench/plan.py): each caseworker's first open cases, and each
    arbeidsleder's day (the last weekday on which someone is expected at their worksites)
    with the placements expected that day."""
    from placements.selectors import attendance_day

    days, placements = {}, {}
    for name in MIXED_ARBEIDSLEDERE:
        for back in range(DAY_SEARCH):
            candidate = last_weekday(day - timedelta(days=back))
            rows = attendance_day(user=staff[name], day=candidate)
            if rows:
                break
        else:
            raise SystemExit(f"{name} expects nobody in the last {DAY_SEARCH} days.")
        days[name] = candidate.isoformat()
        placements[name] = [row.placement.pk for row in rows]
    cases = {name: open_cases(staff[name])[:CASES_PER_CASEWORKER] for name in MIXED_CASEWORKERS}
    return {"cases": cases, "days": days, "placements": placements}


def queries() -> dict:
    """The queries each page costs with 1, 25 and 100 rows, counted through the test client in
    one transaction that is rolled back: the database is left as it was."""
    from django.db import transaction

    counts: dict[str, dict[int, int]] = {}
    with transaction.atomic():
        world = QueryWorld()
        for size in SIZES:
            world.grow(size)
            for page, (client, url) in world.pages().items():
                counts.setdefault(page, {})[size] = world.count(client, url)
        transaction.set_rollback(True)
    return {"counts": counts, "sizes": list(SIZES)}


class QueryWorld:
    """A programme of the seeded municipality with its own caseworker, lead and arbeidsleder,
    into which seeded people (with their placements and attendance) are moved 1, 25 and 100 at
    a time; one new person of theirs gets as many notes, tasks and consents."""

    def __init__(self) -> None:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.utils import timezone

        from accounts.models import (
            Municipality,
            ProgrammeMembership,
            User,
            WorksiteSupervisor,
        )
        from demo.scale import DEFAULT_NAME
        from participants.models import Enrollment, Participant
        from placements.models import Placement, Worksite
        from programs.models import Cohort, Programme

        self.day = last_weekday(timezone.localdate())
        town = Municipality.objects.get(name=DEFAULT_NAME)
        self.programme = Programme.objects.create(
            municipality=town, name="Benchmark query counts", kind="other"
        )
        self.cohort = Cohort.objects.create(programme=self.programme, name="Benchmark")
        self.site = Worksite.objects.create(municipality=town, name="Benchmark site", kind="other")
        self.staff = {}
        for role in ("caseworker", "programme_lead", "arbeidsleder"):
            user = User.objects.create_user(email=f"{role}@bench.invalid", municipality=town)
            TOTP.activate(user, generate_totp_secret())
            if role == "arbeidsleder":
                WorksiteSupervisor.objects.create(user=user, worksite=self.site)
            else:
                ProgrammeMembership.objects.create(user=user, programme=self.programme, role=role)
            self.staff[role] = user
        self.candidates = list(
            Placement.objects.current()
            .filter(
                status="active",
                starts_on__lte=self.day,
                schedule_days__contains=str(self.day.weekday()),
                enrollment__status="active",
                worksite__municipality=town,
            )
            .order_by("pk")
            .values_list("pk", "enrollment_id")[: max(SIZES)]
        )
        if len(self.candidates) < max(SIZES):
            raise SystemExit(f"Only {len(self.candidates)} placements to count queries with.")
        self.person = Participant.objects.create(
            municipality=town, first_name="Bench", last_name="Person", birth_date=date(2001, 5, 1)
        )
        Enrollment.objects.create(
            participant=self.person,
            programme=self.programme,
            cohort=self.cohort,
            status="active",
            starts_on=self.day - timedelta(days=30),
            caseworker=self.staff["caseworker"],
        )
        self.moved = 0
        self.clients = {role: self._client(user) for role, user in self.staff.items()}

    def _client(self, user):
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.force_login(user)
        return client

    def grow(self, size: int) -> None:
        """Up to ``size`` people in the programme (one of them new) and rows on their pages."""
        from participants.models import Enrollment
        from placements.models import Placement

        batch = self.candidates[self.moved : size]
        Enrollment.objects.filter(pk__in=[e for _, e in batch]).update(
            programme=self.programme, cohort=self.cohort, caseworker=self.staff["caseworker"]
        )
        Placement.objects.filter(pk__in=[p for p, _ in batch]).update(worksite=self.site)
        self.moved = size
        self._case_rows(size)

    def _case_rows(self, size: int) -> None:
        from participants.models import CaseNote, Consent, Task

        have = CaseNote.objects.filter(participant=self.person).count()
        author = self.staff["caseworker"]
        more = range(have, size)
        CaseNote.objects.bulk_create(
            CaseNote(
                participant=self.person,
                author=author,
                kind="meeting",
                occurred_on=self.day,
                text=f"Note {i}",
            )
            for i in more
        )
        Task.objects.bulk_create(
            Task(participant=self.person, title=f"Task {i}", due_on=self.day, assignee=author)
            for i in more
        )
        Consent.objects.bulk_create(
            Consent(
                participant=self.person,
                purpose="processing",
                given_on=self.day - timedelta(days=i),
                recorded_by=author,
            )
            for i in more
        )

    def pages(self) -> dict:
        day = self.day.isoformat()
        return {
            "caseload": (self.clients["caseworker"], "/participants/"),
            "participant": (self.clients["caseworker"], f"/participants/{self.person.pk}/"),
            "attendance": (self.clients["arbeidsleder"], f"/worksites/attendance/?date={day}"),
            "dashboard": (self.clients["programme_lead"], "/reports/dashboard/"),
            "api_list": (self.clients["caseworker"], "/api/participants/"),
        }

    @staticmethod
    def count(client, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(url)  # the first request of a session loads what later ones keep
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status} while counting queries")
        return len(captured)


def lim_grants():
    """The seeded municipality's LIM grants that have begun, the latest first."""
    from django.utils import timezone

    from demo.scale import DEFAULT_NAME
    from programs.models import Grant

    return Grant.objects.filter(
        municipality__name=DEFAULT_NAME,
        name__startswith="LIM",
        starts_on__lte=timezone.localdate(),
    ).order_by("-starts_on")


def reports() -> dict:
    """Queues LIM reports for the two latest LIM grants of the seeded municipality, as the
    scheduled drafts are queued, for the worker to build while pages are measured."""
    from django.utils import timezone

    from reporting.services import report_request

    today = timezone.localdate()
    grants = lim_grants()[:2]
    runs = [
        report_request(
            actor=None,
            kind="lim",
            period_start=grant.starts_on,
            period_end=min(grant.ends_on, today),
            grant=grant,
            scheduled=True,
        )
        for grant in grants
    ]
    return {"runs": [run.pk for run in runs]}


TASKS = {
    "users": users,
    "queries": queries,
    "reports": reports,
    "lottery": summer_inside.lottery,
    "summer": summer_inside.summer,
}


def call(task: str, env: dict[str, str]) -> dict:
    """Runs ``task`` in a process of its own with the environment of one scale; its result."""
    done = subprocess.run(  # noqa: S603 - this package's own helper
        [sys.executable, "-m", "bench.inside", task],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line.removeprefix(RESULT))
    raise SystemExit(f"bench.inside {task} failed:\n{done.stderr[-3000:]}")


def main() -> None:
    django.setup()
    result = TASKS[sys.argv[1]]()
    print(RESULT + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
