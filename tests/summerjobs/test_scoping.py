"""Seasons and applications are seen by the staff of the season's programme only: not by
others of the same municipality, never by another municipality."""

from datetime import date

import pytest

from summerjobs.models import Application, Season
from tests import factories as f
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(summer):
    return apply(summer, born=date(YEAR - 17, 3, 3), serial=21)


def test_the_programmes_staff_see_the_season_and_its_applications(world, summer, applied):
    staff = world.foreign_caseworker
    assert list(Season.objects.visible_to(staff)) == [summer.season]
    assert list(Application.objects.visible_to(staff)) == [applied]


def test_staff_of_the_same_municipality_outside_the_programme_see_nothing(world, summer, applied):
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    other = f.ProgrammeFactory(municipality=colleague.municipality, name="Jobbspår")
    f.MembershipFactory(user=colleague, programme=other, role="programme_lead")
    assert not Season.objects.visible_to(colleague).exists()
    assert not Application.objects.visible_to(colleague).exists()
    assert not Application.objects.visible_to(world.foreign_arbeidsleder).exists()


def test_another_municipalitys_staff_see_nothing(world, summer, applied):
    for user in (world.caseworker, world.programme_lead, world.admin):
        assert not Season.objects.visible_to(user).exists()
        assert not Application.objects.visible_to(user).exists()
