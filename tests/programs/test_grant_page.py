"""The grant page: budget, costs, payments, own contribution, the funded position, targets and
deadlines, for a lead of every programme the grant funds; 404 for anyone else."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import (
    BudgetLine,
    Cost,
    Financing,
    Payment,
    PositionMonth,
    ReportDeadline,
    Target,
)
from programs.money import budget_line_save, cost_create, payment_create, position_month_set
from programs.services import target_set
from tests.support.grants import make_grant

pytestmark = pytest.mark.django_db
D = Decimal


def page(grant) -> str:
    return reverse("programs:grant", args=[grant.pk])


def filled(world, grant, costs: int = 3):
    lead = world.programme_lead
    position = budget_line_save(
        actor=lead, grant=grant, kind="position", label="Arbeidsleder 50 %", amount=D("300000")
    )
    budget_line_save(actor=lead, grant=grant, kind="activities", label="Kurs", amount=D("150000"))
    for n in range(costs):
        cost_create(
            actor=lead,
            grant=grant,
            spent_on=date(2026, 1, 1) + timedelta(days=n),
            account="10500",
            amount=D("1234.50"),
            text=f"Bilag {n}",
            budget_line=position if n % 2 else None,
            financing=Financing.OWN if n % 3 == 0 else Financing.GRANT,
        )
    payment_create(actor=lead, grant=grant, received_on=date(2026, 2, 15), amount=D("225000"))
    position_month_set(actor=lead, grant=grant, month=date(2026, 1, 1), share=D("0.5"))
    target_set(actor=lead, grant=grant, metric="reached", value=10)
    ReportDeadline.objects.create(
        grant=grant, due_on=timezone.localdate() - timedelta(days=3), label="Halvårsrapport LIM"
    )
    ReportDeadline.objects.create(
        grant=grant, due_on=timezone.localdate() + timedelta(days=60), label="Sluttrapport"
    )
    return position


def test_the_lead_sees_the_money_targets_and_deadlines(world, grant, client_for):
    filled(world, grant)
    html = client_for(world.programme_lead).get(page(grant)).content.decode()
    for text in (
        'id="budget"',
        'id="costs"',
        'id="payments"',
        'id="position"',
        'id="targets"',
        'id="deadlines"',
        "Arbeidsleder 50 %",
        "300,000\u00a0NOK",  # the line's budget
        "-298,765.50\u00a0NOK",  # its deviation: one cost of 1 234,50 charged to it
        "3,703.50\u00a0NOK",  # spent to date, all three costs
        "225,000\u00a0NOK",
        "People reached: <strong>10</strong>",
        "Halvårsrapport LIM",
        "Overdue",
        "Upcoming",
        reverse("imports:costs", args=[grant.pk]),
    ):
        assert text in html, text


def test_amounts_are_written_the_norwegian_way_in_norwegian(world, grant, client_for):
    filled(world, grant)
    client = client_for(world.programme_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    html = client.get(page(grant)).content.decode()
    assert "300\u00a0000\u00a0kr" in html and "1\u00a0234,50\u00a0kr" in html
    assert "Budsjett" in html and "Utbetalinger fra tilskuddsgiver" in html


def test_the_lead_records_money_through_the_forms_and_comes_back_to_the_section(
    world, grant, client_for
):
    client = client_for(world.programme_lead)
    posts = [
        (
            "budget-line-add",
            {"kind": "position", "label": "Stilling", "amount": "300 000"},
            "budget",
        ),
        (
            "cost-add",
            {
                "spent_on": "2026-03-01",
                "account": "10500",
                "amount": "1 234,50",
                "text": "Lønn",
                "financing": "own",
            },
            "costs",
        ),
        ("payment-add", {"received_on": "2026-02-15", "amount": "225000"}, "payments"),
        ("position-set", {"month": "2026-03", "share": "0.5"}, "position"),
        ("grant-target-set", {"metric": "new", "value": "6"}, "targets"),
        ("deadline-add", {"label": "Sluttrapport", "due_on": "2027-02-15"}, "deadlines"),
    ]
    for name, data, anchor in posts:
        response = client.post(reverse(f"programs:{name}", args=[grant.pk]), data)
        assert response.status_code == 302
        assert response["Location"] == page(grant) + f"#{anchor}", name
    assert Cost.objects.get().amount == D("1234.50")
    assert BudgetLine.objects.get().amount == D("300000")
    assert PositionMonth.objects.get().month == date(2026, 3, 1)
    assert Payment.objects.exists() and Target.objects.get().value == 6
    deadline = ReportDeadline.objects.get()
    client.post(
        reverse("programs:deadline-submitted", args=[deadline.pk]),
        {"submitted_on": "2026-11-30", "submitted_to": "Agder fylkeskommune"},
    )
    deadline.refresh_from_db()
    assert deadline.submitted_on == date(2026, 11, 30)
    html = client.get(page(grant)).content.decode()
    assert "Submitted" in html and "Agder fylkeskommune" in html


def test_the_lead_deletes_through_the_buttons(world, grant, client_for):
    filled(world, grant, costs=1)
    client = client_for(world.programme_lead)
    unused = BudgetLine.objects.get(label="Kurs")
    for name, pk in [
        ("cost-delete", Cost.objects.get().pk),
        ("payment-delete", Payment.objects.get().pk),
        ("target-delete", Target.objects.get().pk),
        ("budget-line-delete", unused.pk),
    ]:
        assert client.post(reverse(f"programs:{name}", args=[pk])).status_code == 302
    assert not Cost.objects.exists() and not Payment.objects.exists()
    assert not Target.objects.exists() and BudgetLine.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "cost-add",
            {"spent_on": "2027-03-01", "account": "1", "amount": "10", "financing": "grant"},
            "outside the grant&#x27;s period",
        ),
        (
            "cost-add",
            {"spent_on": "2026-03-01", "account": "1", "amount": "1,2,3", "financing": "grant"},
            "Amount: Write the amount as a number",
        ),
        (
            "cost-add",
            {"spent_on": "2026-03-01", "account": "1", "amount": "0", "financing": "grant"},
            "A cost cannot be zero",
        ),
        ("payment-add", {"received_on": "2026-02-15", "amount": "-5"}, "more than zero"),
        ("grant-target-set", {"metric": "new", "value": "0"}, "at least 1"),
        ("position-set", {"month": "2027-03", "share": "0.5"}, "outside the grant&#x27;s period"),
        ("budget-line-add", {"kind": "other", "label": "X", "amount": "-1"}, "cannot be negative"),
    ],
)
def test_bad_input_comes_back_as_a_message_and_writes_nothing(
    world, grant, client_for, name, data, message
):
    response = client_for(world.programme_lead).post(
        reverse(f"programs:{name}", args=[grant.pk]), data, follow=True
    )
    assert message in response.content.decode()
    assert not Cost.objects.exists() and not Payment.objects.exists()
    assert not Target.objects.exists() and not PositionMonth.objects.exists()
    assert not BudgetLine.objects.exists()


def test_a_cost_on_another_grants_budget_line_is_not_a_choice(world, grant, client_for):
    other_line = filled(world, make_grant(world, name="Annet"), costs=0)
    response = client_for(world.programme_lead).post(
        reverse("programs:cost-add", args=[grant.pk]),
        {
            "spent_on": "2026-03-01",
            "account": "1",
            "amount": "10",
            "financing": "grant",
            "budget_line": other_line.pk,
        },
        follow=True,
    )
    assert "valid choice" in response.content.decode()
    assert not grant.costs.exists()


@pytest.fixture(params=["caseworker", "other_caseworker", "other_lead", "foreign_lead"])
def outsider(request, world):
    who = request.param
    return request.getfixturevalue(who) if who.endswith("lead") else getattr(world, who)


def test_nobody_else_sees_the_grant_page_or_posts_to_it(world, grant, client_for, outsider):
    filled(world, grant, costs=1)
    deadline = ReportDeadline.objects.first()
    client = client_for(outsider)
    assert client.get(page(grant)).status_code == 404
    assert client.get(reverse("imports:costs", args=[grant.pk])).status_code == 404
    for name in (
        "budget-line-add",
        "cost-add",
        "payment-add",
        "position-set",
        "grant-target-set",
        "deadline-add",
    ):
        assert client.post(reverse(f"programs:{name}", args=[grant.pk]), {}).status_code == 404
    for name, pk in [
        ("cost-delete", Cost.objects.get().pk),
        ("payment-delete", Payment.objects.get().pk),
        ("target-delete", Target.objects.get().pk),
        ("budget-line-delete", BudgetLine.objects.get(label="Kurs").pk),
        ("budget-line-edit", BudgetLine.objects.get(label="Kurs").pk),
        ("deadline-submitted", deadline.pk),
    ]:
        assert client.post(reverse(f"programs:{name}", args=[pk])).status_code == 404, name
    assert Cost.objects.count() == 1 and Payment.objects.count() == 1
    assert Target.objects.count() == 1 and BudgetLine.objects.count() == 2
    deadline.refresh_from_db()
    assert deadline.submitted_on is None


def test_a_lead_of_only_one_of_the_funded_programmes_is_refused_with_a_message(
    world, client_for, other_lead
):
    from tests import factories as f

    f.MembershipFactory(user=other_lead, programme=world.programme, role="caseworker")
    grant = make_grant(world, programmes=[world.programme, world.other_programme])
    response = client_for(world.programme_lead).post(
        reverse("programs:payment-add", args=[grant.pk]),
        {"received_on": "2026-02-15", "amount": "100"},
        follow=True,
    )
    assert "Only the lead of every programme" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_grant_page_costs_a_fixed_number_of_queries(world, grant, client_for):
    client = client_for(world.programme_lead)
    filled(world, grant, costs=2)
    client.get(page(grant))  # the session's first request does its own bookkeeping
    with CaptureQueriesContext(connection) as few:
        assert client.get(page(grant)).status_code == 200
    filled_more = make_grant(world, name="Stor")
    filled(world, filled_more, costs=40)
    for n in range(5):
        payment_create(
            actor=world.programme_lead,
            grant=filled_more,
            received_on=date(2026, 3, 1 + n),
            amount=D("10"),
        )
        position_month_set(
            actor=world.programme_lead,
            grant=filled_more,
            month=date(2026, 2 + n, 1),
            share=D("0.5"),
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(page(filled_more)).content.decode()
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)
    assert len(many) <= 30
    assert "Page 1 of 2" in html


def test_programme_targets_are_set_on_the_programme_page(world, client_for, other_lead):
    url = reverse("programs:programme-target-set", args=[world.programme.pk])
    client = client_for(world.programme_lead)
    response = client.post(url, {"metric": "modules_passed", "value": "20"})
    assert response["Location"].endswith("#targets")
    target = Target.objects.get(programme=world.programme)
    html = client.get(reverse("programs:edit", args=[world.programme.pk])).content.decode()
    assert "Modules passed: <strong>20</strong>" in html
    # «People reached» is the programme's target participants, not offered here.
    assert 'value="reached"' not in html
    assert client_for(other_lead).post(url, {"metric": "new", "value": "3"}).status_code == 404
    assert (
        client_for(other_lead).post(reverse("programs:target-delete", args=[target.pk])).status_code
        == 404
    )
    assert Target.objects.count() == 1


def test_the_lead_changes_a_budget_line_on_the_page_and_a_bad_amount_changes_nothing(
    world, grant, client_for
):
    position = filled(world, grant, costs=1)
    client = client_for(world.programme_lead)
    assert f'id="line{position.pk}_amount"' in client.get(page(grant)).content.decode()
    url = reverse("programs:budget-line-edit", args=[position.pk])
    bad = client.post(
        url, {"kind": "position", "label": "Arbeidsleder", "amount": "mye"}, follow=True
    )
    assert "Budget" in bad.content.decode() and BudgetLine.objects.get(pk=position.pk).amount == D(
        "300000"
    )
    response = client.post(
        url, {"kind": "position", "label": "Arbeidsleder 60 %", "amount": "360 000"}
    )
    assert response["Location"].endswith("#budget")
    position.refresh_from_db()
    assert (position.label, position.amount) == ("Arbeidsleder 60 %", D("360000"))
