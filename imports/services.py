"""Importing a programme's spreadsheet of people or placements, or a grant's costs from the
municipality's accounts: the upload, a dry run that finds every problem by row and column and
writes nothing, then the import itself, all or nothing. Both runs happen in a Celery worker,
never in a request."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import ApplicationError
from config.generated import (
    file_store,
    generated_claim,
    generated_fail,
    generated_files_expire,
    generated_finish,
    generated_progress,
)
from config.queue import send_after_commit
from imports.columns import columns_for
from imports.files import Record, inspect_import, read_records
from imports.forms import CostRowForm, ParticipantRowForm, PlacementRowForm, RowForms
from imports.models import UNFINISHED, ImportKind, ImportRun, ImportStatus
from imports.selectors import live_progress_key
from participants import national_id as nid
from participants.bulk import (
    BATCH,
    BulkError,
    IntakeRow,
    Progress,
    RowProblem,
    participants_intake_check,
    participants_intake_many,
)
from participants.models import Enrollment
from participants.services import PersonData
from placements.bulk import PlacementRow, placements_start_check, placements_start_many
from placements.models import Worksite
from programs.models import EnrollmentStatus, Grant, Programme
from programs.money import CostProblem, CostRow, CostRowsError, cost_create_many, cost_rows_check
from programs.services import check_grant_leads, check_leads

FILES_KEPT = timedelta(hours=24)
IMPORT_GRACE = timedelta(hours=1)  # a file confirmed just before expiry is kept to be imported
PROBLEMS_KEPT = 1000
PROGRESS_EVERY = 500
OPEN_ENROLLMENTS = (EnrollmentStatus.INTAKE, EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)
S = ImportStatus


def import_upload(
    *,
    actor: User,
    programme: Programme | None = None,
    kind: str,
    upload: UploadedFile,
    language: str = "nb",
    grant: Grant | None = None,
) -> ImportRun:
    """Keep the file under a name made of the run's id and queue the dry run; the task is sent
    only once the transaction has committed. A file of costs is for a ``grant`` (and, for the
    lists of imports, one of the programmes it funds)."""
    from imports.tasks import import_check_task  # the task calls this module: not at the top

    if kind not in ImportKind.values:
        raise ApplicationError(_("Choose what the file holds."), field="kind")
    if (kind == ImportKind.COSTS) != (grant is not None):
        raise ApplicationError(_("Costs are imported from the grant's page."), field="kind")
    if grant is not None:
        check_grant_leads(actor=actor, grant=grant)
        programme = grant.programmes.order_by("pk").first()
    if programme is None:
        raise ApplicationError(_("Choose the programme."), field="programme")
    check_leads(actor=actor, programme=programme)
    file_format = inspect_import(upload)
    with transaction.atomic():
        run = ImportRun.objects.create(
            programme=programme,
            grant=grant,
            kind=kind,
            file_format=file_format,
            requested_by=actor,
            language=language,
            expires_at=timezone.now() + FILES_KEPT,
        )
        run.file.name = _store(run, upload)
        try:
            run.save(update_fields=["file"])
        except Exception:
            default_storage.delete(run.file.name)
            raise
        send_after_commit(import_check_task, run.pk)
    return run


def _store(run: ImportRun, upload: UploadedFile) -> str:
    """Save as imports/import-<id>.<format>, replacing a file of that name left by a rolled
    back upload that had the same id."""
    upload.seek(0)
    return file_store(f"imports/import-{run.pk}.{run.file_format}", upload)


def import_check(*, import_id: int) -> bool:
    """The dry run: every row read, checked with the pages' forms and services' rules and
    against the rest of the file; nothing is written but the findings. A file with errors is
    deleted at once (it can only be uploaded again, corrected).

    Safe to run twice: a status guard. It writes its findings only onto a run still being
    checked, so a second delivery finds nothing to do, or writes the same findings."""
    run = (
        ImportRun.objects.select_related(*_RELATED).filter(pk=import_id, status=S.CHECKING).first()
    )
    if run is None:
        return False
    with translation.override(run.language):
        try:
            total, problems = _dry_run(run)
        except BulkError as exc:
            total, problems = 0, exc.problems
        except ApplicationError as exc:
            total, problems = 0, [RowProblem(0, None, str(exc.message))]
    errors = any(not p.warning for p in problems)
    done = ImportRun.objects.filter(pk=import_id, status=S.CHECKING).update(
        status=S.INVALID if errors else S.READY,
        progress=100,
        rows_total=total,
        checked_at=timezone.now(),
        **_findings(problems),
    )
    if errors:
        _discard_file(run)
    return bool(done)


_RELATED = ("programme__municipality", "grant", "requested_by", "confirmed_by")


def _check_leads(actor: User | None, run: ImportRun) -> User:
    """The run is the actor's to import: a lead of its programme, and of every programme its
    grant funds. Returns the actor; a run nobody confirmed has none, and nobody leads it."""
    if actor is None:
        raise ApplicationError(_("Only the programme's lead can change it."))
    check_leads(actor=actor, programme=run.programme)
    if run.grant is not None:
        check_grant_leads(actor=actor, grant=run.grant)
    return actor


def _dry_run(run: ImportRun) -> tuple[int, list[RowProblem]]:
    actor = run.requested_by
    _check_leads(actor, run)
    records = _read(run)
    cleaned, problems = _clean(run, records, progress=(5, 80))
    rows, found = _resolve(run, actor, cleaned)
    problems += found
    if run.kind == ImportKind.COSTS:
        problems += _cost_problems(cost_rows_check(grant=_cost_grant(run), rows=rows))
    elif run.kind == ImportKind.PARTICIPANTS:
        problems += participants_intake_check(
            actor=actor, municipality=run.programme.municipality, programme=run.programme, rows=rows
        )
    else:
        problems += placements_start_check(rows=rows)
    return len(records), sorted(problems, key=lambda p: p.line)


def import_confirm(*, actor: User, run: ImportRun, confirmed: bool = False) -> ImportRun:
    """Queue the import of a checked file. Warnings (a similar person, a full worksite) must
    be confirmed, as on the one-person pages."""
    from imports.tasks import import_run_task  # the task calls this module: not at the top

    _check_leads(actor, run)
    if run.status == S.READY and run.expired:
        raise ApplicationError(_("The file has expired. Upload it again."))
    if run.status != S.READY:
        raise ApplicationError(_("This file cannot be imported: look at its status."))
    if run.warning_count and not confirmed:
        raise ApplicationError(
            _("Read the warnings, and confirm that the rows should be imported anyway."),
            field="confirmed",
        )
    queued = ImportRun.objects.filter(pk=run.pk, status=S.READY).update(
        status=S.QUEUED,
        confirmed_by=actor,
        progress=0,
        expires_at=max(run.expires_at, timezone.now() + IMPORT_GRACE),
    )
    if not queued:  # a second click, or another lead at the same moment
        raise ApplicationError(_("This file is already being imported."))
    send_after_commit(import_run_task, run.pk)
    run.refresh_from_db()
    return run


def import_run(*, import_id: int) -> bool:
    """Import a checked file, all or nothing: every row is checked again (the register may
    have changed since the dry run) and written in one transaction, with the change history
    of each new record; any problem writes nothing and is reported.

    Safe to run twice: the claim takes a queued run, or an importing one whose worker died;
    the writing transaction first locks the run and goes on only while it is still
    importing, and marks it imported in the same transaction, so a second delivery waits
    for the first and then finds nothing to do."""
    claimed = generated_claim(
        ImportRun, import_id, waiting=(S.QUEUED, S.IMPORTING), running=S.IMPORTING, progress=5
    )
    if not claimed:
        return False
    run = ImportRun.objects.select_related(*_RELATED).get(pk=import_id)
    with translation.override(run.language):
        try:
            imported = _import(run)
        except BulkError as exc:
            imported = _finish_failed(run, exc.problems)
        except ApplicationError as exc:
            imported = _finish_failed(run, [RowProblem(0, None, str(exc.message))])
    if imported is not None:
        _discard_file(run)
    return bool(imported)


def _import(run: ImportRun) -> bool | None:
    """True once imported; None if another delivery got there first."""
    actor = _check_leads(run.confirmed_by, run)
    cleaned, problems = _clean(run, _read(run), progress=(5, 60))
    _raise_errors(problems)
    _progress(run.pk, 65)
    with transaction.atomic():
        if not ImportRun.objects.select_for_update().filter(pk=run.pk, status=S.IMPORTING):
            return None
        rows, problems = _resolve(run, actor, cleaned)
        _raise_errors(problems)
        created = _write(run, actor, rows)
        generated_finish(
            ImportRun,
            run.pk,
            kept=None,  # the file is deleted at once: nothing is kept
            running=S.IMPORTING,
            done=S.DONE,
            progress=100,
            rows_created=created,
        )
    return True


def _write(run: ImportRun, actor: User, rows: list[Any]) -> int:
    # Warnings were confirmed before the import was queued (import_confirm).
    confirmed = run.warning_count > 0
    progress = _live_progress(run.pk, start=70, end=99)
    if run.kind == ImportKind.COSTS:
        try:
            created: Sequence[object] = cost_create_many(
                actor=actor, grant=_cost_grant(run), rows=rows
            )
        except CostRowsError as exc:
            raise BulkError(_cost_problems(exc.problems)) from None
    elif run.kind == ImportKind.PARTICIPANTS:
        created = participants_intake_many(
            actor=actor,
            municipality=run.programme.municipality,
            programme=run.programme,
            rows=rows,
            confirmed_new=confirmed,
            progress=progress,
        )
    else:
        created = placements_start_many(
            actor=actor, rows=rows, confirmed_over_capacity=confirmed, progress=progress
        )
    return len(created)


def _cost_grant(run: ImportRun) -> Grant:
    """A cost import's grant: the table's constraint gives every cost import one."""
    assert run.grant is not None
    return run.grant


def _raise_errors(problems: list[RowProblem]) -> None:
    if any(not p.warning for p in problems):
        raise BulkError(problems)


def _finish_failed(run: ImportRun, problems: list[RowProblem]) -> bool | None:
    failed = ImportRun.objects.filter(pk=run.pk, status=S.IMPORTING).update(
        status=S.FAILED,
        progress=100,
        finished_at=timezone.now(),
        **_findings(sorted(problems, key=lambda p: p.line)),
    )
    return False if failed else None


def import_fail(*, import_id: int, reason: str) -> None:
    """Record a run that could not be checked or imported for a reason that is nobody's row
    (a lost database, a fault), and delete its file."""
    stored = ImportRun.objects.filter(pk=import_id).values_list("file", flat=True).first()
    files = [stored] if stored else []
    generated_fail(ImportRun, import_id, reason=reason, unfinished=UNFINISHED, files=files, file="")


def import_files_expire(*, now: datetime | None = None) -> int:
    """Delete the files of runs past ``expires_at``; a checked file never imported becomes
    expired, one whose check or import never finished becomes failed. Returns how many files
    went. Safe to run twice: only runs that still name a file are read, and deleting a file
    that is already gone is no error."""
    now = now or timezone.now()
    expiring = ImportRun.objects.exclude(file="").filter(expires_at__lte=now)
    expiring.filter(status=S.READY).update(status=S.EXPIRED)
    expiring.filter(status__in=UNFINISHED).update(status=S.FAILED, error="expired", finished_at=now)
    return generated_files_expire(ImportRun, fields=("file",), now=now)


def _discard_file(run: ImportRun) -> None:
    if run.file.name:
        default_storage.delete(run.file.name)
    ImportRun.objects.filter(pk=run.pk).update(file="")


def _findings(problems: list[RowProblem]) -> dict[str, Any]:
    """The problems as kept on the run: row, column and message, never a value of the file;
    the first PROBLEMS_KEPT of them, and how many there were."""
    return {
        "problems": [
            {"line": p.line, "field": p.field, "message": p.message, "warning": p.warning}
            for p in problems[:PROBLEMS_KEPT]
        ],
        "error_count": sum(1 for p in problems if not p.warning),
        "warning_count": sum(1 for p in problems if p.warning),
    }


def _progress(run_id: int, percent: int) -> None:
    generated_progress(ImportRun, run_id, percent, running=(S.CHECKING, S.IMPORTING))


def _live_progress(run_id: int, *, start: int, end: int) -> Progress:
    """How far the all-or-nothing write has come. It cannot go on the run's row: the write's
    transaction holds that row, and nobody else sees it before the commit. The cache is shared
    by the web and worker processes (Redis in production, the one process in the embedded
    default); the status page reads it while the run is importing."""

    def tell(done: int, total: int) -> None:
        percent = start + (end - start) * done // max(total, 1)
        cache.set(live_progress_key(run_id), percent, timeout=int(IMPORT_GRACE.total_seconds()))

    return tell


# --- reading and checking the rows -----------------------------------------------------------


def _read(run: ImportRun) -> list[Record]:
    gone = BulkError(
        [RowProblem(0, None, _("The uploaded file is no longer there. Upload it again."))]
    )
    if not run.file.name:
        raise gone
    try:
        with default_storage.open(run.file.name, "rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        raise gone from None
    country = run.programme.municipality.country
    return read_records(
        content, run.file_format, columns_for(run.kind, country=country), country=country
    )


@dataclass(frozen=True)
class _Clean:
    line: int
    data: dict[str, Any]


def _clean(
    run: ImportRun, records: list[Record], *, progress: tuple[int, int]
) -> tuple[list[_Clean], list[RowProblem]]:
    """Each row through the form of the page that does the same for one person or placement."""
    if run.kind == ImportKind.PARTICIPANTS:
        row_forms = RowForms(ParticipantRowForm, country=run.programme.municipality.country)
    elif run.kind == ImportKind.COSTS:
        row_forms = RowForms(CostRowForm)
    else:
        row_forms = RowForms(PlacementRowForm, country=run.programme.municipality.country)
    start, end = progress
    cleaned, problems = [], []
    for index, record in enumerate(records):
        for name in record.formulas:
            problems.append(
                RowProblem(
                    record.line,
                    name,
                    _("This cell holds a formula. Type its value instead (paste as values)."),
                )
            )
        form = row_forms.bind(record.values)
        if not form.is_valid():
            problems += [
                RowProblem(record.line, None if name == "__all__" else name, str(errors[0]))
                for name, errors in form.errors.items()
                if name not in record.formulas
            ]
        elif not record.formulas:
            cleaned.append(_Clean(record.line, _row_data(form)))
        if index % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            _progress(run.pk, start + (end - start) * index // len(records))
    return cleaned, problems


def _row_data(form: forms.BaseForm) -> dict[str, Any]:
    data = form.cleaned_data
    if isinstance(form, CostRowForm):
        return dict(data)
    if isinstance(form, ParticipantRowForm):
        person = PersonData(
            data["first_name"], data["last_name"], data["national_id"], form.person_values()
        )
        return {
            "person": person,
            "cohort": data["cohort"],
            "caseworker": data["caseworker"],
            "referral_source": data["referral_source"],
        }
    assert isinstance(form, PlacementRowForm)  # the run's kind gives its rows' form
    return {
        "national_id": data["national_id"],
        "worksite": data["worksite"],
        "supervisor": data["supervisor"],
        "values": form.placement_values(),
    }


def _resolve(
    run: ImportRun, actor: User, cleaned: list[_Clean]
) -> tuple[list[Any], list[RowProblem]]:
    """Names, e-mail addresses and national IDs to the records they mean, among what the
    actor may see: anything else is not found."""
    if run.kind == ImportKind.PARTICIPANTS:
        return _intake_rows(run, actor, cleaned)
    if run.kind == ImportKind.COSTS:
        return _cost_rows(run, cleaned)
    return _placement_rows(run, actor, cleaned)


def _users(actor: User, emails: set[str]) -> dict[str, User]:
    wanted = sorted(e.lower() for e in emails if e)
    found: dict[str, User] = {}
    if actor.municipality_id is None:  # the platform's operators have no colleagues here
        return found
    for start in range(0, len(wanted), BATCH):
        for user in User.objects.filter(
            municipality_id=actor.municipality_id,
            is_active=True,
            email__in=wanted[start : start + BATCH],
        ):
            found[user.email] = user
    return found


def _not_found_user(line: int, field: str) -> RowProblem:
    return RowProblem(line, field, _("Nobody in your municipality has this e-mail address."))


def _intake_rows(
    run: ImportRun, actor: User, cleaned: list[_Clean]
) -> tuple[list[IntakeRow], list[RowProblem]]:
    cohorts = {c.name.casefold(): c for c in run.programme.cohorts.all()}
    users = _users(actor, {c.data["caseworker"] for c in cleaned})
    rows: list[IntakeRow] = []
    problems: list[RowProblem] = []
    for item in cleaned:
        data = item.data
        cohort = cohorts.get(data["cohort"].casefold())
        caseworker = users.get(data["caseworker"].lower())
        if data["cohort"] and cohort is None:
            problems.append(
                RowProblem(item.line, "cohort", _("The programme has no cohort by this name."))
            )
        elif data["caseworker"] and caseworker is None:
            problems.append(_not_found_user(item.line, "caseworker"))
        else:
            rows.append(
                IntakeRow(item.line, data["person"], cohort, caseworker, data["referral_source"])
            )
    return rows, problems


def _placement_rows(
    run: ImportRun, actor: User, cleaned: list[_Clean]
) -> tuple[list[PlacementRow], list[RowProblem]]:
    country = run.programme.municipality.country
    hashes, problems = {}, []
    for item in cleaned:
        try:
            hashes[item.line] = nid.lookup_hash(
                nid.parse(item.data["national_id"], country=country).value
            )
        except ApplicationError as exc:
            problems.append(RowProblem(item.line, "national_id", str(exc.message)))
    enrollments = _open_enrollments(run, actor, set(hashes.values()))
    worksites = {w.name.casefold(): w for w in Worksite.objects.visible_to(actor)}
    users = _users(actor, {c.data["supervisor"] for c in cleaned})
    rows = []
    for item in cleaned:
        if item.line not in hashes:
            continue
        enrollment = enrollments.get(hashes[item.line])
        worksite = worksites.get(item.data["worksite"].casefold())
        supervisor = users.get(item.data["supervisor"].lower())
        if enrollment is None:
            problems.append(
                RowProblem(
                    item.line,
                    "national_id",
                    _(
                        "Nobody with this national ID is enrolled in the programme (at intake, "
                        "active or paused)."
                    ),
                )
            )
        elif worksite is None:
            problems.append(
                RowProblem(
                    item.line, "worksite", _("Your municipality has no worksite by this name.")
                )
            )
        elif item.data["supervisor"] and supervisor is None:
            problems.append(_not_found_user(item.line, "supervisor"))
        else:
            rows.append(
                PlacementRow(
                    item.line, enrollment, worksite, supervisor=supervisor, **item.data["values"]
                )
            )
    return rows, problems


def _open_enrollments(run: ImportRun, actor: User, hashes: set[str]) -> dict[str, Enrollment]:
    """Each person's newest open enrollment in the programme, by national ID hash, among the
    enrollments the actor may see."""
    wanted = sorted(hashes)
    found: dict[str, Enrollment] = {}
    for start in range(0, len(wanted), BATCH):
        enrollments = (
            Enrollment.objects.visible_to(actor)
            .filter(
                programme=run.programme,
                status__in=OPEN_ENROLLMENTS,
                participant__merged_into__isnull=True,
                participant__national_id_hash__in=wanted[start : start + BATCH],
            )
            .select_related("participant", "programme")
            .order_by("starts_on", "pk")
        )
        for enrollment in enrollments:
            found[enrollment.participant.national_id_hash] = enrollment
    return found


# --- costs -------------------------------------------------------------------------------------

# The cost's fields by the columns of the accounting file.
_COST_COLUMNS = {"spent_on": "date"}


def _cost_problems(problems: list[CostProblem]) -> list[RowProblem]:
    return [
        RowProblem(p.line, _COST_COLUMNS.get(p.field, p.field) if p.field else None, p.message)
        for p in problems
    ]


def _cost_rows(run: ImportRun, cleaned: list[_Clean]) -> tuple[list[CostRow], list[RowProblem]]:
    """Budget lines by name, among the grant's own."""
    lines = {line.label.casefold(): line for line in _cost_grant(run).budget_lines.all()}
    rows, problems = [], []
    for item in cleaned:
        data = item.data
        budget_line = lines.get(" ".join(data["budget_line"].split()).casefold())
        if data["budget_line"].strip() and budget_line is None:
            problems.append(
                RowProblem(
                    item.line, "budget_line", _("The grant has no budget line by this name.")
                )
            )
            continue
        rows.append(
            CostRow(
                item.line,
                data["date"],
                " ".join(data["account"].split()),
                data["amount"],
                " ".join(data["text"].split()),
                data["financing"],
                budget_line,
            )
        )
    return rows, problems
