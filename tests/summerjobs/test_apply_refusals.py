"""Every bad input of the application e-service is a clear translated message on its field or
page, with what was typed kept, and never a server error: the season's rules (age, personnummer,
guardian, wishes, the window), a second application, wrong, expired and too many codes, the rate
limits and the honeypot."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.errors import ApplicationError
from participants.synthetic import synthetic_personnummer
from summerjobs.applying import MAX_ATTEMPTS
from summerjobs.models import Application, PendingApplication, Season
from tests.support.summerjobs import (
    YEAR,
    apply,
    apply_and_confirm,
    code_in,
    form_data,
    send_form,
)

pytestmark = pytest.mark.django_db

SEVENTEEN = date(YEAR - 17, 1, 20)


def text(response) -> str:
    return response.content.decode()


def refused_on_field(client, summer, field: str, **changes) -> str:
    """Send the form; it comes back with the error tied to ``field`` and nothing made."""
    response = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=51, **changes))
    page = text(response)
    assert response.status_code == 200, response.status_code
    assert f'id="id_{field}_error"' in page, page[:3000]
    assert f'aria-describedby="id_{field}_error"' in page or f"id_{field}_error" in page
    assert not PendingApplication.objects.exists() and not Application.objects.exists()
    assert not mail.outbox
    return page


def test_someone_born_outside_the_seasons_years_is_told_the_years(summer, client):
    too_young = synthetic_personnummer(date(YEAR - 14, 5, 5), 52)
    page = refused_on_field(client, summer, "national_id", national_id=too_young)
    assert f"{YEAR - 19}–{YEAR - 16}" in page


def test_someone_not_registered_in_the_municipality_is_told_so_and_nothing_is_made(summer, client):
    page = refused_on_field(client, summer, "registered", registered=None)
    assert "folkbokförda i Solvik" in page
    summer.season.postcodes = "123, 45678"
    summer.season.save(update_fields=["postcodes"])
    page = refused_on_field(client, summer, "postcode", postcode="987 65")
    assert "987 65 är inte ett av dess postnummer" in page
    assert 'value="Testefternamn51"' in page  # what was typed is kept
    refused_on_field(client, summer, "postcode", postcode="12 3")
    assert (
        send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=53, postcode="45678"))[
            "Location"
        ].count("/confirm/")
        == 1
    )
    assert (
        send_form(
            client, summer, **form_data(summer, born=SEVENTEEN, serial=54, postcode="123 99")
        )["Location"].count("/confirm/")
        == 1
    )


def test_a_season_for_a_school_year_takes_that_year_only(summer, client):
    summer.season.school_years = "8"
    summer.season.save(update_fields=["school_years"])
    form = text(client.get(f"/apply/{summer.season.pk}/"))
    assert 'name="school_year"' in form and '<option value="8">8</option>' in form
    refused_on_field(client, summer, "school_year", school_year="Gy 1")
    with pytest.raises(ApplicationError) as refused:
        apply(summer, born=SEVENTEEN, serial=55, school_year="9")
    assert (refused.value.field, refused.value.code) == ("school_year", "school_year")
    sent = send_form(
        client, summer, **form_data(summer, born=SEVENTEEN, serial=56, school_year="8")
    )
    assert "/confirm/" in sent["Location"]


def test_an_invalid_personnummer_is_refused_on_its_field_and_the_rest_is_kept(summer, client):
    page = refused_on_field(client, summer, "national_id", national_id="20070120-1234")
    assert 'value="Testförnamn"' in page and 'value="ung51@test.example.org"' in page
    assert "Jag vill jobba med barn." in page
    assert 'value="20070120-1234"' in page


def test_under_18_the_guardians_mobile_is_asked_for(summer, client):
    page = refused_on_field(client, summer, "guardian_phone", guardian_phone="")
    assert "aria-invalid" in page


def test_no_wish_is_refused_on_the_first_wish(summer, client):
    refused_on_field(client, summer, "choice_1", choice_1="", choice_2="")


def test_the_same_wish_twice_is_refused(summer, client):
    area = summer.areas["Storkök"].pk
    page = refused_on_field(client, summer, "choice_1", choice_1=area, choice_2=area)
    assert "en gång" in page  # "Varje arbetsområde kan väljas en gång."


def test_no_period_is_refused_on_the_periods(summer, client):
    refused_on_field(client, summer, "periods", periods=[])


def test_a_closed_season_says_so_and_takes_nothing(summer, client):
    Season.objects.filter(pk=summer.season.pk).update(
        applications_close_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(f"/apply/{summer.season.pk}/")
    assert "Ansökan till den här säsongen är inte öppen" in text(page)
    assert 'name="national_id"' not in text(page)
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=53))
    assert sent.status_code == 200 and not PendingApplication.objects.exists()


def test_a_season_that_closes_while_the_code_is_on_its_way_is_refused_clearly(summer, client):
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=54))
    Season.objects.filter(pk=summer.season.pk).update(
        applications_close_at=timezone.now() - timedelta(seconds=1)
    )
    confirmed = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    assert confirmed.status_code == 400 and 'role="alert"' in text(confirmed)
    assert not Application.objects.exists()


def test_an_unknown_season_is_not_found(client, summer):
    assert client.get(f"/apply/{summer.season.pk + 100}/").status_code == 404


def test_a_second_application_of_the_same_person_is_refused_after_the_code(summer, client):
    apply_and_confirm(client, summer, born=SEVENTEEN, serial=55)
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=55))
    confirmed = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    assert confirmed.status_code == 400
    assert "redan sökt" in text(confirmed)  # "Den här personen har redan sökt den här säsongen."
    assert Application.objects.count() == 1


def test_a_wrong_code_says_how_many_tries_are_left_and_makes_nothing(summer, client):
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=56))
    right = code_in(mail.outbox[-1])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(sent["Location"], {"code": wrong})
    assert response.status_code == 200 and 'id="id_code_error"' in text(response)
    assert str(MAX_ATTEMPTS - 1) in text(response)
    assert not Application.objects.exists()
    assert client.post(sent["Location"], {"code": right}).status_code == 302


def test_a_code_that_is_not_six_digits_is_told_so(summer, client):
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=57))
    response = client.post(sent["Location"], {"code": "12ab"})
    assert 'id="id_code_error"' in text(response)
    assert PendingApplication.objects.get().attempts == 0


def test_the_fifth_wrong_code_ends_the_submission(summer, client):
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=58))
    right = code_in(mail.outbox[-1])
    wrong = f"{(int(right) + 7) % 1_000_000:06d}"
    for _ in range(MAX_ATTEMPTS - 1):
        assert client.post(sent["Location"], {"code": wrong}).status_code == 200
    last = client.post(sent["Location"], {"code": wrong})
    assert last.status_code == 400 and not PendingApplication.objects.exists()
    after = client.post(sent["Location"], {"code": right})
    assert after.status_code == 400 and not Application.objects.exists()


def test_an_expired_code_is_refused_and_the_young_person_starts_again(summer, client):
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=59))
    PendingApplication.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    assert response.status_code == 400 and "15" in text(response)
    assert not Application.objects.exists() and not PendingApplication.objects.exists()


def test_a_code_works_once(summer, client):
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=60))
    code = code_in(mail.outbox[-1])
    assert client.post(sent["Location"], {"code": code}).status_code == 302
    assert client.post(sent["Location"], {"code": code}).status_code == 400
    assert Application.objects.count() == 1


def test_codes_asked_for_one_address_are_limited(summer, client):
    for serial in range(5):
        data = form_data(summer, born=SEVENTEEN, serial=61 + serial, email="samma@test.example.org")
        assert send_form(client, summer, **data).status_code == 302
    data = form_data(summer, born=SEVENTEEN, serial=70, email="samma@test.example.org")
    limited = send_form(client, summer, **data)
    assert limited.status_code == 429 and 'role="alert"' in text(limited)
    assert len(mail.outbox) == 5


def test_forms_sent_from_one_address_are_limited(summer, client, settings):
    settings.FOTFESTE_TRY_LIMITS = {**settings.FOTFESTE_TRY_LIMITS, "summerjob_apply": (2, 600)}
    answers = [
        send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=serial)).status_code
        for serial in (71, 72, 73)
    ]
    assert answers == [302, 302, 429]


def test_code_tries_from_one_address_are_limited(summer, client, settings):
    settings.FOTFESTE_TRY_LIMITS = {**settings.FOTFESTE_TRY_LIMITS, "summerjob_code": (3, 600)}
    sent = send_form(client, summer, **form_data(summer, born=SEVENTEEN, serial=74))
    for _ in range(3):
        client.post(sent["Location"], {"code": "000000"})
    limited = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    assert limited.status_code == 429 and not Application.objects.exists()


def test_a_filled_honeypot_gets_a_normal_answer_and_makes_nothing(summer, client):
    data = form_data(summer, born=SEVENTEEN, serial=75, website="http://spam.example.org")
    sent = send_form(client, summer, **data)
    assert sent.status_code == 302 and "/confirm/" in sent["Location"]
    assert client.get(sent["Location"]).status_code == 200
    assert not PendingApplication.objects.exists() and not mail.outbox
    assert client.post(sent["Location"], {"code": "123456"}).status_code == 400
    assert not Application.objects.exists()
