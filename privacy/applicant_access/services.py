"""The life of an applicant's export, as a person's (privacy/subject_access/services.py): asked
for, built by a worker, downloaded by the lead or coordinator who asked, its files deleted
after ``FILES_KEPT_DAYS`` days; and the erasure of an applicant on request, which deletes the
files of their exports at once."""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from audit.models import AccessAction
from audit.services import access_record_rows
from audit.subject_access import ApplicantAccessExport, ExportStatus
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
from privacy.applicant_access.render import render_json, render_pdf
from privacy.erasure import blot
from privacy.subject_access.services import FILES_KEPT_DAYS, export_file_open
from summerjobs.models import Application
from summerjobs.subject import (
    Applicant,
    applicant_anonymise,
    applicant_records,
    is_erased,
)

FORMATS = ("pdf", "json")
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}
FILE_FIELDS = [f"{fmt}_file" for fmt in FORMATS]


# ----- whose ------------------------------------------------------------------------------------


def applicant_access_exports(
    *, user: User, applicant: Applicant
) -> QuerySet[ApplicantAccessExport]:
    """The user's own exports of the applicant, newest first."""
    return (
        ApplicantAccessExport.objects.filter(requested_by=user, applications__in=applicant.ids)
        .distinct()
        .order_by("-created_at", "-pk")
    )


def applicant_access_export_get(*, user: User, pk: int) -> ApplicantAccessExport:
    """One of the user's own exports, of a programme whose summer jobs they still lead or
    coordinate, in their municipality; otherwise 404."""
    if user.municipality_id is None:
        raise Http404
    mine = memberships.programme_ids_with_summer_jobs(user)
    runs = [p for p in mine if memberships.runs_summer_jobs(user, p)]
    exports = ApplicantAccessExport.objects.filter(
        requested_by=user, programme_id__in=runs, programme__municipality_id=user.municipality_id
    )
    return get_object_or_404(exports, pk=pk)


# ----- asking, building, downloading, expiring ------------------------------------------------


def applicant_access_request(
    *, actor: User, applicant: Applicant, language: str
) -> ApplicantAccessExport:
    """Queue an export of everything held on the applicant, recorded in the access log now
    (one event per application: its model and key, nothing more); the task is sent once the
    transaction has committed. Asking again while one is being built returns that one."""
    if not memberships.runs_summer_jobs(actor, applicant.programme.pk):
        raise ApplicationError(_("Only the programme's leads and coordinators can do this."))
    if applicant.erased:  # nothing left names the person: no request can be theirs
        raise ApplicationError(_("These applications have been erased: what is left names nobody."))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        pending = applicant_access_exports(user=actor, applicant=applicant).filter(
            status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
        )
        export = pending.first()
        if export is not None:
            return export
        export = ApplicantAccessExport.objects.create(
            programme=applicant.programme, requested_by=actor, language=language
        )
        export.applications.set(applicant.ids)
        _record_access(actor, applicant.ids, "applicant-privacy:applicant")
        # The task calls this module: imported here, not at the top.
        from privacy.tasks import applicant_access_build_task

        send_after_commit(applicant_access_build_task, export.pk)
    return export


def _record_access(user: User, ids: list[int], page: str) -> None:
    access_record_rows(
        user=user, model=Application, object_ids=ids, page=page, action=AccessAction.EXPORT
    )


def applicant_access_build(*, export_id: int) -> bool:
    """Build one export's files. Safe to run twice: the claim takes a queued export, or a
    running one whose worker died, never a finished one; the files have fixed names and are
    replaced, never added to. A fault is logged by its kind and where, never its message."""
    if not generated_claim(ApplicantAccessExport, export_id):
        return False
    row = ApplicantAccessExport.objects.select_related(
        "programme__municipality", "requested_by"
    ).get(pk=export_id)
    if not row.applications.exists():  # deleted meanwhile (the retention of unplaced ones)
        applicant_access_fail(export_id=export_id, reason="Deleted")
        return False
    fail = partial(applicant_access_fail, export_id=export_id)
    names = generated_build(
        lambda: _write_files(row), fail=fail, label=f"applicant access export {export_id}"
    )
    return names is not None and _finish(row, names)


def _applicant(row: ApplicantAccessExport) -> Applicant:
    applications = row.applications.select_related("season__programme", "tier").order_by(
        "-season__applications_open_at", "-pk"
    )
    return Applicant(row.programme, list(applications))


def _write_files(row: ApplicantAccessExport) -> dict[str, str]:
    applicant = _applicant(row)
    with translation.override(row.language):
        records = applicant_records(actor=row.requested_by, applicant=applicant)
        data = render_json(records)
        pdf = render_pdf(records)
    return {
        "json_file": file_store(_stored_name(row.pk, "json"), data),
        "pdf_file": file_store(_stored_name(row.pk, "pdf"), pdf),
    }


def _finish(row: ApplicantAccessExport, names: dict[str, str]) -> bool:
    """Mark the export ready, unless the applicant was erased while it was being built: the
    erasure could not delete files that did not exist yet, so they go now. The lock on the
    applications orders this against an erasure (which takes the same locks)."""
    with transaction.atomic():
        ids = row.applications.values_list("pk", flat=True)
        locked = list(Application.objects.select_for_update().filter(pk__in=list(ids)))
        if not locked or any(is_erased(a) for a in locked):
            applicant_access_fail(export_id=row.pk, reason="Erased")
            return False
        kept = timedelta(days=FILES_KEPT_DAYS)
        return generated_finish(ApplicantAccessExport, row.pk, kept=kept, **names)


def applicant_access_fail(*, export_id: int, reason: str) -> None:
    """Record an export that could not be built and remove any file it left."""
    files = [_stored_name(export_id, fmt) for fmt in FORMATS]
    generated_fail(ApplicantAccessExport, export_id, reason=reason, files=files)


def applicant_access_file(*, user: User, export: ApplicantAccessExport, fmt: str) -> FieldFile:
    """Open one of the export's files for the one who asked for it, and record that the
    applicant's data left Fotfeste."""
    handle = export_file_open(export, fmt, FORMATS)
    ids = list(export.applications.values_list("pk", flat=True))
    _record_access(user, ids, "applicant-privacy:file")
    return handle


def applicant_access_files_expire(*, now: datetime | None = None) -> int:
    """Delete the files of exports past ``expires_at``, keeping the rows. Safe to run twice
    (see ``generated_files_expire``)."""
    return generated_files_expire(ApplicantAccessExport, fields=FILE_FIELDS, now=now)


def _stored_name(export_id: int, fmt: str) -> str:
    return f"applicant-access/export-{export_id}.{fmt}"


# ----- erasure ----------------------------------------------------------------------------------


def applicant_erase(*, actor: User, applicant: Applicant, reason: str) -> Applicant:
    """Erase the applicant on their request (``summerjobs.subject.applicant_anonymise``), their
    names and numbers blotted out of the reason kept in the history, and delete the files of
    every export of them at once; the exports' rows stay."""
    with transaction.atomic():
        erased = applicant_anonymise(actor=actor, applicant=applicant, reason=reason, scrub=blot)
        exports = ApplicantAccessExport.objects.filter(applications__in=applicant.ids).distinct()
        files = [
            getattr(export, name)
            for export in exports
            for name in FILE_FIELDS
            if getattr(export, name)
        ]
        ApplicantAccessExport.objects.filter(pk__in=[e.pk for e in exports]).update(
            **dict.fromkeys(FILE_FIELDS, "")
        )
        # Deleted last, inside the transaction: a failure before leaves every file as it was.
        for stored in files:
            stored.storage.delete(stored.name)
    return erased
