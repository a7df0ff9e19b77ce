"""The applications of young people who got no place are deleted once their season's time has
passed; those who got a place, and every season still running, are kept."""

import logging
from datetime import date

import pytest

from audit.models import ChangeEvent
from summerjobs.models import Allocation, Application, Choice, LotteryRun
from summerjobs.services import application_set_tier, applications_purge_unplaced, lottery_run
from summerjobs.tasks import applications_purge_unplaced_task
from tests import factories as f
from tests.support.summerjobs import YEAR, after_the_season, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocated(world, summer):
    """Three 17-year-olds who all want the Vaktmästeri (two places) and nothing else: two get
    a place, one is on the reserve list; a fourth withdrew."""
    area = [summer.areas["Vaktmästeri"].pk]
    people = [
        apply(summer, born=date(YEAR - 17, 4, 1 + n), serial=600 + n, area_ids=area)
        for n in range(4)
    ]
    Application.objects.filter(pk=people[3].pk).update(status="withdrawn")
    lottery_run(season=summer.season, seed=1, dry_run=False, actor=None)
    return people


def test_after_the_season_the_unplaced_go_and_the_placed_stay(world, summer, allocated, caplog):
    lead = f.UserFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(user=lead, programme=summer.season.programme, role="programme_lead")
    placed = set(
        Allocation.objects.filter(place__isnull=False).values_list("application_id", flat=True)
    )
    reserve = next(a for a in allocated[:3] if a.pk not in placed)
    application_set_tier(
        actor=lead, application=reserve, tier=summer.tiers[0], expected_version=reserve.version
    )

    with caplog.at_level(logging.INFO, logger="summerjobs.services"):
        deleted = applications_purge_unplaced(today=after_the_season(summer, 1))

    assert deleted == 2  # the one on the reserve list and the one who withdrew
    assert set(Application.objects.values_list("pk", flat=True)) == placed
    assert set(Choice.objects.values_list("application_id", flat=True)) == placed
    assert not Allocation.objects.filter(place__isnull=True).exists()
    history = ChangeEvent.objects.get(model="summerjobs.application", object_id=str(reserve.pk))
    assert history.redacted_at is not None and history.changes == {"tier": [None, None]}
    assert LotteryRun.objects.get(dry_run=False).result["reserve"]  # the run keeps its keys
    assert reserve.last_name not in caplog.text and "2 unplaced applications" in caplog.text


def test_nothing_goes_before_the_time_and_a_second_run_finds_nothing(summer, allocated):
    assert applications_purge_unplaced(today=after_the_season(summer, -1)) == 0
    assert Application.objects.count() == 4
    assert applications_purge_unplaced(today=after_the_season(summer, 1)) == 2
    assert applications_purge_unplaced(today=after_the_season(summer, 2)) == 0


def test_without_a_run_for_real_nobody_was_placed_and_all_go_in_time(summer):
    apply(summer, born=date(YEAR - 18, 1, 9), serial=700)
    applications_purge_unplaced_task()  # today: the season is still to come
    assert Application.objects.count() == 1
    assert applications_purge_unplaced(today=after_the_season(summer, 1)) == 1
    assert not Application.objects.exists()
