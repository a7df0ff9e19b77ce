"""A grant goes with its money; a budget line with costs does not go on its own."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import RestrictedError

from programs.models import BudgetLine, Cost
from programs.money import budget_line_save, cost_create
from tests.support.grants import make_grant

pytestmark = pytest.mark.django_db


def test_a_grant_is_deleted_with_its_budget_lines_and_costs_but_a_used_line_is_not(world):
    grant = make_grant(world)
    line = budget_line_save(
        actor=world.programme_lead, grant=grant, kind="other", label="Reise", amount=Decimal(1)
    )
    cost_create(
        actor=world.programme_lead,
        grant=grant,
        spent_on=date(2026, 2, 1),
        account="7140",
        amount=Decimal(5),
        budget_line=line,
    )
    with pytest.raises(RestrictedError):
        line.delete()
    grant.delete()
    assert not BudgetLine.objects.exists() and not Cost.objects.exists()
