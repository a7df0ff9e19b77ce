"""Work certificates: what one says (and never the personnummer), only for attested hours, in
English too for a young person who applied in English; one downloaded by the season's leads and
coordinators after a recent password and recorded, all of them in one ZIP made by a worker
(twice is once), the young person's own from their offer's link and the e-mail that says it is
ready; 404 for everyone else."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML

from audit.models import AccessEvent
from config.errors import ApplicationError
from config.generated import GeneratedStatus
from summerjobs.certificates import (
    certificate_batch_build,
    certificate_batch_request,
    certificate_html,
    certificate_notify,
    certificate_of,
    certificate_pdf,
)
from summerjobs.evaluations import supervisor_evaluation_save
from summerjobs.models import Application, Attestation, CertificateBatch, Offer, Place
from tests.support.after import offer_link, staff, worked
from tests.support.payroll import TODAY, attest
from tests.support.visitors import recently_authenticated

pytestmark = pytest.mark.django_db
GOOD = {"punctuality": 5, "cooperation": 4, "initiative": 4}


@pytest.fixture
def lead(world, summer):
    return staff(world, summer, "programme_lead", "Lena Projektledare")


@pytest.fixture
def coordinator(world, summer):
    return staff(world, summer, "summer_coordinator", "Sara Samordnare")


@pytest.fixture
def offers(summer, lead):
    found = worked(summer, lead)
    Place.objects.filter(pk=found["16"].place_id).update(
        tasks="Klippa gräs, rensa rabatter och vattna."
    )
    return {key: Offer.objects.get(pk=offer.pk) for key, offer in found.items()}


@pytest.fixture
def attested(offers):
    for offer in offers.values():
        attest(offer)
    return offers


def test_the_certificate_says_who_where_when_and_how_long_but_not_the_personnummer(attested):
    offer = attested["16"]
    application = offer.allocation.application
    html = certificate_html(certificate_of(offer=offer))
    period = offer.place.period
    for words in (
        "Arbetsintyg",
        "Solvik",
        f"{application.first_name} {application.last_name}",
        f"född {application.birth_date.day} ",
        "Parkförvaltningen",
        "Vaktmästeri",
        f"{period.starts_on.day} ",
        "22,5 timmar",
        "Klippa gräs, rensa rabatter och vattna.",
        "för Solvik, feriearbete",
    ):
        assert words in html, words
    assert application.national_id_masked not in html
    assert application.national_id_masked.replace("-", "")[:8] not in html.replace("-", "")
    pdf = certificate_pdf(certificate_of(offer=offer))
    assert pdf.startswith(b"%PDF")


def test_a_young_person_who_applied_in_english_gets_a_page_in_english_after_the_swedish(attested):
    offer = attested["18"]
    Application.objects.filter(pk=offer.allocation.application_id).update(language="en")
    html = certificate_html(certificate_of(offer=Offer.objects.get(pk=offer.pk)))
    assert "Arbetsintyg" in html and "Work certificate" in html
    assert html.index("Arbetsintyg") < html.index("Work certificate")
    assert len(HTML(string=html).render().pages) == 2
    assert (
        len(HTML(string=certificate_html(certificate_of(offer=attested["16"]))).render().pages) == 1
    )


def test_the_handledare_statement_is_printed_only_when_they_allowed_it(attested):
    offer = attested["16"]
    said = "Alltid i tid och glad att hjälpa till."
    supervisor_evaluation_save(
        offer=offer,
        data={**GOOD, "statement": said, "printable": False},
        by_name="Hanna Handledare",
        expected_version=0,
    )
    assert said not in certificate_html(certificate_of(offer=offer))
    supervisor_evaluation_save(
        offer=offer,
        data={**GOOD, "statement": said, "printable": True},
        by_name="Hanna Handledare",
        expected_version=1,
    )
    html = certificate_html(certificate_of(offer=offer))
    assert said in html and "Hanna Handledare" in html


def test_there_is_no_certificate_before_the_hours_are_attested(offers, coordinator, client_for):
    with pytest.raises(ApplicationError, match="attested"):
        certificate_of(offer=offers["16"])
    client = recently_authenticated(client_for(coordinator))
    response = client.get(reverse("summerjobs:certificate", args=[offers["16"].pk]), follow=True)
    assert response.status_code == 200
    assert "There is no certificate yet" in response.content.decode()
    assert not AccessEvent.objects.filter(model="summerjobs.application").exists()


def test_a_coordinator_downloads_one_after_a_recent_password_and_it_is_recorded(
    attested, coordinator, client_for
):
    offer = attested["16"]
    url = reverse("summerjobs:certificate", args=[offer.pk])
    client = client_for(coordinator)
    assert client.get(url).status_code == 302  # asks for the password again
    response = recently_authenticated(client).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="intyg-{offer.pk}.pdf"'
    event = AccessEvent.objects.get(model="summerjobs.application")
    assert (event.object_id, event.user, event.action) == (
        str(offer.allocation.application_id),
        coordinator,
        "export",
    )


def test_nobody_else_finds_a_certificate(world, attested, client_for):
    offer = attested["16"]
    # The programme's caseworker, a same-municipality handledare without the role, and another
    # municipality's caseworker.
    for user in (world.foreign_caseworker, world.foreign_arbeidsleder, world.caseworker):
        client = recently_authenticated(client_for(user))
        assert client.get(reverse("summerjobs:certificate", args=[offer.pk])).status_code == 404
        page = reverse("summerjobs:certificates", args=[offer.place.period.season_id])
        assert client.get(page).status_code == 404
    assert not AccessEvent.objects.filter(model="summerjobs.application").exists()


def test_every_certificate_in_one_zip_and_a_second_delivery_changes_nothing(
    attested, summer, lead, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_request(actor=lead, season=summer.season)
    batch.refresh_from_db()
    assert (batch.status, batch.people, batch.zip_file.name) == (
        GeneratedStatus.READY,
        2,
        f"certificates/batch-{batch.pk}.zip",
    )
    names = zipfile.ZipFile(io.BytesIO(batch.zip_file.read())).namelist()
    assert sorted(names) == sorted([f"intyg-{o.pk}.pdf" for o in attested.values()] + ["index.csv"])
    assert certificate_batch_build(batch_id=batch.pk) is False
    batch.refresh_from_db()
    assert batch.status == GeneratedStatus.READY and CertificateBatch.objects.count() == 1
    # The page shows it; the download asks for the password, then is recorded for both.
    client = recently_authenticated(client_for(lead))
    page = client.get(reverse("summerjobs:certificates", args=[summer.season.pk]))
    assert "ZIP" in page.content.decode()
    response = client.get(reverse("summerjobs:certificate_file", args=[batch.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert AccessEvent.objects.filter(model="summerjobs.application", action="export").count() == 2


def test_one_batch_at_a_time_and_none_without_attested_hours(offers, summer, lead, coordinator):
    with pytest.raises(ApplicationError, match="No young person"):
        certificate_batch_request(actor=lead, season=summer.season)
    attest(offers["16"])
    certificate_batch_request(actor=lead, season=summer.season)  # queued: no worker here
    with pytest.raises(ApplicationError, match="already being made"):
        certificate_batch_request(actor=coordinator, season=summer.season)


def test_the_programmes_caseworker_cannot_make_them(world, attested, summer):
    with pytest.raises(ApplicationError):
        certificate_batch_request(actor=world.foreign_caseworker, season=summer.season)


def test_the_young_person_is_told_and_downloads_their_own(
    offers, client_en, django_capture_on_commit_callbacks
):
    offer = offers["18"]
    url = offer_link(offer)
    page = client_en.get(url).content.decode()
    assert "once your handledare has attested" in page
    refused = client_en.get(url + "certificate/")
    assert refused.status_code == 409 and "There is no certificate yet" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        attest(offer)
    [message] = [m for m in mail.outbox if offer.allocation.application.email in m.to]
    assert message.subject == "Ditt arbetsintyg är klart"
    assert offer.allocation.application.last_name not in message.subject
    link = "/apply/o/" + message.body.split("/apply/o/", 1)[1].split()[0]
    assert "Download your work certificate" in client_en.get(link).content.decode()
    response = client_en.get(link + "certificate/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # Told once, whatever runs twice.
    assert certificate_notify(offer_id=offer.pk) is False
    assert len([m for m in mail.outbox if offer.allocation.application.email in m.to]) == 1


def test_the_hours_are_those_that_count_now(attested, lead):
    from summerjobs.work import DayInput, hours_record  # the correction's own service

    offer = attested["18"]
    first = offer.place.period.starts_on
    data = DayInput(day=first, starts_at=None, ends_at=None, absence="sick")
    hours_record(offer=offer, data=data, actor=lead, reason="Var sjuk", today=TODAY)
    assert certificate_of(offer=offer).hours == Decimal("15")


def test_the_certificate_words_are_translated():
    for language in ("nb", "nn", "sv"):
        with translation.override(language):
            assert translation.gettext("Work certificate") != "Work certificate", language
            assert translation.gettext("Your work certificate is ready") != (
                "Your work certificate is ready"
            ), language


def test_the_certificates_page_takes_as_many_queries_for_one_person_as_for_two(
    attested, summer, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("summerjobs:certificates", args=[summer.season.pk])
    client.get(url)  # the session and the user's roles, cached after the first page
    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()
    assert page.count("/summerjobs/certificates/") >= 2
    Attestation.objects.filter(offer=attested["16"]).delete()
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert page.count("/summerjobs/certificates/") >= 1
    assert len(two.captured_queries) == len(one.captured_queries) <= 12
