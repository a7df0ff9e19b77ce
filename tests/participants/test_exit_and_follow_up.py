"""The status pipeline, exit with reason and destination, and the + 6 / + 12 month follow-ups."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from participants.models import FollowUp
from participants.services import add_months

pytestmark = pytest.mark.django_db


def status_url(enrollment) -> str:
    return reverse("placements:enrollment-status", args=[enrollment.pk])


def change(client, enrollment, **data):
    """Post the status form; an exit is posted as confirmed."""
    return client.post(
        status_url(enrollment), {"version": enrollment.version, "confirm": "1", **data}
    )


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_a_caseworker_pauses_and_resumes_with_history(world, client_for):
    client = client_for(world.caseworker)
    assert change(client, world.enrollment, status="paused").status_code == 302
    world.enrollment.refresh_from_db()
    assert change(client, world.enrollment, status="active").status_code == 302
    world.enrollment.refresh_from_db()
    assert [c.status for c in world.enrollment.status_changes.all()] == ["paused", "active"]
    assert world.enrollment.status == "active"


def test_an_exit_records_reason_destination_and_creates_two_follow_ups(world, client_for):
    exit_day = date.today() - timedelta(days=1)
    response = change(
        client_for(world.caseworker),
        world.enrollment,
        status="completed",
        exit_date=exit_day.isoformat(),
        exit_reason="job",
        destination="work_part",
    )
    assert response.status_code == 302
    world.enrollment.refresh_from_db()
    assert (
        world.enrollment.ends_on,
        world.enrollment.exit_reason,
        world.enrollment.destination,
    ) == (exit_day, "job", "work_part")
    due = {f.months: f.due_on for f in FollowUp.objects.filter(enrollment=world.enrollment)}
    assert due == {6: add_months(exit_day, 6), 12: add_months(exit_day, 12)}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"status": "completed", "exit_reason": "job", "destination": "education"},
            "Enter the exit date",
        ),
        (
            {
                "status": "completed",
                "exit_date": "2000-01-01",
                "exit_reason": "job",
                "destination": "education",
            },
            "before the enrollment started",
        ),
        (
            {
                "status": "withdrawn",
                "exit_date": (date.today() + timedelta(days=3)).isoformat(),
                "exit_reason": "moved",
                "destination": "unknown",
            },
            "in the future",
        ),
        (
            {
                "status": "withdrawn",
                "exit_date": date.today().isoformat(),
                "destination": "unknown",
            },
            "reason for the exit",
        ),
        (
            {"status": "withdrawn", "exit_date": date.today().isoformat(), "exit_reason": "moved"},
            "where the person went",
        ),
        ({"status": "referred"}, "valid choice"),
        ({"status": "nonsense"}, "valid choice"),
        ({"status": "paused", "version": "x"}, "damaged data"),
    ],
)
def test_bad_status_changes_are_refused_with_a_message(world, client_for, data, message):
    client = client_for(world.caseworker)
    response = client.post(status_url(world.enrollment), {"version": 1, "confirm": "1", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "active" and not FollowUp.objects.exists()


def test_a_stale_status_change_is_refused(world, client_for):
    first, second = client_for(world.caseworker), client_for(world.programme_lead)
    assert change(first, world.enrollment, status="paused").status_code == 302
    response = second.post(
        status_url(world.enrollment),
        {
            "version": 1,
            "status": "completed",
            "exit_date": date.today().isoformat(),
            "exit_reason": "job",
            "destination": "education",
            "confirm": "1",
        },
    )
    assert "Somebody else changed this enrollment" in response.content.decode()
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "paused"


def test_an_ended_enrollment_cannot_change_again(world, client_for):
    client = client_for(world.caseworker)
    change(
        client,
        world.enrollment,
        status="withdrawn",
        exit_date=date.today().isoformat(),
        exit_reason="declined",
        destination="unknown",
    )
    world.enrollment.refresh_from_db()
    page = client.get(status_url(world.enrollment)).content.decode()
    assert "can no longer change" in page
    response = change(client, world.enrollment, status="active")
    assert response.status_code == 200
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "withdrawn"


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "admin", "foreign_caseworker"])
def test_only_people_who_follow_the_case_may_change_its_status(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(status_url(world.enrollment)).status_code == 404
    assert change(client, world.enrollment, status="paused").status_code == 404
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "active"


class TestFollowUp:
    @pytest.fixture
    def follow_up(self, world, client_for):
        change(
            client_for(world.caseworker),
            world.enrollment,
            status="completed",
            exit_date=date.today().isoformat(),
            exit_reason="job",
            destination="work_full",
        )
        return FollowUp.objects.get(enrollment=world.enrollment, months=6)

    def url(self, follow_up):
        return reverse("participants:follow-up", args=[follow_up.pk])

    def test_recording_a_follow_up(self, world, client_for, follow_up):
        response = client_for(world.caseworker).post(
            self.url(follow_up),
            {"status": "work", "source": "employer", "verified": "on", "version": 1},
        )
        assert response.status_code == 302
        follow_up.refresh_from_db()
        assert (follow_up.status, follow_up.source, follow_up.verified, follow_up.recorded_by) == (
            "work",
            "employer",
            True,
            world.caseworker,
        )
        page = (
            client_for(world.programme_lead)
            .get(reverse("participants:detail", args=[world.participant.pk]))
            .content.decode()
        )
        assert "In work" in page

    @pytest.mark.parametrize(
        "data",
        [
            {"status": "", "source": "nav"},
            {"status": "work", "source": ""},
            {"status": "flying", "source": "nav"},
        ],
    )
    def test_an_incomplete_follow_up_is_refused(self, world, client_for, follow_up, data):
        response = client_for(world.caseworker).post(self.url(follow_up), {**data, "version": 1})
        assert response.status_code == 200
        follow_up.refresh_from_db()
        assert follow_up.status == ""

    def test_a_stale_follow_up_is_refused(self, world, client_for, follow_up):
        client = client_for(world.caseworker)
        client.post(self.url(follow_up), {"status": "work", "source": "nav", "version": 1})
        response = client.post(
            self.url(follow_up), {"status": "other", "source": "nav", "version": 1}
        )
        assert "Somebody else recorded" in response.content.decode()
        follow_up.refresh_from_db()
        assert follow_up.status == "work"

    @pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
    def test_others_get_404(self, world, client_for, follow_up, who):
        client = client_for(getattr(world, who))
        assert client.get(self.url(follow_up)).status_code == 404
        assert (
            client.post(
                self.url(follow_up), {"status": "work", "source": "nav", "version": 1}
            ).status_code
            == 404
        )
