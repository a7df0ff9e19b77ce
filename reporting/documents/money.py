"""The targets against their results, and the grant with its money: budget and costs, own
contribution and position, payments received."""

from django.utils.translation import gettext as _

from programs.models import TargetMetric
from reporting.documents.layout import section_titles
from reporting.documents.model import (
    Section,
    Table,
    Value,
    count_value,
    date_value,
    money_value,
    months_value,
    percent_value,
    status_label,
    text_value,
)
from reporting.formatting import days, decimal, number
from reporting.profiles import TargetStatus


def target_table(snapshot: dict) -> Table | None:
    targets = snapshot.get("targets") or []
    if not targets:
        return None
    rows = []
    for target in targets:
        metric = target.get("metric", "")
        status = target.get("status", "")
        rows.append(
            [
                text_value(status_label(TargetMetric, metric)),
                count_value(target.get("target")),
                count_value(target.get("result")),
                Value(status_label(TargetStatus, status), status=status),
            ]
        )
    return Table([_("Measure"), _("Target"), _("Result"), _("Status")], rows, style="wide")


def grant_table(meta: dict, currency: str) -> Table:
    grant = meta.get("grant") or {}
    rows = [
        [text_value(_("Funder")), text_value(grant.get("funder", ""))],
        [text_value(_("Grant")), text_value(grant.get("name", ""))],
        [text_value(_("Amount granted")), money_value(grant.get("amount"), currency)],
        [
            text_value(_("Grant period")),
            text_value(days(grant.get("starts_on"), grant.get("ends_on"))),
        ],
        [
            text_value(_("Funded position (FTE)")),
            Value(
                number(decimal(grant.get("position_share")), 2),
                decimal(grant.get("position_share")),
                "share",
            ),
        ],
        [text_value(_("Required own contribution")), percent_value(grant.get("own_share"))],
    ]
    return Table([_("The grant"), ""], rows, style="pairs")


def budget_table(money: dict, currency: str) -> Table:
    def amounts(values: dict, *keys: str) -> list[Value]:
        return [
            money_value(values.get(k), currency) if k in values else text_value("") for k in keys
        ]

    columns = ("budget", "period", "to_date", "deviation")
    rows = [
        [text_value(line.get("label", "")), *amounts(line, *columns)]
        for line in money.get("budget_lines") or []
    ]
    unassigned = money.get("unassigned") or {}
    if any(decimal(v) for v in unassigned.values()):
        rows.append([text_value(_("Costs on no budget line")), *amounts(unassigned, *columns)])
    rows.append([text_value(_("Total")), *amounts(money.get("totals") or {}, *columns)])
    headers = [_("Budget line"), _("Budget"), _("This period"), _("To date"), _("Deviation")]
    return Table(headers, rows, title=_("Budget and costs"), total=True)


def payment_table(money: dict, currency: str) -> Table:
    rows = [
        [
            date_value(p.get("received_on")),
            text_value(p.get("reference", "")),
            money_value(p.get("amount"), currency),
        ]
        for p in money.get("payments") or []
    ]
    rows.append(
        [text_value(_("Total")), text_value(""), money_value(money.get("payments_total"), currency)]
    )
    return Table(
        [_("Received"), _("Reference"), _("Amount")], rows, title=_("Payments received"), total=True
    )


def contribution_table(money: dict, currency: str) -> Table:
    own = money.get("own_contribution") or {}
    position = money.get("position") or {}
    rows = [
        [
            text_value(_("Own contribution required")),
            money_value(own.get("required"), currency),
            percent_value(own.get("required_percent")),
        ],
        [
            text_value(_("Own contribution made, to date")),
            money_value(own.get("made"), currency),
            percent_value(own.get("made_percent")),
        ],
    ]
    if position:
        rows += [
            [
                text_value(_("Position months planned")),
                months_value(position.get("planned_months")),
                text_value(""),
            ],
            [
                text_value(_("Position months used")),
                months_value(position.get("used_months")),
                text_value(""),
            ],
        ]
    return Table(["", _("Amount"), _("Share")], rows, title=_("Own contribution and position"))


def money_section(snapshot: dict) -> Section | None:
    meta = snapshot.get("meta") or {}
    money = snapshot.get("money")
    if not meta.get("grant") and not money:
        return None
    currency = (money or {}).get("currency") or meta.get("currency") or "NOK"
    section = Section("money", section_titles()["money"], tables=[grant_table(meta, currency)])
    if money:
        section.tables += [budget_table(money, currency), contribution_table(money, currency)]
        section.tables.append(payment_table(money, currency))
    else:
        section.note = _("This report was built before costs were recorded against grants.")
    return section
