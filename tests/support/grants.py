"""A grant with money, for the programme lead's pages."""

from datetime import date
from decimal import Decimal

from programs.models import Grant


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
