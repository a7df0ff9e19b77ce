"""The detail after the first page: targets, money, figures, the narrative, the changes since
the submitted version and the method."""

from django.utils.translation import gettext as _

from accounts.disclosure import DEFAULT_THRESHOLD
from reporting.documents.first_page import correction_note, period_of
from reporting.documents.layout import figure_sections, section_titles
from reporting.documents.model import Section, Table, count_value, text_value
from reporting.documents.money import money_section, target_table
from reporting.figures import CHARACTERISTICS, category_label, figure_labels
from reporting.formatting import day, days, legend_rows, small_mark
from reporting.profiles import Audience, narrative_titles


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
        category_text = category_label(figure, category) if category else ""
        if figure in CHARACTERISTICS:
            # Protected: that the breakdown changed is said, never how.
            category_text = _("Changed; see the figures above")
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
    rule = _suppression_rule(snapshot.get("meta") or {})
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


def _suppression_rule(meta: dict) -> str:
    """Which small counts the figures hide, by the audience the report is for."""
    threshold = meta.get("threshold") or DEFAULT_THRESHOLD
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
    return rule


def legend_table(snapshot: dict) -> Table:
    threshold = (snapshot.get("meta") or {}).get("threshold") or DEFAULT_THRESHOLD
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
