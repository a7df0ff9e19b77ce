"""Import files: accepted by what they contain (CSV text in UTF-8, or a real XLSX workbook),
read into rows of text, and the empty templates to fill in."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from config.errors import ApplicationError
from config.uploads import ZIP_MAGIC, archive_entries
from imports.columns import Column
from imports.models import ImportFormat
from participants.bulk import BulkError, RowProblem

MAX_ROWS = 10_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls


def inspect_import(upload: UploadedFile) -> str:
    """The file's format (csv or xlsx), or an ApplicationError saying why it is refused."""
    limit = settings.FOTFESTE_UPLOAD_MAX_BYTES
    if not upload.size:
        raise ApplicationError(_("The file is empty."), field="file")
    if upload.size > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if content.startswith(ZIP_MAGIC):
        if not _is_workbook(content):
            raise _not_accepted()
        return ImportFormat.XLSX
    if content.startswith(_OLE):
        raise ApplicationError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or as CSV UTF-8."),
            field="file",
        )
    decode_text(content)
    return ImportFormat.CSV


def _not_accepted() -> ApplicationError:
    return ApplicationError(
        _(
            "Only CSV files in UTF-8 and Excel workbooks (.xlsx) can be imported. This file's "
            "content is neither, whatever its name says."
        ),
        field="file",
    )


def _is_workbook(content: bytes) -> bool:
    """An Office Open XML workbook that is safe to open (config/uploads.py says why not)."""
    entries = archive_entries(content)
    names = {entry.filename for entry in entries or []}
    return {"[Content_Types].xml", "xl/workbook.xml"} <= names


def decode_text(content: bytes) -> str:
    """UTF-8 text (a byte-order mark is allowed, as Excel writes one), or a clear refusal."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content.split(b"\n", 1)[0]:
        raise ApplicationError(
            _(
                "The file is UTF-16 text or not text at all. Save it as CSV UTF-8 "
                "(comma or semicolon separated) and upload it again."
            ),
            field="file",
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError(
            _(
                "The file is not UTF-8 text (perhaps Latin-1 or a binary file). Save it as CSV "
                "UTF-8 and upload it again."
            ),
            field="file",
        ) from None


@dataclass
class Record:
    """One row of the file: its number as the spreadsheet shows it, the cells by column name,
    and the columns holding a formula instead of a value."""

    line: int
    values: dict[str, str]
    formulas: list[str] = field(default_factory=list)


def read_records(content: bytes, fmt: str, columns: list[Column], *, country: str) -> list[Record]:
    """The file's rows under a header (its first row that is not empty) that must name exactly
    the template's columns, in any order. Problems with the file as a whole raise BulkError."""
    rows = _xlsx_rows(content) if fmt == ImportFormat.XLSX else _csv_rows(content)
    header = next((row for row in rows if any(str(c).strip() for c in row[1])), None)
    if header is None:
        raise _file_problem(0, _("The file is empty."))
    order = _check_header(header, columns)
    records: list[Record] = []
    for line, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        if len(records) == MAX_ROWS:
            raise _file_problem(
                line,
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": MAX_ROWS},
            )
        records.append(_record(line, cells, order, columns, country))
    if not records:
        raise _file_problem(0, _("The file has no rows under the header."))
    return records


def _file_problem(line: int, message: str) -> BulkError:
    return BulkError([RowProblem(line, None, message)])


def _check_header(header: tuple[int, list], columns: list[Column]) -> list[str]:
    """Each position's column name; one clear problem if the header is not the template's.
    Unknown headings are named by their position only: a file without a header would
    otherwise put a person's data into the message."""
    line, cells = header
    expected = [c.name for c in columns]
    meaning = {alias.casefold(): c.name for c in columns for alias in (c.name, *c.aliases)}
    names = [str(c).strip().casefold() if c is not None else "" for c in cells]
    names = [meaning.get(name, name) for name in names]
    while names and not names[-1]:
        names.pop()
    missing = [c.name for c in columns if not c.optional and c.name not in names]
    seen: set[str] = set()
    unknown = []
    for i, name in enumerate(names):
        if name not in expected or name in seen:
            unknown.append(get_column_letter(min(i + 1, 18_278)))  # XFD is the last column
        seen.add(name)
    if missing or unknown:
        parts = [_("The first row must be the template's header.")]
        if missing:
            parts.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(
                _("Columns not in the template, or repeated: %(columns)s.")
                % {"columns": ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")}
            )
        parts.append(_("Download the template and copy your rows into it."))
        raise _file_problem(line, " ".join(parts))
    return names


def _record(line: int, cells: list, order: list, columns: list[Column], country: str) -> Record:
    extra = cells[len(order) :]
    if any(str(c).strip() for c in extra if c is not None):
        raise _file_problem(
            line, _("Row %(line)d has more cells than the header.") % {"line": line}
        )
    values: dict[str, str] = {c.name: "" for c in columns}
    formulas = []
    for name, cell in zip(order, cells, strict=False):
        if isinstance(cell, _Formula):
            formulas.append(name)
        elif isinstance(cell, _Number) and name in _LEADING_ZEROS:
            values[name] = _leading_zero(cell, _LEADING_ZEROS[name].get(country))
        else:
            values[name] = str(cell)
    return Record(line, values, formulas)


# A Norwegian fødselsnummer of someone born on the 1st to the 9th loses its first zero when a
# spreadsheet takes it for a number (10 digits for 11), as a postcode like 0150 does; a
# Swedish YYMMDD number of the 2000s loses one or two. The check digits still decide whether
# the number is valid.
_LEADING_ZEROS = {"national_id": {"NO": 11, "SE": 10}, "postcode": {"NO": 4}}


def _leading_zero(digits: str, length: int | None) -> str:
    if length and length - 2 <= len(digits) < length:
        return digits.zfill(length)
    return str(digits)


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    text = decode_text(content)
    # The header's separator: Excel in Norway and Sweden saves with semicolons.
    first = next((line for line in io.StringIO(text) if line.strip(' \t\r\n,;"')), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    while True:
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _file_problem(
                line,
                _(
                    "Row %(line)d cannot be read: a cell is far too long or a quotation mark "
                    "is not closed."
                )
                % {"line": line},
            ) from None
        yield line, cells


class _Formula(str):
    """A spreadsheet cell that holds a formula (or a formula's error) rather than a value."""


class _Number(str):
    """A whole number from a spreadsheet cell, written out in digits."""


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        try:
            for line, row in enumerate(book.worksheets[0].iter_rows(), start=1):
                if line > MAX_ROWS * 2:
                    raise _file_problem(
                        line,
                        _("The file has more than %(max)d rows; split it into smaller files.")
                        % {"max": MAX_ROWS},
                    )
                yield line, [_cell_text(cell) for cell in row]
        finally:
            book.close()
    except BulkError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or crafted workbook
        raise _file_problem(
            0,
            _("The workbook cannot be read. Save it again as .xlsx, or as CSV UTF-8."),
        ) from None


def _cell_text(cell) -> str:
    """A cell as the text a person would have typed: dates as YYYY-MM-DD, whole numbers
    without decimals."""
    value = cell.value
    if cell.data_type in ("f", "e"):
        return _Formula("")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return _Number(value)
    return str(value)


# --- templates -------------------------------------------------------------------------------


def template_csv(columns: list[Column]) -> bytes:
    """The header, semicolon separated as Excel in Norway and Sweden saves it, with the
    byte-order mark that makes Excel read it as UTF-8."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow([c.name for c in columns])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(columns: list[Column]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one sheet
    sheet.title = "import"
    sheet.append([c.name for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
