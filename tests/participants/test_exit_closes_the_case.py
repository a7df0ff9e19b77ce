"""An exit that closes the case: one form offers to close goals and tasks, end the placement and
the worksite consent; the caseworker sees a summary and confirms; the choices are in the
history. Bad input (an exit before the last attendance, a stale form, a second exit) changes
nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import formats

from audit.models import ChangeEvent
from participants.models import Goal, Milestone, Task
from placements.models import AttendanceRecord

pytestmark = pytest.mark.django_db

TODAY = date.today()


@pytest.fixture
def open_case(world):
    """The world's person with two open goals (one with every milestone done), an open task, a
    running placement and the consent to share with the worksite."""
    reached = Goal.objects.create(
        participant=world.participant, category="work", title="Get a summer job"
    )
    Milestone.objects.create(goal=reached, title="Send the CV", done_on=TODAY)
    open_goal = Goal.objects.create(
        participant=world.participant, category="language", title="Norwegian B1"
    )
    task = Task.objects.create(
        participant=world.participant,
        title="Call the training office",
        due_on=TODAY,
        assignee=world.caseworker,
    )
    return {"reached": reached, "open": open_goal, "task": task}


def url(enrollment) -> str:
    return reverse("placements:enrollment-status", args=[enrollment.pk])


def exit_data(enrollment, **extra) -> dict:
    return {
        "version": enrollment.version,
        "status": "completed",
        "exit_date": (TODAY - timedelta(days=1)).isoformat(),
        "exit_reason": "job",
        "destination": "work_full",
        **extra,
    }


ALL_CHOSEN = {
    "close_goals": "on",
    "close_tasks": "on",
    "end_placements": "on",
    "end_consent": "on",
}


def test_the_form_offers_the_closing_choices_checked_and_no_exit_date(world, client_for, open_case):
    page = client_for(world.caseworker).get(url(world.enrollment)).content.decode()
    assert "Only for an exit (completed or withdrawn)" in page
    assert "Close the 2 open goals" in page and "Mark the open task done" in page
    assert "End the placement on the exit date" in page
    assert 'name="close_goals" id="id_close_goals" checked' in page
    assert 'name="end_consent" id="id_end_consent" checked' in page
    # The goal whose milestones are all done is offered as reached; the other is not.
    reached, other = open_case["reached"].pk, open_case["open"].pk
    assert f'value="{reached}" id="id_achieved_0" checked' in page
    assert f'value="{other}" id="id_achieved_1">' in page
    assert f'value="{TODAY.isoformat()}"' not in page


def test_an_exit_is_summarised_and_saved_only_when_confirmed(world, client_for, open_case):
    client = client_for(world.caseworker)
    data = exit_data(world.enrollment, **ALL_CHOSEN, achieved=[open_case["reached"].pk])
    page = client.post(url(world.enrollment), data).content.decode()
    assert "Check the exit before it is saved" in page
    assert "Get a summer job — achieved" in page and "Norwegian B1 — not achieved" in page
    assert "Call the training office" in page and "Helsehuset" in page
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "active"

    response = client.post(url(world.enrollment), {**data, "confirm": "1"})
    assert response.status_code == 302
    world.enrollment.refresh_from_db()
    exit_day = TODAY - timedelta(days=1)
    assert (world.enrollment.status, world.enrollment.ends_on) == ("completed", exit_day)
    open_case["reached"].refresh_from_db()
    open_case["open"].refresh_from_db()
    assert (open_case["reached"].status, open_case["open"].status) == ("achieved", "dropped")
    open_case["task"].refresh_from_db()
    assert open_case["task"].done_by == world.caseworker
    world.placement.refresh_from_db()
    assert (world.placement.status, world.placement.ends_on) == ("stopped", exit_day)
    assert "Got a job" in world.placement.stop_reason
    consent = world.participant.consents.get()
    assert consent.withdrawn_on == exit_day
    event = ChangeEvent.objects.filter(model="participants.enrollment").latest("pk")
    assert event.user == world.caseworker
    assert event.changes["exit_goals"] == [None, "2"]
    assert event.changes["exit_placements"] == [None, "1"]


def test_what_the_caseworker_unticks_stays_open_and_the_history_says_so(
    world, client_for, open_case
):
    client = client_for(world.caseworker)
    data = exit_data(world.enrollment, close_tasks="on", confirm="1")
    assert client.post(url(world.enrollment), data).status_code == 302
    assert Goal.objects.filter(status="planned").count() == 2
    world.placement.refresh_from_db()
    assert world.placement.status == "active"
    assert world.participant.consents.get().withdrawn_on is None
    open_case["task"].refresh_from_db()
    assert open_case["task"].done_at is not None
    event = ChangeEvent.objects.filter(model="participants.enrollment").latest("pk")
    assert event.changes["exit_goals"] == [None, "kept"]
    assert event.changes["exit_tasks"] == [None, "1"]


def test_an_exit_before_the_last_attendance_names_that_day(world, client_for, open_case):
    last = TODAY - timedelta(days=2)
    AttendanceRecord.objects.create(
        placement=world.placement, date=last, status="present", recorded_by=world.arbeidsleder
    )
    client = client_for(world.caseworker)
    data = exit_data(world.enrollment, **ALL_CHOSEN, exit_date=(TODAY - timedelta(days=5)))
    for step in ({}, {"confirm": "1"}):
        response = client.post(url(world.enrollment), {**data, **step})
        assert response.status_code == 200
        page = response.content.decode()
        assert "before the last recorded attendance" in page
        assert formats.date_format(last, "SHORT_DATE_FORMAT") in page
    world.enrollment.refresh_from_db()
    world.placement.refresh_from_db()
    assert world.enrollment.status == "active" and world.placement.status == "active"
    assert Goal.objects.filter(status="planned").count() == 2


def test_a_stale_exit_changes_nothing(world, client_for, open_case):
    data = exit_data(world.enrollment, **ALL_CHOSEN, confirm="1")
    client_for(world.programme_lead).post(url(world.enrollment), {"version": 1, "status": "paused"})
    response = client_for(world.caseworker).post(url(world.enrollment), data)
    assert response.status_code == 200
    assert "Somebody else changed this enrollment" in response.content.decode()
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "paused"
    assert Goal.objects.filter(status="planned").count() == 2
    assert Task.objects.filter(done_at__isnull=True).count() == 1
    world.placement.refresh_from_db()
    assert world.placement.status == "active"


def test_a_second_exit_of_an_ended_enrollment_is_refused(world, client_for, open_case):
    client = client_for(world.caseworker)
    data = exit_data(world.enrollment, confirm="1")
    assert client.post(url(world.enrollment), data).status_code == 302
    again = exit_data(world.enrollment, **ALL_CHOSEN, confirm="1", status="withdrawn", version=2)
    response = client.post(url(world.enrollment), again)
    assert response.status_code == 200
    assert "can no longer change" in response.content.decode()
    world.enrollment.refresh_from_db()
    assert world.enrollment.status == "completed"
    assert Goal.objects.filter(status="planned").count() == 2


def test_exit_fields_sent_with_another_status_are_ignored(world, client_for):
    data = exit_data(world.enrollment, status="paused")
    assert client_for(world.caseworker).post(url(world.enrollment), data).status_code == 302
    world.enrollment.refresh_from_db()
    assert (world.enrollment.status, world.enrollment.ends_on) == ("paused", None)
    assert world.enrollment.exit_reason == ""


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
def test_an_exit_by_someone_out_of_scope_is_404_and_closes_nothing(
    world, client_for, open_case, who
):
    data = exit_data(world.enrollment, **ALL_CHOSEN, confirm="1")
    assert client_for(getattr(world, who)).post(url(world.enrollment), data).status_code == 404
    assert Goal.objects.filter(status="planned").count() == 2
    world.placement.refresh_from_db()
    assert world.placement.status == "active"


def test_the_person_page_shows_the_closed_case(world, client_for, open_case):
    client = client_for(world.caseworker)
    data = exit_data(world.enrollment, **ALL_CHOSEN, confirm="1")
    client.post(url(world.enrollment), data)
    page = client.get(reverse("participants:detail", args=[world.participant.pk])).content
    page = page.decode()
    assert "No current placement." in page
    assert "Withdrawn" in page  # the consent's badge


def test_a_placement_that_ended_before_the_exit_keeps_its_own_end(world, client_for):
    planned_end = TODAY - timedelta(days=3)
    world.placement.starts_on = TODAY - timedelta(days=20)
    world.placement.ends_on = planned_end
    world.placement.save()
    data = exit_data(world.enrollment, end_placements="on", confirm="1")
    assert client_for(world.caseworker).post(url(world.enrollment), data).status_code == 302
    world.placement.refresh_from_db()
    assert (world.placement.status, world.placement.ends_on) == ("ended", planned_end)
    assert world.placement.stop_reason == ""
