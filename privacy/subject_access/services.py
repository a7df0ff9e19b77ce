"""Who may export a person, and the life of an export: asked for, built by a worker, downloaded
by the lead who asked, its files deleted after ``FILES_KEPT_DAYS`` days."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.fields.files import FieldFile
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from audit.models import AccessAction
from audit.services import access_record
from audit.subject_access import ExportStatus, SubjectAccessExport
from config.errors import ApplicationError
from config.generated import (
    file_store,
    generated_build,
    generated_claim,
    generated_fail,
    generated_files_expire,
    generated_finish,
)
from config.queue import send_after_commit
from participants.models import Enrollment, Participant
from privacy.subject_access.render import render_json, render_pdf, render_zip
from privacy.subject_access.sections import participant_access_export

FILES_KEPT_DAYS = 7
FORMATS = ("pdf", "json", "zip")
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json", "zip": "application/zip"}

# ----- who may ------------------------------------------------------------------------------


def _exportable(user: User) -> QuerySet[Participant]:
    """People the user may export: those in a programme the user leads (DESIGN.md §3:
    exports are for programme leads)."""
    led = memberships.programme_ids_led(user)
    in_led = Enrollment.objects.filter(participant=OuterRef("pk"), programme_id__in=led)
    return Participant.objects.visible_to(user).filter(Exists(in_led))


def subject_access_participant(*, user: User, pk: int) -> Participant:
    """The person, for a programme lead of one of their programmes; 404 for anyone else
    (caseworkers, arbeidsledere, leads of other programmes, other municipalities)."""
    return get_object_or_404(_exportable(user).select_related("municipality"), pk=pk)


def subject_access_exports(
    *, user: User, participant: Participant
) -> QuerySet[SubjectAccessExport]:
    """The user's own exports of the person, newest first."""
    return SubjectAccessExport.objects.filter(requested_by=user, participant=participant)


def subject_access_export_get(*, user: User, pk: int) -> SubjectAccessExport:
    """One of the user's own exports, of a person they may still export; otherwise 404."""
    return get_object_or_404(
        SubjectAccessExport.objects.filter(
            requested_by=user, participant__in=_exportable(user)
        ).select_related("participant"),
        pk=pk,
    )


# ----- asking, building, downloading, expiring ------------------------------------------------


def subject_access_request(
    *, actor: User, participant: Participant, language: str
) -> SubjectAccessExport:
    """Queue an export of everything held on the person, recorded in the access log now;
    the task is sent once the transaction has committed. Asking again while one is being
    built returns that one."""

    if not _exportable(actor).filter(pk=participant.pk).exists():
        raise ApplicationError(_("Only a programme lead of the person's programme can do this."))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        pending = subject_access_exports(user=actor, participant=participant).filter(
            status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
        )
        export = pending.first()
        if export is not None:
            return export
        export = SubjectAccessExport.objects.create(
            participant=participant, requested_by=actor, language=language
        )
        access_record(
            user=actor,
            participant=participant,
            page="privacy:subject-access",
            action=AccessAction.EXPORT,
        )
        # The task calls this module: imported here, not at the top.
        from privacy.tasks import subject_access_build_task

        send_after_commit(subject_access_build_task, export.pk)
    return export


def subject_access_build(*, export_id: int) -> bool:
    """Build one export's files. Safe to run twice: the claim takes a queued export, or a
    running one whose worker died (the broker delivers it again), never a finished one; the
    files have fixed names and are replaced, never added to. A fault is logged by its kind
    and where, never its message: that could quote the person's data."""
    if not generated_claim(SubjectAccessExport, export_id):
        return False
    row = SubjectAccessExport.objects.select_related(
        "participant__municipality", "requested_by"
    ).get(pk=export_id)
    fail = partial(subject_access_fail, export_id=export_id)
    names = generated_build(
        lambda: _write_files(row), fail=fail, label=f"subject access export {export_id}"
    )
    return names is not None and _finish(row, names)


def _finish(row: SubjectAccessExport, names: dict[str, str]) -> bool:
    """Mark the export ready, unless the person was anonymised while it was being built: the
    erasure could not delete files that did not exist yet, so they go now. The lock on the
    person orders this against an erasure (which takes the same lock)."""
    with transaction.atomic():
        person = Participant.objects.select_for_update().get(pk=row.participant_id)
        if person.anonymised_at is not None and person.anonymised_at >= row.created_at:
            subject_access_fail(export_id=row.pk, reason="Anonymised")
            return False
        kept = timedelta(days=FILES_KEPT_DAYS)
        return generated_finish(SubjectAccessExport, row.pk, kept=kept, **names)


def subject_access_fail(*, export_id: int, reason: str) -> None:
    """Record an export that could not be built and remove any file it left."""
    files = [_stored_name(export_id, fmt) for fmt in FORMATS]
    generated_fail(SubjectAccessExport, export_id, reason=reason, files=files)


def export_file_open(export: Any, fmt: str, formats: Iterable[str]) -> FieldFile:
    """One file of a ready right-of-access export (a participant's or an applicant's), open
    for reading; a clear refusal when there is no such file or it has expired."""
    if export.status != ExportStatus.READY or fmt not in formats:
        raise ApplicationError(_("This export has no such file."))
    stored: FieldFile = getattr(export, f"{fmt}_file")
    if export.expired or not stored:
        raise ApplicationError(_("The export's files have been deleted. Make a new export."))
    try:
        stored.open("rb")
    except OSError as exc:
        raise ApplicationError(
            _("The export's files have been deleted. Make a new export.")
        ) from exc
    return stored


def subject_access_file(*, user: User, export: SubjectAccessExport, fmt: str) -> FieldFile:
    """Open one of the export's files for the lead who asked for it, and record that the
    person's data left Fotfeste."""
    handle = export_file_open(export, fmt, FORMATS)
    access_record(
        user=user,
        participant=export.participant,
        page="privacy:subject-access-file",
        action=AccessAction.EXPORT,
    )
    return handle


def subject_access_files_expire(*, now: datetime | None = None) -> int:
    """Delete the files of exports past ``expires_at``, keeping the rows (that an export was
    made stays in the record). Safe to run twice (see ``generated_files_expire``)."""
    fields = [f"{fmt}_file" for fmt in FORMATS]
    return generated_files_expire(SubjectAccessExport, fields=fields, now=now)


def _stored_name(export_id: int, fmt: str) -> str:
    return f"subject-access/export-{export_id}.{fmt}"


def _write_files(row: SubjectAccessExport) -> dict[str, str]:
    with translation.override(row.language):
        export = participant_access_export(actor=row.requested_by, participant=row.participant)
        data = render_json(export)
        pdf = render_pdf(export)
        archive = render_zip(export, pdf=pdf, data=data)
    with archive:
        return {
            "json_file": file_store(_stored_name(row.pk, "json"), data),
            "pdf_file": file_store(_stored_name(row.pk, "pdf"), pdf),
            "zip_file": file_store(_stored_name(row.pk, "zip"), File(archive)),
        }
