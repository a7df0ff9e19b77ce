"""The reminder before an offer's deadline: once, two days before the deadline's day, in the
daytime, by e-mail and text message, to a young person who has not answered and a guardian
who has not confirmed; with a link of its own, while the first message's link keeps working.
Never to an answered offer, never after the deadline."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config import sms
from summerjobs.models import Offer, OfferStatus
from summerjobs.offers import (
    offer_accept,
    offers_create,
    offers_remind,
    offers_tend,
    remind_from,
)
from summerjobs.prestart import offer_answer_record, prestart_next_of_kin, prestart_tick
from tests.support.summerjobs import YEAR, apply, run_placing, summer_staff

pytestmark = pytest.mark.django_db

ADULT = date(YEAR - 19, 1, 10)
MINOR = date(YEAR - 17, 1, 10)


@pytest.fixture
def run(summer, done):
    """An adult with a mobile and a minor at the Vaktmästeri, their offers sent today."""
    lead = summer_staff(summer, role="programme_lead", name="Lena Projektledare")
    adult = apply(summer, born=ADULT, serial=1, phone="070-111 11 11")
    minor = apply(summer, born=MINOR, serial=2)
    place = summer.places[0]
    run = run_placing(summer, [(adult, place), (minor, place)])
    done(offers_create, run=run, actor=lead)
    run.people = (adult, minor)
    return run


@pytest.fixture
def done(django_capture_on_commit_callbacks):
    """Call something and commit: the messages go from tasks queued after the commit."""

    def call(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return call


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def offer_of(person) -> Offer:
    return Offer.objects.get(allocation__application=person)


def links_to(address: str, kind: str = "o") -> list[str]:
    bodies = [m.body for m in mail.outbox if address in m.to]
    return [
        m for body in bodies for m in re.findall(rf"https?://[^/\s]+(/apply/{kind}/[^\s]+/)", body)
    ]


def when_due(offer: Offer):
    return remind_from(offer.answer_by) + timedelta(minutes=5)


def test_a_young_person_who_has_not_answered_is_reminded_once(run, done, client):
    adult = run.people[0]
    due = when_due(offer_of(adult))
    assert timezone.localtime(due).date() == timezone.localdate(offer_of(adult).answer_by) - (
        timedelta(days=2)
    )
    mail.outbox.clear()
    sms.outbox.clear()

    assert done(offers_tend, at=due)["reminded"] == 2  # the adult and the minor
    assert done(offers_tend, at=due + timedelta(minutes=15))["reminded"] == 0
    assert done(offers_tend, at=due + timedelta(days=1))["reminded"] == 0

    [reminder] = [m for m in mail.outbox if adult.email in m.to]
    assert reminder.subject == "Påminnelse: svara på erbjudandet om feriearbete"  # Solvik's
    assert "Länken i det första meddelandet fungerar också" in reminder.body
    [text] = [t for t in sms.outbox if t["to"] == "+46701111111"]
    assert "/apply/o/" in text["text"]
    assert offer_of(adult).reminded_at == due


def test_the_reminders_link_works_beside_the_first_one(run, done, client):
    adult = run.people[0]
    [first] = links_to(adult.email)
    done(offers_tend, at=when_due(offer_of(adult)))
    [_, second] = links_to(adult.email)
    assert first != second
    for url in (first, second):
        assert client.get(url).status_code == 200
    response = client.post(second, {"version": offer_of(adult).version, "answer": "accept"})
    assert response.status_code == 302
    assert offer_of(adult).status == OfferStatus.ACCEPTED
    assert "the job is yours" in client.get(first + "?answered=1").content.decode()


def test_no_reminder_before_its_day_in_the_night_or_after_the_deadline(run, done):
    offer = offer_of(run.people[0])
    due = remind_from(offer.answer_by)
    assert done(offers_tend, at=due - timedelta(hours=21))["reminded"] == 0  # noon, a day early
    assert done(offers_tend, at=due + timedelta(hours=12))["reminded"] == 0  # nine at night
    next_morning = offer.answer_by + timedelta(hours=10)
    assert offers_remind(at=next_morning) == 0  # past the deadline, though not yet lapsed
    later = done(offers_tend, at=next_morning)
    assert later["reminded"] == 0 and later["lapsed"] == 2
    assert not Offer.objects.filter(reminded_at__isnull=False).exists()


def test_no_reminder_for_an_answered_offer_and_a_guardians_own(run, done, client):
    adult, minor = run.people
    offer_accept(offer=offer_of(adult), expected_version=1)
    done(offer_accept, offer=offer_of(minor), expected_version=1)
    [first] = links_to(minor.guardian_email, "g")
    mail.outbox.clear()

    assert done(offers_tend, at=when_due(offer_of(minor)))["reminded"] == 1

    assert not [m for m in mail.outbox if adult.email in m.to or minor.email in m.to]
    [reminder] = [m for m in mail.outbox if minor.guardian_email in m.to]
    assert "en vårdnadshavare har ännu inte bekräftat det" in reminder.body
    [second] = links_to(minor.guardian_email, "g")
    for url in (first, second):
        assert client.get(url).status_code == 200
    assert offer_of(minor).guardian_reminded_at is not None


def test_a_reminder_that_could_not_be_sent_is_tried_again(run, done, settings):
    minor = run.people[1]  # no mobile: e-mail only
    settings.EMAIL_BACKEND = "tests.support.mailers.RefusingBackend"
    due = when_due(offer_of(minor))
    assert done(offers_tend, at=due)["reminded"] == 1  # the adult, by text message
    assert offer_of(minor).reminded_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert done(offers_tend, at=due + timedelta(minutes=15))["reminded"] == 1

    assert offer_of(minor).reminded_at is not None


def test_nothing_personal_is_logged_by_reminders_answers_or_ticks(
    run, summer, done, settings, caplog
):
    """Names, addresses, numbers and links stay out of the logs, whatever goes wrong."""
    adult, minor = run.people
    lead = summer_staff(summer, role="summer_coordinator", name="Sara Feriesamordnare")
    caplog.set_level("DEBUG")
    settings.EMAIL_BACKEND = "tests.support.mailers.RefusingBackend"
    done(offers_tend, at=when_due(offer_of(adult)))  # the minor's e-mail fails
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    done(offers_tend, at=when_due(offer_of(adult)) + timedelta(minutes=15))
    offer = offer_of(adult)
    done(
        offer_answer_record,
        offer=offer,
        answer="accept",
        note="Ringde från 070-555 55 55.",
        expected_version=offer.version,
        actor=lead,
    )
    offer = offer_of(adult)
    prestart_tick(offer=offer, item="contract", done=True, expected_version=1, actor=lead)
    prestart_next_of_kin(
        offer=offer, name="Testanhörig", phone="070-222 22 22", expected_version=2, actor=lead
    )
    minor_offer = offer_of(minor)
    done(
        offer_answer_record,
        offer=minor_offer,
        answer="decline",
        note="Mamma ringde.",
        expected_version=minor_offer.version,
        actor=lead,
    )

    assert "not sent" in caplog.text and "reminders" in caplog.text  # it did log
    links = [url for m in mail.outbox for url in re.findall(r"/apply/[og]/([^\s/]+)/", m.body)]
    secrets = {*links, *(t["text"].rsplit("/", 2)[-2] for t in sms.outbox)}
    for person in run.people:
        for value in (
            person.first_name,
            person.last_name,
            person.email,
            person.guardian_email,
            person.national_id_masked,
        ):
            assert value not in caplog.text, value
    for value in ("070-111 11 11", "+46701111111", "070-222 22 22", "Testanhörig", *secrets):
        assert value not in caplog.text, value
