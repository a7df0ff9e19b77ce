"""The action plan: goals with milestones, shown as a timeline."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from participants.models import Goal, Milestone

pytestmark = pytest.mark.django_db
TODAY = date.today()


def add_goal(client, world, **overrides):
    data = {
        "category": "fagbrev",
        "title": "Fagbrev som helsefagarbeider",
        "target_on": (TODAY + timedelta(days=400)).isoformat(),
        **overrides,
    }
    return client.post(reverse("participants:goal-create", args=[world.participant.pk]), data)


def plan(client, world, htmx: bool = True) -> str:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(
        reverse("participants:plan", args=[world.participant.pk]), **headers
    ).content.decode()


def test_a_goal_with_milestones_shows_on_the_timeline(world, client_for):
    client = client_for(world.caseworker)
    assert add_goal(client, world).status_code == 302
    goal = Goal.objects.get()
    client.post(
        reverse("participants:milestone-add", args=[goal.pk]),
        {"title": "MFY modul 1", "due_on": (TODAY + timedelta(days=60)).isoformat()},
    )
    milestone = Milestone.objects.get()
    client.post(reverse("participants:milestone-done", args=[milestone.pk]), {"done": "1"})
    page = plan(client, world)
    assert "<html" not in page
    assert "Fagbrev som helsefagarbeider" in page and "MFY modul 1" in page and "✓" in page
    assert "Achieve a trade certificate" in page
    assert "Fagbrev som helsefagarbeider" in plan(
        client_for(world.programme_lead), world, htmx=False
    )


def test_goals_are_ordered_by_target_date(world, client_for):
    client = client_for(world.caseworker)
    add_goal(client, world, title="Later goal", target_on=(TODAY + timedelta(days=300)).isoformat())
    add_goal(
        client,
        world,
        title="Sooner goal",
        category="language",
        target_on=(TODAY + timedelta(days=30)).isoformat(),
    )
    page = plan(client, world)
    assert page.index("Sooner goal") < page.index("Later goal")


def test_a_goal_is_updated_and_a_stale_update_is_refused(world, client_for):
    client = client_for(world.caseworker)
    add_goal(client, world)
    goal = Goal.objects.get()
    url = reverse("participants:goal-edit", args=[goal.pk])
    data = {"category": "fagbrev", "title": "Fagbrev", "status": "in_progress", "version": 1}
    assert client.post(url, data).status_code == 302
    stale = client_for(world.programme_lead).post(url, {**data, "status": "dropped"})
    assert "Somebody else changed this goal" in stale.content.decode()
    goal.refresh_from_db()
    assert goal.status == "in_progress"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "required"),
        ({"title": "\x00"}, "Null characters are not allowed"),
        ({"category": "world_domination"}, "valid choice"),
        ({"target_on": "2026-13-45"}, "valid date"),
    ],
)
def test_bad_goals_are_refused(world, client_for, overrides, message):
    response = add_goal(client_for(world.caseworker), world, **overrides)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Goal.objects.exists()


def test_an_empty_milestone_is_refused_with_a_message(world, client_for):
    client = client_for(world.caseworker)
    add_goal(client, world)
    goal = Goal.objects.get()
    response = client.post(
        reverse("participants:milestone-add", args=[goal.pk]), {"title": ""}, follow=True
    )
    assert "required" in response.content.decode()
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "admin", "foreign_caseworker"])
def test_the_plan_is_only_for_people_who_follow_the_case(world, client_for, who):
    add_goal(client_for(world.caseworker), world)
    goal = Goal.objects.get()
    client = client_for(getattr(world, who))
    assert client.get(reverse("participants:plan", args=[world.participant.pk])).status_code == 404
    assert add_goal(client, world).status_code == 404
    assert client.get(reverse("participants:goal-edit", args=[goal.pk])).status_code == 404
    assert (
        client.post(
            reverse("participants:milestone-add", args=[goal.pk]), {"title": "x"}
        ).status_code
        == 404
    )
    assert Goal.objects.count() == 1 and not Milestone.objects.exists()


def test_the_participant_page_points_to_the_plan(world, client_for):
    page = (
        client_for(world.caseworker)
        .get(reverse("participants:detail", args=[world.participant.pk]))
        .content.decode()
    )
    assert reverse("participants:plan", args=[world.participant.pk]) in page
