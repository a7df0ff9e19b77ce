"""A report's frozen figures laid out as a document: a first page read at a glance, sections of
figures, tables and charts, the narrative and the method; then written as CSV and XLSX (the PDF
is in ``reporting.pdf``). Everything here reads the snapshot only (with the run's kind,
language and id), never the database, so a file made again from a run says exactly what it
said before. A snapshot from before money, targets and deadlines were frozen still renders:
every part of it may be missing. Call these with the run's language active."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font

from participants.exports import spreadsheet_safe
from programs.models import DeadlineStatus, TargetMetric
from reporting.charts import Chart, bar_chart, month_chart
from reporting.figures import category_labels, figure_labels
from reporting.formatting import (
    NOT_AVAILABLE,
    amount,
    as_date,
    currency_unit,
    day,
    days,
    decimal,
    is_english,
    is_protected,
    legend_rows,
    number,
    percent,
    small_mark,
    value_text,
)
from reporting.formatting import month as month_text
from reporting.profiles import Audience, TargetStatus, narrative_titles


@dataclass
class Value:
    """One shown value: its text as the PDF prints it, and the number a spreadsheet stores
    (``None`` for a protected or missing value, or for text)."""

    text: str
    number: int | float | Decimal | None = None
    kind: str = "text"  # count, rate, amount, months, share, date, text
    currency: str = ""
    status: str = ""  # a target's or a deadline's status, for the colour


@dataclass
class Cell:
    """One category of a breakdown."""

    key: str
    label: str
    value: Value


@dataclass
class Row:
    """One figure: a single value, or a breakdown whose cells are listed under it."""

    key: str
    label: str
    value: Value
    cells: list[Cell] = field(default_factory=list)

    @property
    def is_breakdown(self) -> bool:
        return bool(self.cells)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Value]]
    title: str = ""
    total: bool = False  # the last row is a total
    # "pairs": a label and its value per row; "wide": a wide first column; "legend": a narrow one
    style: str = ""

    @property
    def header_cells(self) -> list[tuple[str, bool]]:
        """Each header with whether its column holds numbers (set right-aligned)."""
        first = self.rows[0] if self.rows else []
        return [
            (header, index > 0 and index < len(first) and first[index].kind != "text")
            for index, header in enumerate(self.headers)
        ]


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""  # said in words where a chart or a table has nothing to show
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (title, text)
    text: list[str] = field(default_factory=list)  # said before the tables


@dataclass
class Tile:
    """A result on the first page: the figure, what it is measured against, and its status."""

    label: str
    value: str
    detail: str = ""
    status: str = ""  # a TargetStatus or DeadlineStatus value, for the colour
    status_text: str = ""


# (section key, figures in it, chart under it)
LAYOUT = [
    (
        "participants",
        [
            "participants",
            "new",
            "continuing",
            "recruited",
            "by_gender",
            "by_age",
            "reached_by_gender",
            "reached_by_age",
            "by_education",
            "by_neet_status",
        ],
        "participants_over_time",
    ),
    (
        "activities",
        ["in_work_training", "activities", "placement_hours", "attendance_rate"],
        "attendance_rate",
    ),
    (
        "qualification",
        ["qualification_routes", "started_qualification_route", "modules_passed"],
        "module_progress",
    ),
    (
        "outcomes",
        [
            "exits",
            "outcomes",
            "in_ordinary_employment",
            "in_education",
            "in_work_or_education_at_exit",
            "follow_up_6",
            "in_work_or_education_after_6",
            "follow_up_12",
        ],
        "outcomes",
    ),
]
RATES = {"attendance_rate"}


def section_titles() -> dict[str, str]:
    return {
        "targets": _("Targets and results"),
        "deadlines": _("Report deadlines"),
        "money": _("The grant and its money"),
        "participants": _("Participants"),
        "activities": _("Activities and attendance"),
        "qualification": _("Qualification"),
        "outcomes": _("Outcomes"),
        "other": _("Other figures"),
        "narrative": _("In the programme's words"),
        "changes": _("Changes since the submitted version"),
        "method": _("About these figures"),
    }


def chart_texts() -> dict[str, tuple[str, str, str]]:
    """Each chart's (title, value axis label, caption)."""
    return {
        "participants_over_time": (
            _("Participants per month"),
            _("People"),
            _("People taking part at some time in each month of the period."),
        ),
        "attendance_rate": (
            _("Attendance rate per month"),
            "%",
            _("Days present as a share of the days people were expected at their placement."),
        ),
        "module_progress": (
            _("Modules passed per month"),
            _("Modules"),
            _("Qualification modules signed off as passed in each month."),
        ),
        "outcomes": (
            _("Exits, by destination"),
            _("People"),
            _("Where the people who left the programme in the period went."),
        ),
    }


# Values ------------------------------------------------------------------------------------


def count_value(value, *, rate: bool = False) -> Value:
    """A snapshot value (count, rate, mark or None) as a shown value."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    kind = "rate" if rate or isinstance(value, float) else "count"
    return Value(value_text(value, rate=rate), value if is_number else None, kind)


def money_value(value, currency: str) -> Value:
    figure = decimal(value)
    return Value(amount(figure, currency), figure, "amount", currency)


def months_value(value) -> Value:
    figure = decimal(value)
    return Value(number(figure, 1) if figure is not None else NOT_AVAILABLE, figure, "months")


def percent_value(value) -> Value:
    figure = decimal(value)
    return Value(percent(figure), figure, "rate")


def date_value(value) -> Value:
    return Value(day(value), as_date(value), "date")


def text_value(text) -> Value:
    return Value("" if text is None else str(text))


# Figures -----------------------------------------------------------------------------------


def figure_rows(figures: dict) -> list[Row]:
    names = figure_labels()
    rows = []
    for key, value in figures.items():
        label = names.get(key, key)
        if isinstance(value, dict):
            categories = category_labels(key)
            cells = [Cell(k, categories.get(k, k), count_value(v)) for k, v in value.items()]
            # A breakdown with no category in it counted nobody: zero, not a blank.
            rows.append(Row(key, label, Value("", None) if cells else count_value(0), cells))
        else:
            rows.append(Row(key, label, count_value(value, rate=key in RATES)))
    return rows


def charts(snapshot: dict) -> dict[str, Chart | None]:
    """Every chart of the snapshot under its series' key; ``None`` for a series with nothing
    to draw (only zeros and gaps)."""
    series = snapshot.get("series") or {}
    small = small_mark((snapshot.get("meta") or {}).get("threshold"))
    texts = chart_texts()
    drawn: dict[str, Chart | None] = {}
    for key in ("participants_over_time", "attendance_rate", "module_progress"):
        if key in series:
            title, axis, caption = texts[key]
            drawn[key] = month_chart(
                [(m, v) for m, v in series[key]],
                title=title,
                y_label=axis,
                caption=caption,
                small=small,
                rate=key == "attendance_rate",
            )
    if "outcomes" in series:
        title, axis, caption = texts["outcomes"]
        labels = category_labels("outcomes")
        points = [(labels.get(k, k), v) for k, v in series["outcomes"]]
        drawn["outcomes"] = bar_chart(
            points, title=title, x_label=axis, caption=caption, small=small
        )
    return drawn


def _nothing_drawn(key: str) -> str:
    title = chart_texts()[key][0]
    return _("«%(chart)s» is not drawn: there is nothing to show in the period.") % {"chart": title}


def figure_sections(snapshot: dict, *, with_charts: bool = True) -> list[Section]:
    """The figures, grouped as the report and the dashboard show them. A figure the layout
    does not place still appears, under «Other figures»."""
    titles = section_titles()
    figures = snapshot.get("figures") or {}
    drawn = charts(snapshot) if with_charts else {}
    placed: set[str] = set()
    result = []
    for key, keys, chart in LAYOUT:
        chosen = {k: figures[k] for k in keys if k in figures}
        placed.update(chosen)
        if not chosen:
            continue
        section = Section(key, titles[key], rows=figure_rows(chosen))
        if chart in drawn:
            section.chart = drawn[chart]
            section.note = "" if drawn[chart] else _nothing_drawn(chart)
        result.append(section)
    rest = {k: v for k, v in figures.items() if k not in placed}
    if rest:
        result.append(Section("other", titles["other"], rows=figure_rows(rest)))
    return result


# The first page ----------------------------------------------------------------------------


def period_of(run, snapshot: dict) -> dict:
    """The report period: the snapshot's, or (a run built before it was frozen) the run's."""
    period = dict((snapshot.get("meta") or {}).get("period") or {})
    period.setdefault("start", getattr(run, "period_start", None))
    period.setdefault("end", getattr(run, "period_end", None))
    return period


def report_title(run, snapshot: dict) -> str:
    profile = (snapshot.get("meta") or {}).get("profile") or {}
    return profile.get("name") or str(run.get_kind_display())


def title_rows(run, snapshot: dict) -> list[tuple[str, str]]:
    """The facts under the first page's title."""
    meta = snapshot.get("meta") or {}
    period = period_of(run, snapshot)
    rows = [
        (_("Municipality"), meta.get("municipality", "")),
        (_("Grant") if meta.get("grant") else _("Programme"), meta.get("subject", "")),
    ]
    if len(meta.get("programmes") or []) > 1 or meta.get("grant"):
        rows.append((_("Programmes"), ", ".join(meta.get("programmes") or [])))
    shown = days(period["start"], period["end"])
    if period.get("cut_at_today"):
        shown += " " + _("(cut at today; the period asked for ends %(end)s)") % {
            "end": day(period.get("requested_end"))
        }
    rows.append((_("Period"), shown))
    audience = meta.get("audience")
    if audience in Audience.values:
        recipient = (meta.get("profile") or {}).get("recipient")
        label = str(Audience(audience).label)
        rows.append((_("For"), f"{label}: {recipient}" if recipient else label))
    rows.append((_("Built"), _built(meta)))
    return rows


def _built(meta: dict) -> str:
    built = day(meta.get("built_at")) if meta.get("built_at") else NOT_AVAILABLE
    if meta.get("version"):
        built += " · " + _("version %(number)s") % {"number": meta["version"]}
    return built


def correction_note(snapshot: dict) -> str:
    corrects = (snapshot.get("meta") or {}).get("corrects")
    if not corrects:
        return ""
    return _(
        "This version corrects version %(version)s, submitted to %(to)s on %(on)s. "
        "What changed is listed under «Changes since the submitted version»."
    ) % {
        "version": corrects.get("version", ""),
        "to": corrects.get("submitted_to", ""),
        "on": day(corrects.get("submitted_on")),
    }


def _target(snapshot: dict, metric: str) -> dict | None:
    return next((t for t in snapshot.get("targets") or [] if t.get("metric") == metric), None)


def _figure_tile(snapshot: dict, metric: str, label: str, keys: list[str]) -> Tile | None:
    """A result against its target, or the report's own figure for it when there is no
    target (the first of ``keys`` the report carries); left out when it has neither."""
    target = _target(snapshot, metric)
    if target is not None:
        status = target.get("status", "")
        return Tile(
            label,
            value_text(target.get("result")),
            _("target %(target)s") % {"target": value_text(target.get("target"))},
            status,
            _status_label(TargetStatus, status),
        )
    figures = snapshot.get("figures") or {}
    key = next((k for k in keys if k in figures), None)
    value = figures.get(key)
    if isinstance(value, dict):
        # A breakdown adds up to the people in it, unless a cell of it is protected.
        value = sum(value.values()) if all(isinstance(v, int) for v in value.values()) else None
    if value is None:
        return None
    return Tile(figure_labels().get(key, label), value_text(value), _("no target set"))


def _status_label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def money_tiles(snapshot: dict) -> list[Tile]:
    money = snapshot.get("money")
    if not money:
        return []
    currency = money.get("currency") or (snapshot.get("meta") or {}).get("currency", "NOK")
    totals = money.get("totals") or {}
    tiles = [_share_tile(_("Money used"), totals.get("to_date"), totals.get("budget"), currency)]
    own = money.get("own_contribution") or {}
    if own:
        tile = _share_tile(
            _("Own contribution made"), own.get("made"), own.get("required"), currency
        )
        tile.detail = _(
            "of %(required)s required; %(made)s of costs to date (%(share)s required)"
        ) % {
            "required": amount(own.get("required"), currency),
            "made": percent(own.get("made_percent")),
            "share": percent(own.get("required_percent")),
        }
        tiles.append(tile)
    position = money.get("position") or {}
    if position:
        tiles.append(
            Tile(
                _("Position months used"),
                number(decimal(position.get("used_months")), 1),
                _("of %(planned)s planned (%(share)s position)")
                % {
                    "planned": number(decimal(position.get("planned_months")), 1),
                    "share": number(decimal(position.get("share")), 2),
                },
            )
        )
    return tiles


def _share_tile(label: str, part, whole, currency: str) -> Tile:
    used, of = decimal(part), decimal(whole)
    detail = _("of %(whole)s") % {"whole": amount(of, currency)}
    if used is not None and of:
        detail += f" ({percent(used / of * 100)})"
    return Tile(label, amount(used, currency), detail)


def tiles(snapshot: dict) -> list[Tile]:
    """The first page's results: reached, into qualification, into work or education, then
    the money."""
    wanted = [
        (TargetMetric.REACHED, _("People reached"), ["participants"]),
        (TargetMetric.IN_WORK_TRAINING, _("In structured work training"), ["in_work_training"]),
        (
            TargetMetric.STARTED_QUALIFICATION,
            _("Started a qualification route"),
            ["started_qualification_route", "qualification_routes"],
        ),
        (
            TargetMetric.IN_WORK_OR_EDUCATION_AT_EXIT,
            _("In work or education at exit"),
            ["in_work_or_education_at_exit", "in_ordinary_employment"],
        ),
    ]
    shown = [_figure_tile(snapshot, *wanted_tile) for wanted_tile in wanted]
    return [t for t in shown if t] + money_tiles(snapshot)


def deadline_table(snapshot: dict) -> Table | None:
    deadlines = snapshot.get("deadlines") or []
    if not deadlines:
        return None
    rows = []
    for deadline in deadlines:
        status = _status_label(DeadlineStatus, deadline.get("status", ""))
        if deadline.get("submitted_on"):
            status += " " + day(deadline["submitted_on"])
        shown = Value(status, status=deadline.get("status", ""))
        rows.append([text_value(deadline.get("label")), date_value(deadline.get("due_on")), shown])
    return Table([_("Deadline"), _("Due"), _("Status")], rows, title=section_titles()["deadlines"])


# The detail --------------------------------------------------------------------------------


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
                text_value(_status_label(TargetMetric, metric)),
                count_value(target.get("target")),
                count_value(target.get("result")),
                Value(_status_label(TargetStatus, status), status=status),
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


def narrative_paragraphs(run, snapshot: dict) -> list[tuple[str, str]]:
    """The profile's narrative sections, each with its title; one left empty says so. A run
    built before the narrative was frozen keeps the two fields it had."""
    titles = narrative_titles((snapshot.get("meta") or {}).get("country", "NO"))
    if "narrative" in snapshot:
        written = [(s.get("key", ""), s.get("text", "")) for s in snapshot["narrative"]]
    else:
        written = [
            ("activities", getattr(run, "narrative_activities", "")),
            ("deviations", getattr(run, "narrative_deviations", "")),
        ]
    empty = _("Nothing was written in this section.")
    return [(titles.get(key, key), (text or "").strip() or empty) for key, text in written]


def change_table(snapshot: dict) -> Table | None:
    changes = snapshot.get("changes") or []
    if not changes:
        return None
    names = figure_labels()
    rows = []
    for change in changes:
        figure, category = change.get("figure", ""), change.get("category")
        category_text = category_labels(figure).get(category, category) if category else ""
        rows.append(
            [
                text_value(names.get(figure, figure)),
                text_value(category_text),
                count_value(change.get("before")),
                count_value(change.get("after")),
            ]
        )
    return Table([_("Figure"), _("Category"), _("Before"), _("After")], rows, style="wide")


def method_paragraphs(run, snapshot: dict) -> list[str]:
    meta = snapshot.get("meta") or {}
    threshold = meta.get("threshold") or 5
    marks = {"small": small_mark(threshold), "top": threshold - 1, "hidden": ":"}
    if meta.get("audience") == Audience.RECIPIENT:
        rule = (
            _(
                "This report is for the recipient named on the grant or programme. Counts of "
                "activities and outcomes are exact. Breakdowns by personal characteristics "
                "(gender, age band, background, education, status at intake) show counts from 1 "
                "to %(top)s as «%(small)s», and hide another cell of the same breakdown as "
                "«%(hidden)s» where the breakdown's total would give such a count away."
            )
            % marks
        )
    else:
        rule = (
            _(
                "Every figure shows counts from 1 to %(top)s as «%(small)s». Where a total would "
                "give such a count away, another count is hidden too and shown as «%(hidden)s». A "
                "rate is not shown when fewer than five people stand behind it."
            )
            % marks
        )
    period = period_of(run, snapshot)
    frozen = _(
        "The figures cover %(period)s and were frozen when the report was built; the "
        "report never changes afterwards."
    ) % {"period": days(period["start"], period["end"])}
    paragraphs = [rule, frozen]
    if period.get("cut_at_today"):
        paragraphs.append(
            _(
                "The period asked for ends %(end)s, after the day the report was built, so "
                "it was cut at that day: later days have no figures yet."
            )
            % {"end": day(period.get("requested_end"))}
        )
    return paragraphs


def legend_table(snapshot: dict) -> Table:
    threshold = (snapshot.get("meta") or {}).get("threshold") or 5
    rows = [[text_value(mark), text_value(meaning)] for mark, meaning in legend_rows(threshold)]
    return Table(
        [_("Mark"), _("Meaning")], rows, title=_("Marks used in this report"), style="legend"
    )


def sections(run, snapshot: dict, *, with_charts: bool = True) -> list[Section]:
    """The detail after the first page: targets, money, figures, narrative, changes, method."""
    titles = section_titles()
    result = []
    targets = target_table(snapshot)
    if targets:
        result.append(Section("targets", titles["targets"], tables=[targets]))
    money = money_section(snapshot)
    if money:
        result.append(money)
    result.extend(figure_sections(snapshot, with_charts=with_charts))
    result.append(
        Section("narrative", titles["narrative"], paragraphs=narrative_paragraphs(run, snapshot))
    )
    changes = change_table(snapshot)
    if changes:
        note = correction_note(snapshot)
        result.append(
            Section("changes", titles["changes"], tables=[changes], text=[note] if note else [])
        )
    method_text = method_paragraphs(run, snapshot)
    result.append(
        Section("method", titles["method"], tables=[legend_table(snapshot)], text=method_text)
    )
    return result


# Long form: one row per figure or breakdown cell, for the Data sheet and the CSV -----------

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
        key, label = f"target.{metric}", _status_label(TargetMetric, metric)
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
                text_value(_status_label(TargetStatus, status)),
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

    rows = [
        row("grant_amount", _("Amount granted"), money_value(money.get("grant_amount"), currency))
    ]
    lines = _line_keys(money.get("budget_lines") or [])
    columns = {
        "budget": _("Budget"),
        "period": _("Costs this period"),
        "to_date": _("Costs to date"),
        "deviation": _("Deviation from budget"),
    }
    unassigned = money.get("unassigned") or {}
    for column, label in columns.items():
        total = (money.get("totals") or {}).get(column)
        rows.append(row(column, label, money_value(total, currency)))
        for key, line in lines:
            rows.append(
                row(
                    column,
                    label,
                    money_value(line.get(column), currency),
                    breakdown="budget_line",
                    category=key,
                    category_label=line.get("label", ""),
                )
            )
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
    rows.append(
        row("payments", _("Payments received"), money_value(money.get("payments_total"), currency))
    )
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
    own = money.get("own_contribution") or {}
    rows += [
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
    if value.kind == "date":
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


# The spreadsheet ---------------------------------------------------------------------------


def _date_format() -> str:
    """The language's short date as a spreadsheet number format («dd.mm.yyyy» in Norwegian)."""
    django_format = formats.get_format("SHORT_DATE_FORMAT")
    codes = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy"}
    return "".join(codes.get(c, c) for c in django_format)


def number_format(value: Value) -> str:
    """How a spreadsheet shows a number: grouped counts, one decimal for rates and months,
    amounts with their currency, whole kroner unless there are øre."""
    if value.kind == "amount":
        places = "#,##0" if value.number == int(value.number) else "#,##0.00"
        if is_english():
            return f'"{value.currency}" {places};"{value.currency}" -{places}'
        unit = currency_unit(value.currency)
        return f'{places} "{unit}";-{places} "{unit}"'
    return {
        "count": "#,##0",
        "rate": "0.0",
        "months": "0.0",
        "share": "0.00",
        "date": _date_format(),
    }.get(value.kind, "General")


class _Sheet:
    """Appends rows of text and numbers to an openpyxl sheet, keeping numbers numeric."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def row(self, *values, bold: bool = False, indent: int = 0) -> None:
        self.sheet.append([self._content(v) for v in values])
        line = self.sheet.max_row
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=line, column=column)
            if isinstance(value, Value) and value.number is not None:
                cell.number_format = number_format(value)
            if bold:
                cell.font = Font(bold=True)
            if indent and column == 1:
                cell.alignment = Alignment(indent=indent)

    def text(self, text: str, *, bold: bool = False) -> None:
        self.sheet.append([spreadsheet_safe(text)])
        cell = self.sheet.cell(row=self.sheet.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=12)

    @staticmethod
    def _content(value):
        if isinstance(value, Value):
            if value.number is None:
                return spreadsheet_safe(value.text)
            return float(value.number) if isinstance(value.number, Decimal) else value.number
        return spreadsheet_safe(value)


def _report_sheet(sheet, run, snapshot: dict) -> None:
    out = _Sheet(sheet)
    out.text(report_title(run, snapshot), bold=True)
    for label, text in title_rows(run, snapshot):
        out.row(label, text)
    note = correction_note(snapshot)
    if note:
        out.text(note)
    deadlines = deadline_table(snapshot)
    for section in sections(run, snapshot, with_charts=False) + (
        [Section("deadlines", section_titles()["deadlines"], tables=[deadlines])]
        if deadlines
        else []
    ):
        out.row()
        out.text(section.title, bold=True)
        for row in section.rows:
            out.row(row.label, row.value)
            for cell in row.cells:
                out.row(cell.label, cell.value, indent=2)
        for table in section.tables:
            if table.title:
                out.row(table.title, bold=True)
            out.row(*table.headers, bold=True)
            for index, cells in enumerate(table.rows):
                out.row(*cells, bold=table.total and index == len(table.rows) - 1)
        if section.note:
            out.text(section.note)
        for title, text in section.paragraphs:
            if title:
                out.row(title, bold=True)
            out.text(text)
    sheet.column_dimensions["A"].width = 60
    for column in "BCDE":
        sheet.column_dimensions[column].width = 18


def _data_sheet(sheet, run, snapshot: dict) -> None:
    out = _Sheet(sheet)
    out.row(*data_headers(), bold=True)
    for row in data_rows(run, snapshot):
        # A protected or missing value leaves the value column empty, so that it sums.
        value = row.value if row.value.number is not None else None
        out.row(
            row.figure,
            row.label,
            row.breakdown,
            row.category,
            row.category_label,
            value,
            row.value.text,
        )
        sheet.cell(row=sheet.max_row, column=8, value=row.suppressed)
        sheet.cell(row=sheet.max_row, column=9, value=spreadsheet_safe(row.unit))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEFGHI", (28, 40, 18, 18, 32, 14, 16, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width


MONTH_SERIES = ["participants_over_time", "attendance_rate", "module_progress"]


def _month_sheet(sheet, snapshot: dict) -> None:
    """The monthly series side by side, months as real dates."""
    series = snapshot.get("series") or {}
    keys = [k for k in MONTH_SERIES if k in series]
    texts = chart_texts()
    out = _Sheet(sheet)
    out.row(_("Month"), *[texts[k][0] for k in keys], bold=True)
    by_month = {k: dict(series[k]) for k in keys}
    months = sorted({m for k in keys for m in by_month[k]})
    for month in months:
        values = [count_value(by_month[k].get(month), rate=k == "attendance_rate") for k in keys]
        out.row(Value(month_text(month), as_date(month), "date"), *values)
        sheet.cell(row=sheet.max_row, column=1).number_format = "mmm yyyy"
    sheet.column_dimensions["A"].width = 14
    for column in "BCD":
        sheet.column_dimensions[column].width = 30
    if months and "participants_over_time" in keys:
        chart = BarChart()
        chart.title = texts["participants_over_time"][0]
        chart.y_axis.title = texts["participants_over_time"][1]
        chart.x_axis.title = _("Month")
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=sheet.max_row), True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=sheet.max_row))
        sheet.add_chart(chart, "F2")


def render_xlsx(run, snapshot: dict) -> bytes:
    """A readable «Report» sheet, a «Data» sheet in long form to sum and pivot, and the
    monthly series."""
    book = Workbook()
    book.active.title = _("Report")[:31]
    _report_sheet(book.active, run, snapshot)
    _data_sheet(book.create_sheet(_("Data")[:31]), run, snapshot)
    _month_sheet(book.create_sheet(_("Per month")[:31]), snapshot)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
