"""Times the upload, the dry run and the import of a synthetic CSV of participants, in a
throwaway municipality inside a transaction that is rolled back: the database is left as it
was.

    python manage.py bench_import --rows 10000
"""

import csv
import io
import json
import time
from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Municipality, ProgrammeMembership, User
from imports.columns import header_for
from imports.models import ImportRun, ImportStatus
from imports.services import import_check, import_confirm, import_run, import_upload
from participants.synthetic import synthetic_fodselsnummer
from programs.models import Cohort, Programme

TIME_BAR_SECONDS = 60.0
FIRST_NAMES = ["Ola", "Kari", "Amir", "Sara", "Jonas", "Ingrid", "Yusuf", "Nora", "Emil", "Hanna"]
LAST_NAMES = ["Hansen", "Berg", "Haugland", "Ali", "Nilsen", "Dahl", "Eriksen", "Lunde", "Moen"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the dry run and the import of a synthetic CSV of participants."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)

    def handle(self, *args, **options):
        r = measure(options["rows"])
        self.stdout.write(
            f"{r['rows']} rows on {r['database']}: upload {r['upload_seconds']:.1f} s, "
            f"dry run {r['check_seconds']:.1f} s, import {r['import_seconds']:.1f} s; "
            f"{r['total_seconds']:.1f} s in all (bar {TIME_BAR_SECONDS:.0f} s)"
        )
        self.stdout.write(json.dumps(r))
        if r["total_seconds"] > TIME_BAR_SECONDS:
            raise CommandError("The import took longer than the bar.")


def measure(rows: int) -> dict:
    """Upload, check and import ``rows`` synthetic people, then roll everything back."""

    result: dict = {"rows": rows, "database": connection.vendor}
    stored = ""
    try:
        with transaction.atomic():
            lead, programme, caseworker = _world()
            upload = SimpleUploadedFile("bench.csv", synthetic_csv(rows, caseworker.email))
            started = time.perf_counter()
            run = import_upload(actor=lead, programme=programme, kind="participants", upload=upload)
            stored = run.file.name
            result["upload_seconds"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            import_check(import_id=run.pk)
            result["check_seconds"] = round(time.perf_counter() - started, 2)
            run.refresh_from_db()
            if run.status != ImportStatus.READY:
                raise CommandError(f"The dry run found problems: {run.problems[:3]}")
            import_confirm(actor=lead, run=run)
            started = time.perf_counter()
            import_run(import_id=run.pk)
            result["import_seconds"] = round(time.perf_counter() - started, 2)
            run = ImportRun.objects.get(pk=run.pk)
            if run.status != ImportStatus.DONE or run.rows_created != rows:
                raise CommandError(f"The import did not finish: {run.status} {run.problems[:3]}")
            result["created"] = run.rows_created
            raise Rollback
    except Rollback:
        pass
    finally:
        if stored and default_storage.exists(stored):
            default_storage.delete(stored)
    result["total_seconds"] = round(
        result["upload_seconds"] + result["check_seconds"] + result["import_seconds"], 2
    )
    return result


def _world():
    stamp = time.time_ns()
    town = Municipality.objects.create(name=f"Benchmark {stamp}", country="NO")
    lead = User.objects.create_user(email=f"lead-{stamp}@bench.invalid", municipality=town)
    caseworker = User.objects.create_user(email=f"cw-{stamp}@bench.invalid", municipality=town)
    programme = Programme.objects.create(municipality=town, name="Benchmark", kind="inn_i_jobb")
    ProgrammeMembership.objects.create(user=lead, programme=programme, role="programme_lead")
    ProgrammeMembership.objects.create(user=caseworker, programme=programme, role="caseworker")
    Cohort.objects.create(programme=programme, name="Høst 2026")
    return lead, programme, caseworker


def synthetic_csv(rows: int, caseworker_email: str = "", *, delimiter: str = ";") -> bytes:
    """``rows`` invented Norwegian people with synthetic national IDs, one birth date each,
    every column filled in as a municipality's spreadsheet would be."""

    header = header_for("participants", country="NO")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter)
    writer.writeheader()
    first_day = date(1980, 1, 1)
    for i in range(rows):
        born = first_day + timedelta(days=i)
        individual = (i * 7) % 480 + (500 if born.year >= 2000 else 0)
        writer.writerow(
            {
                "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
                "last_name": f"{LAST_NAMES[i % len(LAST_NAMES)]}-{i}",
                "national_id": synthetic_fodselsnummer(born, individual),
                "birth_date": born.isoformat(),
                "gender": ("female", "male", "other")[i % 3],
                "phone": f"4{i:07d}",
                "email": f"person{i}@example.invalid",
                "address": f"Testveien {i % 200 + 1}",
                "postcode": "4580",
                "city": "Lyngdal",
                "protected_address": "no",
                "languages": "norsk, engelsk",
                "language_level": "B2",
                "education_level": "primary",
                "neet_status": "neet_seeking",
                "nav_innsatsgruppe": "situational",
                "social_assistance": "ja" if i % 4 == 0 else "nei",
                "cohort": "Høst 2026",
                "caseworker": caseworker_email,
                "referral_source": "nav",
            }
        )
    return out.getvalue().encode("utf-8-sig")
