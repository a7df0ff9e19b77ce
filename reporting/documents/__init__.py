"""A report's frozen figures laid out as a document: a first page read at a glance, sections of
figures, tables and charts, the narrative and the method; then written as CSV and XLSX (the PDF
is in ``reporting.pdf``). Everything here reads the snapshot only (with the run's kind,
language and id), never the database, so a file made again from a run says exactly what it
said before. A snapshot from before money, targets and deadlines were frozen still renders:
every part of it may be missing. Call these with the run's language active.

``model`` holds the document's parts, ``layout`` the sections of figures and their charts,
``first_page`` the title, tiles and deadlines, ``money`` the targets and money tables,
``detail`` the sections after the first page, ``long_form`` the Data sheet's rows and the CSV,
``xlsx`` the spreadsheet."""

from reporting.documents.detail import sections
from reporting.documents.first_page import (
    correction_note,
    deadline_table,
    period_of,
    report_title,
    tiles,
    title_rows,
)
from reporting.documents.layout import figure_sections
from reporting.documents.long_form import render_csv
from reporting.documents.model import Cell, Row, Section, Table, Tile, Value
from reporting.documents.xlsx import render_xlsx

__all__ = [
    "Cell",
    "Row",
    "Section",
    "Table",
    "Tile",
    "Value",
    "correction_note",
    "deadline_table",
    "figure_sections",
    "period_of",
    "render_csv",
    "render_xlsx",
    "report_title",
    "sections",
    "tiles",
    "title_rows",
]
