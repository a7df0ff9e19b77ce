"""The grant's money: budget lines, costs, payments and the funded position, through the
services, each rule with the message a lead reads."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from audit.models import ChangeEvent
from config.errors import ApplicationError
from programs.models import Cost, CostSource, Financing, Payment, PositionMonth
from programs.money import (
    CostRow,
    CostRowsError,
    budget_line_delete,
    budget_line_save,
    cost_create,
    cost_create_many,
    cost_delete,
    payment_create,
    payment_delete,
    position_month_set,
)
from programs.services import grant_save
from tests.support.grants import make_grant

pytestmark = pytest.mark.django_db
D = Decimal


def line(world, grant, label="Arbeidsleder 50 %", kind="position", amount="300000"):
    return budget_line_save(
        actor=world.programme_lead, grant=grant, kind=kind, label=label, amount=D(amount)
    )


def cost(world, grant, **values):
    values = {
        "spent_on": date(2026, 3, 15),
        "account": "10500",
        "amount": D("1234.50"),
        "text": "Lønn mars",
        **values,
    }
    return cost_create(actor=world.programme_lead, grant=grant, **values)


# --- budget lines --------------------------------------------------------------------------------


def test_a_budget_line_is_added_changed_and_audited(world, grant):
    budget_line = line(world, grant)
    changed = budget_line_save(
        actor=world.programme_lead,
        grant=grant,
        kind="position",
        label="Arbeidsleder 50 %",
        amount=D("310000"),
        budget_line=budget_line,
    )
    assert changed.amount == D("310000.00") and grant.budget_lines.count() == 1
    actions = ChangeEvent.objects.filter(model="programs.budgetline").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "update"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": D("-1")}, "amount", "cannot be negative"),
        ({"label": "  "}, "label", "Give the budget line a name"),
        ({"kind": "salary"}, "kind", "Choose what the budget line is for"),
        ({"label": "arbeidsleder 50 %"}, "label", "already has a budget line by this name"),
    ],
)
def test_bad_budget_lines_are_refused(world, grant, values, field, message):
    line(world, grant)
    with pytest.raises(ApplicationError, match=message) as error:
        budget_line_save(
            actor=world.programme_lead,
            grant=grant,
            **{"kind": "activities", "label": "Kurs", "amount": D("1000"), **values},
        )
    assert error.value.field == field
    assert grant.budget_lines.count() == 1


def test_a_budget_line_of_another_grant_cannot_be_changed_through_this_one(world, grant):
    other = line(world, make_grant(world, name="Annet tilskudd"))
    with pytest.raises(ApplicationError, match="this grant's budget lines"):
        budget_line_save(
            actor=world.programme_lead,
            grant=grant,
            kind="other",
            label="X",
            amount=D("1"),
            budget_line=other,
        )


def test_a_budget_line_with_costs_cannot_be_deleted_and_one_without_can(world, grant):
    used = line(world, grant)
    cost(world, grant, budget_line=used)
    with pytest.raises(ApplicationError, match="Costs are charged to this budget line"):
        budget_line_delete(actor=world.programme_lead, budget_line=used)
    unused = line(world, grant, label="Kurs", kind="activities", amount="50000")
    budget_line_delete(actor=world.programme_lead, budget_line=unused)
    assert list(grant.budget_lines.all()) == [used]


# --- costs ---------------------------------------------------------------------------------------


def test_a_cost_and_a_credit_note_are_recorded_with_their_fingerprint(world, grant):
    first = cost(world, grant)
    credit = cost(world, grant, amount=D("-200"), text="Kreditnota")
    assert first.source == CostSource.ENTERED and first.created_by == world.programme_lead
    assert credit.amount == D("-200.00") and first.fingerprint != credit.fingerprint
    assert ChangeEvent.objects.filter(model="programs.cost", action="create").count() == 2


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"spent_on": date(2025, 12, 31)}, "spent_on", "outside the grant's period"),
        ({"spent_on": date(2027, 1, 1)}, "spent_on", "outside the grant's period"),
        ({"amount": D("0")}, "amount", "cannot be zero"),
        ({"amount": D("0.001")}, "amount", "cannot be zero"),
        ({"account": " "}, "account", "Give the account"),
        ({"financing": "loan"}, "financing", "Choose how the cost is financed"),
    ],
)
def test_bad_costs_are_refused(world, grant, values, field, message):
    with pytest.raises(ApplicationError, match=message) as error:
        cost(world, grant, **values)
    assert error.value.field == field
    assert not Cost.objects.exists()


def test_the_first_and_last_day_of_the_grant_take_costs(world, grant):
    cost(world, grant, spent_on=date(2026, 1, 1))
    cost(world, grant, spent_on=date(2026, 12, 31))
    assert grant.costs.count() == 2


def test_the_same_cost_twice_is_refused_whatever_the_spacing_or_letter_case(world, grant):
    cost(world, grant)
    with pytest.raises(ApplicationError, match="already recorded"):
        cost(world, grant, text="  lønn   MARS ", amount=D("1234.5"))
    assert grant.costs.count() == 1
    # The same line on another grant is another grant's cost.
    cost(world, make_grant(world, name="Annet"))


def test_the_database_refuses_a_duplicate_the_service_did_not_see(world, grant):
    first = cost(world, grant)
    with pytest.raises(IntegrityError):
        Cost.objects.create(
            grant=grant,
            spent_on=first.spent_on,
            account="x",
            amount=1,
            fingerprint=first.fingerprint,
        )


def test_a_cost_on_a_budget_line_of_another_grant_is_refused(world, grant):
    foreign_line = line(world, make_grant(world, name="Annet"))
    with pytest.raises(ApplicationError, match="this grant's budget lines") as error:
        cost(world, grant, budget_line=foreign_line)
    assert error.value.field == "budget_line"


def test_own_financed_costs_cannot_add_up_below_zero(world, grant):
    cost(world, grant, amount=D("500"), financing=Financing.OWN)
    with pytest.raises(ApplicationError, match="The own contribution cannot be negative"):
        cost(world, grant, amount=D("-600"), financing=Financing.OWN, text="Kreditnota")
    cost(world, grant, amount=D("-500"), financing=Financing.OWN, text="Kreditnota")
    # A credit note on the grant's side is not the own contribution's.
    cost(world, grant, amount=D("-900"), text="Kreditnota 2")
    assert grant.costs.count() == 3


def test_deleting_an_own_cost_that_a_credit_note_relies_on_is_refused(world, grant):
    paid = cost(world, grant, amount=D("500"), financing=Financing.OWN)
    cost(world, grant, amount=D("-300"), financing=Financing.OWN, text="Kreditnota")
    with pytest.raises(ApplicationError, match="The own contribution cannot be negative"):
        cost_delete(actor=world.programme_lead, cost=paid)
    assert grant.costs.count() == 2


def test_a_cost_is_deleted_with_its_history(world, grant):
    recorded = cost(world, grant)
    cost_delete(actor=world.programme_lead, cost=recorded)
    assert not Cost.objects.exists()
    assert ChangeEvent.objects.filter(model="programs.cost", action="delete").exists()


def test_many_costs_are_all_or_nothing_and_every_problem_is_named_by_line(world, grant):
    rows = [
        CostRow(2, date(2026, 2, 1), "10500", D("100"), "a"),
        CostRow(3, date(2025, 2, 1), "10500", D("100"), "b"),
        CostRow(4, date(2026, 2, 1), "10500", D("100"), "a"),
        CostRow(5, date(2026, 2, 1), "10500", D("0"), "c"),
    ]
    with pytest.raises(CostRowsError) as error:
        cost_create_many(actor=world.programme_lead, grant=grant, rows=rows)
    assert [(p.line, p.field) for p in error.value.problems] == [
        (3, "spent_on"),
        (4, None),
        (5, "amount"),
    ]
    assert "row 2" in error.value.problems[1].message
    assert not Cost.objects.exists()
    created = cost_create_many(actor=world.programme_lead, grant=grant, rows=rows[:1])
    assert created[0].pk and created[0].source == CostSource.IMPORTED


# --- payments ------------------------------------------------------------------------------------


def test_a_payment_is_recorded_and_deleted(world, grant):
    payment = payment_create(
        actor=world.programme_lead,
        grant=grant,
        received_on=date(2026, 2, 15),
        amount=D("225000"),
        reference="Første utbetaling",
    )
    assert payment.amount == D("225000.00")
    payment_delete(actor=world.programme_lead, payment=payment)
    assert not Payment.objects.exists()
    assert ChangeEvent.objects.filter(model="programs.payment").count() == 2


@pytest.mark.parametrize("amount", [D("0"), D("-100")])
def test_a_payment_of_zero_or_less_is_refused(world, grant, amount):
    with pytest.raises(ApplicationError, match="more than zero") as error:
        payment_create(
            actor=world.programme_lead, grant=grant, received_on=date(2026, 2, 15), amount=amount
        )
    assert error.value.field == "amount" and not Payment.objects.exists()


# --- the funded position -------------------------------------------------------------------------


def test_a_month_is_set_changed_and_cleared(world, grant):
    lead = world.programme_lead
    month = position_month_set(actor=lead, grant=grant, month=date(2026, 3, 17), share=D("0.5"))
    assert month.month == date(2026, 3, 1)
    position_month_set(actor=lead, grant=grant, month=date(2026, 3, 1), share=D("0.4"))
    assert PositionMonth.objects.get().share == D("0.40")
    assert position_month_set(actor=lead, grant=grant, month=date(2026, 3, 1), share=0) is None
    assert not PositionMonth.objects.exists()
    actions = ChangeEvent.objects.filter(model="programs.positionmonth").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "delete", "update"]


@pytest.mark.parametrize(
    ("month", "share", "field", "message"),
    [
        (date(2025, 12, 1), D("0.5"), "month", "outside the grant's period"),
        (date(2027, 1, 1), D("0.5"), "month", "outside the grant's period"),
        (date(2026, 5, 1), D("1.01"), "share", "from 0 to 1"),
        (date(2026, 5, 1), D("-0.5"), "share", "from 0 to 1"),
    ],
)
def test_bad_months_are_refused(world, grant, month, share, field, message):
    with pytest.raises(ApplicationError, match=message) as error:
        position_month_set(actor=world.programme_lead, grant=grant, month=month, share=share)
    assert error.value.field == field and not PositionMonth.objects.exists()


def test_a_grant_starting_mid_month_takes_that_month(world):
    grant = make_grant(world, starts_on=date(2026, 3, 15), ends_on=date(2026, 9, 10))
    for month in (date(2026, 3, 1), date(2026, 9, 1)):
        position_month_set(actor=world.programme_lead, grant=grant, month=month, share=D("1"))
    assert grant.position_months.count() == 2


# --- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["caseworker", "other_lead", "foreign_lead", "admin"])
def test_only_a_lead_of_every_programme_the_grant_funds_may_change_its_money(
    world, grant, request, who
):
    actor = request.getfixturevalue(who) if who.endswith("lead") else getattr(world, who)
    budget_line = line(world, grant)
    recorded = cost(world, grant)
    calls = [
        lambda: budget_line_save(actor=actor, grant=grant, kind="other", label="X", amount=1),
        lambda: budget_line_delete(actor=actor, budget_line=budget_line),
        lambda: cost_create(
            actor=actor, grant=grant, spent_on=date(2026, 3, 1), account="1", amount=D("1")
        ),
        lambda: cost_delete(actor=actor, cost=recorded),
        lambda: payment_create(actor=actor, grant=grant, received_on=date(2026, 1, 1), amount=1),
        lambda: position_month_set(actor=actor, grant=grant, month=date(2026, 1, 1), share=1),
    ]
    for call in calls:
        with pytest.raises(ApplicationError, match="Only the lead of every programme"):
            call()
    assert grant.costs.count() == 1 and grant.budget_lines.count() == 1


def test_a_lead_of_one_of_two_funded_programmes_may_not_change_the_money(world, other_lead):
    grant = make_grant(world, programmes=[world.programme, world.other_programme])
    with pytest.raises(ApplicationError, match="Only the lead of every programme"):
        line(world, grant)
    with pytest.raises(ApplicationError, match="Only the lead of every programme"):
        budget_line_save(actor=other_lead, grant=grant, kind="other", label="X", amount=1)


# --- the grant itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"own_contribution_percent": D("-5")}, "own_contribution_percent", "cannot be negative"),
        ({"own_contribution_percent": D("100.01")}, "own_contribution_percent", "0 to 100"),
        ({"funded_position_share": D("50.5")}, "funded_position_share", "0 to 50 FTE"),
        ({"funded_position_share": D("-0.5")}, "funded_position_share", "0 to 50 FTE"),
    ],
)
def test_a_grant_with_a_bad_share_is_refused(world, values, field, message):
    data = {
        "funder": "Agder fylkeskommune",
        "name": "LIM",
        "amount": D("1000"),
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "own_contribution_percent": D("20"),
        "funded_position_share": D("0.5"),
        **values,
    }
    with pytest.raises(ApplicationError, match=message) as error:
        grant_save(
            actor=world.programme_lead,
            municipality=world.municipality,
            programmes=[world.programme],
            **data,
        )
    assert error.value.field == field


def test_the_grant_form_says_a_negative_own_contribution_is_refused(world, client_for):
    from django.urls import reverse

    response = client_for(world.programme_lead).post(
        reverse("programs:grant-create"),
        {
            "funder": "Agder fylkeskommune",
            "name": "LIM",
            "amount": "1000",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "own_contribution_percent": "-5",
            "funded_position_share": "51",
            "programmes": [world.programme.pk],
        },
    )
    page = response.content.decode()
    assert "The own contribution cannot be negative." in page
    assert "less than or equal to 50" in page


@pytest.mark.parametrize("amount", ["1" * 30, "9" * 40, "1e30", "NaN"])
def test_an_amount_of_absurd_length_is_refused_with_a_message_not_a_crash(
    world, grant, client_for, amount
):
    client = client_for(world.programme_lead)
    for name, data in (
        ("budget-line-add", {"kind": "other", "label": "X", "amount": amount}),
        (
            "cost-add",
            {"spent_on": "2026-03-01", "account": "1", "amount": amount, "financing": "grant"},
        ),
        ("payment-add", {"received_on": "2026-03-01", "amount": amount}),
    ):
        response = client.post(reverse(f"programs:{name}", args=[grant.pk]), data, follow=True)
        assert response.status_code == 200, name
    assert not grant.budget_lines.exists() and not grant.costs.exists()
    with pytest.raises(ApplicationError):
        payment_create(
            actor=world.programme_lead, grant=grant, received_on=date(2026, 3, 1), amount=amount
        )
