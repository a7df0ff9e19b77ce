"""A report's frozen figures laid out as a document: sections of labelled rows and charts, then
written as CSV and XLSX (the PDF is in ``reporting.pdf``). Everything here reads the snapshot
only, never the database, so a file made again from a run says exactly what it said before.
Call these with the run's language active."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from participants.exports import spreadsheet_safe
from reporting.charts import bar_chart, column_chart
from reporting.figures import category_labels, figure_labels


@dataclass
class Section:
    key: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    chart: str = ""
    text: str = ""


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
            "follow_up_6",
            "follow_up_12",
        ],
        "outcomes",
    ),
]


def section_titles() -> dict[str, str]:
    return {
        "grant": _("The grant"),
        "participants": _("Participants"),
        "activities": _("Activities and attendance"),
        "qualification": _("Qualification"),
        "outcomes": _("Outcomes"),
        "narrative": _("Activities and deviations, in the programme's words"),
        "method": _("About these figures"),
    }


def chart_titles() -> dict[str, str]:
    return {
        "participants_over_time": _("Participants per month"),
        "attendance_rate": _("Attendance rate per month (%)"),
        "module_progress": _("Modules passed per month"),
        "outcomes": _("Exits, by destination"),
    }


def month_label(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "M Y")


def value_text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return formats.number_format(value, 1)
    return str(value)


def figure_rows(figures: dict) -> list[tuple[str, str]]:
    """(label, text) rows; a breakdown reads «category: count · …», an empty one «–»."""
    names = figure_labels()
    rows = []
    for key, value in figures.items():
        if isinstance(value, dict):
            categories = category_labels(key)
            parts = [f"{categories.get(k, k)}: {value_text(v)}" for k, v in value.items()]
            text = " · ".join(parts) or "–"
        else:
            text = value_text(value)
        rows.append((names.get(key, key), text))
    return rows


def charts(snapshot: dict) -> dict[str, str]:
    """Every chart of the snapshot as SVG markup, under the series' key."""
    series = snapshot.get("series", {})
    titles = chart_titles()
    drawn = {}
    for key in ("participants_over_time", "attendance_rate", "module_progress"):
        if key in series:
            points = [(month_label(m), v) for m, v in series[key]]
            drawn[key] = column_chart(
                points, title=titles[key], top=100 if key == "attendance_rate" else None
            )
    if "outcomes" in series:
        labels = category_labels("outcomes")
        points = [(labels.get(k, k), v) for k, v in series["outcomes"]]
        drawn["outcomes"] = bar_chart(points, title=titles["outcomes"])
    return drawn


def figure_sections(snapshot: dict, *, with_charts: bool = True) -> list[Section]:
    """The figures, grouped as the report and the dashboard show them."""
    titles = section_titles()
    figures = snapshot.get("figures", {})
    drawn = charts(snapshot) if with_charts else {}
    result = []
    for key, keys, chart in LAYOUT:
        chosen = {k: figures[k] for k in keys if k in figures}
        if chosen:
            result.append(
                Section(key, titles[key], rows=figure_rows(chosen), chart=drawn.get(chart, ""))
            )
    return result


def sections(run, snapshot: dict, *, with_charts: bool = True) -> list[Section]:
    """The whole document: the grant (LIM), the figures, the narrative and the method."""
    titles = section_titles()
    result = []
    if run.kind == "lim":
        result.append(Section("grant", titles["grant"], rows=grant_rows(snapshot["meta"])))
    result.extend(figure_sections(snapshot, with_charts=with_charts))
    if run.kind != "ks" or run.narrative_activities or run.narrative_deviations:
        result.append(Section("narrative", titles["narrative"], rows=narrative_rows(run)))
    result.append(Section("method", titles["method"], text=method_text()))
    return result


def grant_rows(meta: dict) -> list[tuple[str, str]]:
    grant = meta.get("grant", {})
    return [
        (_("Funder"), grant.get("funder", "")),
        (_("Grant"), grant.get("name", "")),
        (_("Amount"), formats.number_format(grant.get("amount", 0), 0, force_grouping=True)),
        (_("Grant period"), f"{grant.get('starts_on', '')} – {grant.get('ends_on', '')}"),
        (_("Funded position (FTE)"), formats.number_format(grant.get("position_share", 0), 2)),
        (_("Required own contribution (%)"), formats.number_format(grant.get("own_share", 0), 1)),
        (_("Programmes"), ", ".join(meta.get("programmes", []))),
    ]


def narrative_rows(run) -> list[tuple[str, str]]:
    return [
        (_("Activities"), run.narrative_activities or "–"),
        (_("Deviations from the plan"), run.narrative_deviations or "–"),
    ]


def method_text() -> str:
    return _(
        "Counts from 1 to 4 are shown as «<5». Where a total would reveal such a count, "
        "another count is hidden too and shown as «:». A rate is withheld («–») when fewer "
        "than five people stand behind it. The figures were frozen when the report was built."
    )


def title_rows(run, snapshot: dict) -> list[tuple[str, str]]:
    meta = snapshot.get("meta", {})
    return [
        (_("Report"), str(run.get_kind_display())),
        (_("Municipality"), meta.get("municipality", "")),
        (_("Programme") if run.kind != "lim" else _("Grant"), meta.get("subject", "")),
        (_("Period"), f"{run.period_start.isoformat()} – {run.period_end.isoformat()}"),
        (_("Built"), meta.get("built_at", "")[:16].replace("T", " ")),
    ]


def render_csv(run, snapshot: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Figure"), _("Value")])
    for label, text in title_rows(run, snapshot):
        writer.writerow([spreadsheet_safe(label), spreadsheet_safe(text)])
    for section in sections(run, snapshot, with_charts=False):
        for label, text in section.rows:
            writer.writerow([spreadsheet_safe(label), spreadsheet_safe(text)])
    return out.getvalue().encode("utf-8")


def render_xlsx(run, snapshot: dict) -> bytes:
    """One sheet with the figures, one with the monthly series (and a chart of them)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    for label, text in title_rows(run, snapshot):
        sheet.append([spreadsheet_safe(label), spreadsheet_safe(text)])
    for section in sections(run, snapshot, with_charts=False):
        sheet.append([])
        sheet.append([spreadsheet_safe(section.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for label, text in section.rows:
            sheet.append([spreadsheet_safe(label), _cell(text)])
        if section.text:
            sheet.append([spreadsheet_safe(section.text)])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 60
    series = snapshot.get("series", {})
    months = book.create_sheet(_("Per month")[:31])
    keys = ["participants_over_time", "attendance_rate", "module_progress"]
    titles = chart_titles()
    months.append([_("Month"), *[titles[k] for k in keys]])
    for index, (month, _value) in enumerate(series.get("participants_over_time", [])):
        months.append(
            [month_label(month), *[_cell(series[k][index][1]) for k in keys if k in series]]
        )
    if months.max_row > 1:
        chart = BarChart()
        chart.title = titles["participants_over_time"]
        chart.add_data(Reference(months, min_col=2, min_row=1, max_row=months.max_row), True)
        chart.set_categories(Reference(months, min_col=1, min_row=2, max_row=months.max_row))
        months.add_chart(chart, "F2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    """Numbers stay numbers in the sheet; anything else is text that cannot run."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.replace(" ", "").isdigit():
        return int(value.replace(" ", ""))
    return spreadsheet_safe(value_text(value))
