"""Exports of people to CSV or XLSX, built by a worker for the person who asked: the caseload
they follow, or, for a programme lead, the programme's data. Everyone in the file is recorded
as exported, the file has a neutral name, and it expires."""

import csv
import io
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AccessAction
from audit.services import access_record_many
from config.errors import ApplicationError
from config.generated import (
    file_store,
    generated_build,
    generated_claim,
    generated_fail,
    generated_finish,
)
from config.queue import send_after_commit
from config.replica import replica_reads
from participants.exports import caseload_table, spreadsheet_safe
from participants.models import Enrollment, Participant
from participants.selectors import participant_list
from placements.models import Placement
from programs.models import Programme
from programs.selectors import led_programmes
from reporting.models import DataExport, ExportKind, RunStatus

EXPORT_KEPT_DAYS = 7

# A sheet: its name, its header and its rows.
Table = tuple[str, list[str], list[list[Any]]]


def data_export_request(
    *, actor: User, kind: str, file_format: str, programme: Programme | None = None
) -> DataExport:
    """Queue an export; it is built once the transaction has committed."""
    from reporting.tasks import data_export_build_task  # the task calls this module: not at the top

    if kind not in ExportKind.values:
        raise ApplicationError(_("Choose what to export."), field="kind")
    if file_format not in ("csv", "xlsx"):
        raise ApplicationError(_("Choose CSV or XLSX."), field="file_format")
    if kind == ExportKind.PROGRAMME:
        if programme is None:
            raise ApplicationError(_("Choose the programme."), field="programme")
        _check_leads(actor, programme)
    export = DataExport.objects.create(
        kind=kind,
        programme=programme if kind == ExportKind.PROGRAMME else None,
        format=file_format,
        requested_by=actor,
    )
    send_after_commit(data_export_build_task, export.pk)
    return export


def _check_leads(actor: User, programme: Programme | None) -> Programme:
    if programme is None or not led_programmes(actor).filter(pk=programme.pk).exists():
        raise ApplicationError(_("Only the programme's lead can export its data."))
    return programme


def data_export_build(*, export_id: int) -> bool:
    """Build one export. Safe to run twice: a conditional update claims it (queued, or running
    after a worker died); the file has a fixed name and is replaced. The scope is the
    requester's at build time: a lead who left the programme gets nothing."""
    if not generated_claim(DataExport, export_id):
        return False
    export = DataExport.objects.select_related("requested_by__municipality", "programme").get(
        pk=export_id
    )
    fail = partial(data_export_fail, export_id=export_id)
    built = generated_build(lambda: _build(export), fail=fail, label=f"data export {export_id}")
    return bool(built)


def _build(export: DataExport) -> bool:
    # The people and their rows are read on the replica when there is one and it holds every
    # write made before the build began (docs/scaling.md); the access records go to the primary.
    with translation.override(export.requested_by.language), replica_reads():
        tables, people = _tables(export)
        content = _xlsx(tables) if export.format == "xlsx" else _csv(tables[0])
    name = file_store(f"exports/export-{export.pk}.{export.format}", content)
    with transaction.atomic():
        access_record_many(
            user=export.requested_by,
            participants=people,
            page="reporting:data_export",
            action=AccessAction.EXPORT,
        )
        return generated_finish(
            DataExport,
            export.pk,
            kept=timedelta(days=EXPORT_KEPT_DAYS),
            file=name,
            rows=len(tables[0][2]),
        )


def data_export_fail(*, export_id: int, reason: str) -> None:
    """Record an export that could not be built, and remove the file a part-way build left."""
    files = [f"exports/export-{export_id}.{fmt}" for fmt in ("csv", "xlsx")]
    generated_fail(DataExport, export_id, reason=reason, files=files)


def _tables(export: DataExport) -> tuple[list[Table], list[Participant]]:

    user = export.requested_by
    if export.kind == ExportKind.CASELOAD:
        people = list(participant_list(user=user).filter(case_access=True))
        header, rows = caseload_table(people)
        return [(_("Caseload"), header, rows)], people
    return _programme_tables(user, _check_leads(user, export.programme))


def _programme_tables(user: User, programme: Programme) -> tuple[list[Table], list[Participant]]:

    enrollments = list(
        Enrollment.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("participant", "cohort", "caseworker")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    header = [
        _("Last name"),
        _("First name"),
        _("Birth date"),
        _("Gender"),
        _("Cohort"),
        _("Status"),
        _("Starts on"),
        _("Ends on"),
        _("Exit reason"),
        _("Destination"),
        _("Caseworker"),
    ]
    rows = [
        [
            spreadsheet_safe(v)
            for v in (
                e.participant.last_name,
                e.participant.first_name,
                e.participant.birth_date or "",
                e.participant.get_gender_display(),
                e.cohort.name if e.cohort else "",
                e.get_status_display(),
                e.starts_on or "",
                e.ends_on or "",
                e.get_exit_reason_display(),
                e.get_destination_display(),
                e.caseworker.full_name if e.caseworker else "",
            )
        ]
        for e in enrollments
    ]
    placements = (
        Placement.objects.filter(enrollment__in=[e.pk for e in enrollments])
        .select_related("enrollment__participant", "worksite")
        .order_by("enrollment__participant__last_name", "starts_on", "pk")
    )
    placement_header = [
        _("Last name"),
        _("First name"),
        _("Worksite"),
        _("Type"),
        _("Field"),
        _("Status"),
        _("Starts on"),
        _("Ends on"),
        _("Hours per day"),
    ]
    placement_rows = [
        [
            spreadsheet_safe(v)
            for v in (
                p.enrollment.participant.last_name,
                p.enrollment.participant.first_name,
                p.worksite.name,
                p.get_type_display(),
                p.get_field_display(),
                p.get_status_display(),
                p.starts_on,
                p.ends_on or "",
                p.hours_per_day,
            )
        ]
        for p in placements
    ]
    people = list({e.participant_id: e.participant for e in enrollments}.values())
    return [
        (_("Enrollments"), header, rows),
        (_("Placements"), placement_header, placement_rows),
    ], people


def _csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table[1])
    writer.writerows(table[2])
    return out.getvalue().encode("utf-8")


def _xlsx(tables: list[Table]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, header, rows in tables:
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def exports_withdraw(*, municipality_id: int) -> int:
    """Delete the files of the municipality's exports that are still kept, after a person was
    anonymised: an export does not record whom it holds, and the erased must not stay
    downloadable. Whoever needs one asks again; the rows stay, marked expired."""
    from django.core.files.storage import default_storage

    kept = DataExport.objects.filter(requested_by__municipality_id=municipality_id).exclude(file="")
    count = 0
    for export in list(kept.only("pk", "file")):
        default_storage.delete(export.file.name)
        DataExport.objects.filter(pk=export.pk).update(file="", expires_at=timezone.now())
        count += 1
    return count


def data_export_file(*, export: DataExport) -> FieldFile:
    """The export's file, open for reading; a clear error when it expired or is gone."""
    if export.status != RunStatus.READY:
        raise ApplicationError(_("This export has no file."))
    if not export.file or export.expired:
        raise ApplicationError(_("This export has expired. Ask for a new one."))
    try:
        handle: FieldFile = export.file.open("rb")
        return handle
    except OSError as exc:
        raise ApplicationError(_("This export has expired. Ask for a new one.")) from exc
