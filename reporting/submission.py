"""A report's life after it is built: the lead's narrative changed on a draft, the run marked
submitted to its recipient (then frozen), and a correction as a new version."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError
from config.queue import send_after_commit
from programs.services import deadline_mark_submitted
from reporting.models import ReportRun, RunStatus
from reporting.services import NARRATIVE_FIELDS, narrative_clean, report_run_create, report_subject

_SUBMISSION_FIELDS = ("submitted_on", "submitted_to", "deadline")


def report_check_may_change(*, actor, run: ReportRun) -> None:
    """Only a lead who may ask for this report now may change, submit or correct it."""
    report_subject(actor, run.kind, run.programme, run.grant, scheduled=False)


def report_refuse_if_submitted(run: ReportRun) -> None:
    if run.submitted_on is not None:
        raise ApplicationError(
            _(
                "This report was submitted on %(day)s and can no longer be changed. "
                "Make a correction instead."
            )
            % {"day": formats.date_format(run.submitted_on, "SHORT_DATE_FORMAT")}
        )


def report_narrative_update(
    *, actor, run: ReportRun, expected_checksum: str, **narrative: str
) -> ReportRun:
    """Change a draft's narrative and build it again (its figures are frozen anew). Refused
    for a submitted run, and when the run changed since the form was shown."""
    from reporting.tasks import report_build_task  # the tasks module imports the services

    report_check_may_change(actor=actor, run=run)
    report_refuse_if_submitted(run)
    if run.status not in (RunStatus.READY, RunStatus.FAILED):
        raise ApplicationError(_("The report is still being built. Wait until it is ready."))
    texts = narrative_clean(narrative)
    with transaction.atomic():
        before = snapshot(run, list(texts))
        changed = ReportRun.objects.filter(
            pk=run.pk,
            checksum=expected_checksum,
            submitted_on__isnull=True,
            status__in=[RunStatus.READY, RunStatus.FAILED],
        ).update(status=RunStatus.QUEUED, progress=0, **texts)
        if not changed:
            raise ApplicationError(
                _("Somebody else changed this report while you were working. Look at it again.")
            )
        run.refresh_from_db()
        change_record(
            actor=actor,
            instance=run,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(run, list(texts)),
        )
        send_after_commit(report_build_task, run.pk)
    return run


def report_submit(
    *, actor, run: ReportRun, submitted_on: date, submitted_to: str, deadline=None
) -> ReportRun:
    """Record that the run was sent to its recipient; from then on it is frozen, and its files
    are kept. A deadline of the run's grant is marked submitted with it."""
    report_check_may_change(actor=actor, run=run)
    report_refuse_if_submitted(run)
    if run.status != RunStatus.READY:
        raise ApplicationError(_("Only a report that is ready can be submitted."))
    if run.expired or not run.pdf_file:
        raise ApplicationError(
            _("This report's files have expired. Build the report again and submit the new one.")
        )
    submitted_to = (submitted_to or "").strip()[:150]
    if not submitted_to:
        raise ApplicationError(_("Say whom the report was sent to."), field="submitted_to")
    if submitted_on is None or submitted_on > timezone.localdate():
        raise ApplicationError(
            _("Give the day it was sent: today or earlier."), field="submitted_on"
        )
    if submitted_on < run.created_at.date():
        raise ApplicationError(
            _("The report cannot have been sent before it was built."), field="submitted_on"
        )
    if deadline is not None and deadline.grant_id != run.grant_id:
        raise ApplicationError(_("Choose a deadline of this report's grant."), field="deadline")
    with transaction.atomic():
        kept = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        frozen = ReportRun.objects.filter(
            kept, pk=run.pk, status=RunStatus.READY, submitted_on__isnull=True
        ).update(
            submitted_on=submitted_on,
            submitted_to=submitted_to,
            submitted_by=actor,
            deadline=deadline,
            expires_at=None,
        )
        if not frozen:
            raise ApplicationError(
                _("Somebody else changed this report while you were working. Look at it again.")
            )
        run.refresh_from_db()
        change_record(
            actor=actor,
            instance=run,
            action=ChangeAction.UPDATE,
            before={name: None for name in _SUBMISSION_FIELDS},
            after=snapshot(run, _SUBMISSION_FIELDS),
        )
        if deadline is not None:
            deadline_mark_submitted(
                actor=actor, deadline=deadline, submitted_on=submitted_on, submitted_to=submitted_to
            )
    return run


def report_correct(*, actor, run: ReportRun) -> ReportRun:
    """A new version of a submitted report: the same subject, period, audience, profile and
    narrative, built from today's data; its document lists what changed since the submitted
    version. Only the newest version is corrected."""
    report_check_may_change(actor=actor, run=run)
    if not run.submitted:
        raise ApplicationError(
            _("Only a submitted report is corrected. Change this one's narrative instead.")
        )
    with transaction.atomic():
        # Locked, so two corrections asked for at once make one version.
        ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.corrections.exists():
            raise ApplicationError(
                _("This version has been corrected already: correct the newest version.")
            )
        return _correction_create(actor, run)


def _correction_create(actor, run: ReportRun) -> ReportRun:
    return report_run_create(
        kind=run.kind,
        programme=run.programme,
        grant=run.grant,
        period_start=run.period_start,
        period_end=run.period_end,
        language=run.language,
        audience=run.audience,
        profile=run.profile,
        requested_by=actor,
        edition=run.edition + 1,
        corrects=run,
        **{name: getattr(run, name) for name in NARRATIVE_FIELDS.values()},
    )
