"""«Requests about an applicant»: the programme's leads and summer-jobs coordinators find a young
person by personnummer, export everything held on them (JSON and PDF, after the password
again) and erase them on request; nobody else reaches any of it."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessEvent
from audit.subject_access import ApplicantAccessExport, ExportStatus
from participants.synthetic import synthetic_personnummer
from privacy import applicant_access as aa
from privacy.applicant_access.render import render_html
from summerjobs.models import Allocation, Application, Choice
from summerjobs.services import allocation_override
from summerjobs.subject import OMITTED, applicant_get, applicant_records, is_erased
from tests import factories as f
from tests.support.applicants import EMAIL, FIRST, LAST, NUMBER, PHONE, applicant_story, needles
from tests.support.leftovers import files_hold, stored_files_in
from tests.support.summerjobs import YEAR
from tests.support.visitors import recently_authenticated, text

pytestmark = pytest.mark.django_db
# A number nobody has applied with (synthetic: it belongs to no one).
UNKNOWN = synthetic_personnummer(date(YEAR - 17, 5, 5), 123)


@pytest.fixture
def story(world, summer):
    return applicant_story(world, summer)


@pytest.fixture
def outsiders(world, summer):
    """The programme's caseworker, a lead of another programme of the municipality, and
    another municipality's lead and caseworker."""
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    other = f.ProgrammeFactory(municipality=world.foreign_municipality, name="Jobbspår")
    f.MembershipFactory(user=colleague, programme=other, role="programme_lead")
    return [world.foreign_caseworker, colleague, world.programme_lead, world.caseworker]


def requests_url(story) -> str:
    return reverse("applicant-privacy:requests", args=[story.current.season.programme_id])


def applicant_url(story) -> str:
    return reverse("applicant-privacy:applicant", args=[story.current.pk])


def erase_url(story) -> str:
    return reverse("applicant-privacy:erase", args=[story.current.pk])


def make_export(client, story, captured) -> ApplicantAccessExport:
    with captured(execute=True):
        response = client.post(applicant_url(story))
    assert response.status_code == 303
    return ApplicantAccessExport.objects.get()


# --- finding ---------------------------------------------------------------------------------


def test_the_lead_and_the_coordinator_find_every_application_of_the_person(story, client_for):
    for user in (story.lead, story.coordinator):
        client = client_for(user)
        assert "Requests about an applicant" in text(client.get(requests_url(story)))
        response = client.post(requests_url(story), {"national_id": NUMBER})
        page = text(response)
        assert response.status_code == 200
        assert page.count(f"{FIRST} {LAST}") == 2 and "Reserve list, no." in page
        assert applicant_url(story) in page
        assert NUMBER not in page and NUMBER not in response.request["PATH_INFO"]
        # Nothing of the search is kept: not the number, not its hash.
        session = dict(client.session.items())
        assert story.current.national_id_hash not in json.dumps(session, default=str)


def test_the_season_page_leads_its_leads_there_and_not_its_caseworker(world, story, client_for):
    season = reverse("summerjobs:season", args=[story.current.season_id])
    assert requests_url(story) in text(client_for(story.coordinator).get(season))
    assert requests_url(story) not in text(client_for(world.foreign_caseworker).get(season))


def test_an_invalid_number_is_a_form_error_and_an_unknown_one_finds_nobody(story, client_for):
    client = client_for(story.lead)
    wrong = client.post(requests_url(story), {"national_id": NUMBER[:-1]})
    assert wrong.status_code == 200 and wrong.context["form"].errors["national_id"]
    empty = client.post(requests_url(story), {"national_id": ""})
    assert empty.context["form"].errors["national_id"]
    unknown = text(client.post(requests_url(story), {"national_id": UNKNOWN}))
    assert "Nobody with that number has applied" in unknown


def test_a_person_only_another_programme_knows_is_nobody_here(world, story, client_for):
    """The page says no more than the lead may know: whether their own programme's seasons
    have the number, never whether someone else's have."""
    elsewhere = f.ProgrammeFactory(
        municipality=world.foreign_municipality, name="Feriepraktik", kind="feriearbete"
    )
    f.MembershipFactory(user=story.lead, programme=elsewhere, role="programme_lead")
    url = reverse("applicant-privacy:requests", args=[elsewhere.pk])
    client = client_for(story.lead)
    client.get(url)
    answers, counts = [], []
    for number in (NUMBER, UNKNOWN):
        with CaptureQueriesContext(connection) as queries:
            answers.append(text(client.post(url, {"national_id": number})))
        counts.append(len(queries))
    assert "Nobody with that number" in answers[0] and FIRST not in answers[0]
    assert counts[0] == counts[1]


def test_nobody_else_reaches_the_search(story, outsiders, client_for):
    for user in outsiders:
        client = recently_authenticated(client_for(user))
        assert client.get(requests_url(story)).status_code == 404, user.full_name
        assert client.post(requests_url(story), {"national_id": NUMBER}).status_code == 404


# --- the export --------------------------------------------------------------------------------


def test_the_lead_asks_watches_and_downloads_the_pdf_and_the_json(
    story, client_for, django_capture_on_commit_callbacks
):
    client = recently_authenticated(client_for(story.lead))
    page = text(client.get(applicant_url(story)))
    assert "Export everything held (right of access)" in page and "Erase…" in page
    export = make_export(client, story, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY
    assert set(export.applications.all()) == {story.current, story.earlier}
    status = text(client.get(reverse("applicant-privacy:status", args=[export.pk])))
    assert "Download PDF" in status and "hx-trigger" not in status
    for fmt, starts in (("pdf", b"%PDF"), ("json", b"{")):
        response = client.get(reverse("applicant-privacy:file", args=[export.pk, fmt]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(starts)
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"] == (
            f'attachment; filename="fotfeste-applicant-access-{export.pk}.{fmt}"'
        )


def test_the_json_holds_every_field_of_every_application_and_every_kind_of_row(
    story, client_for, django_capture_on_commit_callbacks
):
    client = recently_authenticated(client_for(story.coordinator))
    export = make_export(client, story, django_capture_on_commit_callbacks)
    data = json.loads(export.json_file.open("rb").read())

    # Every field of the model, walked: a new field fails here until it is exported.
    fields = {
        "national_id" if f.name == "national_id_encrypted" else f.name
        for f in Application._meta.get_fields()
        if f.concrete or f.many_to_many
    } - OMITTED
    for row in data["applications"]:
        assert set(row) == fields
    current = next(row for row in data["applications"] if row["id"] == story.current.pk)
    assert current["national_id"] == NUMBER
    assert (current["email"], current["phone"]) == (EMAIL, PHONE)
    assert current["tier"] == "Känd av socialtjänsten"
    assert len(current["periods"]) == 2
    choice_fields = {f.name for f in Choice._meta.concrete_fields}
    assert {tuple(sorted(row)) for row in data["choices"]} == {tuple(sorted(choice_fields))}
    assert {row["reason"] for row in data["overrides"]} >= {
        f"{FIRST} {LAST} tackade nej till platsen."
    }
    assert any(row["changes"].get("tier") for row in data["change_events"])
    assert {row["status"] for row in data["offers"]} == {"accepted", "declined"}
    assert not {"token_hash", "guardian_token_hash"} & {k for row in data["offers"] for k in row}
    assert {row["dry_run"] for row in data["draws"]} == {True, False}
    assert data["access_events"] and data["access_exports"][0]["id"] == export.pk
    other = story.other
    assert str(other.email) not in json.dumps(data) and other.last_name not in json.dumps(data)


def test_the_pdf_names_the_priority_ground_plainly_in_the_readers_language(story):
    applicant = applicant_get(user=story.lead, pk=story.current.pk)
    records = applicant_records(actor=story.lead, applicant=applicant)
    with translation.override("sv"):
        html = render_html(records)
    assert (
        "Förtursgrund, angiven av personalen" in html
        and "Känd av socialtjänsten (känslig grund)" in html
    )
    assert NUMBER in html and "Lottningens dragningar" in html


def test_asking_and_each_download_are_access_events_with_no_personal_data(
    story, client_for, django_capture_on_commit_callbacks
):
    client = recently_authenticated(client_for(story.lead))
    export = make_export(client, story, django_capture_on_commit_callbacks)
    client.get(reverse("applicant-privacy:file", args=[export.pk, "json"]))
    events = AccessEvent.objects.filter(user=story.lead, action="export")
    assert {(e.model, e.object_id, e.page) for e in events} == {
        ("summerjobs.application", str(a.pk), page)
        for a in (story.current, story.earlier)
        for page in ("applicant-privacy:applicant", "applicant-privacy:file")
    }
    assert all(e.participant_id is None for e in events)
    written = " ".join(f"{e.model} {e.object_id} {e.page}" for e in events)
    assert not [n for n in needles(story.current).values() if n in written]


def test_the_pages_and_the_files_ask_for_the_password_again(
    story, client_for, django_capture_on_commit_callbacks
):
    export = make_export(
        recently_authenticated(client_for(story.lead)), story, django_capture_on_commit_callbacks
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"login": story.lead.email, "password": f.PASSWORD})
    for url in (
        applicant_url(story),
        erase_url(story),
        reverse("applicant-privacy:file", args=[export.pk, "pdf"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    response = client.post(applicant_url(story))
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    assert ApplicantAccessExport.objects.count() == 1


def test_nobody_else_reaches_the_person_the_export_or_its_files(
    story, outsiders, client_for, django_capture_on_commit_callbacks
):
    export = make_export(
        recently_authenticated(client_for(story.lead)), story, django_capture_on_commit_callbacks
    )
    urls = [
        applicant_url(story),
        erase_url(story),
        reverse("applicant-privacy:status", args=[export.pk]),
        *[reverse("applicant-privacy:file", args=[export.pk, fmt]) for fmt in aa.FORMATS],
    ]
    for user in outsiders:
        client = recently_authenticated(client_for(user))
        for url in urls:
            assert client.get(url).status_code == 404, (user.full_name, url)
        assert client.post(applicant_url(story)).status_code == 404
        assert (
            client.post(erase_url(story), {"reason": "x" * 20, "confirm": "on"}).status_code == 404
        )
    assert ApplicantAccessExport.objects.count() == 1
    assert not is_erased(Application.objects.get(pk=story.current.pk))


def test_the_coordinator_cannot_open_the_leads_export(
    story, client_for, django_capture_on_commit_callbacks
):
    export = make_export(
        recently_authenticated(client_for(story.lead)), story, django_capture_on_commit_callbacks
    )
    client = recently_authenticated(client_for(story.coordinator))
    assert client.get(applicant_url(story)).status_code == 200
    url = reverse("applicant-privacy:file", args=[export.pk, "pdf"])
    assert client.get(url).status_code == 404
    for fmt in ("zip", "PDF", ".."):
        assert client.get(f"/summerjobs/applicant-exports/{export.pk}/{fmt}/").status_code == 404


def test_expired_files_are_deleted_and_the_link_says_so(
    story, client_for, django_capture_on_commit_callbacks
):
    client = recently_authenticated(client_for(story.lead))
    export = make_export(client, story, django_capture_on_commit_callbacks)
    stored = export.pdf_file.name
    assert aa.applicant_access_files_expire(now=timezone.now()) == 0
    assert aa.applicant_access_files_expire(now=export.expires_at + timedelta(seconds=1)) == 1
    assert not default_storage.exists(stored)
    response = client.get(reverse("applicant-privacy:file", args=[export.pk, "pdf"]), follow=True)
    assert "have been deleted" in text(response)


def test_building_twice_makes_one_set_of_files(story):
    export = ApplicantAccessExport.objects.create(
        programme=story.current.season.programme, requested_by=story.lead
    )
    export.applications.set([story.current.pk])
    assert aa.applicant_access_build(export_id=export.pk) is True
    assert aa.applicant_access_build(export_id=export.pk) is False
    names = default_storage.listdir("applicant-access")[1]
    assert {n for n in names if n.startswith(f"export-{export.pk}.")} == {
        f"export-{export.pk}.pdf",
        f"export-{export.pk}.json",
    }


# --- erasure -----------------------------------------------------------------------------------


def test_the_lead_erases_with_a_reason_and_the_exports_files_go(
    story, client_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    media = stored_files_in(settings, tmp_path / "media")
    client = recently_authenticated(client_for(story.lead))
    export = make_export(client, story, django_capture_on_commit_callbacks)
    assert files_hold(media, needles(story.current))

    missing = client.post(erase_url(story), {"reason": "", "confirm": "on"})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    response = client.post(erase_url(story), {"reason": "Bad om det i telefon.", "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == applicant_url(story)
    page = text(client.get(applicant_url(story)))
    assert "have been erased" in page and FIRST not in page
    assert is_erased(Application.objects.get(pk=story.current.pk))
    export.refresh_from_db()
    assert not export.pdf_file and not export.json_file
    assert not [p for p in media.rglob("*") if p.is_file()]
    # Nothing left to export, and not to be found any more: the number leads nowhere.
    assert "Make the export" not in page
    client.post(applicant_url(story))
    assert ApplicantAccessExport.objects.count() == 1
    found = text(client.post(requests_url(story), {"national_id": NUMBER}))
    assert "Nobody with that number" in found


def test_erasure_is_refused_with_a_clear_message_while_a_place_is_held(story, summer, client_for):
    mine = Allocation.objects.get(application=story.current, run__dry_run=False)
    allocation_override(actor=story.lead, allocation=mine, place=summer.places[0], reason="Igen.")
    client = recently_authenticated(client_for(story.coordinator))
    page = text(client.get(erase_url(story)))
    assert "has a place in a period that has not ended" in page and "<textarea" not in page
    response = client.post(erase_url(story), {"reason": "Bad om det.", "confirm": "on"})
    assert response.status_code == 200
    assert "has a place in a period that has not ended" in text(response)
    assert not is_erased(Application.objects.get(pk=story.current.pk))


def test_the_search_and_the_persons_page_cost_a_few_queries(story, client_for):
    client = recently_authenticated(client_for(story.lead))
    client.get(applicant_url(story))
    for request in (
        lambda: client.post(requests_url(story), {"national_id": NUMBER}),
        lambda: client.get(applicant_url(story)),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code == 200
        assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]
