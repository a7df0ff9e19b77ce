"""What the right-of-access export holds: one ``Section`` per model that refers to a
participant, and the gathering of their rows. ``COVERED_MODELS`` is what the completeness
test checks against Django's model registry."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import AccessEvent, ChangeEvent
from audit.subject_access import SubjectAccessExport
from participants.models import (
    CaseNote,
    Consent,
    Document,
    Enrollment,
    EnrollmentStatusChange,
    FollowUp,
    Goal,
    Milestone,
    NoteDraft,
    Participant,
    Task,
)
from participants.selectors import participant_records
from placements.models import (
    AttendanceMonth,
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
)

# Bookkeeping that says nothing about the person: edit counters, the look-up hash and the
# masked number. The encrypted number is exported decrypted, as ``national_id``.
OMITTED = {"version", "national_id_hash", "national_id_masked"}
ENCRYPTED_ID = "national_id_encrypted"


@dataclass(frozen=True)
class Section:
    """The rows of one model that are about the person, found through ``lookup`` (the path
    from a row to the participant's record)."""

    key: str
    model: type[models.Model]
    lookup: str
    title: str | Promise = ""
    table: bool = False  # many short rows: a table in the PDF, not a block per row
    omit: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return str(self.title or capfirst(self.model._meta.verbose_name_plural))

    @property
    def columns(self) -> list[models.Field]:
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in OMITTED and f.name not in self.omit
        ]


SECTIONS: tuple[Section, ...] = (
    Section("person", Participant, "pk", gettext_lazy("Personal details")),
    Section(
        "merged_records", Participant, "merged_into", gettext_lazy("Records merged into this one")
    ),
    Section("consents", Consent, "participant"),
    Section("enrollments", Enrollment, "participant"),
    Section(
        "enrollment_status_changes", EnrollmentStatusChange, "enrollment__participant", table=True
    ),
    Section("follow_ups", FollowUp, "enrollment__participant"),
    Section("placements", Placement, "enrollment__participant"),
    Section("attendance", AttendanceRecord, "placement__enrollment__participant", table=True),
    Section(
        "attendance_months",
        AttendanceMonth,
        "placement__enrollment__participant",
        gettext_lazy("Attendance added up per month"),
        table=True,
    ),
    Section("progress_entries", ProgressEntry, "placement__enrollment__participant"),
    Section(
        "progress_replies",
        ProgressReply,
        "entry__placement__enrollment__participant",
        gettext_lazy("Replies to progress entries"),
    ),
    Section("qualification_paths", QualificationPath, "enrollment__participant"),
    Section("module_progress", ModuleProgress, "path__enrollment__participant", table=True),
    Section("goals", Goal, "participant"),
    Section("milestones", Milestone, "goal__participant", table=True),
    Section("tasks", Task, "participant"),
    Section("case_notes", CaseNote, "participant"),
    Section("note_drafts", NoteDraft, "participant", gettext_lazy("Unsaved note drafts")),
    Section("documents", Document, "participant"),
    Section(
        "access_events",
        AccessEvent,
        "participant",
        gettext_lazy("Who has looked at this record"),
        table=True,
        omit=("model", "object_id"),  # empty on a participant's: they name other records
    ),
    Section(
        "change_events",
        ChangeEvent,
        "participant",
        gettext_lazy("What changed, when, by whom"),
    ),
    # Earlier copies of this export: that they were made, not the files again.
    Section(
        "access_exports",
        SubjectAccessExport,
        "participant",
        table=True,
        omit=("pdf_file", "json_file", "zip_file", "error"),
    ),
)

COVERED_MODELS = frozenset(s.model for s in SECTIONS)


# ----- gathering ----------------------------------------------------------------------------


@dataclass
class AccessExport:
    """What is held on one person, gathered at one moment, section by section."""

    participant: Participant
    actor: User
    generated_at: datetime
    records: list[int]
    rows: dict[str, list[models.Model]] = field(default_factory=dict)

    @property
    def merged(self) -> bool:
        return len(self.records) > 1


def participant_access_export(*, actor, participant: Participant) -> AccessExport:
    """Every row of every model that is about ``participant`` or a record merged into
    theirs. The caller has checked that ``actor`` may (``subject_access_participant``)."""
    with transaction.atomic():  # one moment's rows, where the database isolates reads
        records = participant_records(participant=participant)
        export = AccessExport(
            participant=participant, actor=actor, generated_at=timezone.now(), records=records
        )
        for section in SECTIONS:
            export.rows[section.key] = list(section_rows(section, participant, records))
    return export


def section_rows(section: Section, participant: Participant, records: list[int]) -> QuerySet:
    ids = [participant.pk] if section.key == "person" else records
    names = [f.name for f in section.columns if f.is_relation and not is_person_row(f)]
    return (
        section.model._base_manager.filter(**{f"{section.lookup}__in": ids})
        .select_related(*names)
        .order_by(*(section.model._meta.ordering or []), "pk")
    )


def is_person_row(f: models.Field) -> bool:
    """A reference to another of the person's own rows: exported as its number."""
    return f.related_model in COVERED_MODELS
