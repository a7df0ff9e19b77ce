"""The payroll files of a batch (summerjobs/payroll.py), drawn from plain values: a PAXml 2.0
document for the payroll system's import and a CSV of the same lines for people.

PAXml 2.0 (www.paxml.se, schema paxml.xsd, version 2.0 of 2012-12) is the Swedish standard
format for sending pay data from another system to a payroll program. Each young person's
period is a pair of ``lonetrans``: the hours at the hourly pay of their age band, and the
holiday pay (semesterersättning) as its percentage of that pay; both with the season's
lönearter. The schema has no ``kostnadsstalle`` element: a cost centre is a ``resenhet`` of a
dimension, and dimension 1 is the kostnadsställe (as in SIE, which PAXml's dimensions follow).
Within ``lonetrans`` the schema lets the elements come in any order (``xs:all``); they are
written in the order the schema lists them. A resultatenhet's id is at most ten characters
(``Workplace.cost_centre`` holds no more), a personnummer exactly twelve digits."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from participants.exports import spreadsheet_safe

PAXML_VERSION = "2.0"
PAXML_SCHEMA = "http://www.paxml.se/2.0/paxml.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# SIE's and PAXml's dimension 1: the kostnadsställe.
COST_CENTRE_DIMENSION = 1
CENT = Decimal("0.01")
RATE = Decimal("0.0001")


@dataclass(frozen=True, kw_only=True)
class FileHeader:
    made_at: datetime
    employer_name: str
    employer_id: str
    hourly_code: str
    holiday_code: str


@dataclass(frozen=True, kw_only=True)
class FileLine:
    """A young person's period in the files: the personnummer in full (12 digits), as payroll
    needs it."""

    national_id: str
    last_name: str
    first_name: str
    workplace: str
    cost_centre: str
    period: int
    starts_on: date
    ends_on: date
    hours: Decimal
    age: int
    hourly_pay: Decimal
    pay: Decimal
    holiday_pay_percent: Decimal
    holiday_pay: Decimal
    correction: bool

    @property
    def total(self) -> Decimal:
        return self.pay + self.holiday_pay


def amount(value: Decimal) -> str:
    """A decimal as xs:decimal and a spreadsheet read it: a point, never an exponent."""
    return format(value.quantize(CENT), "f")


def paxml(header: FileHeader, lines: Iterable[FileLine]) -> bytes:
    """The PAXml 2.0 document: the header, the cost centres' dimension when any line has one,
    and two ``lonetrans`` per line. A batch without lines is a header alone (the schema wants
    at least one ``lonetrans`` in a ``lonetransaktioner``)."""
    lines = list(lines)
    root = ET.Element("paxml", {"xmlns:xsi": XSI, "xsi:noNamespaceSchemaLocation": PAXML_SCHEMA})
    root.append(_header(header))
    if any(line.cost_centre for line in lines):
        dimensions = ET.SubElement(root, "dimensioner")
        ET.SubElement(
            dimensions, "dimension", {"dim": str(COST_CENTRE_DIMENSION), "namn": _("Cost centre")}
        )
    if lines:
        transactions = ET.SubElement(root, "lonetransaktioner")
        for line in lines:
            transactions.append(_hourly(header, line))
            transactions.append(_holiday(header, line))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _header(header: FileHeader) -> ET.Element:
    element = ET.Element("header")
    # LÖNIN: a file for the payroll program to read in.
    _text(element, "format", "LÖNIN")
    _text(element, "version", PAXML_VERSION)
    _text(element, "datum", header.made_at.replace(microsecond=0, tzinfo=None).isoformat())
    if header.employer_id:
        _text(element, "foretagid", header.employer_id)
    _text(element, "foretagnamn", header.employer_name)
    _text(element, "programnamn", "Fotfeste")
    return element


def _transaction(line: FileLine, code: str, text: str) -> ET.Element:
    element = ET.Element("lonetrans", {"persnr": line.national_id})
    _text(element, "lonart", code)
    _text(element, "benamning", text)
    if line.correction:
        _text(element, "kommentar", _("Correction of hours paid in an earlier payroll file"))
    _text(element, "datumfrom", f"{line.starts_on.isoformat()}T00:00:00")
    _text(element, "datumtom", f"{line.ends_on.isoformat()}T23:59:59")
    return element


def _hourly(header: FileHeader, line: FileLine) -> ET.Element:
    text = _("Hourly pay, summer job, period %(number)s") % {"number": line.period}
    element = _transaction(line, header.hourly_code, text)
    _text(element, "antal", amount(line.hours))
    _text(element, "apris", amount(line.hourly_pay))
    _text(element, "belopp", amount(line.pay))
    _cost_centre(element, line)
    return element


def _holiday(header: FileHeader, line: FileLine) -> ET.Element:
    text = _("Holiday pay %(percent)s %%, summer job, period %(number)s") % {
        "percent": format(line.holiday_pay_percent.normalize(), "f"),
        "number": line.period,
    }
    element = _transaction(line, header.holiday_code, text)
    # The pay it is reckoned on, times the percentage as a fraction.
    _text(element, "antal", amount(line.pay))
    _text(element, "apris", format((line.holiday_pay_percent / 100).quantize(RATE), "f"))
    _text(element, "belopp", amount(line.holiday_pay))
    _cost_centre(element, line)
    return element


def _cost_centre(element: ET.Element, line: FileLine) -> None:
    if line.cost_centre:
        units = ET.SubElement(element, "resenheter")
        ET.SubElement(
            units, "resenhet", {"dim": str(COST_CENTRE_DIMENSION), "id": line.cost_centre}
        )


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def csv_header() -> list[str]:
    return [
        _("Personnummer"),
        _("Last name"),
        _("First name"),
        _("Workplace"),
        _("Cost centre"),
        _("Period"),
        _("First day"),
        _("Last day"),
        _("Hours"),
        _("Age on the first day"),
        _("Hourly pay"),
        _("Pay"),
        _("Holiday pay (%)"),
        _("Holiday pay"),
        _("Total"),
        _("Correction"),
    ]


def csv_rows(lines: Iterable[FileLine]) -> list[list[str]]:
    """One row per line pair: each text cell safe in a spreadsheet, amounts with a point."""
    return [
        [
            line.national_id,
            spreadsheet_safe(line.last_name),
            spreadsheet_safe(line.first_name),
            spreadsheet_safe(line.workplace),
            spreadsheet_safe(line.cost_centre),
            str(line.period),
            line.starts_on.isoformat(),
            line.ends_on.isoformat(),
            amount(line.hours),
            str(line.age),
            amount(line.hourly_pay),
            amount(line.pay),
            amount(line.holiday_pay_percent),
            amount(line.holiday_pay),
            amount(line.total),
            _("Yes") if line.correction else "",
        ]
        for line in lines
    ]


def csv_document(lines: Iterable[FileLine]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_header())
    writer.writerows(csv_rows(lines))
    return out.getvalue().encode("utf-8")
