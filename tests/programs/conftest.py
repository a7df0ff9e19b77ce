"""A grant of the shared world: «LIM 2026» for «En av mange», led by Liv Lead; and the people
every scoping test asks about."""

import pytest

from programs.models import Grant
from tests import factories as f
from tests.support.grants import make_grant


@pytest.fixture
def grant(world) -> Grant:
    return make_grant(world)


@pytest.fixture
def other_lead(world):
    """A lead of another programme in the same municipality."""
    lead = f.UserFactory(municipality=world.municipality, full_name="Other Lead")
    f.MembershipFactory(user=lead, programme=world.other_programme, role="programme_lead")
    return lead


@pytest.fixture
def foreign_lead(world):
    lead = f.UserFactory(municipality=world.foreign_municipality, full_name="Utländsk Ledare")
    programme = f.ProgrammeFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    return lead
