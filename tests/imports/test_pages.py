"""The import pages: a programme's leads may; a caseworker of the same programme, a lead of
another programme and anyone in another municipality get 404 and never see a row."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from imports.models import ImportRun, ImportStatus
from tests import factories as f
from tests.support.imports import person, table

pytestmark = pytest.mark.django_db


def make_run(world, programme=None, **values) -> ImportRun:
    values = {
        "kind": "participants",
        "file_format": "csv",
        "status": ImportStatus.READY,
        "requested_by": world.programme_lead,
        "rows_total": 3,
        "expires_at": timezone.now() + timezone.timedelta(hours=1),
        **values,
    }
    return ImportRun.objects.create(programme=programme or world.programme, **values)


@pytest.fixture
def other_lead(world):
    lead = f.UserFactory(municipality=world.municipality, full_name="Other Lead")
    f.MembershipFactory(user=lead, programme=world.other_programme, role="programme_lead")
    return lead


def urls(run) -> list[str]:
    return [
        reverse("imports:imports"),
        reverse("imports:detail", args=[run.pk]),
        reverse("imports:template", args=["participants", "csv"]),
        reverse("imports:template", args=["placements", "xlsx"]),
    ]


def test_the_lead_uploads_watches_and_imports_through_the_pages(world, client_for, send, start):
    client = client_for(world.programme_lead)
    page = client.get(reverse("imports:imports")).content.decode()
    assert 'enctype="multipart/form-data"' in page and "first_name" in page
    response, run = send(table([person(1), person(2)]))
    assert response.status_code == 302
    fragment = client.get(
        reverse("imports:detail", args=[run.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and "Import 2 rows" in fragment
    assert 'hx-trigger="every 1s"' not in fragment  # checked: polling stops
    start(run)
    detail = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "2 rows were imported." in detail
    listed = client.get(reverse("imports:imports")).content.decode()
    assert reverse("imports:detail", args=[run.pk]) in listed


def test_a_run_being_checked_or_imported_keeps_polling(world, client_for):
    for status in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.IMPORTING):
        run = make_run(world, status=status, progress=40)
        fragment = (
            client_for(world.programme_lead)
            .get(reverse("imports:detail", args=[run.pk]), HTTP_HX_REQUEST="true")
            .content.decode()
        )
        assert 'hx-trigger="every 1s"' in fragment and 'value="40"' in fragment


@pytest.mark.parametrize(
    "who", ["caseworker", "arbeidsleder", "admin", "foreign_caseworker", "foreign_arbeidsleder"]
)
def test_the_import_pages_and_templates_are_404_for_anyone_but_a_lead(world, client_for, who):
    run = make_run(world)
    client = client_for(getattr(world, who))
    for url in urls(run):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("imports:confirm", args=[run.pk])).status_code == 404
    assert client.post(reverse("imports:imports"), {}).status_code == 404


def test_a_lead_of_another_programme_gets_404_for_this_programmes_import(
    world, client_for, other_lead
):
    run = make_run(world)
    client = client_for(other_lead)
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[run.pk])).status_code == 404
    listed = client.get(reverse("imports:imports")).content.decode()
    assert reverse("imports:detail", args=[run.pk]) not in listed
    run.refresh_from_db()
    assert run.status == ImportStatus.READY


def test_a_lead_in_another_municipality_gets_404(world, client_for):
    lead = f.UserFactory(municipality=world.foreign_municipality)
    programme = f.ProgrammeFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    run = make_run(world)
    client = client_for(lead)
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[run.pk])).status_code == 404
    assert reverse("imports:detail", args=[run.pk]) not in (
        client.get(reverse("imports:imports")).content.decode()
    )


def test_a_programme_the_user_does_not_lead_cannot_be_chosen(world, send, other_lead):
    for programme in (
        world.other_programme,
        f.ProgrammeFactory(municipality=world.foreign_municipality),
    ):
        response, run = send(table([person(1)]), programme=programme)
        assert run is None and response.status_code == 200
        assert "Select a valid choice." in " ".join(response.context["form"].errors["programme"])


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get(reverse("imports:imports"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_templates_hold_the_exact_header_for_the_municipality(world, client_for):
    client = client_for(world.programme_lead)
    response = client.get(reverse("imports:template", args=["participants", "csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="fotfeste-participants.csv"'
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[:4] == ["first_name", "last_name", "national_id", "birth_date"]
    assert "nav_innsatsgruppe" in header and len(header) == 20
    workbook = client.get(reverse("imports:template", args=["placements", "xlsx"]))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [c.value for c in sheet[1]] == [
        "national_id",
        "worksite",
        "supervisor",
        "type",
        "field",
        "starts_on",
        "ends_on",
        "schedule_days",
        "hours_per_day",
        "percentage",
        "nav_agreement",
    ]
    assert sheet.column_dimensions["A"].number_format == "@"  # leading zeros kept
    assert client.get("/imports/template/people.csv").status_code == 404
    assert client.get("/imports/template/participants.pdf").status_code == 404


def test_a_swedish_lead_gets_a_template_without_nav_innsatsgruppe(world, client_for):
    lead = f.UserFactory(municipality=world.foreign_municipality)
    programme = f.ProgrammeFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    response = client_for(lead).get(reverse("imports:template", args=["participants", "csv"]))
    assert "nav_innsatsgruppe" not in response.content.decode("utf-8-sig")


def test_the_page_explains_each_column_and_its_codes(world, client_for):
    page = client_for(world.programme_lead).get(reverse("imports:imports")).content.decode()
    assert "<code>schedule_days</code>" in page and "Monday = 1 to Sunday = 7" in page
    assert "<code>neet_status</code>" in page and "<code>neet_seeking</code>" in page
    assert "A date as YYYY-MM-DD" in page


def test_the_list_of_imports_takes_a_fixed_number_of_queries(world, client_for):
    client = client_for(world.programme_lead)
    make_run(world)
    client.get(reverse("imports:imports"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("imports:imports"))
    for _ in range(15):
        make_run(world, confirmed_by=world.programme_lead)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("imports:imports"))
    assert response.status_code == 200
    assert len(many) == len(few) <= 12
