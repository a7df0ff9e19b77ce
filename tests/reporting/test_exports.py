"""Exports of people: built in the background for the person who asked, scoped as the pages,
every person recorded as exported, neutral file names, and the file expires."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AccessEvent
from config.errors import ApplicationError
from reporting.exports import data_export_request
from reporting.housekeeping import report_files_expire
from reporting.models import DataExport

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent_client(client_for):
    """Signed in with a password entered just now (exports ask for it)."""

    def make(user):
        client = client_for(user)
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "password", "at": timezone.now().timestamp(), "reauthenticated": True}
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
        return client

    return make


def ask(client, captured, **data):
    with captured(execute=True):
        return client.post(reverse("reporting:exports"), {"file_format": "xlsx", **data})


def test_a_caseworker_exports_the_caseload_and_each_person_is_recorded(
    world, recent_client, django_capture_on_commit_callbacks
):
    client = recent_client(world.caseworker)
    response = ask(client, django_capture_on_commit_callbacks, kind="caseload")
    export = DataExport.objects.get()
    assert response["Location"] == reverse("reporting:export", args=[export.pk])
    assert (export.status, export.rows, export.programme) == ("ready", 1, None)
    download = client.get(reverse("reporting:export_download", args=[export.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert world.participant.last_name not in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert world.participant.last_name in cells
    assert world.foreign_participant.last_name not in cells
    assert AccessEvent.objects.filter(
        user=world.caseworker, participant=world.participant, action="export"
    ).exists()


def test_a_lead_exports_the_programme_as_csv(
    world, recent_client, django_capture_on_commit_callbacks
):
    client = recent_client(world.programme_lead)
    ask(
        client,
        django_capture_on_commit_callbacks,
        kind="programme",
        programme=world.programme.pk,
        file_format="csv",
    )
    export = DataExport.objects.get()
    content = default_storage.open(export.file.name).read().decode()
    assert world.participant.last_name in content and export.file.name.endswith(".csv")
    assert world.foreign_participant.last_name not in content


def test_a_programme_export_holds_that_programme_alone_with_its_placements(
    world, recent_client, django_capture_on_commit_callbacks
):
    from tests.factories import EnrollmentFactory, ParticipantFactory

    elsewhere = ParticipantFactory(municipality=world.municipality, last_name="Annetprogram")
    EnrollmentFactory(participant=elsewhere, programme=world.other_programme)
    client = recent_client(world.programme_lead)
    ask(client, django_capture_on_commit_callbacks, kind="programme", programme=world.programme.pk)
    export = DataExport.objects.get()
    book = load_workbook(io.BytesIO(default_storage.open(export.file.name).read()))
    enrollments, placements = book.worksheets
    names = [row[0] for row in enrollments.iter_rows(values_only=True)]
    assert world.participant.last_name in names
    assert "Annetprogram" not in names and world.foreign_participant.last_name not in names
    sites = [row[2] for row in placements.iter_rows(min_row=2, values_only=True)]
    assert sites == [world.placement.worksite.name]
    exported = AccessEvent.objects.filter(user=world.programme_lead, action="export")
    assert list(exported.values_list("participant", flat=True)) == [world.participant.pk]


@pytest.mark.parametrize("who", ["caseworker", "other_caseworker", "foreign_caseworker"])
def test_only_a_lead_of_the_programme_exports_its_data(world, who):
    with pytest.raises(ApplicationError, match="programme's lead"):
        data_export_request(
            actor=getattr(world, who),
            kind="programme",
            file_format="xlsx",
            programme=world.programme,
        )
    assert not DataExport.objects.exists()


@pytest.mark.parametrize("who", ["other_caseworker", "foreign_caseworker", "programme_lead"])
def test_nobody_but_the_requester_reaches_an_export(
    world, recent_client, django_capture_on_commit_callbacks, who
):
    ask(recent_client(world.caseworker), django_capture_on_commit_callbacks, kind="caseload")
    export = DataExport.objects.get()
    client = recent_client(getattr(world, who))
    for url in (
        reverse("reporting:export", args=[export.pk]),
        reverse("reporting:export_download", args=[export.pk]),
    ):
        assert client.get(url).status_code == 404
    page = client.get(reverse("reporting:exports")).content.decode()
    assert reverse("reporting:export", args=[export.pk]) not in page


@pytest.mark.parametrize("who", ["arbeidsleder", "admin"])
def test_people_without_a_caseload_have_no_exports_page(world, recent_client, who):
    assert recent_client(getattr(world, who)).get(reverse("reporting:exports")).status_code == 404


def test_the_exports_page_asks_for_the_password_again(world, client_for):
    response = client_for(world.caseworker).get(reverse("reporting:exports"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]


def test_an_unknown_kind_or_format_is_a_form_error_and_nothing_is_queued(
    world, recent_client, django_capture_on_commit_callbacks
):
    client = recent_client(world.caseworker)
    for data in ({"kind": "everything"}, {"kind": "caseload", "file_format": "pdf"}):
        response = ask(client, django_capture_on_commit_callbacks, **data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not DataExport.objects.exists()


def test_an_expired_export_is_deleted_and_says_so(
    world, recent_client, django_capture_on_commit_callbacks
):
    client = recent_client(world.caseworker)
    ask(client, django_capture_on_commit_callbacks, kind="caseload")
    export = DataExport.objects.get()
    name = export.file.name
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    report_files_expire()
    assert not default_storage.exists(name)
    response = client.get(reverse("reporting:export_download", args=[export.pk]), follow=True)
    assert "has expired" in response.content.decode()


def test_a_formula_in_a_name_is_neutralised(
    world, recent_client, django_capture_on_commit_callbacks
):
    world.participant.last_name = "=cmd|' /C calc'!A0"
    world.participant.save()
    ask(recent_client(world.caseworker), django_capture_on_commit_callbacks, kind="caseload")
    export = DataExport.objects.get()
    book = load_workbook(io.BytesIO(default_storage.open(export.file.name).read()))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "'=cmd|' /C calc'!A0" in cells and not any(str(c).startswith("=") for c in cells)


def test_an_export_file_gone_from_storage_gives_a_message_not_an_error(
    world, recent_client, django_capture_on_commit_callbacks
):
    client = recent_client(world.caseworker)
    ask(client, django_capture_on_commit_callbacks, kind="caseload")
    export = DataExport.objects.get()
    default_storage.delete(export.file.name)
    response = client.get(reverse("reporting:export_download", args=[export.pk]), follow=True)
    assert response.status_code == 200 and "has expired" in response.content.decode()


def test_an_erased_person_is_no_longer_downloadable_in_an_earlier_export(
    world, recent_client, django_capture_on_commit_callbacks
):
    from privacy.erasure import participant_anonymise

    client = recent_client(world.caseworker)
    ask(client, django_capture_on_commit_callbacks, kind="caseload")
    export = DataExport.objects.get()
    name = export.file.name
    participant_anonymise(participant=world.participant, actor=None, reason="Asked")
    assert not default_storage.exists(name)
    response = client.get(reverse("reporting:export_download", args=[export.pk]), follow=True)
    assert "has expired" in response.content.decode()
