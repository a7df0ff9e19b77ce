"""Writes for progress entries (the arbeidsleder's observations) and the caseworker's replies."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError
from participants.services import participant_check_changeable
from placements.models import Placement, ProgressEntry, ProgressReply

_RATINGS = ("punctuality", "cooperation", "independence")


def _clean_text(text: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ApplicationError(_("Write a few words."), field="text")
    if len(text) > 5000:
        raise ApplicationError(_("At most 5000 characters."), field="text")
    return text


def progress_write(
    *,
    actor: User,
    placement: Placement,
    text: str,
    written_on: date | None = None,
    **ratings: int | str | None,
) -> ProgressEntry:
    participant_check_changeable(placement.enrollment.participant_id)
    day = written_on or timezone.localdate()
    if day > timezone.localdate() or day < placement.starts_on:
        raise ApplicationError(
            _("The date must be within the placement and not in the future."), field="written_on"
        )
    clean: dict[str, int | None] = {}
    for name in _RATINGS:
        value = ratings.get(name)
        if value is None or value == "":
            clean[name] = None
        elif int(value) in range(1, 6):
            clean[name] = int(value)
        else:
            raise ApplicationError(_("Ratings go from 1 to 5."), field=name)
    with transaction.atomic():
        entry = ProgressEntry.objects.create(
            placement=placement, author=actor, written_on=day, text=_clean_text(text), **clean
        )
        change_record(
            actor=actor,
            instance=entry,
            participant=placement.enrollment.participant,
            action=ChangeAction.CREATE,
            after={**snapshot(entry, ["written_on", *_RATINGS]), "text": "…"},
        )
    return entry


def progress_reply(*, actor: User, entry: ProgressEntry, text: str) -> ProgressReply:
    participant_check_changeable(entry.placement.enrollment.participant_id)
    with transaction.atomic():
        reply = ProgressReply.objects.create(entry=entry, author=actor, text=_clean_text(text))
        change_record(
            actor=actor,
            instance=reply,
            participant=entry.placement.enrollment.participant,
            action=ChangeAction.CREATE,
            after={"entry": str(entry.pk), "text": "…"},
        )
    return reply
