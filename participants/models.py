from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db import models
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import memberships
from accounts.models import AnyUser, User
from participants.vocabularies import (
    ConsentPurpose,
    Destination,
    DocumentCategory,
    EducationLevel,
    ExitReason,
    FollowUpSource,
    FollowUpStatus,
    Gender,
    GoalCategory,
    GoalStatus,
    LanguageLevel,
    NavInnsatsgruppe,
    NeetStatus,
    NoteKind,
    ReferralSource,
)
from programs.models import EnrollmentStatus

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# Not parametrised with its model, unlike the others: the selectors filter its rows on
# ``case_access`` and prefetch through ``scoped_enrollments`` (declared on Participant), which
# django-stubs would check as fields of the table and refuse.
class ParticipantQuerySet(models.QuerySet):
    """The one scoping point for participants: see DESIGN.md §3."""

    def visible_to(self, user: AnyUser) -> "ParticipantQuerySet":
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        # Two sets of ids rather than two correlated EXISTS: the database builds each set once
        # and probes it per row; EXISTS … OR EXISTS ran both subqueries for every person of the
        # municipality (1.4 s for a count at 10 000 people on PostgreSQL).
        return self.filter(municipality_id=user.municipality_id, merged_into__isnull=True).filter(
            _reached(user)
        )

    def with_case_access(self, user: User) -> "ParticipantQuerySet":
        """Annotate ``case_access``: True where the user follows the person as caseworker or lead;
        False where they only supervise the person's placement (arbeidsleder's restricted view)."""
        if not memberships.programme_ids_worked_in(user):
            return self.annotate(case_access=models.Value(False))
        return self.annotate(case_access=Exists(_via_programme(user)))


def _own_enrollments(user):
    """Enrollments in the programmes the user works in (any role)."""
    return Enrollment.objects.filter(programme_id__in=memberships.programme_ids_worked_in(user))


def _via_programme(user):
    return _own_enrollments(user).filter(participant=OuterRef("pk"))


def _followed_ids(user):
    return _own_enrollments(user).values("participant_id")


@dataclass(frozen=True)
class Reach:
    """A way a higher layer lets a user see people beyond the staff of their programmes
    (placements: the arbeidsleder of the worksite a person is placed at now). It is registered
    here, from that app's ``ready``, so that this scoping point need not import it.

    Each part maps a user to unevaluated queries: the people reached, their enrollments
    reached, and what a person's enrollments carry of that app for the user (prefetches)."""

    participant_ids: Callable[[Any], models.QuerySet | None]  # None: the user has none
    enrollment_ids: Callable[[Any], models.QuerySet | None]
    enrollment_prefetches: Callable[[Any], list[models.Prefetch]]


_REACHES: list[Reach] = []


def reach_register(reach: Reach) -> None:
    """Adds a way of seeing people to ``visible_to`` and the person's record (once)."""
    if reach not in _REACHES:
        _REACHES.append(reach)


def _reached(user) -> models.Q:
    """The people of the user's programmes, and of each reach the user has: a part the user
    has nothing of is left out of the query, not asked of the database."""
    parts = [_followed_ids(user)] if memberships.programme_ids_worked_in(user) else []
    parts += [reach.participant_ids(user) for reach in _REACHES]
    reached = models.Q(pk__in=[])  # nobody, unless a part adds someone
    for ids in parts:
        if ids is not None:
            reached |= models.Q(pk__in=ids)
    return reached


def reached_enrollments(user) -> models.Q:
    """Enrollments a registered reach gives the user, beyond their programmes' own."""
    found = models.Q()  # none: ORed with the user's own, it adds nothing
    for reach in _REACHES:
        ids = reach.enrollment_ids(user)
        if ids is not None:
            found |= models.Q(pk__in=ids)
    return found


def reached_enrollment_prefetches(user) -> list[models.Prefetch]:
    """What each registered reach adds to a person's enrollments, as the user sees them."""
    return [prefetch for reach in _REACHES for prefetch in reach.enrollment_prefetches(user)]


def consent_to_share_with_worksite() -> models.QuerySet:
    """Consents in force to share with the worksite, per ``participant`` (an OuterRef the
    caller names): withdrawal cuts an arbeidsleder's access at once."""
    return Consent.objects.in_force().filter(purpose=ConsentPurpose.SHARE_WORKSITE)


class Participant(models.Model):
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="participants"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # Never stored in the clear: encrypted, and a keyed hash for look-up and duplicates.
    national_id_encrypted = models.TextField(blank=True, default="")
    national_id_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    national_id_masked = models.CharField(_("national ID"), max_length=16, blank=True, default="")
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    protected_address = models.BooleanField(
        _("protected address"),
        default=False,
        help_text=_("The address is shown only to the assigned caseworker."),
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    language_level = models.CharField(
        _("Norwegian / Swedish level"), max_length=10, choices=LanguageLevel.choices, blank=True
    )
    education_level = models.CharField(
        _("education level"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    neet_status = models.CharField(
        _("status at intake"), max_length=20, choices=NeetStatus.choices, blank=True
    )
    nav_innsatsgruppe = models.CharField(
        _("NAV innsatsgruppe"), max_length=20, choices=NavInnsatsgruppe.choices, blank=True
    )
    social_assistance = models.BooleanField(
        _("receives social assistance (sosialhjelp / ekonomiskt bistånd)"), default=False
    )
    # Set when this record was merged into another: it stays (its audit rows point to it) but
    # nobody sees it any more.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    # Set when the person was anonymised (retention passed, or an erasure request): what
    # identified them is gone; what the figures are built from is kept (privacy/erasure.py).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic concurrency: each save bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ParticipantQuerySet.as_manager()

    # Set on the rows participants.selectors returns, never stored: the person's enrollments as
    # the user may see them (a Prefetch's to_attr), and whether the user follows the case.
    scoped_enrollments: list["ScopedEnrollment"]
    case_access: bool

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name", "pk"]
        # Every list of people is of one municipality: an index per order the lists and the
        # API's cursor take (config.rest.CursorPagination), ending with the key, lets a page
        # at any depth start with one seek, whatever the size of the installation.
        indexes = [
            models.Index(fields=["municipality", "last_name", "first_name", "id"]),
            models.Index(fields=["municipality", "created_at", "id"]),
            models.Index(fields=["municipality", "id"]),
            models.Index(fields=["municipality", "birth_date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "national_id_hash"],
                condition=~models.Q(national_id_hash=""),
                name="one_person_per_national_id_in_municipality",
                violation_error_message=_(
                    "A person with this national ID is already registered in the municipality."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.anonymised_at is not None:
            return gettext("Anonymised #%(id)s") % {"id": self.pk}
        return f"{self.first_name} {self.last_name}"

    # The next two read what participants.selectors prefetched for one user
    # (``scoped_enrollments``); they never query.
    @property
    def followed_enrollments(self) -> list["ScopedEnrollment"]:
        return [e for e in self.scoped_enrollments if e.followed]

    @property
    def visible_placements(self) -> list:
        return [
            p
            for e in self.scoped_enrollments
            for p in e.current_placements
            if e.followed or p.supervised
        ]

    @property
    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def visible_to(self, user: AnyUser) -> "EnrollmentQuerySet":
        """Enrollments in the user's own programmes, in their municipality."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        return self.filter(
            programme_id__in=memberships.programme_ids_worked_in(user),
            participant__municipality_id=user.municipality_id,
        )


class Enrollment(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrollments"
    )
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    cohort = models.ForeignKey(
        "programs.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="enrollments",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.REFERRED,
    )
    caseworker = models.ForeignKey(
        "accounts.User",
        verbose_name=_("caseworker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
    )
    referral_source = models.CharField(
        _("referred by"), max_length=20, choices=ReferralSource.choices, blank=True
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=ExitReason.choices, blank=True
    )
    destination = models.CharField(
        _("destination"), max_length=20, choices=Destination.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    objects = EnrollmentQuerySet.as_manager()

    # Set on the enrollments of ``scoped_enrollments``, never stored: a registered reach's
    # prefetch (placements: Placement rows).
    current_placements: list[Any]

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="enrollment_ends_after_start",
                violation_error_message=_("An enrollment cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.programme}"

    # What an exit closed, recorded with the status change (placements.exits).
    audit_labels = {
        "exit_goals": _("Open goals closed"),
        "exit_tasks": _("Open tasks marked done"),
        "exit_placements": _("Placements ended"),
        "exit_consents": _("Worksite consents withdrawn"),
    }


class ScopedFacts(TypedDict):
    followed: bool  # the user works in the programme: the case is theirs
    led: bool  # the user leads the programme


# An enrollment as participants.selectors prefetches it into ``Participant.scoped_enrollments``.
ScopedEnrollment: TypeAlias = "WithAnnotations[Enrollment, ScopedFacts]"


class EnrollmentStatusChange(models.Model):
    """The status pipeline's history: when each step happened and who took it."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=EnrollmentStatus.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.status}"


class FollowUp(models.Model):
    """Status 6 and 12 months after exit, as funders ask for it."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after exit"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=FollowUpStatus.choices, blank=True
    )
    source = models.CharField(
        _("source"), max_length=20, choices=FollowUpSource.choices, blank=True
    )
    verified = models.BooleanField(_("verified"), default=False)
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "months"],
                name="one_follow_up_per_enrollment_and_month",
                violation_error_message=_("This follow-up already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} +{self.months}"


class CaseNoteQuerySet(models.QuerySet["CaseNote"]):
    def visible_to(self, user: AnyUser) -> "CaseNoteQuerySet":
        """Notes on people the user follows; a confidential note only to its author and to the
        programme leads of the person's programmes."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        followed = Enrollment.objects.visible_to(user).values("participant_id")
        led = memberships.programme_ids_led(user)
        lead_of = Enrollment.objects.filter(programme_id__in=led).values("participant_id")
        return self.filter(participant_id__in=followed).filter(
            models.Q(confidential=False)
            | models.Q(author=user)
            | models.Q(participant_id__in=lead_of)
        )


class CaseNote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "accounts.User", verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    occurred_on = models.DateField(_("date"))
    text = models.TextField(_("text"), max_length=20000)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only you and the programme lead can read a confidential note."),
    )
    follow_up_on = models.DateField(
        _("follow up on"),
        null=True,
        blank=True,
        help_text=_("Creates a task for you on that day."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-occurred_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["participant", "-occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class NoteDraft(models.Model):
    """What a user is writing, saved while they type, so a lost session loses nothing."""

    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "participant"], name="one_draft_per_author_and_participant"
            )
        ]

    def __str__(self) -> str:
        return f"draft {self.author_id}/{self.participant_id}"


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: AnyUser) -> "TaskQuerySet":
        """Tasks on people the user follows. A task assigned to someone who no longer follows
        the person is out of their sight too."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        followed = Enrollment.objects.visible_to(user).values("participant_id")
        return self.filter(participant_id__in=followed)

    def open(self) -> "TaskQuerySet":
        return self.filter(done_at__isnull=True)


class Task(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        "accounts.User",
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.ForeignKey(
        CaseNote, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()

    # The change history's name for a field that has no label of its own.
    audit_labels = {"done_by": _("done by")}


class Document(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(_("category"), max_length=20, choices=DocumentCategory.choices)
    # A random storage name; the name the user gave is kept only for display.
    file = models.FileField(_("file"), max_length=200)
    display_name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def audit_headline(cls, action: str, changes: dict) -> tuple[str, set[str]] | None:
        """An upload in the change history: «CV uploaded (PDF, 4.8 KB)», not its raw fields."""
        if action != "create":
            return None
        new = {name: values[1] for name, values in changes.items()}
        category = new.get("category") or ""
        label = DocumentCategory(category).label if category in DocumentCategory.values else ""
        kind = FILE_KINDS.get(new.get("content_type") or "", gettext("file"))
        size = filesizeformat(int(new["size"])) if (new.get("size") or "").isdigit() else "–"
        headline = gettext("%(what)s uploaded (%(kind)s, %(size)s)") % {
            "what": label or gettext("Document"),
            "kind": kind,
            "size": size,
        }
        return headline, {"category", "content_type", "size"}


# How the change history names a stored file's type.
FILE_KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
    "application/vnd.ms-office": "Word/Excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.oasis.opendocument.presentation": "ODP",
}


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on=None) -> "ConsentQuerySet":
        """Given, not withdrawn, not expired (on ``on``, default today)."""
        day = on or timezone.localdate()
        return (
            self.filter(given_on__lte=day)
            .filter(models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=day))
            .filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=day))
        )


class Consent(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    evidence = models.ForeignKey(
        Document,
        verbose_name=_("evidence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_given",
                violation_error_message=_("A consent cannot expire before it was given."),
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("A consent cannot be withdrawn before it was given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.given_on}"

    @property
    def in_force(self) -> bool:
        today = timezone.localdate()
        return (
            self.given_on <= today
            and (self.withdrawn_on is None or self.withdrawn_on > today)
            and (self.expires_on is None or self.expires_on >= today)
        )


class Goal(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    category = models.CharField(_("category"), max_length=20, choices=GoalCategory.choices)
    title = models.CharField(_("goal"), max_length=200)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = [models.F("target_on").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = [models.F("due_on").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


class DigestSent(models.Model):
    """That the daily "needs attention" e-mail went to a user on a day: the claim that lets a
    second run of the same day send nothing."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.day}"
