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


def participants_csv(*, user, participant_ids: list[int]) -> str:
    """The selected people the user may see; each export is recorded in their access log."""
    rows = list(participant_list(user=user).filter(pk__in=participant_ids[:1000], case_access=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
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
    )
    for person in rows:
        enrollment = next(iter(person.followed_enrollments), None)
        writer.writerow(
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
    access_record_many(
        user=user, participants=rows, page="participants:export", action=AccessAction.EXPORT
    )
    return out.getvalue()
