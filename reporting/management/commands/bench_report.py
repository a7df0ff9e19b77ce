"""Measures how long the LIM report takes to build for grants of growing size, and the peak
memory of doing so. Each size runs in a fresh process, inside a transaction that is rolled
back: the database is left as it was.

    python manage.py bench_report --participants 100 1000
    python manage.py bench_report --grant 12      # an existing grant's LIM report, from its start
"""

import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Municipality, User
from participants.models import Enrollment, Participant
from placements.models import AttendanceRecord, Placement, Worksite
from programs.models import Grant, Programme
from reporting.documents import render_csv, render_xlsx
from reporting.models import ReportRun
from reporting.pdf import render_document
from reporting.services import report_request, report_snapshot

TIME_BAR_SECONDS = 10.0
MEMORY_BAR_MB = 500
GROWTH_RATIO_BAR = 1.2  # times the ratio of the sizes
DAYS_OF_ATTENDANCE = 40


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the LIM report (figures, PDF, XLSX, CSV) for grants of the given sizes."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, nargs="+", default=[100, 1000])
        parser.add_argument("--one", type=int, help="")  # internal: one size, in this process
        parser.add_argument("--json", help="Write the figures to this file as well.")
        parser.add_argument(
            "--grant", type=int, help="Time the LIM report of this existing grant instead."
        )

    def handle(self, *args, **options):
        if options["one"]:
            self.stdout.write(json.dumps(measure(options["one"])))
            return
        if options["grant"]:
            result = measure_grant(options["grant"])
            if options["json"]:
                with open(options["json"], "w", encoding="utf-8") as out:
                    json.dump(result, out, indent=2)
            self.stdout.write(json.dumps(result))
            if result["seconds"] > TIME_BAR_SECONDS:
                raise CommandError("A bar was missed.")
            return
        results = [self._child(n) for n in sorted(options["participants"])]
        for r in results:
            self.stdout.write(
                f"{r['participants']:>6} participants: {r['seconds']:.2f} s "
                f"(PDF {r['pdf_seconds']:.2f} s), peak {r['peak_mb']:.0f} MB, "
                f"{r['attendance_rows']} attendance rows, {r['pdf_pages']} PDF pages"
            )
        verdict = self._verdict(results)
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as out:
                json.dump({"runs": results, **verdict}, out, indent=2)
        self.stdout.write(json.dumps(verdict))
        if not verdict["within_bars"]:
            raise CommandError("A bar was missed.")

    def _child(self, n: int) -> dict:
        output = subprocess.run(  # noqa: S603 - this same command, with a number
            [sys.executable, "manage.py", "bench_report", "--one", str(n)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(output.strip().splitlines()[-1])

    def _verdict(self, results: list[dict]) -> dict:
        largest, smallest = results[-1], results[0]
        growth = largest["seconds"] / smallest["seconds"] if len(results) > 1 else 1.0
        size_ratio = largest["participants"] / smallest["participants"]
        return {
            "largest_seconds": largest["seconds"],
            "largest_peak_mb": largest["peak_mb"],
            "time_ratio": round(growth, 2),
            "size_ratio": size_ratio,
            "within_bars": largest["seconds"] <= TIME_BAR_SECONDS
            and max(r["peak_mb"] for r in results) <= MEMORY_BAR_MB
            # 1 000 against 100 participants: at most 12 times the time.
            and growth <= GROWTH_RATIO_BAR * size_ratio,
        }


def measure(n: int) -> dict:
    """Build the world, time the report, roll everything back."""
    result: dict = {}
    try:
        with transaction.atomic():
            run, rows = _world(n)
            result = _time(run) | {"participants": n, "attendance_rows": rows}
            raise Rollback
    except Rollback:
        pass
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def measure_grant(pk: int) -> dict:
    """The LIM report of an existing grant, from its start to its end or today, as the reports
    page asks for it (``report_request``), built here and timed, then rolled back."""
    try:
        grant = Grant.objects.get(pk=pk)
    except Grant.DoesNotExist:
        raise CommandError(f"No grant {pk}.") from None
    result: dict = {}
    try:
        with transaction.atomic():
            run = report_request(
                actor=None,
                from_shell=True,
                kind="lim",
                grant=grant,
                period_start=grant.starts_on,
                period_end=min(grant.ends_on, timezone.localdate()),
            )
            result = _time(run) | _size(grant, run)
            raise Rollback
    except Rollback:
        pass
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _size(grant: Grant, run: ReportRun) -> dict:
    """The people of the grant's programmes enrolled at some time in the period, and the days
    of attendance recorded for them in it."""
    enrollments = Enrollment.objects.filter(programme__in=grant.programmes.all()).filter(
        Q(starts_on__lte=run.period_end) | Q(starts_on__isnull=True),
        Q(ends_on__gte=run.period_start) | Q(ends_on__isnull=True),
    )
    days = AttendanceRecord.objects.filter(
        placement__enrollment__in=enrollments,
        date__range=(run.period_start, run.period_end),
    )
    return {
        "grant": grant.pk,
        "period": [run.period_start.isoformat(), run.period_end.isoformat()],
        "participants": enrollments.values("participant").distinct().count(),
        "worksites": days.values("placement__worksite").distinct().count(),
        "attendance_rows": days.count(),
    }


def _time(run) -> dict:
    from django.utils import translation

    started = time.perf_counter()
    snapshot = report_snapshot(run)
    with translation.override(run.language):
        pdf_started = time.perf_counter()
        document = render_document(run, snapshot)
        document.write_pdf()
        pdf_seconds = time.perf_counter() - pdf_started
        render_xlsx(run, snapshot)
        render_csv(run, snapshot)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "pdf_seconds": round(pdf_seconds, 3),
        "pdf_pages": len(document.pages),
    }


def _world(n: int):
    """A municipality whose grant funds one programme of ``n`` synthetic people, each placed at
    a worksite with ``DAYS_OF_ATTENDANCE`` days recorded."""

    today = date.today()
    start = today - timedelta(days=365)
    town = Municipality.objects.create(name=f"Benchmark {time.time_ns()}", country="NO")
    lead = User.objects.create_user(email=f"bench-{time.time_ns()}@bench.invalid")
    programme = Programme.objects.create(municipality=town, name="Benchmark", kind="inn_i_jobb")
    grant = Grant.objects.create(
        municipality=town,
        funder="Benchmark funder",
        name="Benchmark grant",
        amount=Decimal("1000000"),
        starts_on=start,
        ends_on=today,
        funded_position_share=Decimal("0.5"),
    )
    grant.programmes.add(programme)
    site = Worksite.objects.create(municipality=town, name="Benchmark helsehus", kind="helsehus")
    genders = ["female", "male", "other", ""]
    people = Participant.objects.bulk_create(
        Participant(
            municipality=town,
            first_name=f"P{i}",
            last_name="Bench",
            gender=genders[i % 4],
            birth_date=date(2000 + i % 10, 1 + i % 12, 1 + i % 28),
        )
        for i in range(n)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            participant=p,
            programme=programme,
            status="active",
            starts_on=start + timedelta(days=i % 300),
        )
        for i, p in enumerate(people)
    )
    placements = Placement.objects.bulk_create(
        Placement(
            enrollment=e,
            worksite=site,
            type="arbeidstrening",
            field="helse_omsorg",
            status="active",
            starts_on=e.starts_on or start,  # each was given one just above
        )
        for e in enrollments
    )
    statuses = ["present"] * 8 + ["late", "unexcused"]
    AttendanceRecord.objects.bulk_create(
        (
            AttendanceRecord(
                placement=pl,
                date=today - timedelta(days=d),
                status=statuses[(i + d) % 10],
                recorded_by=lead,
            )
            for i, pl in enumerate(placements)
            for d in range(DAYS_OF_ATTENDANCE)
        ),
        batch_size=2000,
    )
    run = ReportRun.objects.create(
        kind="lim",
        grant=grant,
        period_start=start,
        period_end=today,
        language="nb",
        requested_by=lead,
        narrative_activities="Benchmark",
    )
    return run, n * DAYS_OF_ATTENDANCE
