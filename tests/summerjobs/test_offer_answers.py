"""Answers recorded by staff: a young person or guardian who phones instead of using their
link has their yes or no recorded by a lead or coordinator, with a note, through the link's
own rules; the change history names the staff member. Nobody else may."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import ChangeEvent
from config.errors import ApplicationError, StaleEditError
from summerjobs.models import Allocation, Offer, OfferStatus, StaffAnswer
from summerjobs.offers import offer_accept, offers_create
from summerjobs.prestart import offer_answer_record
from tests import factories as f
from tests.support.summerjobs import YEAR, apply, run_placing, summer_staff

pytestmark = pytest.mark.django_db

ADULT = date(YEAR - 19, 1, 10)
MINOR = date(YEAR - 17, 1, 10)


@pytest.fixture
def lead(summer):
    return summer_staff(summer, role="programme_lead", name="Lena Projektledare")


@pytest.fixture
def coordinator(summer):
    return summer_staff(summer, role="summer_coordinator", name="Sara Feriesamordnare")


@pytest.fixture
def run(summer, lead):
    """An adult and a minor at the Vaktmästeri's two places, offered; an adult on the reserve
    list who wished for it."""
    area = [summer.areas["Vaktmästeri"].pk]
    people = [
        apply(summer, born=ADULT, serial=1, area_ids=area),
        apply(summer, born=MINOR, serial=2, area_ids=area),
        apply(summer, born=date(YEAR - 18, 2, 1), serial=3, area_ids=area),
    ]
    place = summer.places[0]
    run = run_placing(summer, [(people[0], place), (people[1], place), (people[2], None)])
    offers_create(run=run, actor=lead)
    run.people = people
    return run


def offer_of(person) -> Offer:
    return Offer.objects.select_related("place__period__season").get(
        allocation__application=person, status__in=("pending", "accepted")
    )


def answer_url(offer) -> str:
    return reverse("summerjobs:offer_answer", kwargs={"pk": offer.pk})


def offer_changes(offer):
    return ChangeEvent.objects.filter(model="summerjobs.offer", object_id=str(offer.pk))


def test_a_lead_records_a_yes_given_on_the_phone_and_is_the_actor(lead, run, client_for):
    adult = offer_of(run.people[0])
    client = client_for(lead)
    run_page = client.get(reverse("summerjobs:run", kwargs={"pk": run.pk})).content.decode()
    assert answer_url(adult) in run_page

    response = client.post(
        answer_url(adult), {"answer": "accept", "note": "Ringde 10.15, tackar ja.", "version": 1}
    )

    assert response.status_code == 302
    offer = offer_of(run.people[0])
    assert offer.status == OfferStatus.ACCEPTED and offer.settled
    recorded = StaffAnswer.objects.get()
    assert (recorded.answer, recorded.note, recorded.made_by) == (
        "accept",
        "Ringde 10.15, tackar ja.",
        lead,
    )
    assert offer_changes(offer).get().user == lead
    page = client.get(reverse("summerjobs:run", kwargs={"pk": run.pk})).content.decode()
    assert "Ringde 10.15, tackar ja." in page and "Yes, from the young person" in page


def test_a_coordinator_records_a_minors_yes_and_the_guardians_confirmation(coordinator, run):
    minor = offer_of(run.people[1])
    offer_answer_record(
        offer=minor, answer="accept", note="Ringde själv.", expected_version=1, actor=coordinator
    )
    minor = offer_of(run.people[1])
    assert minor.waiting_for_guardian

    offer_answer_record(
        offer=minor,
        answer="guardian_confirm",
        note="Pappan ringde och bekräftade.",
        expected_version=minor.version,
        actor=coordinator,
    )

    minor = offer_of(run.people[1])
    assert minor.settled
    changes = offer_changes(minor).order_by("pk")
    assert [c.user for c in changes] == [coordinator, coordinator]
    assert "guardian_confirmed_at" in changes.last().changes


def test_a_no_on_the_phone_frees_the_place_for_the_reserve_list(lead, run, client_for):
    adult = offer_of(run.people[0])
    client_for(lead).post(
        answer_url(adult), {"answer": "decline", "note": "Har fått annat jobb.", "version": 1}
    )
    declined = Offer.objects.get(pk=adult.pk)
    assert declined.status == OfferStatus.DECLINED and declined.decline_reason
    assert Allocation.objects.get(application=run.people[2]).place is not None
    allocation_change = ChangeEvent.objects.get(model="summerjobs.allocation", user=lead)
    assert allocation_change.changes["place"][1] is None


def test_the_note_is_needed_and_the_links_rules_hold(lead, run, client_for):
    adult, minor = offer_of(run.people[0]), offer_of(run.people[1])
    client = client_for(lead)
    response = client.post(answer_url(adult), {"answer": "accept", "note": " ", "version": 1})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    with pytest.raises(ApplicationError) as refused:
        offer_answer_record(
            offer=adult, answer="guardian_confirm", note="x", expected_version=1, actor=lead
        )
    assert refused.value.field == "answer"  # an adult's offer needs no guardian
    with pytest.raises(ApplicationError, match="time to answer has passed"):
        offer_answer_record(
            offer=adult,
            answer="accept",
            note="Ringde för sent.",
            expected_version=1,
            actor=lead,
            at=adult.answer_by + timedelta(minutes=1),
        )
    offer_accept(offer=adult, expected_version=1)  # through the link, meanwhile
    with pytest.raises(StaleEditError):
        offer_answer_record(
            offer=adult, answer="decline", note="Ringde.", expected_version=1, actor=lead
        )
    with pytest.raises(ApplicationError, match="cannot take that answer now"):
        offer_answer_record(
            offer=minor, answer="guardian_refuse", note="x", expected_version=1, actor=lead
        )
    assert not StaffAnswer.objects.exists()
    assert Offer.objects.get(pk=adult.pk).status == OfferStatus.ACCEPTED


def test_the_page_offers_only_the_answers_the_offer_can_take_now(lead, run, client_for):
    client = client_for(lead)
    adult = offer_of(run.people[0])
    page = client.get(answer_url(adult)).content.decode()
    assert "Yes, from the young person" in page and "from the guardian" not in page
    offer_accept(offer=offer_of(run.people[1]), expected_version=1)
    page = client.get(answer_url(offer_of(run.people[1]))).content.decode()
    assert "Yes, from the guardian" in page and "Yes, from the young person" not in page
    response = client.post(
        answer_url(adult), {"answer": "guardian_confirm", "note": "x", "version": 1}
    )
    assert response.status_code == 200 and Offer.objects.get(pk=adult.pk).status == "pending"


def test_an_answer_through_the_link_still_has_no_staff_actor(run):
    adult = offer_of(run.people[0])
    offer_accept(offer=adult, expected_version=1)
    assert offer_changes(adult).get().user is None


def test_only_the_programmes_leads_and_coordinators_record_answers(world, run, client_for):
    adult = offer_of(run.people[0])
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    jobbspar = f.ProgrammeFactory(municipality=colleague.municipality, name="Jobbspår")
    f.MembershipFactory(user=colleague, programme=jobbspar, role="programme_lead")
    caseworker = world.foreign_caseworker
    for user in (caseworker, colleague, world.programme_lead, world.caseworker):
        client = client_for(user)
        assert client.get(answer_url(adult)).status_code == 404, user
        data = {"answer": "accept", "note": "Ringde.", "version": 1}
        assert client.post(answer_url(adult), data).status_code == 404, user
    run_page = client_for(caseworker).get(reverse("summerjobs:run", kwargs={"pk": run.pk}))
    assert answer_url(adult) not in run_page.content.decode()
    with pytest.raises(ApplicationError):
        offer_answer_record(
            offer=adult, answer="accept", note="Ringde.", expected_version=1, actor=caseworker
        )
    assert offer_of(run.people[0]).status == OfferStatus.PENDING
