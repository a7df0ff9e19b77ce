"""A young person who applied for summer jobs is found by their personnummer among one
programme's applicants; what is held on them is gathered in full; and on their request their
applications are erased, leaving the lottery's keys and the season's figures."""

import logging
from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from audit.models import ChangeEvent
from config.errors import ApplicationError
from participants.synthetic import synthetic_personnummer
from privacy.applicant_access import applicant_erase
from privacy.erasure import BLOT, blot
from programs.models import Programme, ProgrammeKind
from summerjobs import lottery
from summerjobs.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Attestation,
    Choice,
    HoursEntry,
    LotteryRun,
    Offer,
    Override,
    Season,
)
from summerjobs.selectors import lottery_draw
from summerjobs.services import allocation_override
from summerjobs.subject import (
    ANONYMISED,
    COVERED_MODELS,
    ERASED_HASH_PREFIX,
    applicant_anonymise,
    applicant_get,
    applicant_records,
    applicant_search,
    is_erased,
)
from tests import factories as f
from tests.support.applicants import (
    BORN,
    EMAIL,
    FIRST,
    LAST,
    NUMBER,
    PHONE,
    applicant_story,
    needles,
    person,
)
from tests.support.leftovers import database_holds
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world, summer):
    return applicant_story(world, summer)


def erase(story, reason="Den unga bad själv om att bli raderad."):
    applicant = applicant_get(user=story.lead, pk=story.current.pk)
    return applicant_erase(actor=story.lead, applicant=applicant, reason=reason)


# --- finding the person ----------------------------------------------------------------------


def test_the_search_finds_each_of_the_persons_applications_in_the_programme_and_no_one_else(
    story, summer
):
    for written in (NUMBER, f"{NUMBER[:8]}-{NUMBER[8:]}", f"{NUMBER[2:8]}-{NUMBER[8:]}"):
        found = applicant_search(programme=summer.season.programme, national_id=written)
        assert found is not None
        assert found.ids == [story.current.pk, story.earlier.pk]  # newest season first


def test_a_number_that_is_not_a_personnummer_is_refused_on_its_field(summer):
    for wrong in ("", "abc", NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10), "12345678901"):
        with pytest.raises(ApplicationError) as refused:
            applicant_search(programme=summer.season.programme, national_id=wrong)
        assert refused.value.field == "national_id"


def test_the_same_person_applying_to_another_programmes_season_is_not_found_here(world, summer):
    apply(summer, born=BORN, serial=777, **person())
    here = summer.season.programme
    other = Programme.objects.create(
        municipality=world.foreign_municipality, name="Jobbspår", kind=ProgrammeKind.SUMMER_JOBS
    )
    Season.objects.filter(pk=summer.season.pk).update(programme=other)
    assert applicant_search(programme=here, national_id=NUMBER) is None
    assert applicant_search(programme=other, national_id=NUMBER) is not None


def test_found_or_not_the_search_is_one_query(summer):
    apply(summer, born=BORN, serial=777, **person())
    unknown = synthetic_personnummer(date(YEAR - 17, 5, 5), 123)
    counts = []
    for number in (NUMBER, unknown):
        with CaptureQueriesContext(connection) as queries:
            applicant_search(programme=summer.season.programme, national_id=number)
        counts.append(len(queries))
    assert counts == [1, 1]


# --- what is held -----------------------------------------------------------------------------


def test_the_records_hold_a_row_of_every_kind_about_the_person_and_none_of_anyone_elses(story):
    applicant = applicant_get(user=story.lead, pk=story.current.pk)
    records = applicant_records(actor=story.lead, applicant=applicant)
    mine = set(applicant.ids)
    assert {row.pk for row in records.rows["applications"]} == mine
    assert {row.application_id for row in records.rows["choices"]} == mine
    assert {row.application_id for row in records.rows["allocations"]} == mine
    assert len(records.rows["overrides"]) == 2
    assert {o.status for o in records.rows["offers"]} == {"accepted", "declined"}
    assert [h.hours for h in records.rows["hours"]] == [6, 5]
    assert len(records.rows["attestations"]) == 1
    assert [line.pay for line in records.rows["pay"]] == [490]
    assert {e.model for e in records.rows["change_events"]} == {
        "summerjobs.application",
        "summerjobs.allocation",
    }
    # Three draws: last summer's run, this summer's dry run and run for real.
    assert sorted((d.run.dry_run, d.application_id) for d in records.draws) == sorted(
        [(False, story.current.pk), (False, story.earlier.pk), (True, story.current.pk)]
    )
    assert {m._meta.label for m in COVERED_MODELS} >= {
        "summerjobs.Application",
        "summerjobs.Choice",
        "summerjobs.Allocation",
        "summerjobs.Override",
    }


def test_a_caseworker_and_other_programmes_cannot_reach_the_person(world, story, summer):
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(
        user=colleague,
        programme=f.ProgrammeFactory(municipality=world.foreign_municipality),
        role="programme_lead",
    )
    for user in (world.foreign_caseworker, colleague, world.programme_lead, world.caseworker):
        with pytest.raises(Http404):
            applicant_get(user=user, pk=story.current.pk)
    assert applicant_get(user=story.coordinator, pk=story.current.pk).ids == [
        story.current.pk,
        story.earlier.pk,
    ]


# --- erasure ----------------------------------------------------------------------------------


def test_after_erasure_no_name_or_number_of_the_person_remains_in_the_database(story, caplog):
    caplog.set_level(logging.DEBUG)
    held = needles(story.current)
    # The search finds what is there first: every needle is in the database.
    assert {k.split(" in ")[0] for k in database_holds(held)} == set(held)

    erase(story, reason=f"{FIRST} {LAST} ringde ({PHONE}) och bad om radering.")

    assert database_holds(held) == set()
    assert not [n for n in held.values() if n.lower() in caplog.text.lower()]


def test_erasure_keeps_the_lotterys_keys_and_the_figures(story, summer):
    runs = {run.pk: (run.inputs_digest, run.result) for run in LotteryRun.objects.all()}
    allocations = list(Allocation.objects.order_by("pk").values_list("pk", "place_id"))
    wishes = list(story.current.choices.values_list("rank", "area_id"))
    periods = set(story.current.periods.values_list("pk", flat=True))

    erase(story)

    current, earlier = (
        Application.objects.get(pk=story.current.pk),
        Application.objects.get(pk=story.earlier.pk),
    )
    assert runs == {run.pk: (run.inputs_digest, run.result) for run in LotteryRun.objects.all()}
    assert allocations == list(Allocation.objects.order_by("pk").values_list("pk", "place_id"))
    assert list(current.choices.values_list("rank", "area_id")) == wishes
    assert set(current.periods.values_list("pk", flat=True)) == periods
    assert (current.tier, current.gender, current.season) == (
        summer.tiers[0],
        "female",
        summer.season,
    )
    assert current.birth_date == date(BORN.year, 7, 1) == earlier.birth_date
    assert (current.first_name, current.last_name) == (ANONYMISED, f"#{current.pk}")
    # Still on the reserve list: withdrawn, out of every later draw and offer. Last summer's
    # place, in a period that is over, stays what it was.
    assert current.status == ApplicationStatus.WITHDRAWN
    assert earlier.status == ApplicationStatus.SUBMITTED
    assert Override.objects.filter(allocation__application=current).count() == 2
    assert set(Override.objects.values_list("reason", flat=True)) == {"–"}
    offers = Offer.objects.filter(allocation__application__in=[current, earlier])
    assert sorted(offers.values_list("status", flat=True)) == ["accepted", "declined"]
    assert set(offers.values_list("decline_reason", "token_hash", "guardian_token_hash")) == {
        ("", None, None)
    }
    hours = HoursEntry.objects.filter(offer__in=offers).order_by("pk")
    assert list(hours.values_list("hours", "correction_reason")) == [(6, ""), (5, "–")]
    assert Attestation.objects.get(offer__in=offers).hours == 5
    assert current.national_id_hash.startswith(ERASED_HASH_PREFIX)
    assert current.national_id_hash != earlier.national_id_hash
    assert current.edit_token_hash is None and current.version > story.current.version
    # A run again on the erased inputs is another draw, and its inputs digest says so.
    draw = lottery_draw(season=summer.season, seed=12)
    assert (
        lottery.inputs_digest(draw)
        != LotteryRun.objects.get(season=summer.season, seed=12).inputs_digest
    )


def test_the_history_keeps_which_fields_changed_and_why_the_person_was_erased(story):
    erase(story, reason=f"{FIRST} {LAST} ({EMAIL}, {NUMBER}) bad om det.")

    tier = ChangeEvent.objects.get(
        model="summerjobs.application", object_id=str(story.current.pk), changes__has_key="tier"
    )
    assert tier.redacted_at is not None and tier.changes == {"tier": [None, None]}
    moves = ChangeEvent.objects.filter(model="summerjobs.allocation")
    assert moves.count() == 2 and all(e.redacted_at for e in moves)
    erased = ChangeEvent.objects.filter(changes__has_key="anonymised", user=story.lead)
    assert erased.count() == 2  # both applications
    assert {e.changes["anonymised"][1] for e in erased} == {f"{BLOT} ({BLOT}, {BLOT}) bad om det."}


def test_a_reason_is_needed_and_a_second_erasure_is_refused(story):
    with pytest.raises(ApplicationError) as refused:
        erase(story, reason="  ")
    assert refused.value.field == "reason"
    erase(story)
    erased = applicant_get(user=story.lead, pk=story.current.pk)
    assert erased.erased and erased.ids == [story.current.pk]  # the hash no longer joins them
    with pytest.raises(ApplicationError, match="already been erased"):
        applicant_erase(actor=story.lead, applicant=erased, reason="Igen.")


def test_a_place_in_a_period_not_yet_over_is_given_back_before_the_erasure(story, summer):
    mine = Allocation.objects.get(application=story.current, run__dry_run=False)
    allocation_override(
        actor=story.lead, allocation=mine, place=summer.places[0], reason="Fick platsen igen."
    )
    with pytest.raises(ApplicationError, match="has a place in a period that has not ended"):
        erase(story)
    assert not is_erased(Application.objects.get(pk=story.current.pk))

    # Once the period is over, the place is kept as it was and the erasure goes ahead.
    later = summer.places[0].period.ends_on.replace(year=YEAR + 1)
    applicant = applicant_get(user=story.lead, pk=story.current.pk)
    applicant_anonymise(
        actor=story.lead, applicant=applicant, reason="Bad om det.", scrub=blot, today=later
    )
    current = Application.objects.get(pk=story.current.pk)
    assert is_erased(current) and current.status == ApplicationStatus.SUBMITTED


def test_an_erased_young_person_on_the_reserve_list_is_given_no_place_by_hand(story, summer):
    erase(story)
    mine = Allocation.objects.get(application=story.current, run__dry_run=False)
    with pytest.raises(ApplicationError, match="withdrawn"):
        allocation_override(
            actor=story.lead, allocation=mine, place=summer.places[0], reason="Ett misstag."
        )
    assert Allocation.objects.get(pk=mine.pk).place is None


def test_only_the_programmes_leads_and_coordinators_erase(world, story):
    applicant = applicant_get(user=story.lead, pk=story.current.pk)
    with pytest.raises(ApplicationError):
        applicant_anonymise(
            actor=world.foreign_caseworker, applicant=applicant, reason="Bad om det.", scrub=blot
        )
    assert Choice.objects.filter(application=story.current).exists()
    assert not is_erased(Application.objects.get(pk=story.current.pk))
