"""Files to import, and uploading them the way a programme lead does."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportRun


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
