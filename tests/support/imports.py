"""Files to import: rows of people, written as CSV or XLSX."""

import csv
import io
from datetime import date, timedelta

from openpyxl import Workbook

from imports.columns import header_for
from participants.synthetic import synthetic_fodselsnummer


def national_id(n: int) -> str:
    """A synthetic fødselsnummer with a birth date of its own for each ``n``."""
    born = date(1990, 1, 1) + timedelta(days=n)
    return synthetic_fodselsnummer(born, (n * 7) % 480 + (500 if born.year >= 2000 else 0))


def person(n: int, **values) -> dict:
    names = ["Ola", "Kari", "Amir", "Sara", "Jonas", "Ingrid", "Yusuf", "Nora"]
    return {
        "first_name": names[n % len(names)],
        "last_name": f"Importsen{n:05d}x",
        "national_id": national_id(n),
        "gender": "female",
        **values,
    }


def table(rows: list[dict], *, kind: str = "participants", country: str = "NO", **csv_options):
    """The template's header and the rows, as CSV in UTF-8."""
    header = header_for(kind, country=country)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, **csv_options)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in header})
    return out.getvalue().encode("utf-8")


def workbook(rows: list[list], *, kind: str = "participants", country: str = "NO") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header_for(kind, country=country))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
