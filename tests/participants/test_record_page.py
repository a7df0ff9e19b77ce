"""The person page organised around the work: who and where at the top, what needs doing, a
jump list, the journal before the facts; the missing attendance days named."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from participants.journal import note_create, task_create
from participants.models import FollowUp

pytestmark = pytest.mark.django_db
TODAY = date.today()


def page_of(client, world) -> str:
    return client.get(reverse("participants:detail", args=[world.participant.pk])).content.decode()


def test_the_page_starts_with_the_summary_and_what_needs_doing(world, client_for):
    task_create(
        actor=world.caseworker,
        participant=world.participant,
        title="Call the training office",
        due_on=TODAY - timedelta(days=1),
        assignee=world.caseworker,
    )
    task_create(
        actor=world.caseworker,
        participant=world.participant,
        title="Next month's review",
        due_on=TODAY + timedelta(days=40),
        assignee=world.caseworker,
    )
    FollowUp.objects.create(enrollment=world.enrollment, months=6, due_on=TODAY + timedelta(3))
    note_create(
        actor=world.caseworker,
        participant=world.participant,
        kind="meeting",
        occurred_on=TODAY,
        text="A good talk about the kitchen.",
    )
    page = page_of(client_for(world.caseworker), world)
    summary = page.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert "En av mange" in summary and "Kari Caseworker" in summary and "Helsehuset" in summary
    todo = page.split('id="todo"', 1)[1].split("</section>", 1)[0]
    assert "Call the training office" in todo and "Overdue" in todo and "+6 months" in todo
    assert "Next month's review" not in todo
    order = [page.index(f'id="{name}"') for name in ("summary", "todo", "journal", "details")]
    assert order == sorted(order)
    assert 'href="#journal"' in page and 'href="#history"' in page


def test_nothing_due_is_said_in_words(world, client_for):
    todo = page_of(client_for(world.caseworker), world).split('id="todo"', 1)[1]
    assert "No task or follow-up is due in the coming week." in todo.split("</section>", 1)[0]


def test_the_arbeidsleder_sees_no_summary_of_the_case(world, client_for):
    page = page_of(client_for(world.arbeidsleder), world)
    assert 'id="todo"' not in page and "Kari Caseworker" not in page
    assert 'href="#journal"' not in page and "Helsehuset" in page


def missing_url(world) -> str:
    return reverse("placements:missing-days", args=[world.participant.pk])


def test_the_days_nobody_recorded_are_named(world, client_for, every_day):
    response = client_for(world.caseworker).get(missing_url(world), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert "days missing" in fragment and "Helsehuset" in fragment
    yesterday = TODAY - timedelta(days=1)
    assert f"{yesterday.day}.{yesterday.month}." in fragment


@pytest.mark.parametrize("who", ["other_caseworker", "foreign_caseworker", "foreign_arbeidsleder"])
def test_the_missing_days_of_someone_out_of_scope_are_404(world, client_for, who):
    assert client_for(getattr(world, who)).get(missing_url(world)).status_code == 404
