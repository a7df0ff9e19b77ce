"""The application e-service as a young person walks it, without a staff account: the list of
seasons open now, the form, the code e-mailed, the application made only by the right code, the
receipt with a private link; in Swedish or English; never cached, CSRF on, no staff menu."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from participants import national_id as nid
from summerjobs.models import Application, EmailChange, PendingApplication, Season
from summerjobs.tasks import codes_expire_task
from tests.support.summerjobs import (
    YEAR,
    apply,
    apply_and_confirm,
    code_in,
    form_data,
    link_in_receipt,
    send_form,
)

pytestmark = pytest.mark.django_db

SEVENTEEN = date(YEAR - 17, 1, 20)


def text(response) -> str:
    return response.content.decode()


def test_the_list_shows_the_seasons_open_now_with_municipality_and_deadline(summer, client):
    Season.objects.create(
        programme=summer.season.programme,
        name="Feriearbete i fjol",
        applications_open_at=timezone.now() - timedelta(days=400),
        applications_close_at=timezone.now() - timedelta(days=300),
        born_from_year=YEAR - 19,
        born_to_year=YEAR - 16,
    )
    page = text(client.get("/apply/"))
    assert summer.season.name in page and "Solvik" in page
    assert str(summer.season.applications_close_at.year) in page
    assert "i fjol" not in page


def test_the_whole_path_from_form_to_code_to_application_to_receipt(summer, client):
    form = client.get(f"/apply/{summer.season.pk}/")
    assert form.status_code == 200 and 'name="national_id"' in text(form)

    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=31))
    assert sent.status_code == 302 and "/confirm/" in sent["Location"]
    assert not Application.objects.exists()
    assert PendingApplication.objects.count() == 1
    assert mail.outbox[-1].to == ["ung31@test.example.org"]

    confirmed = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    assert confirmed["Location"] == f"/apply/{summer.season.pk}/received/"
    application = Application.objects.get()
    assert not PendingApplication.objects.exists()
    assert [c.area.name for c in application.choices.order_by("rank")] == [
        "Fritidshem",
        "Vaktmästeri",
    ]
    assert set(application.periods.all()) == {summer.periods[0], summer.periods[2]}
    assert application.school == "Solviks skola" and application.motivation

    receipt = mail.outbox[-1]
    assert receipt.to == ["ung31@test.example.org"]
    link = link_in_receipt(receipt)
    page = client.get(link)
    assert page.status_code == 200 and application.national_id_masked in text(page)


def test_the_receipt_page_says_the_application_is_received_in_swedish(summer, client):
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=32))
    confirmed = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])}, follow=True)
    assert "Tack" in text(confirmed)
    assert confirmed["Content-Language"] == "sv"


def test_the_form_is_in_swedish_by_default_and_in_english_when_chosen(summer, client):
    assert "Personnummer eller samordningsnummer" in text(client.get(f"/apply/{summer.season.pk}/"))
    client.post("/i18n/setlang/", {"language": "en", "next": f"/apply/{summer.season.pk}/"})
    page = client.get(f"/apply/{summer.season.pk}/")
    assert page["Content-Language"] == "en"
    assert "Personnummer or samordningsnummer" in text(page)


def test_a_language_the_e_service_does_not_speak_falls_back_to_swedish(summer, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    page = client.get(f"/apply/{summer.season.pk}/", HTTP_ACCEPT_LANGUAGE="nb")
    assert page["Content-Language"] == "sv"


def test_the_code_e_mail_and_the_receipt_follow_the_language_of_the_page(summer, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    apply_and_confirm(client, summer, born=SEVENTEEN, serial=33)
    code, receipt = mail.outbox[-2], mail.outbox[-1]
    assert code.subject == "Your code for the summer-job application"
    assert "We have received" in receipt.subject


def test_at_least_five_ranked_wishes_are_offered_when_the_season_has_five_areas(summer, client):
    summer.season.areas.create(name="Kultur")
    page = text(client.get(f"/apply/{summer.season.pk}/"))
    assert all(f'name="choice_{rank}"' in page for rank in range(1, 6))
    assert 'name="choice_6"' not in page


def test_an_adult_needs_no_guardian(summer, client):
    adult = date(YEAR - 19, 2, 3)
    link = apply_and_confirm(
        client,
        summer,
        born=adult,
        serial=34,
        guardian_name="",
        guardian_email="",
        guardian_phone="",
    )
    assert link and Application.objects.get().guardian_email == ""


def test_the_form_page_takes_a_fixed_number_of_queries(
    summer, client, django_assert_max_num_queries
):
    for n in range(12):
        summer.season.areas.create(name=f"Område {n}")
    with django_assert_max_num_queries(2):  # the season; its periods and areas
        assert client.get(f"/apply/{summer.season.pk}/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/apply/").status_code == 200


def test_sending_the_form_and_entering_the_code_take_a_fixed_number_of_queries(
    summer, client, django_assert_max_num_queries
):
    # At the deadline hundreds send the form within minutes (make bench-summer): each step is
    # a handful of reads and writes, whatever the season's size.
    for n in range(12):
        summer.season.areas.create(name=f"Område {n}")
    with django_assert_max_num_queries(3):  # the season; its periods and areas; the insert
        sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=37))
    # The submission with its season; its delete; periods and areas; three inserts; the
    # transaction's two (SAVEPOINT and RELEASE here, BEGIN and COMMIT in production).
    with django_assert_max_num_queries(8):
        confirmed = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    assert confirmed["Location"] == f"/apply/{summer.season.pk}/received/"


def test_the_pages_are_never_cached_and_set_no_session(summer, client):
    for url in ("/apply/", f"/apply/{summer.season.pk}/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=35))
    assert settings.SESSION_COOKIE_NAME not in sent.cookies
    assert "no-store" in sent["Cache-Control"]


def test_the_form_is_protected_from_cross_site_posts(summer):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/apply/{summer.season.pk}/", form_data(summer, born=SEVENTEEN, serial=36)
    )
    assert response.status_code == 403
    assert not PendingApplication.objects.exists() and not mail.outbox


def test_a_signed_in_staff_member_sees_no_staff_menu_and_is_not_asked_for_a_second_factor(
    summer, client, world, settings
):
    settings.FOTFESTE_MFA_REQUIRED = True
    client.force_login(world.foreign_caseworker)
    for url in ("/apply/", f"/apply/{summer.season.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="mainnav"' not in text(response) and "usermenu" not in text(response)
    link = apply_and_confirm(client, summer, born=SEVENTEEN, serial=37)
    page = text(client.get(link))
    assert 'class="mainnav"' not in page


def test_the_personnummer_waits_encrypted_with_the_rest_of_the_form(summer, client):
    data = form_data(summer, born=SEVENTEEN, serial=38)
    send_form(client, summer, **data)
    pending = PendingApplication.objects.get()
    number = nid.parse(data["national_id"], country="SE").value
    row = str(PendingApplication.objects.values().get())
    for secret in (number, data["national_id"], data["email"], data["last_name"]):
        assert secret not in row
    code = code_in(mail.outbox[-1])
    assert code not in nid.decrypt(pending.data_encrypted) and len(pending.code_hash) == 64


def test_codes_never_entered_are_deleted_by_the_quarter_hourly_job_an_hour_after_expiry(
    summer, client
):
    for serial in (41, 42, 43):
        assert send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=serial))
    now = timezone.now()
    expiries = [now - timedelta(hours=2), now - timedelta(minutes=30), now + timedelta(minutes=9)]
    for pending, expires_at in zip(
        PendingApplication.objects.order_by("pk"), expiries, strict=True
    ):
        PendingApplication.objects.filter(pk=pending.pk).update(expires_at=expires_at)
    for serial, expires_at in zip((44, 45), (now - timedelta(hours=2), now), strict=True):
        application = apply(summer, born=SEVENTEEN, serial=serial)
        EmailChange.objects.create(
            application=application,
            email=f"ny{serial}@example.org",
            code_hash="x" * 64,
            expires_at=expires_at,
        )

    codes_expire_task()

    kept = sorted(PendingApplication.objects.values_list("expires_at", flat=True))
    assert kept == expiries[1:]
    assert list(EmailChange.objects.values_list("email", flat=True)) == ["ny45@example.org"]
    assert Application.objects.count() == 2  # the applications themselves stay
