from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ParticipantQuerySet(models.QuerySet):
    """The one scoping point for participants: see DESIGN.md §3."""

    def visible_to(self, user) -> "ParticipantQuerySet":
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        return self.filter(municipality_id=user.municipality_id).filter(
            Exists(_via_programme(user)) | Exists(_via_worksite(user))
        )

    def with_case_access(self, user) -> "ParticipantQuerySet":
        """Annotate ``case_access``: True where the user follows the person as caseworker or lead;
        False where they only supervise the person's placement (arbeidsleder's restricted view)."""
        return self.annotate(case_access=Exists(_via_programme(user)))


def _via_programme(user):
    from accounts.models import ProgrammeMembership

    programmes = ProgrammeMembership.objects.filter(user=user).values("programme_id")
    return Enrollment.objects.filter(participant=OuterRef("pk"), programme_id__in=programmes)


def _via_worksite(user):
    from placements.models import Placement

    return Placement.objects.current().filter(
        enrollment__participant=OuterRef("pk"), worksite__supervisors__user=user
    )


class Participant(models.Model):
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="participants"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic concurrency: each save bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["municipality", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class EnrollmentStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


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
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

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
