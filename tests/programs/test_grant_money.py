"""The grant's money for a report period, on an example worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Financing
from programs.money import (
    budget_line_save,
    cost_create,
    payment_create,
    position_month_set,
)
from programs.selectors import grant_money
from tests import factories as f
from tests.support.grants import make_grant

pytestmark = pytest.mark.django_db
D = Decimal
START, END = date(2026, 7, 1), date(2026, 8, 31)


def fill(world, grant):
    """Budget 300 000 + 150 000 + 50 000; costs before, in and after the period."""
    lead = world.programme_lead

    def line(kind, label, amount):
        return budget_line_save(actor=lead, grant=grant, kind=kind, label=label, amount=D(amount))

    # Made in reverse of the order the report shows them in.
    other = line("other", "Reise", "50000")
    activities = line("activities", "Kurs og aktiviteter", "150000")
    position = line("position", "Arbeidsleder 50 %", "300000")
    costs = [
        (date(2026, 2, 10), position, "25000", Financing.GRANT),
        (date(2026, 5, 10), position, "25000", Financing.GRANT),
        (date(2026, 7, 10), position, "25000", Financing.OWN),
        (date(2026, 7, 20), activities, "10000", Financing.GRANT),
        (date(2026, 8, 5), activities, "-2000", Financing.GRANT),
        (date(2026, 7, 25), None, "3000", Financing.OWN),
        (date(2026, 10, 1), position, "25000", Financing.GRANT),
    ]
    for n, (day, budget_line, amount, financing) in enumerate(costs):
        cost_create(
            actor=lead,
            grant=grant,
            spent_on=day,
            account="10500",
            amount=D(amount),
            text=f"Bilag {n}",
            financing=financing,
            budget_line=budget_line,
        )
    payment_create(
        actor=lead, grant=grant, received_on=date(2026, 2, 15), amount=D("225000"), reference="1"
    )
    payment_create(actor=lead, grant=grant, received_on=date(2026, 9, 15), amount=D("200000"))
    for month, share in [((1), "0.5"), ((2), "0.5"), ((8), "0.4"), ((9), "0.5")]:
        position_month_set(actor=lead, grant=grant, month=date(2026, month, 1), share=D(share))
    return other


def test_the_money_of_a_period_as_worked_out_by_hand(world, grant):
    fill(world, grant)
    grant.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        money = grant_money(grant=grant, start=START, end=END)
    assert len(queries) <= 5
    assert money == {
        "currency": "NOK",
        "grant_amount": "450000.00",
        "budget_lines": [
            {
                "kind": "position",
                "label": "Arbeidsleder 50 %",
                "budget": "300000.00",
                "period": "25000.00",
                "to_date": "75000.00",
                "deviation": "-225000.00",
            },
            {
                "kind": "activities",
                "label": "Kurs og aktiviteter",
                "budget": "150000.00",
                "period": "8000.00",
                "to_date": "8000.00",
                "deviation": "-142000.00",
            },
            {
                "kind": "other",
                "label": "Reise",
                "budget": "50000.00",
                "period": "0.00",
                "to_date": "0.00",
                "deviation": "-50000.00",
            },
        ],
        "unassigned": {"period": "3000.00", "to_date": "3000.00"},
        "totals": {
            "budget": "500000.00",
            "period": "36000.00",
            "to_date": "86000.00",
            "deviation": "-414000.00",
        },
        "payments": [{"received_on": "2026-02-15", "amount": "225000.00", "reference": "1"}],
        "payments_total": "225000.00",
        "own_contribution": {
            "required_percent": "20.00",
            "required": "100000.00",
            "made": "28000.00",
            "made_percent": "32.56",
        },
        "position": {
            "share": "0.50",
            "planned_months": "6.00",
            "used_months": "1.40",
            "months": [
                ["2026-01-01", "0.50"],
                ["2026-02-01", "0.50"],
                ["2026-08-01", "0.40"],
            ],
        },
    }


def test_the_query_count_does_not_grow_with_the_rows(world, grant):
    fill(world, grant)
    with CaptureQueriesContext(connection) as few:
        grant_money(grant=grant, start=START, end=END)
    for n in range(20):
        cost_create(
            actor=world.programme_lead,
            grant=grant,
            spent_on=date(2026, 7, 1 + n),
            account="1",
            amount=D("10"),
            budget_line=grant.budget_lines.first(),
        )
    with CaptureQueriesContext(connection) as many:
        grant_money(grant=grant, start=START, end=END)
    assert len(many) == len(few)


def test_a_grant_without_money_recorded_has_zeros_and_no_percentage(world):
    municipality = f.MunicipalityFactory(country="SE")
    grant = make_grant(
        world,
        municipality=municipality,
        starts_on=date(2026, 3, 15),
        ends_on=date(2027, 2, 10),
        funded_position_share=D("0.75"),
    )
    money = grant_money(grant=grant, start=START, end=END)
    assert money["currency"] == "SEK"
    assert money["budget_lines"] == [] and money["totals"]["to_date"] == "0.00"
    assert money["own_contribution"]["made_percent"] is None
    # March 2026 to February 2027, part months counted whole: 12 months.
    assert money["position"]["planned_months"] == "9.00"
