"""A new e-mail address on the link's page is used only once the code e-mailed to it is
entered: until then offers go to the confirmed address, so that a mistyped address cannot
swallow an offer. Wrong, expired and spent codes are refused on the page; the old address is
told of the change; nothing else the young person changed is lost."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.errors import ApplicationError
from summerjobs.applying import email_change_confirm
from summerjobs.models import Application, EmailChange, Season
from summerjobs.subject import applicant_anonymise, applicant_get, applicant_records
from tests.support.summerjobs import YEAR, apply_and_confirm, change_data, code_in, summer_staff

pytestmark = pytest.mark.django_db

SEVENTEEN = date(YEAR - 17, 1, 20)
NEW = "ny.adress@test.example.org"


@pytest.fixture
def applied(summer, client) -> tuple[Application, str]:
    link = apply_and_confirm(client, summer, born=SEVENTEEN, serial=91)
    return Application.objects.get(), link


def change_address(client, summer, link: str, application: Application, email: str = NEW):
    mail.outbox.clear()
    return client.post(link, change_data(summer, application, email=email))


def test_a_new_address_waits_for_its_code_and_the_rest_is_saved_at_once(summer, client, applied):
    application, link = applied
    old = application.email
    response = change_address(client, summer, link, application)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.email == old and application.phone == "070-999 99 99"
    assert [message.to for message in mail.outbox] == [[NEW]]
    page = client.get(response["Location"]).content.decode()
    assert 'id="new-email"' in page and NEW in page and old in page


def test_the_right_code_makes_the_new_address_the_applications_and_tells_the_old_one(
    summer, client, applied
):
    application, link = applied
    old = application.email
    change_address(client, summer, link, application)
    code = code_in(mail.outbox[-1])
    response = client.post(f"{link}email/", {"code": code})
    assert response.status_code == 302 and response["Location"] == f"{link}?email=1"
    application.refresh_from_db()
    assert application.email == NEW and application.version == 3
    assert not EmailChange.objects.exists()
    assert mail.outbox[-1].to == [old] and link in mail.outbox[-1].body
    # The code is spent: entering it again finds nothing waiting.
    again = client.post(f"{link}email/", {"code": code})
    assert again.status_code == 400 and 'id="email-notice"' in again.content.decode()


def test_a_wrong_code_says_so_and_the_fifth_keeps_the_old_address(summer, client, applied):
    application, link = applied
    old = application.email
    change_address(client, summer, link, application)
    right = code_in(mail.outbox[-1])
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for attempt in range(4):
        response = client.post(f"{link}email/", {"code": wrong})
        assert response.status_code == 400
        assert 'id="id_code_error"' in response.content.decode()
        assert EmailChange.objects.get().attempts == attempt + 1
    fifth = client.post(f"{link}email/", {"code": wrong})
    assert 'id="email-notice"' in fifth.content.decode()
    assert not EmailChange.objects.exists()
    assert client.post(f"{link}email/", {"code": right}).status_code == 400
    application.refresh_from_db()
    assert application.email == old


def test_an_expired_code_is_refused_and_the_old_address_kept(summer, client, applied):
    application, link = applied
    change_address(client, summer, link, application)
    code = code_in(mail.outbox[-1])
    EmailChange.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(f"{link}email/", {"code": code})
    assert response.status_code == 400 and 'id="email-notice"' in response.content.decode()
    application.refresh_from_db()
    assert application.email != NEW and not EmailChange.objects.exists()


def test_the_code_only_works_with_the_link_it_was_sent_from(summer, client, applied):
    application, link = applied
    change_address(client, summer, link, application)
    code = code_in(mail.outbox[-1])
    with pytest.raises(ApplicationError) as refused:
        email_change_confirm(application=application, token="another-link-secret", code=code)
    assert refused.value.code == "wrong"
    application.refresh_from_db()
    assert application.email != NEW


def test_keeping_the_old_address_drops_the_waiting_one(summer, client, applied):
    application, link = applied
    change_address(client, summer, link, application)
    response = client.post(f"{link}email/", {"cancel": "1"})
    assert response.status_code == 302 and not EmailChange.objects.exists()
    assert 'id="new-email"' not in client.get(link).content.decode()


def test_saving_other_changes_leaves_a_waiting_address_waiting_and_sends_no_second_code(
    summer, client, applied
):
    application, link = applied
    change_address(client, summer, link, application)
    application.refresh_from_db()
    mail.outbox.clear()
    client.post(link, change_data(summer, application, phone="070-111 11 11"))
    application.refresh_from_db()
    assert application.phone == "070-111 11 11" and EmailChange.objects.get().email == NEW
    client.post(link, change_data(summer, application, email=NEW.upper()))
    assert not mail.outbox


def test_the_same_address_in_other_letters_needs_no_code(summer, client, applied):
    application, link = applied
    change_address(client, summer, link, application, email=application.email.upper())
    assert not mail.outbox and not EmailChange.objects.exists()


def test_a_code_that_cannot_be_sent_is_said_on_the_address_and_the_rest_is_saved(
    summer, client, applied, settings
):
    application, link = applied
    settings.EMAIL_BACKEND = "tests.support.mailers.RefusingBackend"
    response = change_address(client, summer, link, application)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_email_error"' in page
    application.refresh_from_db()
    assert application.phone == "070-999 99 99" and application.email != NEW
    assert not EmailChange.objects.exists()


def test_after_the_deadline_no_code_is_taken(summer, client, applied):
    application, link = applied
    change_address(client, summer, link, application)
    code = code_in(mail.outbox[-1])
    Season.objects.filter(pk=summer.season.pk).update(
        applications_close_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(f"{link}email/", {"code": code})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.email != NEW


def test_a_link_nobody_was_sent_is_a_page_not_found(summer, client, applied):
    response = client.post("/apply/a/not-a-link/email/", {"code": "123456"})
    assert response.status_code == 404


def test_the_waiting_address_is_in_the_applicants_records_and_goes_with_an_erasure(
    summer, client, applied
):
    application, link = applied
    change_address(client, summer, link, application)
    lead = summer_staff(summer, role="programme_lead", name="Lena Projektledare")
    applicant = applicant_get(user=lead, pk=application.pk)
    records = applicant_records(actor=lead, applicant=applicant)
    assert [row.email for row in records.rows["email_changes"]] == [NEW]
    applicant_anonymise(
        actor=lead, applicant=applicant, reason="Begärt", scrub=lambda text, _ids: text
    )
    assert not EmailChange.objects.exists()


@pytest.mark.parametrize("code", ["", "12ab56", "1" * 40, "\x00"])
def test_a_code_that_is_not_six_digits_is_said_on_its_field_and_changes_nothing(
    summer, client, applied, code
):
    application, link = applied
    change_address(client, summer, link, application)
    response = client.post(f"{link}email/", {"code": code})
    assert response.status_code == 400 and 'id="id_code_error"' in response.content.decode()
    assert EmailChange.objects.get().attempts == 0
    application.refresh_from_db()
    assert application.email != NEW
