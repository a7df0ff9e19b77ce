"""The bulk paths keep the one-person services' rules and records: the same input gives the
same message, and a person or placement created in bulk has the same fields and the same
change history as one created through the page's service."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import ChangeEvent
from config.errors import ApplicationError
from participants.bulk import IntakeRow, participants_intake_check, participants_intake_many
from participants.models import Participant
from participants.services import PersonData, participant_intake
from participants.synthetic import synthetic_fodselsnummer, synthetic_personnummer
from placements.bulk import PlacementRow, placements_start_check, placements_start_many
from placements.models import Placement, WorksiteCapacity
from placements.services import placement_start
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NUMBER = synthetic_fodselsnummer(date(2003, 4, 5), 512)


class Undo(Exception):
    pass


def one_by_one(call):
    """The service's message for one input (None when it succeeds), and what it recorded;
    rolled back afterwards."""
    result: dict = {}
    try:
        with transaction.atomic():
            try:
                created = call()
            except ApplicationError as exc:
                result["message"] = str(exc.message)
            else:
                result["message"] = None
                result["record"] = record_of(created)
            raise Undo
    except Undo:
        pass
    return result


def same_message(alone: dict, problems: list, case: str) -> bool:
    """The bulk path finds no problem where the service succeeds, and the service's message
    where it refuses (it may find more: it reports every rule a row breaks). Whether the
    service refused."""
    messages = [p.message for p in problems]
    if alone["message"] is None:
        assert messages == [], case
        return False
    assert alone["message"] in messages, case
    return True


def record_of(created) -> dict:
    """What a user could see of a new person or placement: its fields and its history."""
    if isinstance(created, Participant):
        enrollment = created.enrollments.get()
        events = ChangeEvent.objects.filter(participant=created)
        return {
            "person": _fields(
                created, exclude={"id", "created_at", "updated_at", "national_id_encrypted"}
            ),
            "enrollment": _fields(enrollment, exclude={"id", "participant"}),
            "statuses": [(s.status, s.by_id) for s in enrollment.status_changes.all()],
            "history": sorted((e.model, e.action, e.user_id, e.changes) for e in events),
        }
    events = ChangeEvent.objects.filter(model="placements.placement", object_id=str(created.pk))
    return {
        "placement": _fields(created, exclude={"id"}),
        "history": [(e.action, e.user_id, e.participant_id, e.changes) for e in events],
    }


def _fields(instance, *, exclude: set[str]) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in exclude
    }


def intake_cases(world) -> dict[str, tuple[PersonData, dict]]:
    registered = f.ParticipantFactory(
        municipality=world.municipality,
        first_name="Sigrid",
        last_name="Lund",
        birth_date=date(2001, 2, 3),
    )
    from participants import national_id as nid

    taken = synthetic_fodselsnummer(date(2002, 3, 4), 600)
    registered.national_id_hash = nid.lookup_hash(taken)
    registered.save()
    other_cohort = f.CohortFactory(programme=world.other_programme)
    return {
        "valid": (
            PersonData(
                "Kari",
                "Nord",
                NUMBER,
                {
                    "gender": "female",
                    "phone": "+47 400 00 000",
                    "protected_address": True,
                    "address": "Gata 1",
                },
            ),
            {
                "caseworker": world.caseworker,
                "cohort": f.CohortFactory(programme=world.programme),
                "referral_source": "nav",
            },
        ),
        "birth date not the ID's": (
            PersonData("Kari", "Nord", NUMBER, {"birth_date": date(2003, 4, 6)}),
            {},
        ),
        "born in the future": (
            PersonData("Kari", "Nord", "", {"birth_date": TODAY + timedelta(days=1)}),
            {},
        ),
        "born too long ago": (PersonData("Kari", "Nord", "", {"birth_date": date(1900, 1, 1)}), {}),
        "bad national ID": (PersonData("Kari", "Nord", "12345678901"), {}),
        "Swedish number": (
            PersonData("Kari", "Nord", synthetic_personnummer(date(2003, 4, 5), 123)),
            {},
        ),
        "registered": (PersonData("Kari", "Nord", taken), {}),
        "similar person": (PersonData("Sigrid", "Lunde", "", {"birth_date": date(2001, 2, 3)}), {}),
        "cohort of another programme": (
            PersonData("Kari", "Nord", NUMBER),
            {"cohort": other_cohort},
        ),
        "not a caseworker here": (
            PersonData("Kari", "Nord", NUMBER),
            {"caseworker": world.other_caseworker},
        ),
    }


def test_bulk_intake_gives_the_services_message_for_every_rule(world):
    cases, refused = intake_cases(world), set()
    for name, (person, enrollment) in cases.items():
        alone = one_by_one(
            lambda person=person, enrollment=enrollment: participant_intake(
                actor=world.programme_lead,
                municipality=world.municipality,
                person=person,
                programme=world.programme,
                **enrollment,
            )
        )
        problems = participants_intake_check(
            actor=world.programme_lead,
            municipality=world.municipality,
            programme=world.programme,
            rows=[IntakeRow(2, person, **enrollment)],
        )
        if same_message(alone, problems, name):
            refused.add(name)
    assert refused == set(cases) - {"valid"}


def test_a_person_imported_in_bulk_is_recorded_as_one_registered_through_the_page(world):
    person, enrollment = intake_cases(world)["valid"]
    alone = one_by_one(
        lambda: participant_intake(
            actor=world.programme_lead,
            municipality=world.municipality,
            person=person,
            programme=world.programme,
            **enrollment,
        )
    )
    [created] = participants_intake_many(
        actor=world.programme_lead,
        municipality=world.municipality,
        programme=world.programme,
        rows=[IntakeRow(2, person, **enrollment)],
    )
    assert record_of(created) == alone["record"]


@pytest.fixture
def placing(world):
    kitchen = world.other_worksite
    enrollment = f.EnrollmentFactory(
        participant=f.ParticipantFactory(municipality=world.municipality), programme=world.programme
    )
    foreign_site = f.WorksiteFactory(municipality=world.foreign_municipality)
    busy = f.EnrollmentFactory(
        participant=f.ParticipantFactory(municipality=world.municipality), programme=world.programme
    )
    f.PlacementFactory(
        enrollment=busy, worksite=world.worksite, schedule_days="012", field="renhold"
    )
    return kitchen, enrollment, busy, foreign_site


def placement_cases(world, placing) -> dict[str, dict]:
    kitchen, enrollment, busy, foreign_site = placing
    base = {
        "enrollment": enrollment,
        "worksite": kitchen,
        "type": "praksis",
        "field": "kjokken",
        "starts_on": TODAY,
    }
    return {
        "valid": {
            **base,
            "supervisor": world.other_arbeidsleder,
            "schedule_days": "310",
            "hours_per_day": None,
            "nav_agreement": "N" * 60,
        },
        "planned": {
            **base,
            "starts_on": TODAY + timedelta(days=3),
            "ends_on": TODAY + timedelta(days=30),
        },
        "supervisor elsewhere": {**base, "supervisor": world.arbeidsleder},
        "no weekday": {**base, "schedule_days": ""},
        "bad weekday": {**base, "schedule_days": "79"},
        "percentage": {**base, "percentage": 0},
        "overlap": {**base, "enrollment": busy, "schedule_days": "2"},
        "other days": {**base, "enrollment": busy, "schedule_days": "34"},
        "ends before it starts": {**base, "ends_on": TODAY - timedelta(days=1)},
        "foreign worksite": {**base, "worksite": foreign_site},
    }


def test_bulk_placements_give_the_services_message_for_every_rule(world, placing):
    WorksiteCapacity.objects.create(worksite=placing[0], field="renhold", places=0)
    cases = placement_cases(world, placing)
    cases["full"] = {**cases["valid"], "field": "renhold"}
    refused = set()
    for name, values in cases.items():
        alone = one_by_one(
            lambda values=values: placement_start(actor=world.programme_lead, **values)
        )
        problems = placements_start_check(rows=[PlacementRow(line=2, **values)])
        if same_message(alone, problems, name):
            refused.add(name)
        assert [p.warning for p in problems] == (
            [True] if name == "full" else [False] * len(problems)
        ), name
    assert refused == set(cases) - {"valid", "planned", "other days"}


@pytest.mark.parametrize("case", ["valid", "planned"])
def test_a_placement_imported_in_bulk_is_recorded_as_one_made_through_the_page(
    world, placing, case
):
    values = placement_cases(world, placing)[case]
    alone = one_by_one(lambda: placement_start(actor=world.programme_lead, **values))
    [created] = placements_start_many(
        actor=world.programme_lead, rows=[PlacementRow(line=2, **values)]
    )
    assert record_of(Placement.objects.get(pk=created.pk)) == alone["record"]
