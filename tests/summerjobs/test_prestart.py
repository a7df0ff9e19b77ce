"""Before the start: the checklist of each young person whose offer is settled (contract, bank
account, tax form, the extract seen where the place asks for it, next of kin), ticked by the
programme's leads and coordinators with who and when, in the change history, and the run's
page of it with what is missing; seen by the programme's caseworkers, by nobody else."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ChangeEvent
from config.errors import ApplicationError, StaleEditError
from summerjobs.models import Offer, PreStart
from summerjobs.offers import offer_accept, offer_decline, offer_guardian_answer, offers_create
from summerjobs.prestart import prestart_next_of_kin, prestart_tick
from summerjobs.services import applications_purge_unplaced, lottery_run
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
    """Two adults and a minor with places: an adult and the minor at the Vaktmästeri (no
    extract needed), an adult at Solviks IF's fritidshem (an extract needed); all three
    offered, the adults' settled, the minor's waiting for a guardian."""
    vaktmasteri, fritidshem = summer.places[0], summer.places[1]
    adult = apply(summer, born=ADULT, serial=1, phone="070-111 11 11")
    minor = apply(summer, born=MINOR, serial=2)
    leader = apply(summer, born=date(YEAR - 18, 2, 1), serial=3)
    run = run_placing(summer, [(adult, vaktmasteri), (minor, vaktmasteri), (leader, fritidshem)])
    offers_create(run=run, actor=lead)
    for person in (adult, minor, leader):
        offer_accept(offer=offer_of(person), expected_version=1)
    run.people = (adult, minor, leader)
    return run


def offer_of(person) -> Offer:
    return Offer.objects.select_related("place__period__season").get(
        allocation__application=person, status__in=("pending", "accepted")
    )


def settle(offer: Offer) -> None:
    offer_guardian_answer(offer=offer, expected_version=offer.version, confirm=True)


def tick(offer, item, actor, *, done=True, version=None, **more):
    checklist = PreStart.objects.filter(offer=offer).first()
    version = version or (checklist.version if checklist else 1)
    return prestart_tick(
        offer=offer, item=item, done=done, expected_version=version, actor=actor, **more
    )


def board(run) -> str:
    return reverse("summerjobs:prestart_board", kwargs={"pk": run.pk})


def checklist_page(offer) -> str:
    return reverse("summerjobs:prestart", kwargs={"pk": offer.pk})


def tick_url(offer) -> str:
    return reverse("summerjobs:tick", kwargs={"pk": offer.pk})


def test_a_lead_ticks_an_item_and_it_says_who_and_when_in_the_checklist_and_the_history(
    lead, run, client_for
):
    adult = offer_of(run.people[0])
    client = client_for(lead)

    response = client.post(
        tick_url(adult), {"item": "contract", "done": "1", "version": 1, "back": "list"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{board(run)}#offer-{adult.pk}"
    checklist = PreStart.objects.get(offer=adult)
    assert checklist.contract_by == lead and checklist.contract_at is not None
    assert checklist.version == 2
    change = ChangeEvent.objects.get(model="summerjobs.prestart", object_id=str(checklist.pk))
    assert change.user == lead and "contract_at" in change.changes
    page = client.get(checklist_page(adult)).content.decode()
    assert "Lena Projektledare" in page and "Take the tick back" in page


def test_a_tick_is_taken_back_the_same_way(lead, coordinator, run):
    adult = offer_of(run.people[0])
    tick(adult, "bank", lead)

    checklist = tick(adult, "bank", coordinator, done=False)

    assert (checklist.bank_at, checklist.bank_by) == (None, None)
    changes = ChangeEvent.objects.filter(model="summerjobs.prestart").order_by("pk")
    assert [c.user for c in changes] == [lead, coordinator]
    assert changes.last().changes["bank_at"][1] is None


def test_the_tax_form_says_how_tax_is_deducted(lead, run):
    adult = offer_of(run.people[0])
    with pytest.raises(ApplicationError) as refused:
        tick(adult, "tax", lead)
    assert refused.value.field == "tax_basis"
    assert tick(adult, "tax", lead, tax_basis="adjustment").tax_basis == "adjustment"
    assert tick(adult, "tax", lead, done=False).tax_basis == ""


def test_the_extract_is_an_item_only_where_the_place_asks_for_it(lead, run, client_for):
    adult, leader = offer_of(run.people[0]), offer_of(run.people[2])
    with pytest.raises(ApplicationError, match="needs no extract"):
        tick(adult, "extract", lead)

    checklist = tick(leader, "extract", lead)

    assert checklist.extract_by == lead
    for person in (adult, leader):
        for item in ("contract", "bank"):
            tick(person, item, lead)
        tick(person, "tax", lead, tax_basis="table")
        checklist = PreStart.objects.get(offer=person)
        prestart_next_of_kin(
            offer=person,
            name="Testanhörig",
            phone="070-222 22 22",
            expected_version=checklist.version,
            actor=lead,
        )
    page = client_for(lead).get(board(run)).content.decode()
    assert "2 of 2 have everything" in page and "not needed" in page


def test_a_tick_made_meanwhile_is_told_and_a_stale_one_refused(lead, coordinator, run):
    adult = offer_of(run.people[0])
    tick(adult, "contract", lead, version=1)

    with pytest.raises(ApplicationError, match="already ticked by Lena Projektledare"):
        tick(adult, "contract", coordinator, version=1)  # the same tick, from an older page
    with pytest.raises(StaleEditError):
        tick(adult, "bank", coordinator, version=1)  # another item, from a page now stale
    with pytest.raises(ApplicationError, match="not ticked"):
        tick(adult, "bank", coordinator, done=False)

    checklist = PreStart.objects.get(offer=adult)
    assert checklist.contract_by == lead and checklist.bank_at is None
    assert checklist.version == 2


def test_the_page_says_so_when_a_tick_was_made_meanwhile(lead, coordinator, run, client_for):
    adult = offer_of(run.people[0])
    tick(adult, "contract", coordinator)
    client = client_for(lead)

    response = client.post(
        tick_url(adult), {"item": "contract", "done": "1", "version": 1}, follow=True
    )

    assert "already ticked by Sara Feriesamordnare" in response.content.decode()
    assert PreStart.objects.get(offer=adult).contract_by == coordinator


def test_an_offer_that_is_not_settled_gets_no_checklist(lead, summer, run, client_for):
    minor = offer_of(run.people[1])  # waiting for a guardian
    adult = offer_of(run.people[0])
    offer_decline(offer=adult, expected_version=adult.version)

    for offer in (minor, Offer.objects.get(pk=adult.pk)):
        with pytest.raises(ApplicationError) as refused:
            tick(offer, "contract", lead)
        assert refused.value.code == "not_settled"
    assert not PreStart.objects.exists()
    client = client_for(lead)
    page = client.get(board(run)).content.decode()
    assert run.people[1].last_name not in page and run.people[0].last_name not in page
    assert "opens once the offer is accepted" in client.get(checklist_page(minor)).content.decode()

    settle(minor)
    assert tick(offer_of(run.people[1]), "contract", lead).contract_by == lead


def test_the_next_of_kin_needs_a_name_and_a_phone_and_can_be_cleared(lead, run, client_for):
    adult = offer_of(run.people[0])
    client = client_for(lead)
    url = checklist_page(adult)
    for data, error in (
        ({"name": "Testanhörig", "phone": "", "version": 1}, "phone number too"),
        ({"name": "", "phone": "070-222 22 22", "version": 1}, "name too"),
        ({"name": "Testanhörig", "phone": "ring mig", "version": 1}, "such as 070-123 45 67"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and error in response.content.decode()
    assert not PreStart.objects.exists()

    client.post(url, {"name": "Testanhörig", "phone": "070-222 22 22", "version": 1})

    checklist = PreStart.objects.get(offer=adult)
    assert (checklist.next_of_kin_name, checklist.next_of_kin_by) == ("Testanhörig", lead)
    change = ChangeEvent.objects.get(model="summerjobs.prestart")
    assert change.user == lead and change.changes["next_of_kin_phone"][1] == "070-222 22 22"
    client.post(url, {"name": "", "phone": "", "version": checklist.version})
    checklist.refresh_from_db()
    assert (checklist.next_of_kin_name, checklist.next_of_kin_at) == ("", None)


def test_a_next_of_kin_saved_over_a_newer_one_is_refused(lead, coordinator, run):
    adult = offer_of(run.people[0])
    prestart_next_of_kin(
        offer=adult, name="Testanhörig", phone="070-222 22 22", expected_version=1, actor=lead
    )
    with pytest.raises(StaleEditError):
        prestart_next_of_kin(
            offer=adult,
            name="Annan Anhörig",
            phone="070-333 33 33",
            expected_version=1,
            actor=coordinator,
        )
    assert PreStart.objects.get(offer=adult).next_of_kin_name == "Testanhörig"


def test_the_board_counts_who_has_everything_and_shows_only_those_missing_something(
    lead, run, client_for
):
    adult, leader = offer_of(run.people[0]), offer_of(run.people[2])
    for item in ("contract", "bank"):
        tick(adult, item, lead)
    tick(adult, "tax", lead, tax_basis="one_off")
    checklist = PreStart.objects.get(offer=adult)
    prestart_next_of_kin(
        offer=adult,
        name="Testanhörig",
        phone="070-222 22 22",
        expected_version=checklist.version,
        actor=lead,
    )
    client = client_for(lead)

    page = client.get(board(run)).content.decode()
    lacking = client.get(board(run) + "?missing=1").content.decode()

    assert "1 of 2 has everything" in page
    assert run.people[0].last_name in page and run.people[2].last_name in page
    assert "Only those with something missing (1)" in page
    assert run.people[0].last_name not in lacking and run.people[2].last_name in lacking
    assert f'id="offer-{leader.pk}"' in lacking and "Missing" in lacking
    assert "Solviks IF" in lacking and "Period 2" in lacking


def test_the_board_takes_the_same_number_of_queries_for_more_people(lead, summer, run, client_for):
    client = client_for(lead)
    client.get(board(run))  # the session's first read
    with CaptureQueriesContext(connection) as few:
        client.get(board(run))
    settle(offer_of(run.people[1]))
    for person in run.people:
        tick(offer_of(person), "contract", lead)
    with CaptureQueriesContext(connection) as more:
        page = client.get(board(run)).content.decode()
    assert page.count('class="tick-done"') == 3
    assert len(more) == len(few) <= 12


def test_the_run_page_leads_to_the_board(lead, run, client_for):
    page = client_for(lead).get(reverse("summerjobs:run", kwargs={"pk": run.pk})).content.decode()
    assert board(run) in page


def test_a_dry_run_has_no_board(lead, summer, run, client_for):
    dry = lottery_run(season=summer.season, seed=9, dry_run=True, actor=lead)
    assert client_for(lead).get(board(dry)).status_code == 404


def test_the_checklist_of_one_who_said_no_after_yes_goes_when_the_unplaced_go(lead, summer, run):
    adult = offer_of(run.people[0])
    prestart_next_of_kin(
        offer=adult, name="Testanhörig", phone="070-222 22 22", expected_version=1, actor=lead
    )
    offer_decline(offer=adult, expected_version=adult.version)
    checklist = PreStart.objects.get(offer=adult)
    last_day = max(period.ends_on for period in summer.periods)

    applications_purge_unplaced(today=last_day + timedelta(days=400))

    assert not PreStart.objects.exists()
    history = ChangeEvent.objects.get(model="summerjobs.prestart", object_id=str(checklist.pk))
    assert history.redacted_at is not None and "Testanhörig" not in str(history.changes)


# --- who may -----------------------------------------------------------------------------------


def test_leads_and_coordinators_tick_and_see_the_next_of_kin(lead, coordinator, run, client_for):
    adult = offer_of(run.people[0])
    prestart_next_of_kin(
        offer=adult, name="Testanhörig", phone="070-222 22 22", expected_version=1, actor=lead
    )
    client = client_for(coordinator)
    assert 'class="tick"' in client.get(board(run)).content.decode()
    page = client.get(checklist_page(adult)).content.decode()
    assert "Testanhörig" in page and "070-222 22 22" in page
    client.post(tick_url(adult), {"item": "bank", "done": "1", "version": 2})
    assert PreStart.objects.get(offer=adult).bank_by == coordinator


def test_the_programmes_caseworker_sees_the_checklists_but_does_not_tick(
    world, lead, run, client_for
):
    adult = offer_of(run.people[0])
    prestart_next_of_kin(
        offer=adult, name="Testanhörig", phone="070-222 22 22", expected_version=1, actor=lead
    )
    client = client_for(world.foreign_caseworker)

    listing = client.get(board(run)).content.decode()
    page = client.get(checklist_page(adult)).content.decode()

    assert run.people[0].last_name in listing and 'class="tick"' not in listing
    assert "Testanhörig" in page and "<form" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert (
        client.post(tick_url(adult), {"item": "bank", "done": "1", "version": 2}).status_code == 404
    )
    response = client.post(checklist_page(adult), {"name": "X", "phone": "070-1", "version": 2})
    assert response.status_code == 404
    with pytest.raises(ApplicationError):
        tick(adult, "bank", world.foreign_caseworker)
    assert PreStart.objects.get(offer=adult).bank_at is None


def test_another_programmes_staff_and_another_municipality_find_nothing(
    world, lead, run, client_for
):
    adult = offer_of(run.people[0])
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    jobbspar = f.ProgrammeFactory(municipality=colleague.municipality, name="Jobbspår")
    f.MembershipFactory(user=colleague, programme=jobbspar, role="programme_lead")
    for user in (colleague, world.foreign_arbeidsleder, world.programme_lead, world.caseworker):
        client = client_for(user)
        for url in (board(run), checklist_page(adult)):
            assert client.get(url).status_code == 404, (user, url)
        response = client.post(tick_url(adult), {"item": "bank", "done": "1", "version": 1})
        assert response.status_code == 404, user
    assert not PreStart.objects.exists()
