"""Retention and erasure: anonymising a person (GDPR art. 5(1)(e) and art. 17).

What anonymisation does is declared once, in ``TREATMENTS``: one entry per model that refers
to a participant, directly or through their enrollments, placements, notes, goals… A test
walks Django's model registry and fails when such a model is missing here, or when one of its
text columns is neither emptied nor declared a code, so a new kind of record cannot keep a
name by accident.

What goes: names (replaced by «Anonymised #id»), the national ID (encrypted value, look-up hash
and masked form), phone, e-mail, address, languages, the NAV and social-assistance status,
all free text (notes, goals, milestones, progress entries, consent recipients, placement stop
reasons and NAV references, training offices), tasks, note drafts, progress replies,
documents with their stored files, and the values of the change history (redacted once, as
the database triggers allow).

What stays, because the figures are built from it and none of it names the person: the
municipality, gender, the birth *year* (the date becomes 1 July of that year, so an age band is
off by at most half a year), education level and status at intake; enrollments (programme,
cohort, dates, status, exit reason, destination), placements (worksite, type, field, dates,
schedule), attendance, module progress, qualification routes and dates, follow-up statuses,
the dates and kinds of notes and goals, and who looked at the record when (ids only).
Frozen report figures (``ReportRun.snapshot``) are aggregates and are never touched; the
person stays counted in them, and in live figures as far as the kept facts allow.

What was still running is closed, so that nothing waits on a person nobody knows any more:
current placements stop, consents are withdrawn, unrecorded follow-ups are closed.
"""

import contextlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import CharField, Exists, F, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import ChangeAction, ChangeEvent
from audit.services import change_record, changes_redact
from config.errors import ApplicationError
from participants import national_id as nid
from participants.models import Consent, Enrollment, EnrollmentStatusChange, FollowUp, Participant
from participants.selectors import participant_records
from participants.services import EXIT_STATUSES, add_months, follow_ups_create
from participants.vocabularies import Destination, ExitReason, FollowUpStatus
from placements.models import Placement, PlacementStatus
from programs.models import MIN_RETENTION_MONTHS, EnrollmentStatus
from programs.selectors import led_programmes
from reporting.exports import exports_withdraw
from reporting.models import ReportRun
from reporting.services import report_files_rewrite

logger = logging.getLogger(__name__)

ANONYMISED = "Anonymised"
REMOVED = "–"  # what a required text column holds once its text is gone
MAX_REASON_LENGTH = 500

KEEP, SCRUB, DELETE, REDACT, PERSON = "keep", "scrub", "delete", "redact", "person"


@dataclass(frozen=True)
class Treatment:
    """How anonymisation treats the rows of one model that are about the person.

    ``person`` is the path from a row to the participant's record; ``blank`` the columns that
    are emptied (column → what replaces it; a file column's stored file is deleted); ``codes``
    the text columns that hold codes or numbers, never words about the person; ``why`` says
    what is kept and why."""

    person: str
    action: str
    blank: dict[str, object] = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    why: str = ""


# In the order they are applied: rows are deleted before the ones they point to are emptied.
TREATMENTS: dict[str, Treatment] = {
    "participants.notedraft": Treatment("participant", DELETE, why="only what someone was typing"),
    "participants.task": Treatment(
        "participant", DELETE, why="a reminder of work for the person, its title free text"
    ),
    "participants.document": Treatment(
        "participant", DELETE, why="uploaded files: the stored file goes with the row"
    ),
    "placements.progressreply": Treatment(
        "entry__placement__enrollment__participant", DELETE, why="only free text"
    ),
    "participants.casenote": Treatment(
        "participant",
        SCRUB,
        blank={"text": REMOVED},
        why="the kind, date and author stay: that a meeting took place",
    ),
    "participants.consent": Treatment(
        "participant",
        SCRUB,
        blank={"recipient": ""},
        why="purpose and dates stay: the basis the records were kept on",
    ),
    "participants.goal": Treatment(
        "participant",
        SCRUB,
        blank={"title": REMOVED},
        why="category, status and dates stay (a fagbrev goal reached)",
    ),
    "participants.milestone": Treatment(
        "goal__participant", SCRUB, blank={"title": REMOVED}, why="dates stay"
    ),
    "placements.placement": Treatment(
        "enrollment__participant",
        SCRUB,
        blank={"nav_agreement": "", "stop_reason": ""},
        codes=("schedule_days",),
        why="worksite, type, field, dates and schedule are figures",
    ),
    "placements.progressentry": Treatment(
        "placement__enrollment__participant",
        SCRUB,
        blank={"text": REMOVED},
        why="the date and the ratings stay",
    ),
    "placements.qualificationpath": Treatment(
        "enrollment__participant",
        SCRUB,
        blank={"training_office": ""},
        why="trade, route, contract and exam dates and result are figures",
    ),
    "audit.subjectaccessexport": Treatment(
        "participant",
        SCRUB,
        blank={"pdf_file": "", "json_file": "", "zip_file": ""},
        codes=("language", "error"),
        why="who asked for the person's data when stays; the files that hold it are deleted",
    ),
    "participants.enrollment": Treatment(
        "participant",
        KEEP,
        why="programme, cohort, dates, status, exit reason and destination are figures",
    ),
    "participants.enrollmentstatuschange": Treatment(
        "enrollment__participant", KEEP, why="status and date: figures"
    ),
    "participants.followup": Treatment(
        "enrollment__participant",
        KEEP,
        why="status 6 and 12 months after exit are figures; unrecorded ones are closed",
    ),
    "placements.attendancerecord": Treatment(
        "placement__enrollment__participant", KEEP, why="days and hours are figures"
    ),
    "placements.attendancemonth": Treatment(
        "placement__enrollment__participant",
        KEEP,
        why="the days above added up per month, kept by the database: figures",
    ),
    "placements.moduleprogress": Treatment(
        "path__enrollment__participant", KEEP, why="modules passed are figures"
    ),
    "audit.accessevent": Treatment(
        "participant",
        KEEP,
        codes=("page", "model", "object_id"),
        why="who looked when: ids and a page's route name",
    ),
    "audit.changeevent": Treatment(
        "participant",
        REDACT,
        codes=("model", "object_id"),
        why="who changed which record when stays; the values are removed, once",
    ),
    "participants.participant": Treatment(
        "pk",
        PERSON,
        blank={
            "first_name": ANONYMISED,
            "last_name": Concat(Value("#"), Cast("id", output_field=CharField())),
            "national_id_encrypted": "",
            "national_id_hash": "",
            "national_id_masked": "",
            "phone": "",
            "email": "",
            "address": "",
            "postcode": "",
            "city": "",
            "languages": "",
            "language_level": "",
            "nav_innsatsgruppe": "",
            "social_assistance": False,
            "protected_address": False,
        },
        why="municipality, gender, birth year, education and status at intake are figures",
    ),
}

# Free text outside the person's own records that may name them: the programme lead's own
# words on a report. Occurrences of the person's names and numbers are blotted out; the frozen
# figures of the run are not touched.
NARRATIVES = (
    "narrative_activities",
    "narrative_deviations",
    "narrative_cooperation",
    "narrative_next_period",
    "narrative_continuation",
)


# ----- who may erase -----------------------------------------------------------------------


def erasure_allowed(*, user: User, participant: Participant) -> bool:
    """Only a programme lead of one of the person's programmes erases them."""
    return Enrollment.objects.filter(
        participant=participant, programme_id__in=led_programmes(user).values("pk")
    ).exists()


def erasure_refusal(*, actor: User, participant: Participant) -> str | None:
    """Why ``actor`` cannot erase the person now, or None.

    An enrollment still open in a programme the actor does not lead stops the erasure: that
    programme's staff are working with the person, and their lead must record the exit (or
    ask for the erasure) first; the record is not pulled away under them. Open enrollments in
    the actor's own programmes are ended by the erasure itself."""
    if participant.anonymised_at is not None:
        return _("This person has already been anonymised.")
    if not erasure_allowed(user=actor, participant=participant):
        return _("Only a programme lead of the person's programme can erase their record.")
    if (
        Enrollment.objects.filter(participant=participant)
        .exclude(status__in=EXIT_STATUSES)
        .exclude(programme_id__in=led_programmes(actor).values("pk"))
        .exists()
    ):
        return _(
            "The person is still enrolled in another programme, which you do not lead. Ask its "
            "programme lead to record the exit first; then the record can be erased."
        )
    return None


# ----- anonymising one person --------------------------------------------------------------


def participant_anonymise(
    *, participant: Participant, actor: User | None = None, reason: str
) -> Participant:
    """Remove everything that identifies the person, and every record merged into theirs;
    keep what the figures are built from (see the module's docstring and ``TREATMENTS``).

    With an ``actor`` this is an erasure request: only a programme lead of the person's
    programme may make it (``erasure_refusal``), and the person's open enrollments in the
    lead's programmes are ended (withdrawn today; exit reason «other», destination unknown).
    Without one it is the retention job. The change history records that it was done, by
    whom and why, with the person's names and numbers blotted out of the reason.

    Stored files are deleted last, inside the transaction: a failure before the commit
    leaves the person as they were (bar files already gone), and a second run finishes it."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the erasure."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ApplicationError(
            _("At most %(n)d characters.") % {"n": MAX_REASON_LENGTH}, field="reason"
        )
    with transaction.atomic():
        person: Participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if actor is not None:
            refusal = erasure_refusal(actor=actor, participant=person)
            if refusal:
                raise ApplicationError(refusal)
        elif person.anonymised_at is not None:
            raise ApplicationError(_("This person has already been anonymised."))
        records = participant_records(participant=person)
        identifiers = _identifiers(Participant.objects.filter(pk__in=records))
        if actor is not None:
            _end_open_enrollments(actor=actor, records=records)
        _close_what_is_open(records)
        files = _apply_treatments(records)
        _anonymise_people(records)
        _redact_history(records)
        _blot_narratives(person.municipality_id, identifiers)
        note = blot(reason, identifiers)
        for pk in records:
            change_record(
                actor=actor,
                instance=Participant(pk=pk),
                participant=Participant(pk=pk),
                action=ChangeAction.UPDATE,
                before={"anonymised": None},
                after={"anonymised": note},
            )
        _delete_files(files)

        exports_withdraw(municipality_id=person.municipality_id)
    logger.info("participant %s anonymised with %s merged records", person.pk, len(records) - 1)
    person.refresh_from_db()
    return person


def _identifiers(people: Iterable[Participant]) -> list[str]:
    """What would name the person in free text: names, e-mail, phone, address, national ID."""
    values: list[str] = []
    for p in people:
        values += [p.first_name, p.last_name, f"{p.first_name} {p.last_name}", p.email]
        values += [p.phone, p.address, p.national_id_masked]
        if p.national_id_encrypted:
            # A number no key reads any more is left out: nobody could have copied it either.
            with contextlib.suppress(ApplicationError):
                values.append(nid.decrypt(p.national_id_encrypted))
    return [v.strip() for v in values if v and len(v.strip()) >= 2]


def _end_open_enrollments(*, actor: User, records: list[int]) -> None:
    """End the open enrollments in the actor's programmes (``erasure_refusal`` has made sure
    there are no others): the person has left. Not through ``enrollment_change_status``: an
    enrollment that starts later than today ends on its start, a date that service refuses as
    in the future, and the exit is about to lose its history's values anyway."""
    today = timezone.localdate()
    for enrollment in Enrollment.objects.filter(participant_id__in=records).exclude(
        status__in=EXIT_STATUSES
    ):
        ends_on = max(today, enrollment.starts_on or today)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=EnrollmentStatus.WITHDRAWN,
            ends_on=ends_on,
            exit_reason=ExitReason.OTHER,
            destination=Destination.UNKNOWN,
            version=F("version") + 1,
        )
        EnrollmentStatusChange.objects.create(
            enrollment=enrollment, status=EnrollmentStatus.WITHDRAWN, by=actor
        )


def _close_what_is_open(records: list[int]) -> None:
    """Nothing waits on a person who is no longer known. Current placements stop today (no
    attendance is expected, none is flagged missing); consents still running are withdrawn
    today (an arbeidsleder's access ends with them); follow-ups not yet recorded are closed as
    «could not be reached», without a recording date, so they count in no figure, wait on
    nobody's list, and are not made again by the nightly follow-up job."""
    today = Value(timezone.localdate())
    Placement.objects.current().filter(enrollment__participant_id__in=records).update(
        status=PlacementStatus.STOPPED,
        ends_on=Greatest(F("starts_on"), today),
        version=F("version") + 1,
    )
    Consent.objects.filter(participant_id__in=records, withdrawn_on__isnull=True).update(
        withdrawn_on=Greatest(F("given_on"), today), version=F("version") + 1
    )
    exited = list(
        Enrollment.objects.filter(
            participant_id__in=records, status__in=EXIT_STATUSES, ends_on__isnull=False
        ).only("pk", "ends_on")
    )
    if exited:
        follow_ups_create(*exited)
    FollowUp.objects.filter(enrollment__participant_id__in=records, status="").update(
        status=FollowUpStatus.UNKNOWN, version=F("version") + 1
    )


def _apply_treatments(records: list[int]) -> list[tuple[models.FileField, str]]:
    """Delete and empty the rows ``TREATMENTS`` names; returns the stored files to delete."""
    files: list[tuple[models.FileField, str]] = []
    for label, treatment in TREATMENTS.items():
        model = apps.get_model(label)
        rows = model._base_manager.filter(**{f"{treatment.person}__in": records})
        if treatment.action not in (DELETE, SCRUB):
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and (
                treatment.action == DELETE or f.name in treatment.blank
            ):
                files += [(f, name) for name in rows.values_list(f.attname, flat=True) if name]
        if treatment.action == DELETE:
            rows.delete()
        else:
            rows.update(**treatment.blank)
    return files


def _anonymise_people(records: list[int]) -> None:
    now = timezone.now()
    blank = TREATMENTS["participants.participant"].blank
    for person in Participant.objects.filter(pk__in=records).only("pk", "birth_date"):
        Participant.objects.filter(pk=person.pk).update(
            **blank,
            # The year is what the figures use (age bands); the middle of it is closest.
            birth_date=date(person.birth_date.year, 7, 1) if person.birth_date else None,
            anonymised_at=now,
            updated_at=now,
            version=F("version") + 1,
        )


def _redact_history(records: list[int]) -> None:
    """Remove the old and new values of every change about the person (audit.services)."""
    changes_redact(ChangeEvent.objects.filter(participant_id__in=records))


def _blot_narratives(municipality_id: int, identifiers: list[str]) -> None:
    # Report runs sit in a higher layer; erasure reaches into them for the lead's words only.

    runs = (
        ReportRun.objects.filter(
            Q(programme__municipality_id=municipality_id)
            | Q(grant__municipality_id=municipality_id)
        )
        .exclude(**dict.fromkeys(NARRATIVES, ""))
        .only("pk", "snapshot", *NARRATIVES)
    )
    for run in runs:
        blotted = {name: blot(getattr(run, name), identifiers) for name in NARRATIVES}
        # The frozen document holds the narrative too; its figures are left as they are.
        frozen = run.snapshot or {}
        sections = [
            {**part, "text": blot(part.get("text", ""), identifiers)}
            for part in frozen.get("narrative", [])
        ]
        if any(blotted[name] != getattr(run, name) for name in NARRATIVES):
            ReportRun.objects.filter(pk=run.pk).update(
                **blotted, snapshot={**frozen, "narrative": sections} if frozen else frozen
            )
            # A submitted report keeps its files for good: they are written again without
            # the name.
            report_files_rewrite(run_id=run.pk)


def _delete_files(files: list[tuple[models.FileField, str]]) -> None:
    for f, name in files:
        f.storage.delete(name)


BLOT = "•••"


def blot(text: str, identifiers: Iterable[str]) -> str:
    """``text`` with the person's names and numbers replaced by «•••». Numbers are found
    however they are spaced or dashed, and by their last 8 or 10 digits too (a phone number
    without the country code, a personnummer without the century)."""
    if not text:
        return text
    parts: set[str] = set()
    for value in identifiers:
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 6 and len(digits) >= len(re.sub(r"[\s.+()/-]", "", value)) - 1:
            for tail in {digits, digits[-10:], digits[-8:]}:
                parts.add(r"[\s.\-]*".join(tail))
        else:
            parts.add(re.escape(value))
    if not parts:
        return text
    pattern = r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?!\w)"
    return re.sub(pattern, BLOT, text, flags=re.IGNORECASE)


# ----- the retention job --------------------------------------------------------------------

RETENTION_BATCH = 200


def _expired_candidates(today: date) -> QuerySet[Any, tuple[int, date, int]]:
    """People whose every enrollment has ended with an exit date, with their last exit and the
    longest retention of their programmes. Only those whose last exit is at least the
    shortest possible retention ago are read; ``_expired`` decides the rest."""
    still_open = Enrollment.objects.filter(participant=OuterRef("pk")).filter(
        Q(ends_on__isnull=True) | ~Q(status__in=EXIT_STATUSES)
    )
    candidates: QuerySet[Any, tuple[int, date, int]] = (
        Participant.objects.filter(anonymised_at__isnull=True, merged_into__isnull=True)
        .exclude(Exists(still_open))
        .annotate(
            last_exit=Max("enrollments__ends_on"),
            months=Max("enrollments__programme__retention_months"),
        )
        .filter(last_exit__lt=add_months(today, -MIN_RETENTION_MONTHS))
        .order_by("pk")
        .values_list("pk", "last_exit", "months")
    )
    return candidates


def _expired(last_exit: date, months: int, today: date) -> bool:
    return add_months(last_exit, months) < today


def participants_anonymise_expired(*, today: date | None = None) -> int:
    """Anonymise everyone whose last exit is older than the longest retention period of their
    programmes; returns how many were anonymised.

    Safe to run twice, and alongside itself: each person is claimed with
    ``select_for_update(skip_locked=True)`` and a status guard (``anonymised_at`` empty), and
    checked again under the lock, in a transaction of their own; a second run finds nobody.
    Reads in batches of ``RETENTION_BATCH``."""
    today = today or timezone.localdate()
    reason = _("The retention period after the last exit has passed.")
    done, last = 0, 0
    while rows := list(_expired_candidates(today).filter(pk__gt=last)[:RETENTION_BATCH]):
        last = rows[-1][0]
        for pk, last_exit, months in rows:
            if _expired(last_exit, months, today):
                done += _anonymise_expired_one(pk, today=today, reason=reason)
    return done


def _anonymise_expired_one(pk: int, *, today: date, reason: str) -> int:
    with transaction.atomic():
        person = (
            Participant.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, anonymised_at__isnull=True)
            .first()
        )
        if person is None:  # another run holds or has done it
            return 0
        row = _expired_candidates(today).filter(pk=pk).first()
        if row is None or not _expired(row[1], row[2], today):  # enrolled again meanwhile
            return 0
        participant_anonymise(participant=person, reason=reason)
    return 1
