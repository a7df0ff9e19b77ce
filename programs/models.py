from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    INN_I_JOBB = "inn_i_jobb", _("KS «Inn i jobb» project")
    KVP = "kvp", _("Qualification programme (KVP)")
    WORK_TRAINING = "arbeidstrening", _("Work training scheme")
    SUMMER_JOBS = "feriearbete", _("Summer jobs (feriearbete)")
    JOBBSPAR = "jobbspar", _("Jobbspår")
    OTHER = "other", _("Other")


# Months a person's record is kept after their last exit. At least a year, so that the
# follow-up at exit + 12 months can still reach them.
DEFAULT_RETENTION_MONTHS = 60
MIN_RETENTION_MONTHS = 12
MAX_RETENTION_MONTHS = 360


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProgrammeQuerySet":
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        mine = self.filter(municipality_id=user.municipality_id)
        if user.is_municipality_admin:
            return mine
        return mine.filter(memberships__user=user).distinct()


class Programme(models.Model):
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    target_participants = models.PositiveIntegerField(
        _("target participants"), null=True, blank=True
    )
    # How long a person's record is kept after their last exit; then the nightly job
    # anonymises it (participants/erasure.py), keeping the figures.
    retention_months = models.PositiveSmallIntegerField(
        _("retention after exit (months)"), default=DEFAULT_RETENTION_MONTHS
    )
    version = models.PositiveIntegerField(default=1)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="programme_name_unique_in_municipality",
                violation_error_message=_("The municipality already has a programme by this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    retention_months__gte=MIN_RETENTION_MONTHS,
                    retention_months__lte=MAX_RETENTION_MONTHS,
                ),
                name="programme_retention_within_bounds",
                violation_error_message=_(
                    "Keep records between 12 and 360 months after exit: at least long enough "
                    "for the follow-up a year after exit."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="cohort_name_unique_in_programme",
                violation_error_message=_("The programme already has a cohort by this name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.name}"


class QualificationTrack(models.Model):
    """A lærefag, such as helsearbeiderfaget, with its ordered modules (MFY)."""

    name = models.CharField(_("trade"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("qualification track")
        verbose_name_plural = _("qualification tracks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Module(models.Model):
    track = models.ForeignKey(QualificationTrack, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["track", "number"]
        constraints = [
            models.UniqueConstraint(fields=["track", "number"], name="one_module_number_per_track")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class GrantQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GrantQuerySet":
        """Grants of the user's municipality that fund a programme the user leads."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        from accounts.models import ProgrammeRole

        led = Programme.objects.filter(
            memberships__user=user, memberships__role=ProgrammeRole.PROGRAMME_LEAD
        )
        return self.filter(municipality_id=user.municipality_id, programmes__in=led).distinct()


class Grant(models.Model):
    """Money from a funder, e.g. Agder fylkeskommune's LIM-tilskudd, for one or more programmes."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="grants"
    )
    funder = models.CharField(_("funder"), max_length=150)
    name = models.CharField(_("name"), max_length=150)
    amount = models.DecimalField(_("amount (NOK/SEK)"), max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    own_contribution_percent = models.DecimalField(
        _("required own contribution (%)"), max_digits=5, decimal_places=2, default=0
    )
    funded_position_share = models.DecimalField(
        _("funded position (FTE)"),
        max_digits=4,
        decimal_places=2,
        default=0,
        help_text=_("For example 0.5 for half a position."),
    )
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programmes"), related_name="grants"
    )
    version = models.PositiveIntegerField(default=1)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="grant_ends_after_start",
                violation_error_message=_("A grant cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="grant_amount_positive",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportDeadline(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="deadlines")
    due_on = models.DateField(_("due on"))
    label = models.CharField(_("report"), max_length=150)

    class Meta:
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on}"


class TargetMetric(models.TextChoices):
    """What a grant's or a programme's target counts; each is one figure of the reports."""

    REACHED = "reached", _("People reached")
    NEW = "new", _("New people in the period")
    IN_WORK_TRAINING = "in_work_training", _("In structured work training")
    STARTED_QUALIFICATION = "started_qualification_route", _("Started a qualification route")
    MODULES_PASSED = "modules_passed", _("Modules passed")
    IN_WORK_OR_EDUCATION_AT_EXIT = (
        "in_work_or_education_at_exit",
        _("In work or education at exit"),
    )
    IN_WORK_OR_EDUCATION_AFTER_6 = (
        "in_work_or_education_after_6",
        _("In work or education 6 months after exit"),
    )


class DeadlineStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    DUE = "due", _("Due within two weeks")
    OVERDUE = "overdue", _("Overdue")
    SUBMITTED = "submitted", _("Submitted")
