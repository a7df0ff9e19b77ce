"""Where the figures go: the sections that group them, their titles and the charts drawn
under them."""

from django.utils.translation import gettext as _

from reporting.charts import Chart, bar_chart, month_chart
from reporting.documents.model import Cell, Row, Section, Value, count_value
from reporting.figures import category_labels, category_namer, figure_labels
from reporting.formatting import small_mark

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


def figure_rows(figures: dict, names: dict[str, str] | None = None) -> list[Row]:
    """``names``: ``figure_labels()``, when the caller has them already."""
    names = names or figure_labels()
    rows = []
    for key, value in figures.items():
        label = names.get(key, key)
        if isinstance(value, dict):
            name = category_namer(key)
            cells = [Cell(k, name(k), count_value(v)) for k, v in value.items()]
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
    titles, names = section_titles(), figure_labels()
    figures = snapshot.get("figures") or {}
    drawn = charts(snapshot) if with_charts else {}
    placed: set[str] = set()
    result = []
    for key, keys, chart in LAYOUT:
        chosen = {k: figures[k] for k in keys if k in figures}
        placed.update(chosen)
        if not chosen:
            continue
        section = Section(key, titles[key], rows=figure_rows(chosen, names))
        if chart in drawn:
            section.chart = drawn[chart]
            section.note = "" if drawn[chart] else _nothing_drawn(chart)
        result.append(section)
    rest = {k: v for k, v in figures.items() if k not in placed}
    if rest:
        result.append(Section("other", titles["other"], rows=figure_rows(rest, names)))
    return result
