"""Writes for the journal: case notes, drafts saved while typing, and tasks."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from audit.models import ChangeAction
from audit.services import audited_save, change_record, snapshot
from config.concurrency import claim_version
from config.errors import ApplicationError
from participants.models import CaseNote, Enrollment, NoteDraft, Participant, Task
from participants.services import participant_check_changeable
from participants.vocabularies import NoteKind

# The text itself stays out of the change history, which everyone following the person reads:
# a confidential note must not leak through it.
_NOTE_FIELDS = ("kind", "occurred_on", "confidential", "follow_up_on")
MAX_NOTE_LENGTH = 20000


def _clean_note(
    *, kind: str, occurred_on: date | None, text: str, follow_up_on: date | None
) -> str:
    if kind not in NoteKind.values:
        raise ApplicationError(_("Choose what kind of note this is."), field="kind")
    if occurred_on is None or occurred_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="occurred_on")
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Write the note."), field="text")
    if "\x00" in text or len(text) > MAX_NOTE_LENGTH:
        raise ApplicationError(
            _("The note is too long or contains characters that are not allowed."), field="text"
        )
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        raise ApplicationError(_("The follow-up date cannot be in the past."), field="follow_up_on")
    return text


def note_create(
    *,
    actor: User,
    participant: Participant,
    kind: str,
    occurred_on: date,
    text: str,
    confidential: bool = False,
    follow_up_on: date | None = None,
) -> CaseNote:
    participant_check_changeable(participant.pk)
    text = _clean_note(kind=kind, occurred_on=occurred_on, text=text, follow_up_on=follow_up_on)
    with transaction.atomic():
        note = CaseNote.objects.create(
            participant=participant,
            author=actor,
            kind=kind,
            occurred_on=occurred_on,
            text=text,
            confidential=confidential,
            follow_up_on=follow_up_on,
        )
        change_record(
            actor=actor,
            instance=note,
            participant=participant,
            action=ChangeAction.CREATE,
            after=_note_snapshot(note, text=_("(written)")),
        )
        if follow_up_on is not None:
            task_create(
                actor=actor,
                participant=participant,
                assignee=actor,
                due_on=follow_up_on,
                note=note,
                title=_("Follow up a confidential note")
                if confidential
                else _("Follow up: %(kind)s of %(date)s")
                % {"kind": note.get_kind_display(), "date": occurred_on.isoformat()},
            )
        NoteDraft.objects.filter(author=actor, participant=participant).delete()
    return note


def note_update(
    *,
    actor: User,
    note: CaseNote,
    expected_version: int,
    kind: str,
    occurred_on: date,
    text: str,
    confidential: bool,
) -> CaseNote:
    """Only the author edits a note; the history shows that the text changed, not the text."""
    if note.author_id != actor.pk:
        raise ApplicationError(_("Only the author can change a note."))
    participant_check_changeable(note.participant_id)
    text = _clean_note(kind=kind, occurred_on=occurred_on, text=text, follow_up_on=None)
    with transaction.atomic():
        claim_version(
            CaseNote,
            note,
            expected_version,
            _(
                "This note was changed in another window or tab. Reload it and make your change "
                "again."
            ),
        )
        was_confidential = note.confidential
        before = _note_snapshot(note)
        text_changed = note.text != text
        note.kind, note.occurred_on, note.text, note.confidential = (
            kind,
            occurred_on,
            text,
            confidential,
        )
        note.save(update_fields=["kind", "occurred_on", "text", "confidential"])
        after = _note_snapshot(note, hidden=was_confidential)
        if text_changed:
            before["text"], after["text"] = _("(earlier text)"), _("(new text)")
        change_record(
            actor=actor,
            instance=note,
            participant=note.participant,
            action=ChangeAction.UPDATE,
            before=before,
            after=after,
        )
    return note


def _note_snapshot(
    note: CaseNote, *, hidden: bool = False, text: str | None = None
) -> dict[str, str | None]:
    """What the history may say of a note. Of a confidential note only that it is one: its
    kind and date are for its author and the programme lead."""
    if note.confidential or hidden:
        return {"confidential": str(note.confidential)}
    values = snapshot(note, _NOTE_FIELDS)
    if text is not None:
        values["text"] = text
    return values


def draft_save(*, actor: User, participant: Participant, data: dict[str, object]) -> NoteDraft:
    """Keep what the user is typing. Only known fields, strings, bounded in size."""
    participant_check_changeable(participant.pk)
    allowed = {"kind", "occurred_on", "text", "confidential", "follow_up_on"}
    clean = {
        k: str(v)[:MAX_NOTE_LENGTH].replace("\x00", "") for k, v in data.items() if k in allowed
    }
    draft, _created = NoteDraft.objects.update_or_create(
        author=actor,
        participant=participant,
        defaults={"data": clean, "updated_at": timezone.now()},
    )
    return draft


def task_create(
    *,
    actor: User,
    participant: Participant,
    title: str,
    due_on: date,
    assignee: User,
    note: CaseNote | None = None,
) -> Task:
    participant_check_changeable(participant.pk)
    title = (title or "").strip().replace("\x00", "")
    if not title:
        raise ApplicationError(_("Say what is to be done."), field="title")
    if due_on is None:
        raise ApplicationError(_("Choose a due date."), field="due_on")
    programmes = Enrollment.objects.filter(participant=participant).values("programme_id")
    if not memberships.works_in(assignee, programmes):
        raise ApplicationError(_("Choose someone who works with this person."), field="assignee")
    with transaction.atomic():
        task = Task.objects.create(
            participant=participant,
            title=title[:200],
            due_on=due_on,
            assignee=assignee,
            created_by=actor,
            note=note,
        )
        change_record(
            actor=actor,
            instance=task,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(task, ["title", "due_on", "assignee"]),
        )
    return task


def task_set_done(*, actor: User, task: Task, done: bool) -> Task:
    participant_check_changeable(task.participant_id)
    with transaction.atomic():
        audited_save(
            actor=actor,
            instance=task,
            participant=task.participant,
            done_at=timezone.now() if done else None,
            done_by=actor if done else None,
        )
    return task
