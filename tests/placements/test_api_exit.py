"""An exit through the API closes the case as the status page does, and is refused when dated
before the last attendance; a client may keep what it names open."""

from datetime import date, timedelta

import pytest

from participants.models import Goal, Task
from placements.models import AttendanceRecord
from tests.support.api import Api, is_error

pytestmark = pytest.mark.django_db

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def open_work(world):
    goal = Goal.objects.create(participant=world.participant, category="work", title="A job")
    task = Task.objects.create(
        participant=world.participant, title="Call", due_on=TODAY, assignee=world.caseworker
    )
    return goal, task


def exit_body(**extra) -> dict:
    return {
        "status": "completed",
        "exit_date": YESTERDAY.isoformat(),
        "exit_reason": "job",
        "destination": "work_full",
        **extra,
    }


def patch(client_for, user, world, body):
    return Api(client_for(user)).patch(
        f"/api/enrollments/{world.enrollment.pk}/", body, **{"If-Match": '"1"'}
    )


def test_an_exit_closes_goals_tasks_the_placement_and_the_worksite_consent(
    world, client_for, open_work
):
    response = patch(client_for, world.caseworker, world, exit_body())
    assert response.status_code == 200, response.content
    goal, task = open_work
    goal.refresh_from_db()
    task.refresh_from_db()
    world.placement.refresh_from_db()
    assert goal.status == "dropped" and task.done_at is not None
    assert (world.placement.status, world.placement.ends_on) == ("stopped", YESTERDAY)
    assert world.participant.consents.get().withdrawn_on == YESTERDAY


def test_a_client_may_keep_the_placement_and_the_consent(world, client_for, open_work):
    body = exit_body(end_placements=False, end_consent=False)
    assert patch(client_for, world.caseworker, world, body).status_code == 200
    world.placement.refresh_from_db()
    assert world.placement.status == "active"
    assert world.participant.consents.get().withdrawn_on is None


def test_an_exit_before_the_last_attendance_is_refused_and_changes_nothing(
    world, client_for, open_work
):
    AttendanceRecord.objects.create(
        placement=world.placement,
        date=TODAY,
        status="present",
        hours=6,
        recorded_by=world.arbeidsleder,
    )
    body = is_error(patch(client_for, world.caseworker, world, exit_body()), 400)
    assert "exit_date" in body["fields"]
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "active"
    assert Goal.objects.get(pk=open_work[0].pk).status == "planned"


def test_a_closing_choice_must_be_a_boolean(world, client_for):
    body = is_error(patch(client_for, world.caseworker, world, exit_body(end_consent="yes")), 400)
    assert "end_consent" in body["fields"]


def test_a_pause_ignores_the_closing_choices(world, client_for, open_work):
    response = patch(client_for, world.caseworker, world, {"status": "paused"})
    assert response.status_code == 200 and response.json()["status"] == "paused"
    assert Goal.objects.get(pk=open_work[0].pk).status == "planned"


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
def test_someone_out_of_scope_gets_404_and_nothing_closes(world, client_for, open_work, who):
    is_error(patch(client_for, getattr(world, who), world, exit_body()), 404)
    world.placement.refresh_from_db()
    assert world.placement.status == "active"
