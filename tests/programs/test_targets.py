"""Targets of a grant or a programme: one per figure, at least 1, and a programme's «people
reached» stays its target participants."""

import pytest
from django.db import IntegrityError

from audit.models import ChangeEvent
from config.errors import ApplicationError
from programs.models import Target, TargetMetric
from programs.selectors import targets_for
from programs.services import target_delete, target_set

pytestmark = pytest.mark.django_db


def test_a_grant_target_is_set_changed_and_deleted_with_its_history(world, grant):
    lead = world.programme_lead
    target = target_set(actor=lead, grant=grant, metric="reached", value=10)
    again = target_set(actor=lead, grant=grant, metric="reached", value=12)
    assert again.pk == target.pk and Target.objects.get().value == 12
    target_delete(actor=lead, target=again)
    assert not Target.objects.exists()
    actions = ChangeEvent.objects.filter(model="programs.target").values_list("action", flat=True)
    assert sorted(actions) == ["create", "delete", "update"]


@pytest.mark.parametrize("value", [0, -3, None])
def test_a_target_of_zero_is_refused(world, grant, value):
    with pytest.raises(ApplicationError, match="at least 1") as error:
        target_set(actor=world.programme_lead, grant=grant, metric="reached", value=value)
    assert error.value.field == "value" and not Target.objects.exists()


def test_a_programme_target_for_people_reached_is_sent_to_the_programme(world):
    with pytest.raises(ApplicationError, match="set it on the programme") as error:
        target_set(
            actor=world.programme_lead, programme=world.programme, metric="reached", value=10
        )
    assert error.value.field == "metric"


def test_a_target_needs_exactly_one_subject(world, grant):
    for subjects in ({}, {"grant": grant, "programme": world.programme}):
        with pytest.raises(ApplicationError, match="either a grant or a programme"):
            target_set(actor=world.programme_lead, metric="new", value=3, **subjects)
    with pytest.raises(IntegrityError):
        Target.objects.create(grant=grant, programme=world.programme, metric="new", value=3)


def test_an_unknown_metric_is_refused(world, grant):
    with pytest.raises(ApplicationError, match="what the target counts"):
        target_set(actor=world.programme_lead, grant=grant, metric="happiness", value=3)


@pytest.mark.parametrize("who", ["caseworker", "other_lead", "foreign_lead"])
def test_only_a_lead_sets_or_deletes_targets(world, grant, request, who):
    actor = request.getfixturevalue(who) if who.endswith("lead") else getattr(world, who)
    with pytest.raises(ApplicationError, match="Only the lead"):
        target_set(actor=actor, grant=grant, metric="new", value=3)
    with pytest.raises(ApplicationError, match="Only the programme's lead"):
        target_set(actor=actor, programme=world.programme, metric="new", value=3)
    target = target_set(actor=world.programme_lead, grant=grant, metric="new", value=3)
    with pytest.raises(ApplicationError, match="Only the lead"):
        target_delete(actor=actor, target=target)
    assert Target.objects.count() == 1


def test_targets_come_in_the_metrics_order_with_the_programmes_target_participants(world, grant):
    lead = world.programme_lead
    target_set(actor=lead, grant=grant, metric="in_work_or_education_at_exit", value=4)
    target_set(actor=lead, grant=grant, metric="reached", value=10)
    target_set(actor=lead, programme=world.programme, metric="modules_passed", value=20)
    target_set(actor=lead, programme=world.programme, metric="new", value=6)
    assert targets_for(grant=grant) == [("reached", 10), ("in_work_or_education_at_exit", 4)]
    assert targets_for(programme=world.programme) == [("new", 6), ("modules_passed", 20)]
    world.programme.target_participants = 12
    world.programme.save()
    assert targets_for(programme=world.programme)[0] == (TargetMetric.REACHED, 12)
    with pytest.raises(ValueError):
        targets_for()
