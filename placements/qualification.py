"""Writes for the road to a fagbrev: qualification paths and module sign-offs."""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.country import belongs_to
from accounts.models import User
from audit.models import ChangeAction
from audit.services import audited_save, change_record, snapshot
from config.errors import ApplicationError
from participants.models import Enrollment
from participants.services import add_months, participant_check_changeable
from placements.models import (
    ROUTE_COUNTRY,
    ExamResult,
    ModuleProgress,
    QualificationPath,
    Route,
)
from programs.models import Module, QualificationTrack

REGISTRATION_MONTHS_BEFORE_END = 3
# A sign-off tapped by mistake may be taken back for this long; after it, it stands.
UNDO_WINDOW = timedelta(hours=24)
_SIGN_OFF_FIELDS = ("result", "signed_off_by", "signed_off_on", "signed_off_at")
_PATH_FIELDS = (
    "track",
    "route",
    "training_office",
    "contract_starts_on",
    "contract_ends_on",
    "vg3_exam_on",
    "registration_deadline",
    "fagprove_on",
    "fagprove_result",
)


def path_create(
    *,
    actor: User,
    enrollment: Enrollment,
    track: QualificationTrack,
    route: str,
    training_office: str = "",
    contract_starts_on: date | None = None,
    contract_ends_on: date | None = None,
    vg3_exam_on: date | None = None,
) -> QualificationPath:
    participant_check_changeable(enrollment.participant_id)
    country = enrollment.participant.municipality.country
    if route not in Route.values or not belongs_to(route, country, ROUTE_COUNTRY):
        raise ApplicationError(_("Choose a route."), field="route")
    if track.country != country:
        raise ApplicationError(_("Choose a trade taught in your country."), field="track")
    if contract_starts_on and contract_ends_on and contract_ends_on < contract_starts_on:
        raise ApplicationError(
            _("A contract cannot end before it starts."), field="contract_ends_on"
        )
    # The fagprøve must be registered at least three months before the contract ends; the
    # Swedish programme has no fagprøve.
    fagprove = QualificationPath(route=route).leads_to_fagprove
    deadline = (
        add_months(contract_ends_on, -REGISTRATION_MONTHS_BEFORE_END)
        if contract_ends_on and fagprove
        else None
    )
    with transaction.atomic():
        path = QualificationPath.objects.create(
            enrollment=enrollment,
            track=track,
            route=route,
            training_office=(training_office or "")[:150],
            contract_starts_on=contract_starts_on,
            contract_ends_on=contract_ends_on,
            vg3_exam_on=vg3_exam_on,
            registration_deadline=deadline,
        )
        change_record(
            actor=actor,
            instance=path,
            participant=enrollment.participant,
            action=ChangeAction.CREATE,
            after=snapshot(path, _PATH_FIELDS),
        )
    return path


def module_sign_off(
    *, actor: User, path: QualificationPath, module: Module, result: str
) -> ModuleProgress:
    """Sign a module off as passed or not passed. A passed module is final; a module not
    passed may be taken again and signed off as passed."""
    participant_check_changeable(path.enrollment.participant_id)
    if module.track_id != path.track_id:
        raise ApplicationError(_("The module does not belong to this trade."))
    if result not in ExamResult.values:
        raise ApplicationError(_("Choose passed or not passed."))
    today = timezone.localdate()
    try:
        with transaction.atomic():
            progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
                path=path, module=module, defaults={"started_on": today}
            )
            if progress.result == ExamResult.PASSED or progress.result == result:
                raise ApplicationError(_("This module has already been signed off."))
            before = snapshot(progress, _SIGN_OFF_FIELDS)
            progress.result, progress.signed_off_by, progress.signed_off_on = (result, actor, today)
            progress.signed_off_at = timezone.now()
            progress.save(update_fields=list(_SIGN_OFF_FIELDS))
            change_record(
                actor=actor,
                instance=progress,
                participant=path.enrollment.participant,
                action=ChangeAction.UPDATE,
                before=before,
                after=snapshot(progress, _SIGN_OFF_FIELDS),
            )
    except IntegrityError:
        raise ApplicationError(_("This module has already been signed off.")) from None
    return progress


def sign_off_undoable(progress: ModuleProgress, *, now: datetime | None = None) -> bool:
    """Whether the sign-off is still within the window in which it may be taken back."""
    if not progress.result or progress.signed_off_at is None:
        return False
    return (now or timezone.now()) < progress.signed_off_at + UNDO_WINDOW


def module_sign_off_undo(*, actor: User, progress: ModuleProgress) -> ModuleProgress:
    """Take a sign-off back within ``UNDO_WINDOW``: the one who signed, or a caseworker or
    programme lead who follows the person. The module is open again, and the history keeps
    both the sign-off and its undoing."""
    path = progress.path
    participant_check_changeable(path.enrollment.participant_id)
    follows = Enrollment.objects.visible_to(actor).filter(pk=path.enrollment_id).exists()
    if progress.signed_off_by_id != actor.pk and not follows:
        raise ApplicationError(
            _("Only the one who signed, or the person's caseworker, can undo a sign-off.")
        )
    with transaction.atomic():
        locked = ModuleProgress.objects.select_for_update().get(pk=progress.pk)
        if not locked.result:
            raise ApplicationError(_("This sign-off has already been undone."))
        if not sign_off_undoable(locked):
            raise ApplicationError(
                _(
                    "A sign-off can be undone only within 24 hours, and this one was made "
                    "earlier. Ask the person's caseworker to record a correction in the journal."
                )
            )
        before = snapshot(locked, _SIGN_OFF_FIELDS)
        locked.result, locked.signed_off_by, locked.signed_off_on = "", None, None
        locked.signed_off_at = None
        locked.save(update_fields=list(_SIGN_OFF_FIELDS))
        change_record(
            actor=actor,
            instance=locked,
            participant=path.enrollment.participant,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(locked, _SIGN_OFF_FIELDS),
        )
    return locked


def fagprove_record(
    *, actor: User, path: QualificationPath, fagprove_on: date | None, result: str = ""
) -> QualificationPath:
    """The fagprøve's date, and its result once it is known."""
    participant_check_changeable(path.enrollment.participant_id)
    if not path.leads_to_fagprove:
        raise ApplicationError(_("This route ends in no fagprøve."), field="fagprove_on")
    if fagprove_on is None:
        raise ApplicationError(_("Enter the date of the fagprøve."), field="fagprove_on")
    if result and result not in ExamResult.values:
        raise ApplicationError(_("Choose passed or not passed."), field="fagprove_result")
    if result and fagprove_on > timezone.localdate():
        raise ApplicationError(
            _("A result cannot be recorded before the fagprøve."), field="fagprove_result"
        )
    recorder = {}
    if result != path.fagprove_result:
        recorder = {
            "fagprove_recorded_by": actor if result else None,
            "fagprove_recorded_at": timezone.now() if result else None,
        }
    with transaction.atomic():
        audited_save(
            actor=actor,
            instance=path,
            participant=path.enrollment.participant,
            fagprove_on=fagprove_on,
            fagprove_result=result,
            **recorder,
        )
    return path
