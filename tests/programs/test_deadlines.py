"""A report deadline is upcoming, due (within 14 days), overdue or submitted; the ones that
need the lead's attention are listed for the grants the lead sees."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import roles_of
from audit.models import ChangeEvent
from config.errors import ApplicationError
from programs.models import DUE_SOON_DAYS, DeadlineStatus, ReportDeadline, deadline_status
from programs.selectors import deadlines_needing_attention
from programs.services import deadline_mark_submitted
from tests.support.grants import make_grant

pytestmark = pytest.mark.django_db
TODAY = date(2026, 9, 1)


@pytest.mark.parametrize(
    ("due_on", "status"),
    [
        (TODAY - timedelta(days=1), DeadlineStatus.OVERDUE),
        (TODAY, DeadlineStatus.DUE),
        (TODAY + timedelta(days=DUE_SOON_DAYS), DeadlineStatus.DUE),
        (TODAY + timedelta(days=DUE_SOON_DAYS + 1), DeadlineStatus.UPCOMING),
    ],
)
def test_the_status_at_each_boundary(due_on, status):
    assert DUE_SOON_DAYS == 14
    assert deadline_status(ReportDeadline(due_on=due_on, label="x"), TODAY) == status


def test_a_submitted_deadline_is_submitted_whenever_it_was_due():
    for due_on in (TODAY - timedelta(days=30), TODAY, TODAY + timedelta(days=90)):
        deadline = ReportDeadline(due_on=due_on, label="x", submitted_on=TODAY)
        assert deadline_status(deadline, TODAY) == DeadlineStatus.SUBMITTED


def deadlines(grant, *offsets):
    return [
        ReportDeadline.objects.create(
            grant=grant, due_on=TODAY + timedelta(days=days), label=f"Rapport {days}"
        )
        for days in offsets
    ]


def test_the_deadlines_needing_attention_are_the_overdue_and_due_ones_in_date_order(
    world, grant, django_assert_max_num_queries
):
    overdue, due_today, due_last_day, _upcoming = deadlines(grant, -3, 0, 14, 15)
    submitted = deadlines(grant, -10)[0]
    submitted.submitted_on = TODAY - timedelta(days=11)
    submitted.save()
    deadlines(make_grant(world, name="Other", programmes=[world.other_programme]), -1)
    roles_of(world.programme_lead)  # as every page has asked before: the memberships are read
    with CaptureQueriesContext(connection) as queries:
        found = deadlines_needing_attention(user=world.programme_lead, today=TODAY)
        assert [d.grant.name for d in found] == ["LIM 2026"] * 3
    assert len(queries) == 1
    assert [(d.pk, d.status) for d in found] == [
        (overdue.pk, "overdue"),
        (due_today.pk, "due"),
        (due_last_day.pk, "due"),
    ]


@pytest.mark.parametrize("who", ["caseworker", "admin", "other_caseworker"])
def test_nobody_but_a_lead_of_the_grant_is_told_of_its_deadlines(world, grant, who):
    deadlines(grant, -3, 0)
    assert deadlines_needing_attention(user=getattr(world, who), today=TODAY) == []


def test_a_lead_elsewhere_is_not_told_of_our_deadlines(world, grant, other_lead, foreign_lead):
    deadlines(grant, -3, 0)
    for user in (other_lead, foreign_lead):
        assert deadlines_needing_attention(user=user, today=TODAY) == []


def test_the_lead_marks_a_deadline_submitted(world, grant):
    deadline = deadlines(grant, -3)[0]
    deadline_mark_submitted(
        actor=world.programme_lead,
        deadline=deadline,
        submitted_on=date(2026, 8, 30),
        submitted_to=" Agder fylkeskommune ",
    )
    deadline.refresh_from_db()
    assert deadline.submitted_to == "Agder fylkeskommune"
    assert deadline_status(deadline, TODAY) == DeadlineStatus.SUBMITTED
    assert deadlines_needing_attention(user=world.programme_lead, today=TODAY) == []
    event = ChangeEvent.objects.get(model="programs.reportdeadline", action="update")
    assert event.changes["submitted_on"] == [None, "2026-08-30"]


def test_a_submission_in_the_future_or_by_someone_else_is_refused(world, grant, other_lead):
    deadline = deadlines(grant, -3)[0]
    with pytest.raises(ApplicationError, match="day still to come") as error:
        deadline_mark_submitted(
            actor=world.programme_lead,
            deadline=deadline,
            submitted_on=date.today() + timedelta(days=1),
            submitted_to="",
        )
    assert error.value.field == "submitted_on"
    for actor in (world.caseworker, other_lead):
        with pytest.raises(ApplicationError, match="Only the lead"):
            deadline_mark_submitted(
                actor=actor, deadline=deadline, submitted_on=TODAY, submitted_to=""
            )
    deadline.refresh_from_db()
    assert deadline.submitted_on is None
