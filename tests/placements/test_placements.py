"""A caseworker places a person: schedule, capacity warning, overlapping placements."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from placements.models import Placement, WorksiteCapacity

pytestmark = pytest.mark.django_db
TODAY = date.today()


def place(client, world, **overrides):
    data = {
        "enrollment": world.enrollment.pk,
        "worksite": world.other_worksite.pk,
        "type": "praksis",
        "field": "kjokken",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
        "schedule_days": ["0", "1"],
        "hours_per_day": "5",
        "percentage": "40",
        **overrides,
    }
    return client.post(reverse("placements:placement-create", args=[world.participant.pk]), data)


@pytest.fixture(autouse=True)
def weekdays_only_in_the_first_placement(world):
    world.placement.schedule_days = "234"  # Wednesday to Friday
    world.placement.save()


def test_a_second_placement_on_other_weekdays_is_registered(world, client_for):
    assert place(client_for(world.caseworker), world).status_code == 302
    placement = Placement.objects.get(worksite=world.other_worksite)
    assert (
        placement.schedule_days,
        str(placement.hours_per_day),
        placement.percentage,
        placement.status,
    ) == ("01", "5.00", 40, "active")


def test_overlapping_weekdays_are_refused(world, client_for):
    response = place(client_for(world.caseworker), world, schedule_days=["1", "2"])
    assert "already has a placement on some of these days" in response.content.decode()
    assert not Placement.objects.filter(worksite=world.other_worksite).exists()


def test_a_full_field_warns_and_can_be_confirmed(world, client_for):
    WorksiteCapacity.objects.create(worksite=world.other_worksite, field="kjokken", places=0)
    client = client_for(world.caseworker)
    response = place(client, world)
    assert "Confirm to place the person anyway" in response.content.decode()
    assert not Placement.objects.filter(worksite=world.other_worksite).exists()
    assert place(client, world, confirmed_over_capacity="on").status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "cannot end before it starts"),
        ({"schedule_days": []}, "required"),
        ({"schedule_days": ["9"]}, "valid choice"),
        ({"hours_per_day": "25"}, "less than or equal to 24"),
        ({"percentage": "0"}, "greater than or equal to 1"),
        ({"supervisor": "999999"}, "valid choice"),
    ],
)
def test_bad_placements_are_refused(world, client_for, overrides, message):
    response = place(client_for(world.caseworker), world, **overrides)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Placement.objects.filter(worksite=world.other_worksite).exists()


def test_a_supervisor_from_another_worksite_is_refused(world, client_for):
    response = place(client_for(world.caseworker), world, supervisor=world.arbeidsleder.pk)
    assert "work supervisor at this worksite" in response.content.decode()


def test_a_worksite_of_another_municipality_cannot_be_chosen(world, client_for):
    from tests.factories import WorksiteFactory

    foreign = WorksiteFactory(municipality=world.foreign_municipality)
    response = place(client_for(world.caseworker), world, worksite=foreign.pk)
    assert "valid choice" in response.content.decode()


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker", "admin"])
def test_only_people_who_follow_the_case_place_someone(world, client_for, who):
    assert place(client_for(getattr(world, who)), world).status_code == 404
    assert not Placement.objects.filter(worksite=world.other_worksite).exists()


class TestEnding:
    def url(self, world):
        return reverse("placements:placement-end", args=[world.placement.pk])

    def test_a_placement_is_stopped_early_with_a_reason(self, world, client_for):
        response = client_for(world.caseworker).post(
            self.url(world),
            {
                "status": "stopped",
                "ends_on": TODAY.isoformat(),
                "stop_reason": "Moved away",
                "version": 1,
                "confirm": "1",
            },
        )
        assert response.status_code == 302
        world.placement.refresh_from_db()
        assert (world.placement.status, world.placement.stop_reason) == ("stopped", "Moved away")
        # The arbeidsleder no longer expects the person.
        page = client_for(world.arbeidsleder).get(reverse("placements:attendance")).content
        assert b"Testesen" not in page

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"status": "stopped", "ends_on": TODAY.isoformat()}, "Say why"),
            ({"status": "ended", "ends_on": "2000-01-01"}, "cannot end before it starts"),
            ({"status": "vanished", "ends_on": TODAY.isoformat()}, "valid choice"),
        ],
    )
    def test_bad_endings_are_refused(self, world, client_for, data, message):
        response = client_for(world.caseworker).post(self.url(world), {**data, "version": 1})
        assert message in response.content.decode()
        world.placement.refresh_from_db()
        assert world.placement.status == "active"

    def test_a_stale_ending_is_refused(self, world, client_for):
        client = client_for(world.caseworker)
        data = {"status": "ended", "ends_on": TODAY.isoformat(), "version": 1, "confirm": "1"}
        client.post(self.url(world), data)
        response = client.post(self.url(world), {**data, "status": "stopped", "stop_reason": "x"})
        assert "Somebody else changed this placement" in response.content.decode()

    @pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
    def test_only_the_caseworker_side_ends_a_placement(self, world, client_for, who):
        response = client_for(getattr(world, who)).post(
            self.url(world), {"status": "ended", "ends_on": TODAY.isoformat(), "version": 1}
        )
        assert response.status_code == 404
        world.placement.refresh_from_db()
        assert world.placement.status == "active"


@pytest.mark.parametrize("status", ["referred", "completed", "withdrawn"])
def test_only_an_open_enrollment_is_placed(world, status):
    from datetime import date

    from config.errors import ApplicationError
    from placements.models import Placement
    from placements.services import placement_start

    world.enrollment.status = status
    world.enrollment.save()
    before = Placement.objects.count()
    with pytest.raises(ApplicationError, match="intake, active or paused"):
        placement_start(
            actor=world.caseworker,
            enrollment=world.enrollment,
            worksite=world.worksite,
            type="arbeidstrening",
            field="renhold",
            starts_on=date.today(),
        )
    assert Placement.objects.count() == before
