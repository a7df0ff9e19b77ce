"""Files to import, and uploading them the way a programme lead does."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from imports.columns import header_for
from imports.models import ImportRun
from participants.synthetic import synthetic_fodselsnummer


def national_id(n: int) -> str:
    """A synthetic fødselsnummer with a birth date of its own for each ``n``."""
    born = date(1990, 1, 1) + timedelta(days=n)
    return synthetic_fodselsnummer(born, (n * 7) % 480 + (500 if born.year >= 2000 else 0))


def person(n: int, **values) -> dict:
    names = ["Ola", "Kari", "Amir", "Sara", "Jonas", "Ingrid", "Yusuf", "Nora"]
    return {
        "first_name": names[n % len(names)],
        "last_name": f"Importsen{n:05d}x",
        "national_id": national_id(n),
        "gender": "female",
        **values,
    }


def table(rows: list[dict], *, kind: str = "participants", country: str = "NO", **csv_options):
    """The template's header and the rows, as CSV in UTF-8."""
    header = header_for(kind, country=country)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, **csv_options)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in header})
    return out.getvalue().encode("utf-8")


def workbook(rows: list[list], *, kind: str = "participants", country: str = "NO") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header_for(kind, country=country))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def send(world, client_for, django_capture_on_commit_callbacks):
    """Upload a file through the page as the lead (or ``user``); the dry run runs at commit,
    as in the embedded default. Returns the response and the new run (or None)."""

    def upload(
        content: bytes,
        *,
        kind="participants",
        name="people.csv",
        user=None,
        programme=None,
        language="en",
    ):
        client = client_for(user or world.programme_lead)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        before = set(ImportRun.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("imports:imports"),
                {
                    "programme": (programme or world.programme).pk,
                    "kind": kind,
                    "file": SimpleUploadedFile(name, content),
                },
            )
        run = ImportRun.objects.exclude(pk__in=before).first()
        return response, run

    return upload


@pytest.fixture
def start(world, client_for, django_capture_on_commit_callbacks):
    """Start the import of a checked run through the page; the import runs at commit."""

    def confirm(run, *, user=None, confirmed: bool = False):
        client = client_for(user or world.programme_lead)
        data = {"confirmed": "on"} if confirmed else {}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("imports:confirm", args=[run.pk]), data, follow=True)
        run.refresh_from_db()
        return response

    return confirm
