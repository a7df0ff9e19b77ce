from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.journal import note_create, task_create
from participants.models import FollowUp
from tests.factories import EnrollmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def home(client) -> str:
    return client.get("/").content.decode()


def test_a_person_without_a_recent_note_needs_attention_until_one_is_written(world, client_for):
    client = client_for(world.caseworker)
    assert "No note in 30 days" in home(client) and "Testesen" in home(client)
    note_create(
        actor=world.caseworker,
        participant=world.participant,
        kind="meeting",
        occurred_on=TODAY,
        text="Saw them today.",
    )
    assert "No note in 30 days" not in home(client)


def test_overdue_and_coming_tasks_are_listed_for_their_assignee_only(world, client_for):
    from tests.factories import MembershipFactory, UserFactory

    colleague = UserFactory(municipality=world.municipality)
    MembershipFactory(user=colleague, programme=world.programme, role="caseworker")
    task_create(
        actor=world.programme_lead,
        participant=world.participant,
        title="Send the CV",
        due_on=TODAY - timedelta(days=2),
        assignee=world.caseworker,
    )
    task_create(
        actor=world.caseworker,
        participant=world.participant,
        title="Later thing",
        due_on=TODAY + timedelta(days=30),
        assignee=world.caseworker,
    )
    page = home(client_for(world.caseworker))
    assert "Send the CV" in page and "Overdue by 2 days" in page and "Later thing" not in page
    assert "Send the CV" not in home(client_for(colleague))
    assert "Most urgent first" not in home(client_for(colleague))


def test_a_follow_up_due_soon_is_listed_until_recorded(world, client_for):
    world.enrollment.status = "completed"
    world.enrollment.save()
    follow_up = FollowUp.objects.create(
        enrollment=world.enrollment, months=6, due_on=TODAY + timedelta(days=3)
    )
    client = client_for(world.caseworker)
    assert "+6 months" in home(client)
    follow_up.status, follow_up.source = "work", "nav"
    follow_up.save()
    assert "+6 months" not in home(client)


def test_other_municipalities_and_other_programmes_do_not_appear(world, client_for):
    assert "Utlandsson" not in home(client_for(world.caseworker))
    assert "Testesen" not in home(client_for(world.other_caseworker))


def test_the_home_page_costs_the_same_queries_for_many_people(world, client_for):
    client = client_for(world.caseworker)
    home(client)
    with CaptureQueriesContext(connection) as few:
        home(client)
    for _ in range(25):
        person = ParticipantFactory(municipality=world.municipality)
        EnrollmentFactory(
            participant=person, programme=world.programme, caseworker=world.caseworker
        )
        task_create(
            actor=world.caseworker,
            participant=person,
            title="Check in",
            due_on=TODAY,
            assignee=world.caseworker,
        )
    with CaptureQueriesContext(connection) as many:
        home(client)
    assert len(few) == len(many) <= 12


def test_a_consent_that_expires_within_a_month_needs_attention(world, client_for):
    from participants.models import Consent

    sharing = Consent.objects.get(participant=world.participant, purpose="share_worksite")
    client = client_for(world.caseworker)
    assert "Consent expires" not in home(client)
    sharing.expires_on = TODAY + timedelta(days=10)
    sharing.save()
    assert "Consent expires" in home(client)
    sharing.expires_on = TODAY - timedelta(days=1)  # already expired: no longer in force
    sharing.save()
    assert "Consent expires" not in home(client)


def test_the_most_overdue_comes_first_whatever_its_kind(world, client_for):
    world.enrollment.status = "completed"
    world.enrollment.save()
    FollowUp.objects.create(enrollment=world.enrollment, months=6, due_on=TODAY - timedelta(days=9))
    for title, days in (("Due soon", -3), ("A bit late", 2), ("Long overdue", 20)):
        task_create(
            actor=world.caseworker,
            participant=world.participant,
            title=title,
            due_on=TODAY - timedelta(days=days),
            assignee=world.caseworker,
        )
    page = home(client_for(world.caseworker))
    order = [page.index(text) for text in ("Long overdue", "+6 months", "A bit late", "Due soon")]
    assert order == sorted(order)
    assert "Overdue by 20 days" in page and "Overdue by 9 days" in page


def test_many_people_without_a_note_are_a_count_and_a_link_to_them(world, client_for):
    client = client_for(world.caseworker)
    for i in range(9):
        EnrollmentFactory(
            participant=ParticipantFactory(municipality=world.municipality, last_name=f"Quiet{i}"),
            programme=world.programme,
            caseworker=world.caseworker,
        )
    page = home(client)
    assert "10 people in your caseload have no note in the last 30 days." in page
    assert "Quiet3" not in page and "?attention=quiet" in page
    listed = client.get("/participants/?attention=quiet").content.decode()
    assert "Quiet3" in listed and "Testesen" in listed and "10 people" in listed
    note_create(
        actor=world.caseworker,
        participant=world.participant,
        kind="meeting",
        occurred_on=TODAY,
        text="Saw them today.",
    )
    assert "Testesen" not in client.get("/participants/?attention=quiet").content.decode()
    assert "Testesen" in client.get("/participants/").content.decode()


def test_a_few_people_without_a_note_are_named(world, client_for):
    page = home(client_for(world.caseworker))
    assert "Testesen" in page and "have no note in the last 30 days" not in page
