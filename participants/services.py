"""Writes for participants and enrollments. Each one is audited in its own transaction."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError, StaleEditError
from participants.models import Enrollment, EnrollmentStatus, Participant

NAME_FIELDS = ("first_name", "last_name")
_ENROLLMENT_FIELDS = ("programme", "cohort", "status", "caseworker", "starts_on", "ends_on")


def _clean_name(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(_("%(field)s is required.") % {"field": label})
    if "\x00" in value:
        raise ApplicationError(
            _("%(field)s contains characters that are not allowed.") % {"field": label}
        )
    return value


def participant_create(*, actor, municipality, first_name: str, last_name: str) -> Participant:
    first_name = _clean_name(first_name, _("First name"))
    last_name = _clean_name(last_name, _("Last name"))
    with transaction.atomic():
        participant = Participant.objects.create(
            municipality=municipality, first_name=first_name, last_name=last_name
        )
        change_record(
            actor=actor,
            instance=participant,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(participant, NAME_FIELDS),
        )
    return participant


def participant_update(
    *, actor, participant: Participant, expected_version: int, first_name: str, last_name: str
) -> Participant:
    """Save new names unless somebody else saved the person since ``expected_version``."""
    values = {
        "first_name": _clean_name(first_name, _("First name")),
        "last_name": _clean_name(last_name, _("Last name")),
    }
    with transaction.atomic():
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        if current.version != expected_version:
            raise StaleEditError(
                _(
                    "Somebody else saved this person while you were editing. "
                    "Their changes are shown below; check them and save again."
                ),
                changed=_differences(participant, current),
                current_version=current.version,
            )
        before = snapshot(current, NAME_FIELDS)
        Participant.objects.filter(pk=current.pk).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        current.refresh_from_db()
        change_record(
            actor=actor,
            instance=current,
            participant=current,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(current, NAME_FIELDS),
        )
    return current


def _differences(seen: Participant, now: Participant) -> dict[str, tuple[object, object]]:
    return {
        name: (getattr(seen, name), getattr(now, name))
        for name in NAME_FIELDS
        if getattr(seen, name) != getattr(now, name)
    }


def enrollment_create(
    *,
    actor,
    participant: Participant,
    programme,
    cohort=None,
    caseworker=None,
    status: str = EnrollmentStatus.REFERRED,
    starts_on=None,
) -> Enrollment:
    if programme.municipality_id != participant.municipality_id:
        raise ApplicationError(
            _("Choose one of your municipality's programmes."), field="programme"
        )
    if cohort is not None and cohort.programme_id != programme.pk:
        raise ApplicationError(_("The cohort does not belong to this programme."), field="cohort")
    if caseworker is not None and caseworker.municipality_id != participant.municipality_id:
        raise ApplicationError(_("Choose a caseworker in your municipality."), field="caseworker")
    with transaction.atomic():
        enrollment = Enrollment.objects.create(
            participant=participant,
            programme=programme,
            cohort=cohort,
            caseworker=caseworker,
            status=status,
            starts_on=starts_on,
        )
        change_record(
            actor=actor,
            instance=enrollment,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(enrollment, _ENROLLMENT_FIELDS),
        )
    return enrollment
