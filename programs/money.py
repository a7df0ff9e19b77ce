"""Writes for a grant's money: its budget lines, the costs charged to it (entered one by one
or imported from the municipality's accounts), the payments received from the funder and the
use of the funded position month by month. Each write is for a lead of every programme the
grant funds, and records its change in the same transaction."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from audit.models import ChangeAction
from audit.services import audited_delete, change_record, snapshot
from config.errors import ApplicationError
from programs.models import (
    BudgetLine,
    BudgetLineKind,
    Cost,
    CostSource,
    Financing,
    Grant,
    Payment,
    PositionMonth,
)
from programs.services import check_grant_leads

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # what a DecimalField(12, 2) holds
_BUDGET_FIELDS = ["grant", "kind", "label", "amount"]
_COST_FIELDS = ["grant", "budget_line", "spent_on", "account", "amount", "text", "financing"]
_PAYMENT_FIELDS = ["grant", "received_on", "amount", "reference"]
_MONTH_FIELDS = ["grant", "month", "share"]


def _amount(value, field: str = "amount") -> Decimal:
    if value is None:
        raise ApplicationError(_("Give the amount."), field=field)
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(
            _("Write the amount as a number, e.g. 1 234,50."), field=field
        ) from None
    # The size first: rounding a number of thirty digits to øre fails outright.
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise ApplicationError(_("The amount is too large."), field=field)
    return amount.quantize(CENT)


# --- budget lines ------------------------------------------------------------------------------


def budget_line_save(
    *,
    actor,
    grant: Grant,
    kind: str,
    label: str,
    amount: Decimal,
    budget_line: BudgetLine | None = None,
) -> BudgetLine:
    """Add a budget line to the grant, or change one of its lines."""
    check_grant_leads(actor=actor, grant=grant)
    if budget_line is not None and budget_line.grant_id != grant.pk:
        raise ApplicationError(_("Choose one of this grant's budget lines."), field="budget_line")
    label = " ".join((label or "").split())[:150]
    if not label:
        raise ApplicationError(_("Give the budget line a name."), field="label")
    if kind not in BudgetLineKind.values:
        raise ApplicationError(_("Choose what the budget line is for."), field="kind")
    amount = _amount(amount)
    if amount < 0:
        raise ApplicationError(_("A budget line cannot be negative."), field="amount")
    taken = grant.budget_lines.filter(label__iexact=label)
    if budget_line is not None:
        taken = taken.exclude(pk=budget_line.pk)
    if taken.exists():
        raise ApplicationError(
            _("The grant already has a budget line by this name."), field="label"
        )
    with transaction.atomic():
        if budget_line is None:
            before, action = {}, ChangeAction.CREATE
            budget_line = BudgetLine.objects.create(
                grant=grant, kind=kind, label=label, amount=amount
            )
        else:
            before, action = snapshot(budget_line, _BUDGET_FIELDS), ChangeAction.UPDATE
            budget_line.kind, budget_line.label, budget_line.amount = kind, label, amount
            budget_line.save(update_fields=["kind", "label", "amount"])
        change_record(
            actor=actor,
            instance=budget_line,
            action=action,
            before=before,
            after=snapshot(budget_line, _BUDGET_FIELDS),
        )
    return budget_line


def budget_line_delete(*, actor, budget_line: BudgetLine) -> None:
    """Remove a budget line that no cost is charged to."""
    check_grant_leads(actor=actor, grant=budget_line.grant)
    with transaction.atomic():
        if budget_line.costs.exists():
            raise ApplicationError(
                _(
                    "Costs are charged to this budget line, so it cannot be deleted. Move or "
                    "delete the costs first."
                )
            )
        audited_delete(actor=actor, instance=budget_line, fields=_BUDGET_FIELDS)


# --- costs -------------------------------------------------------------------------------------


def cost_fingerprint(*, spent_on: date, account: str, amount: Decimal, text: str) -> str:
    """The same date, account, amount and text (letter case and spacing aside) is the same
    line of the accounts."""
    key = "|".join(
        [
            spent_on.isoformat(),
            " ".join(account.split()).casefold(),
            f"{Decimal(amount).quantize(CENT):.2f}",
            " ".join(text.split()).casefold(),
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class CostRow:
    """One cost to record; ``line`` is its row in an imported file (0 when entered)."""

    line: int
    spent_on: date
    account: str
    amount: Decimal
    text: str = ""
    financing: str = Financing.GRANT
    budget_line: BudgetLine | None = None


@dataclass(frozen=True)
class CostProblem:
    line: int
    field: str | None
    message: str


class CostRowsError(ApplicationError):
    """Costs that cannot be recorded: nothing was written. The message and field are the
    first problem's (for a form); ``problems`` has them all (for an import)."""

    def __init__(self, problems: list[CostProblem]):
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


def _row_problems(grant: Grant, row: CostRow) -> list[CostProblem]:
    """The rules of one cost on its own."""
    found = []
    if not grant.starts_on <= row.spent_on <= grant.ends_on:
        found.append(
            CostProblem(
                row.line,
                "spent_on",
                _("The date is outside the grant's period (%(start)s to %(end)s).")
                % {"start": grant.starts_on.isoformat(), "end": grant.ends_on.isoformat()},
            )
        )
    if not " ".join(row.account.split()):
        found.append(CostProblem(row.line, "account", _("Give the account.")))
    if row.amount == 0:
        found.append(CostProblem(row.line, "amount", _("A cost cannot be zero.")))
    elif abs(row.amount) > MAX_AMOUNT:
        found.append(CostProblem(row.line, "amount", _("The amount is too large.")))
    if row.financing not in Financing.values:
        found.append(CostProblem(row.line, "financing", _("Choose how the cost is financed.")))
    if row.budget_line is not None and row.budget_line.grant_id != grant.pk:
        found.append(
            CostProblem(row.line, "budget_line", _("Choose one of this grant's budget lines."))
        )
    return found


def _own_total(grant: Grant) -> Decimal:
    total = grant.costs.filter(financing=Financing.OWN).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


def _own_below_zero(line: int, field: str | None = "amount") -> CostProblem:
    return CostProblem(
        line,
        field,
        _(
            "The own contribution cannot be negative: the costs financed as own contribution "
            "would add up to less than zero."
        ),
    )


def cost_rows_check(*, grant: Grant, rows: list[CostRow]) -> list[CostProblem]:
    """Every problem with recording ``rows`` on the grant: each row's own rules, the same
    line twice in the rows or already recorded, and the own contribution below zero."""
    problems: list[CostProblem] = []
    prints: dict[str, int] = {}
    for row in rows:
        problems += _row_problems(grant, row)
        fingerprint = _fingerprint(row)
        if fingerprint in prints:
            problems.append(
                CostProblem(
                    row.line,
                    None,
                    _("The same cost is on row %(line)d: the same date, account, amount and text.")
                    % {"line": prints[fingerprint]},
                )
            )
        else:
            prints[fingerprint] = row.line
    recorded = set(
        grant.costs.filter(fingerprint__in=list(prints)).values_list("fingerprint", flat=True)
    )
    problems += [
        CostProblem(
            line,
            None,
            _("This cost is already recorded: the same date, account, amount and text."),
        )
        for fingerprint, line in prints.items()
        if fingerprint in recorded
    ]
    own = [row for row in rows if row.financing == Financing.OWN]
    if own and _own_total(grant) + sum(row.amount for row in own) < 0:
        problems.append(_own_below_zero(min(own, key=lambda r: r.amount).line))
    return sorted(problems, key=lambda p: p.line)


def _fingerprint(row: CostRow) -> str:
    return cost_fingerprint(
        spent_on=row.spent_on, account=row.account, amount=row.amount, text=row.text
    )


def _raise_any(problems: list[CostProblem]) -> None:
    if problems:
        raise CostRowsError(problems)


def cost_create(
    *,
    actor,
    grant: Grant,
    spent_on: date,
    account: str,
    amount: Decimal,
    text: str = "",
    financing: str = Financing.GRANT,
    budget_line: BudgetLine | None = None,
) -> Cost:
    """Record one cost, or a credit note (a negative amount)."""
    check_grant_leads(actor=actor, grant=grant)
    if spent_on is None:
        raise ApplicationError(_("Give the date."), field="spent_on")
    row = CostRow(
        0,
        spent_on,
        " ".join((account or "").split())[:50],
        _amount(amount),
        " ".join((text or "").split())[:250],
        financing,
        budget_line,
    )
    return cost_create_many(actor=actor, grant=grant, rows=[row], source=CostSource.ENTERED)[0]


def cost_create_many(
    *, actor, grant: Grant, rows: list[CostRow], source: str = CostSource.IMPORTED
) -> list[Cost]:
    """Record the rows all or nothing; any problem raises and writes nothing."""
    check_grant_leads(actor=actor, grant=grant)
    try:
        with transaction.atomic():
            # Lock the grant: two imports of the same lines at once must not both pass the
            # duplicate and own-contribution checks.
            Grant.objects.select_for_update().filter(pk=grant.pk).first()
            _raise_any(cost_rows_check(grant=grant, rows=rows))
            costs = Cost.objects.bulk_create([_cost(grant, row, actor, source) for row in rows])
            for cost in _with_pks(grant, costs):
                change_record(
                    actor=actor,
                    instance=cost,
                    action=ChangeAction.CREATE,
                    after=snapshot(cost, _COST_FIELDS),
                )
    except IntegrityError as exc:
        # Only the duplicate line is the user's to mend; any other violation is a fault.
        # PostgreSQL names the constraint, SQLite the columns.
        if "cost_unique_in_grant" not in str(exc) and "fingerprint" not in str(exc):
            raise
        raise ApplicationError(
            _("This cost is already recorded: the same date, account, amount and text.")
        ) from None
    return costs


def _cost(grant: Grant, row: CostRow, actor, source: str) -> Cost:
    return Cost(
        grant=grant,
        budget_line=row.budget_line,
        spent_on=row.spent_on,
        account=row.account,
        amount=row.amount,
        text=row.text,
        financing=row.financing,
        source=source,
        fingerprint=_fingerprint(row),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


def _with_pks(grant: Grant, costs: list[Cost]) -> Iterable[Cost]:
    """The new costs with their ids: bulk_create sets them on PostgreSQL and SQLite, and the
    fingerprints find them anywhere else."""
    if all(cost.pk for cost in costs):
        return costs
    by_print = {
        c.fingerprint: c.pk
        for c in grant.costs.filter(fingerprint__in=[c.fingerprint for c in costs])
    }
    for cost in costs:
        cost.pk = by_print[cost.fingerprint]
    return costs


def cost_delete(*, actor, cost: Cost) -> None:
    check_grant_leads(actor=actor, grant=cost.grant)
    with transaction.atomic():
        Grant.objects.select_for_update().filter(pk=cost.grant_id).first()
        if (
            cost.financing == Financing.OWN
            and cost.amount > 0
            and _own_total(cost.grant) - cost.amount < 0
        ):
            raise ApplicationError(_own_below_zero(0, None).message)
        audited_delete(actor=actor, instance=cost, fields=_COST_FIELDS)


# --- payments ----------------------------------------------------------------------------------


def payment_create(
    *, actor, grant: Grant, received_on: date, amount: Decimal, reference: str = ""
) -> Payment:
    """Record money received from the funder."""
    check_grant_leads(actor=actor, grant=grant)
    if received_on is None:
        raise ApplicationError(_("Give the date the money was received."), field="received_on")
    amount = _amount(amount)
    if amount <= 0:
        raise ApplicationError(_("A payment must be more than zero."), field="amount")
    with transaction.atomic():
        payment = Payment.objects.create(
            grant=grant,
            received_on=received_on,
            amount=amount,
            reference=" ".join((reference or "").split())[:150],
        )
        change_record(
            actor=actor,
            instance=payment,
            action=ChangeAction.CREATE,
            after=snapshot(payment, _PAYMENT_FIELDS),
        )
    return payment


def payment_delete(*, actor, payment: Payment) -> None:
    check_grant_leads(actor=actor, grant=payment.grant)
    with transaction.atomic():
        audited_delete(actor=actor, instance=payment, fields=_PAYMENT_FIELDS)


# --- the funded position -----------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def position_month_set(*, actor, grant: Grant, month: date, share: Decimal) -> PositionMonth | None:
    """Record the FTE of the funded position used in a month (any day of it); 0 clears the
    month. Returns the month's record, or None once cleared."""
    check_grant_leads(actor=actor, grant=grant)
    if month is None:
        raise ApplicationError(_("Give the month."), field="month")
    month = month_start(month)
    if month > grant.ends_on or month < month_start(grant.starts_on):
        raise ApplicationError(_("The month is outside the grant's period."), field="month")
    if share is None or not 0 <= share <= 1:
        raise ApplicationError(
            _("The FTE of a month is from 0 to 1 (0 clears the month)."), field="share"
        )
    share = Decimal(share).quantize(CENT)
    with transaction.atomic():
        existing = grant.position_months.select_for_update().filter(month=month).first()
        if share == 0:
            if existing is not None:
                _audit_month(actor, existing, ChangeAction.DELETE, before=True)
                existing.delete()
            return None
        if existing is None:
            existing = PositionMonth.objects.create(grant=grant, month=month, share=share)
            _audit_month(actor, existing, ChangeAction.CREATE)
        elif existing.share != share:
            before = snapshot(existing, _MONTH_FIELDS)
            existing.share = share
            existing.save(update_fields=["share"])
            change_record(
                actor=actor,
                instance=existing,
                action=ChangeAction.UPDATE,
                before=before,
                after=snapshot(existing, _MONTH_FIELDS),
            )
    return existing


def _audit_month(actor, month: PositionMonth, action: str, *, before: bool = False) -> None:
    values = snapshot(month, _MONTH_FIELDS)
    change_record(
        actor=actor,
        instance=month,
        action=action,
        before=values if before else None,
        after=None if before else values,
    )
