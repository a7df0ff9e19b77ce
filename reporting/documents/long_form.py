"""Long form: one row per figure or breakdown cell, target part and money figure, for the
spreadsheet's Data sheet and the CSV; and the CSV itself."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from participants.exports import spreadsheet_safe
from programs.models import TargetMetric
from reporting.documents.layout import figure_rows
from reporting.documents.model import (
    Value,
    count_value,
    money_value,
    months_value,
    percent_value,
    status_label,
    text_value,
)
from reporting.formatting import is_protected
from reporting.formatting import month as month_text
from reporting.profiles import TargetStatus

# What each breakdown is a breakdown by, for a funder pivoting the rows.
BREAKDOWNS = {
    "by_gender": "gender",
    "reached_by_gender": "gender",
    "by_age": "age_band",
    "reached_by_age": "age_band",
    "by_education": "education",
    "by_neet_status": "status_at_intake",
    "activities": "placement_kind",
    "qualification_routes": "route",
    "outcomes": "destination",
    "follow_up_6": "follow_up_status",
    "follow_up_12": "follow_up_status",
}
UNITS = {"attendance_rate": "%", "placement_hours": "hours", "modules_passed": "modules"}


@dataclass
class DataRow:
    figure: str
    label: str
    breakdown: str
    category: str
    category_label: str
    value: Value
    unit: str

    @property
    def suppressed(self) -> bool:
        return is_protected(self.value.text)


# Makes a money figure's row, in the money's currency unless another unit is given.
_MoneyRow = Callable[..., DataRow]


def data_headers() -> list[str]:
    return [
        _("Figure key"),
        _("Figure"),
        _("Breakdown"),
        _("Category key"),
        _("Category"),
        _("Value"),
        _("Shown"),
        _("Suppressed"),
        _("Unit"),
    ]


def data_rows(run, snapshot: dict) -> list[DataRow]:
    return [*_figure_data(snapshot), *_target_data(snapshot), *_money_data(snapshot)]


def _figure_data(snapshot: dict) -> list[DataRow]:
    rows = []
    figures = snapshot.get("figures") or {}
    for row in figure_rows(figures):
        unit = UNITS.get(row.key, "people")
        if not isinstance(figures[row.key], dict):
            rows.append(DataRow(row.key, row.label, "", "", "", row.value, unit))
        breakdown = BREAKDOWNS.get(row.key, row.key)
        for cell in row.cells:
            rows.append(
                DataRow(row.key, row.label, breakdown, cell.key, cell.label, cell.value, unit)
            )
    return rows


def _target_data(snapshot: dict) -> list[DataRow]:
    rows = []
    for target in snapshot.get("targets") or []:
        metric = target.get("metric", "")
        key, label = f"target.{metric}", status_label(TargetMetric, metric)
        status = target.get("status", "")
        rows += [
            DataRow(
                key, label, "", "target", _("Target"), count_value(target.get("target")), "people"
            ),
            DataRow(
                key, label, "", "result", _("Result"), count_value(target.get("result")), "people"
            ),
            DataRow(
                key,
                label,
                "",
                "status",
                _("Status"),
                text_value(status_label(TargetStatus, status)),
                "",
            ),
        ]
    return rows


def _money_data(snapshot: dict) -> list[DataRow]:
    money = snapshot.get("money")
    if not money:
        return []
    currency = money.get("currency") or "NOK"

    def row(key, label, value, *, breakdown="", category="", category_label="", unit=currency):
        return DataRow(f"money.{key}", label, breakdown, category, category_label, value, unit)

    return [
        row("grant_amount", _("Amount granted"), money_value(money.get("grant_amount"), currency)),
        *_budget_data(money, currency, row),
        *_payment_data(money, currency, row),
        *_contribution_data(money, currency, row),
        *_position_data(money, row),
    ]


def _budget_data(money: dict, currency: str, row: _MoneyRow) -> list[DataRow]:
    """Each column of the budget: its total, then its value on each budget line."""
    lines = _line_keys(money.get("budget_lines") or [])
    columns = {
        "budget": _("Budget"),
        "period": _("Costs this period"),
        "to_date": _("Costs to date"),
        "deviation": _("Deviation from budget"),
    }
    unassigned = money.get("unassigned") or {}
    rows = []
    for column, label in columns.items():
        total = (money.get("totals") or {}).get(column)
        rows.append(row(column, label, money_value(total, currency)))
        rows += _budget_column_data(column, label, lines, currency, row)
        if column in unassigned:
            rows.append(
                row(
                    column,
                    label,
                    money_value(unassigned[column], currency),
                    breakdown="budget_line",
                    category="unassigned",
                    category_label=_("Costs on no budget line"),
                )
            )
    return rows


def _budget_column_data(
    column: str, label: str, lines: list[tuple[str, dict]], currency: str, row: _MoneyRow
) -> list[DataRow]:
    return [
        row(
            column,
            label,
            money_value(line.get(column), currency),
            breakdown="budget_line",
            category=key,
            category_label=line.get("label", ""),
        )
        for key, line in lines
    ]


def _payment_data(money: dict, currency: str, row: _MoneyRow) -> list[DataRow]:
    rows = [
        row("payments", _("Payments received"), money_value(money.get("payments_total"), currency))
    ]
    for payment in money.get("payments") or []:
        rows.append(
            row(
                "payments",
                _("Payments received"),
                money_value(payment.get("amount"), currency),
                breakdown="payment",
                category=payment.get("received_on", ""),
                category_label=payment.get("reference", ""),
            )
        )
    return rows


def _contribution_data(money: dict, currency: str, row: _MoneyRow) -> list[DataRow]:
    own = money.get("own_contribution") or {}
    return [
        row(
            "own_contribution_required",
            _("Own contribution required"),
            money_value(own.get("required"), currency),
        ),
        row(
            "own_contribution_required_percent",
            _("Own contribution required"),
            percent_value(own.get("required_percent")),
            unit="%",
        ),
        row(
            "own_contribution_made",
            _("Own contribution made, to date"),
            money_value(own.get("made"), currency),
        ),
        row(
            "own_contribution_made_percent",
            _("Own contribution made, to date"),
            percent_value(own.get("made_percent")),
            unit="%",
        ),
    ]


def _position_data(money: dict, row: _MoneyRow) -> list[DataRow]:
    rows = []
    position = money.get("position") or {}
    if position:
        rows.append(
            row(
                "position_planned_months",
                _("Position months planned"),
                months_value(position.get("planned_months")),
                unit="months",
            )
        )
        rows.append(
            row(
                "position_used_months",
                _("Position months used"),
                months_value(position.get("used_months")),
                unit="months",
            )
        )
        for month, share in position.get("months") or []:
            rows.append(
                row(
                    "position_used_months",
                    _("Position months used"),
                    months_value(share),
                    breakdown="month",
                    category=month,
                    category_label=month_text(month),
                    unit="months",
                )
            )
    return rows


def _line_keys(lines: list[dict]) -> list[tuple[str, dict]]:
    """A key per budget line: its kind, numbered when a kind comes twice."""
    seen: dict[str, int] = {}
    keyed = []
    for line in lines:
        kind = line.get("kind") or "other"
        seen[kind] = seen.get(kind, 0) + 1
        keyed.append((kind if seen[kind] == 1 else f"{kind}-{seen[kind]}", line))
    return keyed


def _csv_value(value: Value) -> str:
    """A number with a dot decimal, whatever the language; a date as ISO; empty otherwise."""
    if value.number is None:
        return ""
    if isinstance(value.number, date):
        return value.number.isoformat()
    return str(value.number)


def render_csv(run, snapshot: dict) -> bytes:
    """The Data sheet's long form, with a byte-order mark so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(data_headers())
    for row in data_rows(run, snapshot):
        writer.writerow(
            [
                *(
                    spreadsheet_safe(v)
                    for v in (
                        row.figure,
                        row.label,
                        row.breakdown,
                        row.category,
                        row.category_label,
                    )
                ),
                _csv_value(row.value),
                spreadsheet_safe(row.value.text),
                "TRUE" if row.suppressed else "FALSE",
                spreadsheet_safe(row.unit),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
