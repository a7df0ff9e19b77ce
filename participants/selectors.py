"""Reads of participants. Every one starts from ``Participant.objects.visible_to(user)``."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import memberships
from accounts.models import Municipality, ProgrammeRole, User
from participants import national_id as nid
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
    ParticipantQuerySet,
    ScopedEnrollment,
    Task,
    reached_enrollment_prefetches,
    reached_enrollments,
)
from participants.routes import offers_qualification
from programs.models import Cohort, EnrollmentStatus, Programme


def _scoped_enrollments(user: User) -> "Prefetch[str, QuerySet[Enrollment], str]":
    """A person's enrollments as this user may see them, in a fixed number of queries whatever
    the rows: those in the user's programmes (``followed``: the case), and those a registered
    reach gives (an arbeidsleder's: only the placement), with what each reach adds to them."""
    mine = memberships.programme_ids_worked_in(user)
    led = memberships.programme_ids_led(user)
    enrollments = (
        Enrollment.objects.filter(Q(programme_id__in=mine) | reached_enrollments(user))
        .annotate(followed=ExpressionWrapper(Q(programme_id__in=mine), BooleanField()))
        .annotate(led=ExpressionWrapper(Q(programme_id__in=led), BooleanField()))
        .select_related("programme", "cohort", "caseworker")
        .prefetch_related(*reached_enrollment_prefetches(user))
    )
    return Prefetch("enrollments", queryset=enrollments, to_attr="scoped_enrollments")


@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload is narrowed to. A national ID is carried only as its keyed hash."""

    name: str = ""
    id_hash: str = ""
    programme_id: int | None = None
    cohort_id: int | None = None
    caseworker_id: int | None = None
    status: str = ""
    sort: str = "name"
    # Only the user's own open cases with no note in NOTE_QUIET_DAYS days (the home page's link).
    quiet: bool = False

    @property
    def enrollment_filters(self) -> dict[str, int | str]:
        wanted = {
            "programme_id": self.programme_id,
            "cohort_id": self.cohort_id,
            "caseworker_id": self.caseworker_id,
            "status": self.status,
        }
        return {key: value for key, value in wanted.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.name or self.id_hash or self.enrollment_filters or self.quiet)


SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "birth_date": ("birth_date", "last_name", "pk"),
    "-birth_date": ("-birth_date", "last_name", "pk"),
    "newest": ("-created_at", "-pk"),
}


def participant_list(*, user: User, filters: CaseloadFilters | None = None) -> ParticipantQuerySet:
    """The caseload: everyone the user may see, with what the list shows, in a fixed number of
    queries whatever the page size."""
    filters = filters or CaseloadFilters()
    participants = (
        Participant.objects.visible_to(user)
        .with_case_access(user)
        .prefetch_related(_scoped_enrollments(user))
        .order_by(*SORTS.get(filters.sort, SORTS["name"]))
    )
    for term in filters.name.split()[:5]:
        participants = participants.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
    if filters.id_hash:
        # Only people the user follows: an arbeidsleder must not confirm anyone's number.
        participants = participants.filter(case_access=True, national_id_hash=filters.id_hash)
    if filters.enrollment_filters:
        followed = _via_programme_enrollments(user).filter(**filters.enrollment_filters)
        participants = participants.filter(Exists(followed.filter(participant=OuterRef("pk"))))
    if filters.quiet:
        participants = participants.filter(pk__in=quiet_participants(user=user).values("pk"))
    return participants


def _via_programme_enrollments(user: User) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(programme_id__in=memberships.programme_ids_worked_in(user))


@dataclass(frozen=True)
class ParticipantView:
    """A participant as one user may see them: an arbeidsleder without case access sees the
    placements at their own worksites and nothing of the case; a caseworker sees the
    enrollments in their own programmes, not the person's other programmes."""

    participant: Participant
    case_access: bool
    viewer_id: int

    @property
    def address_visible(self) -> bool:
        """A protected address is shown only to the person's assigned caseworker."""
        if not self.case_access:
            return False
        if not self.participant.protected_address:
            return True
        return any(e.caseworker_id == self.viewer_id for e in self.enrollments)

    @property
    def enrollments(self) -> list[ScopedEnrollment]:
        return self.participant.followed_enrollments if self.case_access else []

    @property
    def placements(self) -> list[Any]:
        return self.participant.visible_placements

    @property
    def led(self) -> bool:
        """Whether the viewer leads one of the person's programmes (exports are theirs)."""
        return any(e.led for e in self.enrollments)


def participant_get(*, user: User, pk: int) -> ParticipantView:
    """One participant, or 404 when the user may not see them."""
    participant = get_object_or_404(
        participant_list(user=user)
        .select_related("municipality")
        .annotate(qualification_offered=offers_qualification())
        .prefetch_related(
            Prefetch(
                "scoped_enrollments__status_changes",
                queryset=EnrollmentStatusChange.objects.select_related("by"),
            ),
            "scoped_enrollments__follow_ups",
        ),
        pk=pk,
    )
    return ParticipantView(
        participant=participant, case_access=participant.case_access, viewer_id=user.pk
    )


def caseload_summary(*, user: User) -> dict[str, Any]:
    """How many people the user follows, as assigned caseworker, by enrollment status."""
    counts = (
        Enrollment.objects.filter(
            caseworker=user, participant__in=Participant.objects.visible_to(user)
        )
        .values("status")
        .annotate(n=Count("pk"))
    )
    by_status = {row["status"]: row["n"] for row in counts}
    return {
        "statuses": [(s.label, by_status.get(s.value, 0)) for s in EnrollmentStatus],
        "mine": sum(by_status.values()),
    }


def normalised_name(name: str) -> str:
    return " ".join(name.casefold().split())


def possible_duplicates(
    *,
    municipality: Municipality,
    national_id_hash: str,
    first_name: str,
    last_name: str,
    birth_date: date | None,
    exclude_pk: int | None = None,
) -> tuple[list[Participant], bool]:
    """People in the municipality who may be the same person, and whether that is certain.

    This deliberately looks past ``visible_to``: a duplicate in another programme must still be
    found. Callers show details only of the matches the user may see."""
    people = Participant.objects.filter(
        municipality=municipality, merged_into__isnull=True
    ).exclude(pk=exclude_pk)
    if national_id_hash:
        same_id = list(people.filter(national_id_hash=national_id_hash)[:5])
        if same_id:
            return same_id, True
    if birth_date is None:
        return [], False
    wanted = normalised_name(f"{first_name} {last_name}")
    flipped = normalised_name(f"{last_name} {first_name}")
    similar = [
        person
        for person in people.filter(birth_date=birth_date)[:200]
        if max(
            SequenceMatcher(None, wanted, normalised_name(person.full_name)).ratio(),
            SequenceMatcher(None, flipped, normalised_name(person.full_name)).ratio(),
        )
        >= 0.8
    ]
    return similar[:5], False


def enrollment_get(*, user: User, pk: int) -> Enrollment:
    """An enrollment in one of the user's programmes, or 404."""
    return get_object_or_404(
        Enrollment.objects.visible_to(user).select_related("participant", "programme", "cohort"),
        pk=pk,
    )


def follow_up_get(*, user: User, pk: int) -> FollowUp:
    enrollments = Enrollment.objects.visible_to(user)
    return get_object_or_404(
        FollowUp.objects.filter(enrollment__in=enrollments).select_related(
            "enrollment__participant", "enrollment__programme"
        ),
        pk=pk,
    )


def participant_notes(*, user: User, participant: Participant) -> QuerySet[CaseNote]:
    return (
        CaseNote.objects.visible_to(user).filter(participant=participant).select_related("author")
    )


def participant_tasks(*, user: User, participant: Participant) -> QuerySet[Task]:
    return (
        Task.objects.visible_to(user)
        .filter(participant=participant)
        .select_related("assignee")
        .order_by("done_at", "due_on", "pk")
    )


def note_get(*, user: User, pk: int) -> CaseNote:
    return get_object_or_404(CaseNote.objects.visible_to(user).select_related("participant"), pk=pk)


def task_get(*, user: User, pk: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(user).select_related("participant"), pk=pk)


def note_draft_get(*, user: User, participant: Participant) -> NoteDraft | None:
    return NoteDraft.objects.filter(author=user, participant=participant).first()


NOTE_QUIET_DAYS = 30


def quiet_participants(*, user: User, today: date | None = None) -> QuerySet[Participant]:
    """The people in the user's own open cases with no note in ``NOTE_QUIET_DAYS`` days. Only
    notes this user may read count: a confidential note by someone else does not."""

    today = today or timezone.localdate()
    recent_note = CaseNote.objects.visible_to(user).filter(
        participant=OuterRef("pk"), occurred_on__gte=today - timedelta(days=NOTE_QUIET_DAYS)
    )
    open_cases = Enrollment.objects.visible_to(user).filter(
        caseworker=user,
        participant=OuterRef("pk"),
        status__in=[EnrollmentStatus.INTAKE, EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED],
    )
    return (
        Participant.objects.visible_to(user)
        .filter(Exists(open_cases))
        .exclude(Exists(recent_note))
        .order_by("last_name", "first_name", "pk")
    )


def participant_consents(*, participant: Participant) -> QuerySet[Consent]:
    return Consent.objects.filter(participant=participant).select_related("evidence")


def participant_documents(*, participant: Participant) -> QuerySet[Document]:
    return Document.objects.filter(participant=participant).select_related("uploaded_by")


def followed_participants(*, user: User) -> QuerySet[Participant]:
    """People the user follows as caseworker or lead (an arbeidsleder follows nobody): those
    whose case, not only whose placement, the user may see."""
    return Participant.objects.visible_to(user).with_case_access(user).filter(case_access=True)


def followed_goals(*, user: User) -> QuerySet[Goal]:
    """The action plans' goals of the people the user follows."""
    return Goal.objects.filter(participant__in=followed_participants(user=user))


def own_programmes(*, user: User) -> QuerySet[Programme]:
    """The programmes the user works in, as caseworker or lead: where they enroll people."""
    return Programme.objects.filter(pk__in=memberships.programme_ids_worked_in(user))


def own_cohorts(*, user: User) -> QuerySet[Cohort]:
    # A cohort's name in a list of choices says its programme: one query, not one a cohort.
    return Cohort.objects.filter(programme__in=own_programmes(user=user)).select_related(
        "programme"
    )


def own_caseworkers(*, user: User, include_inactive: bool = False) -> QuerySet[User]:
    """The caseworkers of the user's programmes, whom an enrollment can be given to. The
    caseload's filter includes deactivated ones: people may still be assigned to them."""
    caseworkers = User.objects.filter(
        memberships__programme__in=own_programmes(user=user),
        memberships__role=ProgrammeRole.CASEWORKER,
    )
    if not include_inactive:
        caseworkers = caseworkers.filter(is_active=True)
    return caseworkers.distinct()


def colleagues(*, user: User) -> QuerySet[User]:
    """The active users of the user's municipality.

    The API's choice of a task's assignee: it is read before the person the task is about (both
    are in one request body), so it cannot be narrowed to the people who work with that person
    as the task page's choice is; the service refuses anyone else."""
    if user.municipality_id is None:  # the platform's operators have no colleagues here
        return User.objects.none()
    return User.objects.filter(is_active=True, municipality_id=user.municipality_id)


def document_get(*, user: User, pk: int) -> Document:
    """A document of someone the user follows (never an arbeidsleder), or 404."""

    return get_object_or_404(
        Document.objects.filter(participant__in=followed_participants(user=user)).select_related(
            "participant"
        ),
        pk=pk,
    )


def consent_get(*, user: User, pk: int) -> Consent:
    return get_object_or_404(
        Consent.objects.filter(participant__in=followed_participants(user=user)).select_related(
            "participant"
        ),
        pk=pk,
    )


def participant_plan(*, participant: Participant) -> QuerySet[Goal]:
    return Goal.objects.filter(participant=participant).prefetch_related("milestones")


def goal_get(*, user: User, pk: int) -> Goal:
    return get_object_or_404(followed_goals(user=user).select_related("participant"), pk=pk)


def milestone_get(*, user: User, pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.filter(
            goal__participant__in=followed_participants(user=user)
        ).select_related("goal__participant"),
        pk=pk,
    )


def participant_records(*, participant: Participant) -> list[int]:
    """The person's record and every record merged into it, however many merges ago: what
    is held on the person is held on all of them."""
    records, frontier = [participant.pk], [participant.pk]
    while frontier:
        frontier = list(
            Participant.objects.filter(merged_into__in=frontier)
            .exclude(pk__in=records)
            .values_list("pk", flat=True)
        )
        records += frontier
    return records


def merge_candidates(*, user: User, participant: Participant) -> QuerySet[Participant]:
    """Records the user may see that could be the same person: same birth date or surname."""
    same = Q(last_name__iexact=participant.last_name)
    if participant.birth_date:
        same |= Q(birth_date=participant.birth_date)
    return (
        followed_participants(user=user)
        .exclude(pk=participant.pk)
        .filter(same, anonymised_at__isnull=True)
        .order_by("last_name", "first_name")
    )


_DIGIT_RUN = re.compile(r"\d[\d\s+-]{8,}\d")


def caseload_search(*, user: User, query: str) -> dict[str, str]:
    """What a caseload search keeps in the session: a name, or, when the query holds a run of
    ten or more digits, only the keyed hash of the national ID (never the digits)."""

    run = _DIGIT_RUN.search(query or "")
    if run and sum(c.isdigit() for c in run.group()) >= 10:
        if user.municipality is None:  # the platform's operators have no caseload to search
            return {}
        parsed = nid.parse(run.group(), country=user.municipality.country)
        return {"id_hash": nid.lookup_hash(parsed.value)}
    return {"name": query} if query else {}


DUE_SOON_TASK_DAYS = 7
DUE_SOON_FOLLOW_UP_DAYS = 14


@dataclass(frozen=True)
class Todo:
    """What needs doing on one person: open tasks due within a week (overdue ones first) and
    follow-ups due within two weeks, not yet recorded. Built from rows the page has already
    read: no query of its own."""

    tasks: list[Task]
    follow_ups: list[FollowUp]
    today: date

    @property
    def empty(self) -> bool:
        return not self.tasks and not self.follow_ups


def participant_todo(*, tasks: Iterable[Task], enrollments: Iterable[Enrollment]) -> Todo:
    today = timezone.localdate()
    return Todo(
        tasks=[
            task
            for task in tasks
            if task.done_at is None and task.due_on <= today + timedelta(days=DUE_SOON_TASK_DAYS)
        ],
        follow_ups=sorted(
            (
                follow_up
                for enrollment in enrollments
                for follow_up in enrollment.follow_ups.all()
                if not follow_up.status
                and follow_up.due_on <= today + timedelta(days=DUE_SOON_FOLLOW_UP_DAYS)
            ),
            key=lambda follow_up: follow_up.due_on,
        ),
        today=today,
    )
