"""A season's figures in a file that leaves Fotfeste: a CSV that Swedish Excel opens as it is
(UTF-8 with a byte-order mark, semicolons between the cells, a decimal comma in Swedish and
Norwegian) and an XLSX with numbers kept numeric. The figures are suppressed first with the
municipality's threshold (``summerjobs/figures.py``), and the marks are explained at the foot.
Each download is recorded; the file's name says nothing about anyone.

The file is made in the request: it holds some fifty cells, whatever the number of applicants,
and its figures take eight queries."""

import csv
import io
from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts import memberships
from accounts.disclosure import marks_explained
from accounts.models import User
from audit.models import AccessAction
from audit.services import access_record_rows
from config.errors import ApplicationError
from participants.exports import spreadsheet_safe
from summerjobs.figures import Breakdown, SeasonFigures, figures_protected, season_figures
from summerjobs.models import Season

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE = "summerjobs:figures_file"

Cell = int | float | str | date | None
Line = tuple[list[Cell], bool]  # the cells of a row, and whether it is a heading


def season_figures_export(*, user: User, season: Season, fmt: str) -> bytes:
    """The season's figures as a file for one of its leads or coordinators, suppressed with
    the municipality's threshold; the download is recorded as an access event on the season."""
    if fmt not in CONTENT_TYPES:
        raise ApplicationError(_("Choose CSV or XLSX."), field="format")
    if not memberships.runs_summer_jobs(user, season.programme_id):
        raise ApplicationError(
            _("Only the programme's leads and summer-jobs coordinators export its figures.")
        )
    threshold = season.programme.municipality.disclosure_threshold
    figures = figures_protected(season_figures(season=season, with_tiers=True), threshold=threshold)
    content = figures_csv(figures) if fmt == "csv" else figures_xlsx(figures)
    access_record_rows(
        user=user, model=Season, object_ids=[season.pk], page=PAGE, action=AccessAction.EXPORT
    )
    return content


def file_name(season: Season, fmt: str) -> str:
    return f"fotfeste-season-figures-{season.pk}.{fmt}"


def figures_lines(figures: SeasonFigures) -> list[Line]:
    """The file's rows, top to bottom: the season, its figures, each breakdown, the key."""
    season = figures.season
    lines: list[Line] = [
        ([spreadsheet_safe(season.name)], True),
        ([_("Programme"), spreadsheet_safe(season.programme.name)], False),
        ([_("Made on"), timezone.localdate()], False),
        *_frozen_line(figures),
        ([], False),
        ([_("The season"), _("Count")], True),
        ([_("Applicants"), figures.applicants], False),
        ([_("Placed"), figures.placed], False),
        ([_("Not placed"), figures.not_placed], False),
        ([_("Share of the applicants placed (%)"), figures.share], False),
        ([_("Offered a place"), figures.offered], False),
        ([_("Declined an offer"), figures.declined], False),
        ([_("Let an offer lapse"), figures.lapsed], False),
        ([_("Applications withdrawn"), figures.withdrawn], False),
    ]
    for breakdown in figures.breakdowns:
        lines += [([], False), *_breakdown_lines(breakdown, figures)]
    return [*lines, ([], False), *_key_lines(figures.threshold)]


def _frozen_line(figures: SeasonFigures) -> list[Line]:
    if figures.frozen_at is None:
        return []
    return [([_("Figures frozen on"), timezone.localdate(figures.frozen_at)], False)]


def _breakdown_lines(breakdown: Breakdown, figures: SeasonFigures) -> list[Line]:
    full = breakdown.characteristic
    head: list[Cell] = [breakdown.title, _("Applicants"), _("Placed")]
    total: list[Cell] = [_("In all"), figures.applicants, figures.placed]
    if full:
        head += [_("Not placed"), _("Share placed (%)")]
        total += [figures.not_placed, figures.share]
    if breakdown.key == "period":
        total[1] = None  # a young person may count in several periods
    lines: list[Line] = [(head, True)]
    for row in breakdown.rows:
        cells: list[Cell] = [spreadsheet_safe(row.label), row.applicants, row.placed]
        lines.append(([*cells, row.not_placed, row.share] if full else cells, False))
    lines.append((total, False))
    if breakdown.note:
        lines.append(([breakdown.note], False))
    return lines


def _key_lines(threshold: int | None) -> list[Line]:
    if threshold is None:
        return []
    rule = _(
        "The breakdowns by priority tier, gender and age band show no count of 1 to %(top)s "
        "people; the other figures are exact."
    ) % {"top": threshold - 1}
    lines: list[Line] = [([_("Marks")], True), ([rule], False)]
    return lines + [([mark, meaning], False) for mark, meaning in marks_explained(threshold)]


def figures_csv(figures: SeasonFigures) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for cells, _heading in figures_lines(figures):
        writer.writerow([_csv_text(cell) for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return formats.number_format(cell, 1, use_l10n=True)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def figures_xlsx(figures: SeasonFigures) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = _("Season figures")[:31]
    sheet.column_dimensions["A"].width = 44
    for column in "BCDE":
        sheet.column_dimensions[column].width = 14
    for cells, heading in figures_lines(figures):
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            if heading:
                cell.font = Font(bold=True)
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
