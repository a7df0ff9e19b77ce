"""The export as files: JSON for machines, a PDF to read, a ZIP with both and the stored
files. Rendered in the active language (the lead's)."""

import json
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import AccessEvent, ChangeEvent
from participants import national_id as nid
from participants.models import CaseNote, NoteDraft, Participant
from placements.models import Placement
from privacy.subject_access.sections import (
    ENCRYPTED_ID,
    SECTIONS,
    AccessExport,
    is_person_row,
)
from reporting.pdf import StaticOnlyFetcher

FORMAT = "fotfeste.subject-access.v1"
logger = logging.getLogger(__name__)

# PDF headings for columns whose model gives no translated name.
LABELS = {
    "id": gettext_lazy("No."),
    "participant": gettext_lazy("record"),
    "municipality": gettext_lazy("municipality"),
    "national_id": gettext_lazy("national ID"),
    "merged_into": gettext_lazy("merged into"),
    "merged_at": gettext_lazy("merged"),
    "created_at": gettext_lazy("created"),
    "updated_at": gettext_lazy("last changed"),
    "enrollment": gettext_lazy("enrollment"),
    "author": gettext_lazy("written by"),
    "data": gettext_lazy("draft"),
    "created_by": gettext_lazy("created by"),
    "note": gettext_lazy("case note"),
    "done_by": gettext_lazy("done by"),
    "content_type": gettext_lazy("file type"),
    "uploaded_by": gettext_lazy("uploaded by"),
    "recorded_by": gettext_lazy("recorded by"),
    "recorded_at": gettext_lazy("recorded"),
    "goal": gettext_lazy("goal"),
    "placement": gettext_lazy("placement"),
    "entry": gettext_lazy("progress entry"),
    "path": gettext_lazy("qualification path"),
    "module": gettext_lazy("module"),
    "at": gettext_lazy("when"),
    "user": gettext_lazy("by"),
    "action": gettext_lazy("what"),
    "page": gettext_lazy("page"),
    "model": gettext_lazy("kind of record"),
    "object_id": gettext_lazy("record no."),
    "changes": gettext_lazy("changes"),
    "redacted_at": gettext_lazy("values removed"),
}


# ----- JSON ---------------------------------------------------------------------------------


def export_data(export: AccessExport) -> dict:
    """The machine-readable export: stable keys, codes rather than labels, ISO dates, the
    national ID in full (it is the person's own)."""
    data: dict[str, object] = {
        "format": FORMAT,
        "generated_at": timezone.localtime(export.generated_at).isoformat(),
        "generated_by": export.actor.full_name,
        "municipality": export.participant.municipality.name,
    }
    for section in SECTIONS:
        rows = [_json_row(obj, section.columns) for obj in export.rows[section.key]]
        data[section.key] = rows[0] if section.key == "person" else rows
    return data


def render_json(export: AccessExport) -> bytes:
    return json.dumps(export_data(export), ensure_ascii=False, indent=2).encode("utf-8")


def _json_row(obj: models.Model, columns: Iterable[models.Field]) -> dict:
    row: dict[str, object] = {}
    for f in columns:
        if f.name == ENCRYPTED_ID:
            row["national_id"] = _national_id(cast(Participant, obj))
        elif f.is_relation and is_person_row(f):
            row[f.attname] = getattr(obj, f.attname)
        elif f.is_relation:
            row[f.name] = name_of(getattr(obj, f.name))
        elif isinstance(f, models.FileField):
            row[f.name] = archive_name(obj, f)
        else:
            row[f.name] = plain(getattr(obj, f.attname))
    return row


def plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def name_of(related) -> str | None:
    """Staff by name (what the person may know of who handled their case), never by
    e-mail; anything else by its own name."""
    if related is None:
        return None
    if isinstance(related, User):
        return related.full_name or _("(no name)")
    return str(related)


def _national_id(participant: Participant) -> str:
    """The number in full; an ApplicationError when the keys cannot read it."""
    if not participant.national_id_encrypted:
        return ""
    return nid.decrypt(participant.national_id_encrypted)


def archive_name(obj: models.Model, f: models.FileField) -> str:
    """The stored file's name in the ZIP: the row's number, never the name a user gave."""
    stored = getattr(obj, f.name).name or ""
    ext = stored.rsplit(".", 1)[-1].lower() if "." in stored else ""
    ext = ext if ext.isalnum() and len(ext) <= 8 else "bin"
    return f"files/{obj._meta.model_name}-{obj.pk}.{ext}" if stored else ""


# ----- PDF ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    label: str
    value: object
    long: bool = False  # typed text or a list of changes: shown below the short facts


def pdf_context(export: AccessExport) -> dict:
    """The sections as the PDF shows them: translated headings, localised dates, labels
    instead of codes, staff by name."""
    sections: list[dict[str, Any]] = []
    for section in SECTIONS:
        if section.key == "access_events":
            labels, rows = _looks(export)
        else:
            columns = [f for f in section.columns if _shown_in_pdf(f, export)]
            labels = [_label(f) for f in columns]
            rows = [_pdf_row(obj, columns) for obj in export.rows[section.key]]
        sections.append(
            {
                "key": section.key,
                "title": section.heading,
                "table": section.table,
                "labels": labels,
                "rows": rows,
            }
        )
    person, *others = sections
    return {
        "participant": export.participant,
        "generated_at": export.generated_at,
        "generated_by": export.actor.full_name,
        "person": person["rows"][0],
        "sections": others,
    }


def render_html(export: AccessExport) -> str:
    return render_to_string("privacy/subject_access_pdf.html", pdf_context(export))


def render_pdf(export: AccessExport) -> bytes:
    """The readable copy. The rows hold text people typed, so WeasyPrint loads nothing but
    the project's own static files (``StaticOnlyFetcher``) and the text is escaped."""
    from weasyprint import HTML

    return HTML(
        string=render_html(export), base_url=str(settings.BASE_DIR), url_fetcher=StaticOnlyFetcher()
    ).write_pdf()


def _looks(export: AccessExport) -> tuple[list[str], list[list[Cell]]]:
    """Who looked, by day: one line per day, person, action and page, with how many times
    (a caseworker opens a page many times a day; the JSON has every one to the second)."""
    labels = [_("Date"), _("Who"), _label_of("action"), _label_of("page"), _("Times")]
    if export.merged:
        labels.append(_label_of("participant"))
    days: dict[tuple, int] = {}
    for event in cast("list[AccessEvent]", export.rows["access_events"]):
        key = (
            timezone.localtime(event.at).date(),
            name_of(event.user),
            event.get_action_display(),
            event.page,
            event.participant_id,
        )
        days[key] = days.get(key, 0) + 1
    rows = []
    for (day, who, action, page, record), times in days.items():
        row = [display(day), who, action, page, times]
        rows.append([Cell("", v) for v in row + ([f"#{record}"] if export.merged else [])])
    return labels, rows


def _shown_in_pdf(f: models.Field, export: AccessExport) -> bool:
    # Which record a row belongs to matters only when records were merged.
    return not (f.related_model is Participant and f.name != "merged_into" and not export.merged)


def _label(f: models.Field) -> str:
    name = "national_id" if f.name == ENCRYPTED_ID else f.name
    if name in LABELS and not isinstance(f.verbose_name, Promise):
        return _label_of(name)
    return str(capfirst(f.verbose_name))


def _label_of(name: str) -> str:
    return str(capfirst(LABELS[name]))


def _pdf_row(obj: models.Model, columns: Iterable[models.Field]) -> list[Cell]:
    return [
        Cell(_label(f), _shown(obj, f), isinstance(f, models.TextField | models.JSONField))
        for f in columns
    ]


def _shown(obj: models.Model, f: models.Field) -> object:
    special = SHOWN.get((obj._meta.label, f.name))
    if special is not None:
        return special(obj)
    if f.name == ENCRYPTED_ID:
        return _national_id(cast(Participant, obj)) or "–"
    if f.is_relation and is_person_row(f):
        number = getattr(obj, f.attname)
        return f"#{number}" if number else "–"
    if f.is_relation:
        return name_of(getattr(obj, f.name)) or "–"
    if isinstance(f, models.FileField):
        return archive_name(obj, f) or "–"
    if f.choices:
        return getattr(obj, f"get_{f.name}_display")() or "–"
    return display(getattr(obj, f.attname))


def display(value) -> object:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, dict):
        return "\n".join(f"{key}: {display(item)}" for key, item in value.items())
    return str(value)


def _model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_kind(event: ChangeEvent) -> str:
    model = _model_of(event.model)
    return str(capfirst(model._meta.verbose_name)) if model else event.model


def changes_text(event: ChangeEvent) -> str:
    """Each changed field by its translated name, with its old and new value."""
    model = _model_of(event.model)
    lines = []
    for name, values in (event.changes or {}).items():
        old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        lines.append(f"{_field_name(model, name)}: {display(old)} → {display(new)}")
    return "\n".join(lines) or "–"


def _field_name(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        return str(capfirst(cast(models.Field, model._meta.get_field(name)).verbose_name))
    except FieldDoesNotExist:  # a field since removed, or a note on the record ("merged")
        return name


def _draft(draft: NoteDraft) -> str:
    return "\n".join(
        f"{_field_name(CaseNote, name)}: {display(value)}"
        for name, value in (draft.data or {}).items()
    )


def _weekdays(placement: Placement) -> str:
    days = [int(d) for d in placement.schedule_days if d.isdigit() and int(d) in WEEKDAYS_ABBR]
    return ", ".join(str(WEEKDAYS_ABBR[d]) for d in days) or "–"


# Each takes a row of the model it is keyed by.
SHOWN: dict[tuple[str, str], Callable[[Any], object]] = {
    ("placements.Placement", "schedule_days"): _weekdays,
    ("audit.ChangeEvent", "model"): record_kind,
    ("audit.ChangeEvent", "changes"): changes_text,
    ("participants.NoteDraft", "data"): _draft,
}


# ----- ZIP ----------------------------------------------------------------------------------


def render_zip(export: AccessExport, *, pdf: bytes, data: bytes):
    """The JSON, the PDF and every stored file of the person's rows, in a temporary file (a
    person's documents may be large). A file missing from storage is left out and logged by
    row number."""
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (returned)
    base = f"subject-access-{export.participant.pk}"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{base}.json", data)
        zipped.writestr(f"{base}.pdf", pdf, compress_type=zipfile.ZIP_STORED)
        for name, stored in _stored_files(export):
            try:
                handle = stored.open("rb")
            except OSError:
                logger.warning("subject access: no stored file for %s", name)
                continue
            with handle, zipped.open(name, "w") as target:
                for chunk in iter(partial(handle.read, 1024 * 1024), b""):
                    target.write(chunk)
    archive.seek(0)
    return archive


def _stored_files(export: AccessExport):
    for section in SECTIONS:
        files = [f for f in section.columns if isinstance(f, models.FileField)]
        for obj in export.rows[section.key]:
            for f in files:
                if getattr(obj, f.name):
                    yield archive_name(obj, f), getattr(obj, f.name)
