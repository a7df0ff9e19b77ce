"""A young person who applied for summer jobs in two seasons of the world's Swedish programme,
with a record of every kind held on them: for the tests of their right of access and erasure.

Their names and numbers are distinctive, invented values that appear nowhere else, so that a
search of the whole database finds them only where they are held."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from participants.synthetic import synthetic_personnummer
from programs.models import Programme
from summerjobs.models import (
    Allocation,
    Application,
    Attestation,
    HoursEntry,
    Offer,
    OfferStatus,
    PayrollBatch,
    PayrollLine,
    Period,
    Place,
    Season,
    WorkArea,
    Workplace,
)
from summerjobs.services import (
    allocation_override,
    application_set_tier,
    application_submit,
    lottery_run,
)
from tests import factories as f
from tests.support.summerjobs import YEAR, SeasonWorld, application_input, apply

FIRST, LAST = "Zelmira", "Quornström"
EMAIL = "zelmira.quorn@test.example.org"
PHONE = "070-987 65 43"
GUARDIAN = "Vendela Quornström"
GUARDIAN_EMAIL = "vendela.quorn@test.example.org"
GUARDIAN_PHONE = "070-246 80 24"
SCHOOL = "Quornskolan"
MOTIVATION = f"Jag heter {FIRST} och vill jobba med äldre."
BORN = date(YEAR - 17, 4, 9)
NUMBER = synthetic_personnummer(BORN, 777)


@dataclass
class Story:
    lead: object
    coordinator: object
    current: Application  # this summer's: on the reserve list, moved by hand and back
    earlier: Application  # a past summer's: placed, in a period that is over
    other: Application  # someone else's, in the same season
    past: SeasonWorld


def summer_staff(world, programme: Programme) -> tuple[object, object]:
    """A projektledare and a feriesamordnare of the programme."""
    municipality = world.foreign_municipality
    lead = f.UserFactory(municipality=municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    coordinator = f.UserFactory(municipality=municipality, full_name="Sara Feriesamordnare")
    f.MembershipFactory(user=coordinator, programme=programme, role="summer_coordinator")
    return lead, coordinator


def past_season(programme: Programme) -> SeasonWorld:
    """A season whose applications closed long ago and whose one period is over."""
    opens = timezone.now() - timedelta(days=700)
    season = Season.objects.create(
        programme=programme,
        name=f"Feriearbete {YEAR - 2}",
        applications_open_at=opens,
        applications_close_at=opens + timedelta(days=30),
        born_from_year=YEAR - 25,
        born_to_year=YEAR - 15,
    )
    periods = [
        Period.objects.create(
            season=season, number=n, starts_on=date(YEAR - 2, 6, n), ends_on=date(YEAR - 2, 7, n)
        )
        for n in (1, 2)
    ]
    areas = {
        name: WorkArea.objects.create(season=season, name=name)
        for name in ("Vaktmästeri", "Fritidshem")
    }
    workplace = Workplace.objects.create(
        municipality=programme.municipality, name="Stadsbiblioteket", kind="unit"
    )
    place = Place.objects.create(
        workplace=workplace, period=periods[0], area=areas["Fritidshem"], slots=1, min_age=15
    )
    return SeasonWorld(season, periods, areas, [], [place])


def person(**changes) -> dict:
    values = {
        "first_name": FIRST,
        "last_name": LAST,
        "email": EMAIL,
        "phone": PHONE,
        "guardian_name": GUARDIAN,
        "guardian_email": GUARDIAN_EMAIL,
        "guardian_phone": GUARDIAN_PHONE,
        "school": SCHOOL,
        "school_year": "Åk 9",
        "motivation": MOTIVATION,
    }
    return {**values, **changes}


def applicant_story(world, summer: SeasonWorld) -> Story:
    """The young person's two applications and what staff and the lottery did with them: a
    sensitive priority tier, a dry run and a run for real, a place given by hand, offered,
    declined and taken back (reasons that name them), and a past summer's place, accepted
    and confirmed by the guardian, with a day's hours corrected, attested and paid in a payroll
    file."""
    programme = summer.season.programme
    lead, coordinator = summer_staff(world, programme)
    past = past_season(programme)
    data = application_input(
        past,
        born=BORN,
        serial=777,
        area_ids=[past.areas["Fritidshem"].pk],
        **person(),
    )
    at = past.season.applications_open_at + timedelta(days=1)
    earlier = application_submit(season=past.season, data=data, at=at)
    lottery_run(season=past.season, seed=7, dry_run=False, actor=lead)
    placed = Allocation.objects.get(application=earlier)
    answered = past.season.applications_close_at + timedelta(days=10)
    accepted = Offer.objects.create(
        allocation=placed,
        place=placed.place,
        status=OfferStatus.ACCEPTED,
        guardian_needed=True,
        answer_by=answered + timedelta(days=7),
        sent_at=answered,
        answered_at=answered,
        guardian_confirmed_at=answered,
        token_hash="1" * 64,
        guardian_token_hash="2" * 64,
    )
    first_day = past.periods[0].starts_on
    HoursEntry.objects.create(
        offer=accepted, day=first_day, hours=6, entered_by_name="Greta Handledare"
    )
    HoursEntry.objects.create(
        offer=accepted,
        day=first_day,
        hours=5,
        entered_by=lead,
        correction_reason=f"{FIRST} gick hem vid två, sa {GUARDIAN}.",
    )
    Attestation.objects.create(offer=accepted, hours=5, attested_by_name="Greta Handledare")
    paid = PayrollBatch.objects.create(
        season=past.season, pay_date=first_day + timedelta(days=40), requested_by=lead
    )
    PayrollBatch.objects.filter(pk=paid.pk).update(status="ready")
    PayrollLine.objects.create(
        batch=paid,
        offer=accepted,
        hours=5,
        age=16,
        hourly_pay=98,
        pay=490,
        holiday_pay_percent=12,
        holiday_pay=Decimal("58.80"),
    )

    aldreomsorg = [summer.areas["Äldreomsorg"].pk]  # for those 18 and over: they are 17
    current = apply(summer, born=BORN, serial=777, area_ids=aldreomsorg, **person())
    other = apply(summer, born=date(YEAR - 18, 2, 2), serial=778)
    application_set_tier(
        actor=lead, application=current, tier=summer.tiers[0], expected_version=current.version
    )
    lottery_run(season=summer.season, seed=11, dry_run=True, actor=lead)
    lottery_run(season=summer.season, seed=12, dry_run=False, actor=coordinator)
    mine = Allocation.objects.get(application=current, run__dry_run=False)
    vaktmasteri = summer.places[0]
    reason = f"{FIRST} ({NUMBER}) ringde från {PHONE} och vill hellre vara ute."
    allocation_override(actor=lead, allocation=mine, place=vaktmasteri, reason=reason)
    Offer.objects.create(
        allocation=mine,
        place=vaktmasteri,
        status=OfferStatus.DECLINED,
        answer_by=timezone.now() + timedelta(days=7),
        answered_at=timezone.now(),
        decline_reason=f"{FIRST} {LAST} ska resa bort, ring {GUARDIAN_PHONE}.",
        token_hash="3" * 64,
    )
    back = f"{FIRST} {LAST} tackade nej till platsen."
    allocation_override(actor=coordinator, allocation=mine, place=None, reason=back)
    current.refresh_from_db()
    return Story(lead, coordinator, current, earlier, other, past)


def needles(application: Application) -> dict[str, str]:
    """Everything that names the young person or their guardian, as stored."""
    return {
        "first name": FIRST,
        "last name": LAST,
        "personnummer": NUMBER,
        "personnummer without the century": NUMBER[2:],
        "masked personnummer": application.national_id_masked,
        "encrypted personnummer": application.national_id_encrypted,
        "personnummer's hash": application.national_id_hash,
        "e-mail": EMAIL,
        "phone": PHONE,
        "guardian": GUARDIAN,
        "guardian's e-mail": GUARDIAN_EMAIL,
        "guardian's phone": GUARDIAN_PHONE,
        "school": SCHOOL,
    }
