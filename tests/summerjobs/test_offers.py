"""Offers after the run for real: sent by e-mail and text message with a private link, answered
by a deadline, confirmed by a guardian under 18; a place declined, refused or not answered goes
to the next on the reserve list who fits it, and the workplace is told the same day."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config import sms
from config.errors import ApplicationError, StaleEditError
from summerjobs.models import Allocation, Offer, OfferStatus, PayRate
from summerjobs.offers import (
    offer_accept,
    offer_decline,
    offer_guardian_answer,
    offers_create,
    offers_tend,
)
from summerjobs.services import allocation_override, lottery_run
from tests import factories as f
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client_en):
    """The public pages in English (tests/summerjobs/conftest.py)."""
    return client_en


ADULT = date(YEAR - 19, 1, 10)  # 19 when the summer starts
MINOR = date(YEAR - 17, 1, 10)  # 17


@pytest.fixture
def lead(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="programme_lead")
    return user


@pytest.fixture
def run(summer):
    """The Vaktmästeri's two places in period 1 and four who wished only for it: an adult with a
    mobile, a minor, and two adults on the reserve list; the workplace has a contact address."""
    area = [summer.areas["Vaktmästeri"].pk]
    people = [
        apply(summer, born=ADULT, serial=1, area_ids=area, phone="070-111 11 11"),
        apply(summer, born=MINOR, serial=2, area_ids=area),
        apply(summer, born=date(YEAR - 18, 2, 1), serial=3, area_ids=area),
        apply(summer, born=date(YEAR - 18, 3, 1), serial=4, area_ids=area),
    ]
    workplace = summer.places[0].workplace
    workplace.contact_email = "park@solvik.example.org"
    workplace.save()
    PayRate.objects.create(season=summer.season, age_from=16, age_to=17, hourly_pay="95.50")
    PayRate.objects.create(season=summer.season, age_from=18, age_to=19, hourly_pay="110")
    run = lottery_run(season=summer.season, seed=4, dry_run=False, actor=None)
    # The draw is the lottery's; these tests need to know who is where.
    allocations = {a.application_id: a for a in run.allocations.all()}
    place = summer.places[0]
    for n, person in enumerate(people):
        placed = n < 2
        Allocation.objects.filter(pk=allocations[person.pk].pk).update(
            place=place if placed else None,
            choice_rank=1 if placed else None,
            reserve_position=None if placed else n - 1,
        )
    run.people = people
    return run


@pytest.fixture
def done(django_capture_on_commit_callbacks):
    """Call something and commit: the messages go from tasks queued after the commit."""

    def call(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return call


def offer_of(person) -> Offer:
    return Offer.objects.get(allocation__application=person, status__in=("pending", "accepted"))


def link_in(body: str, kind: str = "o") -> str:
    match = re.search(rf"https?://[^/\s]+(/apply/{kind}/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def mail_to(address: str):
    return [m for m in mail.outbox if address in m.to]


def test_the_lead_sends_the_offers_by_e_mail_and_text_message(done, lead, run, client_for):
    client = client_for(lead)
    response = done(client.post, reverse("summerjobs:offers_send", kwargs={"pk": run.pk}))

    assert response.status_code == 302
    adult, minor = run.people[0], run.people[1]
    offers = Offer.objects.all()
    assert {o.allocation.application for o in offers} == {adult, minor}
    assert all(o.status == OfferStatus.PENDING and o.sent_at for o in offers)
    assert offer_of(minor).guardian_needed and not offer_of(adult).guardian_needed
    deadline = timezone.localtime(offer_of(adult).answer_by)
    assert deadline.date() == timezone.localdate() + timedelta(days=7)
    assert (deadline.hour, deadline.minute) == (23, 59)
    [message] = mail_to(adult.email)
    assert "Vaktmästeri" in message.body and link_in(message.body)
    [text] = sms.outbox
    assert text["to"] == "+46701111111" and "/apply/o/" in text["text"]
    # Only hashes of the links' secrets are kept.
    secret = link_in(message.body).rstrip("/").rsplit("/", 1)[-1]
    assert not Offer.objects.filter(token_hash__contains=secret).exists()
    page = client.get(reverse("summerjobs:run", kwargs={"pk": run.pk})).content.decode()
    assert "2 waiting for an answer" in page


def test_sending_again_offers_only_those_without_an_offer(done, lead, run):
    assert done(offers_create, run=run, actor=lead) == 2
    assert done(offers_create, run=run, actor=lead) == 0
    assert Offer.objects.count() == 2 and len(mail.outbox) == 2


def test_only_the_programmes_leads_send_offers_and_never_for_a_dry_run(world, lead, run, summer):
    caseworker = world.foreign_caseworker  # the programme's caseworker sees, does not send
    with pytest.raises(ApplicationError):
        offers_create(run=run, actor=caseworker)
    dry = lottery_run(season=summer.season, seed=5, dry_run=True, actor=lead)
    with pytest.raises(ApplicationError):
        offers_create(run=dry, actor=lead)
    assert not Offer.objects.exists()


def test_the_send_button_is_not_found_for_those_who_may_not(world, run, client_for):
    url = reverse("summerjobs:offers_send", kwargs={"pk": run.pk})
    for user in (world.foreign_caseworker, world.caseworker, world.programme_lead):
        assert client_for(user).post(url).status_code == 404, user
    assert not Offer.objects.exists()


def test_an_adult_says_yes_through_the_link_and_the_job_is_theirs(done, lead, run, client):
    done(offers_create, run=run, actor=lead)
    adult = run.people[0]
    url = link_in(mail_to(adult.email)[0].body)
    page = client.get(url).content.decode()
    assert "Parkförvaltningen" in page and "110" in page  # the pay for a 19-year-old

    response = client.post(url, {"version": offer_of(adult).version, "answer": "accept"})

    assert response.status_code == 302
    offer = offer_of(adult)
    assert offer.status == OfferStatus.ACCEPTED and offer.settled
    assert "the job is yours" in client.get(response["Location"]).content.decode()


def test_a_minors_yes_is_confirmed_by_a_guardian_through_their_own_link(done, lead, run, client):
    done(offers_create, run=run, actor=lead)
    minor = run.people[1]
    url = link_in(mail_to(minor.email)[0].body)
    done(client.post, url, {"version": offer_of(minor).version, "answer": "accept"})
    offer = offer_of(minor)
    assert offer.status == OfferStatus.ACCEPTED and offer.waiting_for_guardian
    [asked] = mail_to(minor.guardian_email)
    assert any(m["to"] == "+46700000000" for m in sms.outbox)  # the guardian's mobile
    guardian_url = link_in(asked.body, "g")
    assert client.get(url.replace("/o/", "/g/")).status_code == 404  # not the guardian's link

    response = client.post(guardian_url, {"version": offer.version, "answer": "confirm"})

    assert response.status_code == 302
    assert offer_of(minor).settled
    page = client.get(guardian_url).content.decode()
    assert "you have confirmed the summer job" in page


def test_a_decline_frees_the_place_for_the_next_on_the_reserve_list(done, lead, run, client):
    done(offers_create, run=run, actor=lead)
    adult, first_reserve = run.people[0], run.people[2]
    url = link_in(mail_to(adult.email)[0].body)
    mail.outbox.clear()

    answer = {"version": offer_of(adult).version, "answer": "decline", "reason": "Flyttar"}
    done(client.post, url, answer)

    declined = Offer.objects.get(allocation__application=adult)
    assert declined.status == OfferStatus.DECLINED and declined.decline_reason == "Flyttar"
    out = Allocation.objects.get(application=adult)
    assert (out.place, out.reserve_position) == (None, None)
    moved = Allocation.objects.get(application=first_reserve)
    assert moved.place == run.allocations.get(application=run.people[1]).place
    assert offer_of(first_reserve).status == OfferStatus.PENDING
    assert mail_to(first_reserve.email)
    [told] = mail_to("park@solvik.example.org")
    assert "ledig igen" in told.subject  # the municipality's language: Swedish
    assert adult.first_name not in told.body and adult.last_name not in told.body


def test_the_next_on_the_list_is_the_first_who_wished_for_the_area_could_work_and_is_old_enough(
    done, lead, run, summer
):
    done(offers_create, run=run, actor=lead)
    place = summer.places[0]
    place.min_age = 18
    place.save()
    reserve = [run.people[2], run.people[3]]
    # The first on the list cannot work period 1; a 17-year-old and a young person who wished
    # for another area come before the one who fits.
    reserve[0].periods.set([summer.periods[1]])
    other_area = apply(summer, born=ADULT, serial=5, area_ids=[summer.areas["Storkök"].pk])
    too_young = apply(summer, born=MINOR, serial=6, area_ids=[summer.areas["Vaktmästeri"].pk])
    for position, person in ((2, other_area), (3, too_young)):
        Allocation.objects.create(run=run, application=person, reserve_position=position)
    Allocation.objects.filter(application=reserve[1]).update(reserve_position=4)

    offer_decline(offer=offer_of(run.people[0]), expected_version=1)

    assert Allocation.objects.get(application=reserve[1]).place == place
    for person in (reserve[0], other_area, too_young):
        assert Allocation.objects.get(application=person).place is None


def test_an_offer_not_answered_in_time_lapses_and_the_place_moves_on(done, lead, run, client):
    done(offers_create, run=run, actor=lead)
    adult = run.people[0]
    url = link_in(mail_to(adult.email)[0].body)
    later = timezone.now() + timedelta(days=8)

    assert offers_tend(at=later)["lapsed"] == 2  # the adult's and the minor's
    assert offers_tend(at=later)["lapsed"] == 0  # the next run finds nothing to do

    assert Offer.objects.get(allocation__application=adult).status == OfferStatus.LAPSED
    assert {o.allocation.application for o in Offer.objects.filter(status="pending")} == set(
        run.people[2:]
    )
    response = client.post(url, {"version": 3, "answer": "accept"})
    assert response.status_code == 409
    assert "has already been answered" in response.content.decode()


def test_a_yes_after_the_deadline_is_refused_before_the_job_lapses(done, lead, run):
    done(offers_create, run=run, actor=lead)
    offer = offer_of(run.people[0])
    with pytest.raises(ApplicationError, match="time to answer"):
        offer_accept(offer=offer, expected_version=1, at=offer.answer_by + timedelta(seconds=1))
    assert offer_of(run.people[0]).status == OfferStatus.PENDING


def test_a_guardian_who_says_no_frees_the_place(done, lead, run):
    done(offers_create, run=run, actor=lead)
    minor = run.people[1]
    offer_accept(offer=offer_of(minor), expected_version=1)
    offer = offer_of(minor)

    offer_guardian_answer(offer=offer, expected_version=offer.version, confirm=False)

    refused = Offer.objects.get(allocation__application=minor)
    assert refused.status == OfferStatus.DECLINED and refused.declined_by_guardian
    assert Allocation.objects.get(application=run.people[2]).place is not None


def test_a_guardian_who_has_not_confirmed_by_the_deadline_lets_the_offer_lapse(done, lead, run):
    done(offers_create, run=run, actor=lead)
    minor = run.people[1]
    offer_accept(offer=offer_of(minor), expected_version=1)
    offer = offer_of(minor)
    # Three days for the guardian at least, whenever the young person said yes.
    assert offer.answer_by >= timezone.now() + timedelta(days=3)
    offers_tend(at=offer.answer_by + timedelta(minutes=1))
    assert Offer.objects.get(allocation__application=minor).status == OfferStatus.LAPSED


def test_an_answer_from_a_tab_opened_before_another_answer_is_told_not_applied(
    done, lead, run, client
):
    done(offers_create, run=run, actor=lead)
    adult = run.people[0]
    url = link_in(mail_to(adult.email)[0].body)
    client.post(url, {"version": 1, "answer": "accept"})

    response = client.post(url, {"version": 1, "answer": "decline"})

    assert response.status_code == 409
    assert "somewhere else" in response.content.decode()
    assert offer_of(adult).status == OfferStatus.ACCEPTED
    with pytest.raises(StaleEditError):
        offer_decline(offer=offer_of(adult), expected_version=1)


def test_nonsense_answers_change_nothing(done, lead, run, client):
    done(offers_create, run=run, actor=lead)
    url = link_in(mail_to(run.people[0].email)[0].body)
    for data in (
        {"version": "x", "answer": "accept"},
        {"version": 1, "answer": "maybe"},
        {"version": 1, "answer": "decline", "reason": "x" * 301},
        {},
    ):
        assert client.post(url, data).status_code == 400, data
    assert offer_of(run.people[0]).status == OfferStatus.PENDING


def test_a_link_nobody_was_sent_is_not_found(client):
    for url in ("/apply/o/not-a-token/", "/apply/g/not-a-token/"):
        response = client.get(url)
        assert response.status_code == 404
        assert client.post(url, {"version": 1, "answer": "accept"}).status_code == 404


def test_taking_a_place_back_by_hand_takes_its_offer_back(done, lead, run, client):
    done(offers_create, run=run, actor=lead)
    adult = run.people[0]
    url = link_in(mail_to(adult.email)[0].body)
    allocation = Allocation.objects.get(application=adult)

    allocation_override(actor=lead, allocation=allocation, place=None, reason="Flyttat härifrån")

    assert Offer.objects.get(allocation=allocation).status == OfferStatus.WITHDRAWN
    assert "taken this offer back" in client.get(url).content.decode()
    assert client.post(url, {"version": 2, "answer": "accept"}).status_code == 409


def test_a_message_that_could_not_be_sent_is_sent_again_later(done, lead, run, settings):
    settings.EMAIL_BACKEND = "tests.support.mailers.RefusingBackend"
    done(offers_create, run=run, actor=lead)
    assert (
        not Offer.objects.filter(sent_at__isnull=False)
        .exclude(allocation__application__phone__gt="")
        .exists()
    )  # the minor has no mobile: nothing went
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    result = done(offers_tend, at=timezone.now() + timedelta(minutes=11))

    assert result["sent"] == 1
    assert not Offer.objects.filter(sent_at__isnull=True).exists()


def test_the_run_page_shows_each_offer_in_a_fixed_number_of_queries(done, lead, run, client_for):
    done(offers_create, run=run, actor=lead)
    offer_accept(offer=offer_of(run.people[0]), expected_version=1)
    client = client_for(lead)
    url = reverse("summerjobs:run", kwargs={"pk": run.pk})
    client.get(url)  # the session's first read
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "1 accepted" in page and "1 waiting for an answer" in page
    offer_decline(offer=offer_of(run.people[1]), expected_version=1)
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert "Declined or not answered" in page
    assert len(more) == len(few) <= 12


def test_the_pages_of_the_offer_are_in_swedish_by_default(done, lead, run):
    from django.test import Client

    done(offers_create, run=run, actor=lead)
    url = link_in(mail_to(run.people[0].email)[0].body)
    page = Client().get(url).content.decode()
    assert "Ditt erbjudande om feriearbete" in page
