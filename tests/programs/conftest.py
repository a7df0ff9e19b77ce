"""A grant of the shared world: «LIM 2026» for «En av mange», led by Liv Lead; and the people
every scoping test asks about."""

from datetime import date
from decimal import Decimal

import pytest

from programs.models import Grant
from tests import factories as f


def make_grant(world, programmes=None, **values) -> Grant:
    values = {
        "municipality": world.municipality,
        "funder": "Agder fylkeskommune",
        "name": "LIM 2026",
        "amount": Decimal("450000"),
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "own_contribution_percent": Decimal("20"),
        "funded_position_share": Decimal("0.5"),
        **values,
    }
    grant = Grant.objects.create(**values)
    grant.programmes.set(programmes or [world.programme])
    return grant


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
