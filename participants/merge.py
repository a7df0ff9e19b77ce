"""Merging two records of the same person (a programme lead's decision, audited)."""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_record
from config.errors import ApplicationError
from participants.models import (
    CaseNote,
    Consent,
    Document,
    Enrollment,
    Goal,
    NoteDraft,
    Participant,
    Task,
)
from participants.services import PERSON_FIELDS, person_snapshot

_FLAGS = ("protected_address", "social_assistance")
# Everything that belongs to a person and moves with them. Audit rows do not move (they are
# append-only); the kept record's history includes the merged record's.
_MOVES = (Enrollment, CaseNote, Task, Goal, Consent, Document)


def participants_merge(
    *, actor: User, keep: Participant, remove: Participant, reason: str
) -> Participant:
    """Fold ``remove`` into ``keep``: ``keep``'s values win, its blanks are filled from
    ``remove``, and every enrollment, note, task, goal, consent and document moves over."""
    _check_merge(actor=actor, keep=keep, remove=remove, reason=reason)
    with transaction.atomic():
        keep = Participant.objects.select_for_update().get(pk=keep.pk)
        remove = Participant.objects.select_for_update().get(pk=remove.pk)
        if remove.merged_into_id or keep.merged_into_id:
            raise ApplicationError(_("One of the records has already been merged."))
        moved = {
            model._meta.verbose_name_plural: model.objects.filter(participant=remove).update(
                participant=keep
            )
            for model in _MOVES
        }
        NoteDraft.objects.filter(participant=remove).delete()
        before = person_snapshot(keep)
        filled = _fill_blanks(keep, remove)
        Participant.objects.filter(pk=remove.pk).update(
            merged_into=keep,
            merged_at=timezone.now(),
            national_id_encrypted="",
            national_id_hash="",
            national_id_masked="",
        )
        # Bumping the version makes an edit form opened before the merge ask again.
        Participant.objects.filter(pk=keep.pk).update(**filled, version=F("version") + 1)
        keep.refresh_from_db()
        change_record(
            actor=actor,
            instance=keep,
            participant=keep,
            action=ChangeAction.UPDATE,
            before=before,
            after=person_snapshot(keep),
        )
        change_record(
            actor=actor,
            instance=keep,
            participant=keep,
            action=ChangeAction.UPDATE,
            before={"merged": None},
            after={
                "merged": _("record #%(id)s merged in: %(reason)s · moved %(moved)s")
                % {
                    "id": remove.pk,
                    "reason": reason.strip()[:300],
                    "moved": ", ".join(f"{n} {label}" for label, n in moved.items() if n) or "–",
                }
            },
        )
    keep.refresh_from_db()
    return keep


def _check_merge(*, actor: User, keep: Participant, remove: Participant, reason: str) -> None:
    if keep.pk == remove.pk:
        raise ApplicationError(_("Choose two different records."), field="other")
    if keep.municipality_id != remove.municipality_id:
        raise ApplicationError(_("Choose two different records."), field="other")
    if not (reason or "").strip():
        raise ApplicationError(_("Say why these records are the same person."), field="reason")
    if keep.anonymised_at or remove.anonymised_at:
        # An erased record must stay erased: a merge would fill its blanks again.
        raise ApplicationError(_("An anonymised record cannot be merged."), field="other")
    if (
        keep.national_id_hash
        and remove.national_id_hash
        and keep.national_id_hash != remove.national_id_hash
    ):
        raise ApplicationError(
            _("The records have different national IDs: they are not the same person."),
            field="other",
        )
    programmes = Enrollment.objects.filter(participant__in=[keep, remove]).values("programme_id")
    if not memberships.leads(actor, programmes):
        raise ApplicationError(_("Only a programme lead of the person's programme can merge."))


def _fill_blanks(keep: Participant, remove: Participant) -> dict[str, Any]:
    filled = {
        name: getattr(remove, name)
        for name in PERSON_FIELDS
        if name not in _FLAGS
        and getattr(keep, name) in ("", None)
        and getattr(remove, name) not in ("", None)
    }
    # A flag set on either record holds for the person: protection is never lost in a merge.
    filled.update({name: True for name in _FLAGS if getattr(remove, name)})
    if not keep.national_id_hash and remove.national_id_hash:
        filled.update(
            national_id_encrypted=remove.national_id_encrypted,
            national_id_hash=remove.national_id_hash,
            national_id_masked=remove.national_id_masked,
        )
    return filled
