"""Exports of participants: scoped, audited, safe to open in a spreadsheet."""

import csv
import io

from django.utils.translation import gettext as _

from audit.models import AccessAction
from audit.services import access_record_many
from participants.selectors import participant_list

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (CSV/formula injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def caseload_table(people) -> tuple[list[str], list[list[str]]]:
    """The caseload's columns, one row per person, each cell safe in a spreadsheet. ``people``
    come from ``participant_list`` (their followed enrollments are prefetched)."""
    header = [
        _("Last name"),
        _("First name"),
        _("Birth date"),
        _("Programme"),
        _("Cohort"),
        _("Status"),
        _("Caseworker"),
        _("Phone"),
        _("E-mail address"),
    ]
    rows = []
    for person in people:
        enrollment = next(iter(person.followed_enrollments), None)
        rows.append(
            [
                spreadsheet_safe(v)
                for v in (
                    person.last_name,
                    person.first_name,
                    person.birth_date.isoformat() if person.birth_date else "",
                    enrollment.programme.name if enrollment else "",
                    enrollment.cohort.name if enrollment and enrollment.cohort else "",
                    enrollment.get_status_display() if enrollment else "",
                    enrollment.caseworker.full_name if enrollment and enrollment.caseworker else "",
                    person.phone,
                    person.email,
                )
            ]
        )
    return header, rows


def participants_csv(*, user, participant_ids: list[int]) -> str:
    """The selected people the user may see; each export is recorded in their access log."""
    people = list(
        participant_list(user=user).filter(pk__in=participant_ids[:1000], case_access=True)
    )
    header, rows = caseload_table(people)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    access_record_many(
        user=user, participants=people, page="participants:export", action=AccessAction.EXPORT
    )
    return out.getvalue()
