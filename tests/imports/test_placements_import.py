"""Importing placements: each row finds its person by national ID in the programme and its
worksite by name, and follows placement_start's rules, against the register and the rows
above it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import ChangeEvent
from imports.models import ImportStatus
from participants import national_id as nid
from placements.models import Placement, PlacementStatus, WorksiteCapacity
from tests import factories as f
from tests.support.imports import national_id, table

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def people(world):
    """Three people enrolled in the lead's programme, with national IDs; and one in another
    programme of the municipality."""
    enrolled = []
    for n in range(1, 4):
        participant = f.ParticipantFactory(
            municipality=world.municipality,
            national_id_hash=nid.lookup_hash(national_id(n)),
            national_id_masked=nid.mask(national_id(n)),
        )
        enrolled.append(f.EnrollmentFactory(participant=participant, programme=world.programme))
    elsewhere = f.ParticipantFactory(
        municipality=world.municipality, national_id_hash=nid.lookup_hash(national_id(9))
    )
    f.EnrollmentFactory(participant=elsewhere, programme=world.other_programme)
    return enrolled


def row(n: int, **values) -> dict:
    return {
        "national_id": national_id(n),
        "worksite": "kjøkkenet",
        "type": "arbeidstrening",
        "field": "kjokken",
        "starts_on": TODAY.isoformat(),
        **values,
    }


def placements_csv(rows: list[dict]) -> bytes:
    return table(rows, kind="placements")


def test_placements_are_imported_with_the_history_of_the_placement_page(world, people, send, start):
    rows = [
        row(
            1, supervisor=world.other_arbeidsleder.email, schedule_days="1 3 5", hours_per_day="7,5"
        ),
        row(2, starts_on=(TODAY + timedelta(days=7)).isoformat(), percentage="50"),
    ]
    _, run = send(placements_csv(rows), kind="placements")
    run.refresh_from_db()
    assert run.status == ImportStatus.READY, run.problems
    start(run)
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 2)
    first = Placement.objects.get(enrollment=people[0])
    assert (first.worksite, first.supervisor, first.schedule_days, first.hours_per_day) == (
        world.other_worksite,
        world.other_arbeidsleder,
        "024",
        Decimal("7.50"),
    )
    assert (first.status, first.percentage) == (PlacementStatus.ACTIVE, 100)
    second = Placement.objects.get(enrollment=people[1])
    assert (second.status, second.percentage, second.schedule_days) == (
        PlacementStatus.PLANNED,
        50,
        "01234",
    )
    event = ChangeEvent.objects.get(model="placements.placement", object_id=str(first.pk))
    assert (event.user, event.participant, event.action) == (
        world.programme_lead,
        people[0].participant,
        "create",
    )
    assert event.changes["worksite"] == [None, "Kjøkkenet"]


def test_people_and_worksites_out_of_scope_are_not_found(world, people, send):
    foreign = f.WorksiteFactory(municipality=world.foreign_municipality, name="Utlandet")
    rows = [
        row(9),  # enrolled in another programme of the municipality
        row(7),  # registered nowhere
        row(1, worksite=foreign.name),
        row(2, national_id="12345678901"),
        row(3, supervisor=world.foreign_arbeidsleder.email),
    ]
    _, run = send(placements_csv(rows), kind="placements")
    run.refresh_from_db()
    not_enrolled = (
        "Nobody with this national ID is enrolled in the programme (at intake, active or paused)."
    )
    assert [(p["line"], p["field"], p["message"]) for p in run.problems] == [
        (2, "national_id", not_enrolled),
        (3, "national_id", not_enrolled),
        (4, "worksite", "Your municipality has no worksite by this name."),
        (
            5,
            "national_id",
            "The first six digits (day, month, year) are not a valid date of birth.",
        ),
        (6, "supervisor", "Nobody in your municipality has this e-mail address."),
    ]
    assert Placement.objects.filter(enrollment__in=people).count() == 0


def test_a_person_whose_enrollment_has_ended_is_not_found(world, people, send):
    people[0].status = "completed"
    people[0].save()
    _, run = send(placements_csv([row(1)]), kind="placements")
    run.refresh_from_db()
    assert [(p["line"], p["field"]) for p in run.problems] == [(2, "national_id")]


def test_the_rules_of_the_placement_page_apply_to_each_row(world, people, send):
    f.PlacementFactory(enrollment=people[2], worksite=world.worksite, schedule_days="01234")
    rows = [
        row(1, supervisor=world.arbeidsleder.email),  # supervises Helsehuset, not Kjøkkenet
        row(2, ends_on=(TODAY - timedelta(days=1)).isoformat()),
        row(3),  # already placed on these days
        row(2, schedule_days="8"),
        row(2, percentage="0"),
        row(2, starts_on="01.08.2026"),
    ]
    _, run = send(placements_csv(rows), kind="placements")
    run.refresh_from_db()
    assert [(p["line"], p["field"], p["message"]) for p in run.problems] == [
        (2, "supervisor", "Choose a work supervisor at this worksite."),
        (3, "ends_on", "A placement cannot end before it starts."),
        (
            4,
            "schedule_days",
            "The person already has a placement on some of these days in this period.",
        ),
        (5, "schedule_days", "Use the numbers 1 (Monday) to 7 (Sunday)."),
        (6, "percentage", "Ensure this value is greater than or equal to 1."),
        (7, "starts_on", "Enter a valid date."),
    ]


def test_rows_of_one_person_in_the_file_may_not_overlap_unless_their_days_differ(
    world, people, send, start
):
    rows = [row(1, schedule_days="12"), row(1, schedule_days="345"), row(1, schedule_days="5")]
    _, run = send(placements_csv(rows), kind="placements")
    run.refresh_from_db()
    assert [(p["line"], p["field"]) for p in run.problems] == [(4, "schedule_days")]
    assert run.status == ImportStatus.INVALID


def test_a_full_field_is_a_warning_that_must_be_confirmed(world, people, send, start):
    WorksiteCapacity.objects.create(worksite=world.other_worksite, field="kjokken", places=2)
    _, run = send(placements_csv([row(1), row(2), row(3)]), kind="placements")
    run.refresh_from_db()
    assert run.status == ImportStatus.READY and run.warning_count == 1
    assert run.problems[0]["line"] == 4
    assert "Kjøkkenet has 2 places in this field and 2 are taken" in run.problems[0]["message"]
    start(run)
    assert run.status == ImportStatus.READY
    start(run, confirmed=True)
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 3)
