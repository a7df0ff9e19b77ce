from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import memberships
from accounts.country import offered
from accounts.models import AnyUser, Country, User


class ProgrammeKind(models.TextChoices):
    INN_I_JOBB = "inn_i_jobb", _("KS «Inn i jobb» project")
    KVP = "kvp", _("Qualification programme (KVP)")
    WORK_TRAINING = "arbeidstrening", _("Work training scheme")
    SUMMER_JOBS = "feriearbete", _("Summer jobs")
    JOBBSPAR = "jobbspar", _("Jobbspår")
    CARE_TRAINING = "vo_utbildning", _("Health and social care training")
    OTHER = "other", _("Other")

    @classmethod
    def for_country(cls, country: str | None) -> list[tuple[str, str]]:
        return offered(cls, country, PROGRAMME_KIND_COUNTRY)


PROGRAMME_KIND_COUNTRY: dict[str, str] = {
    ProgrammeKind.INN_I_JOBB: Country.NORWAY,
    ProgrammeKind.KVP: Country.NORWAY,
    ProgrammeKind.SUMMER_JOBS: Country.SWEDEN,
    ProgrammeKind.JOBBSPAR: Country.SWEDEN,
    ProgrammeKind.CARE_TRAINING: Country.SWEDEN,
}


# Months a person's record is kept after their last exit. At least a year, so that the
# follow-up at exit + 12 months can still reach them.
DEFAULT_RETENTION_MONTHS = 60
MIN_RETENTION_MONTHS = 12
MAX_RETENTION_MONTHS = 360


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def visible_to(self, user: AnyUser) -> "ProgrammeQuerySet":
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        mine = self.filter(municipality_id=user.municipality_id)
        if user.is_municipality_admin:
            return mine
        return mine.filter(memberships.worked_in_by(user))


class EnrollmentStatus(models.TextChoices):
    """The stages of a person's way through a programme: the programme's own pipeline, counted
    on its pages (an enrollment, in participants, moves along it)."""

    REFERRED = "referred", _("Referred")
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


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
    # anonymises it (privacy/erasure.py), keeping the figures.
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
    # A Norwegian lærefag is offered only in Norway, a Swedish vocational programme in Sweden.
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.NORWAY
    )

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


# As before: the forms and the API accepted up to 50, and grants saved then must stay valid.
MAX_POSITION_SHARE = Decimal("50")


class GrantQuerySet(models.QuerySet["Grant"]):
    def visible_to(self, user: AnyUser) -> "GrantQuerySet":
        """Grants of the user's municipality that fund a programme the user leads."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        led = memberships.programme_ids_led(user)
        return self.filter(municipality_id=user.municipality_id, programmes__in=led).distinct()

    def led_wholly_by(self, user: User) -> "GrantQuerySet":
        """Visible grants whose every funded programme the user leads: the ones they report
        on, whose money they keep and whose deadlines are theirs to meet. A grant report adds
        up people of all its programmes, so a lead of only one could subtract their own
        programme's exact figures and learn another's."""
        # One membership that is both the user's and a lead's: a subquery, not two joins.
        not_led = Programme.objects.exclude(pk__in=memberships.programme_ids_led(user))
        return self.visible_to(user).exclude(programmes__in=not_led)


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
            models.CheckConstraint(
                condition=models.Q(own_contribution_percent__gte=0)
                & models.Q(own_contribution_percent__lte=100),
                name="grant_own_contribution_percent_within_bounds",
                violation_error_message=_(
                    "The required own contribution is a percentage from 0 to 100."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(funded_position_share__gte=0)
                & models.Q(funded_position_share__lte=MAX_POSITION_SHARE),
                name="grant_position_share_within_bounds",
                violation_error_message=_("The funded position is from 0 to 50 FTE."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportDeadline(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="deadlines")
    due_on = models.DateField(_("due on"))
    label = models.CharField(_("report"), max_length=150)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_to = models.CharField(_("submitted to"), max_length=150, blank=True)

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


# A report deadline this many days ahead (today included) is due: on the home page and in the
# digest, with time left to write the report.
DUE_SOON_DAYS = 14


def deadline_status(deadline: ReportDeadline, today: date) -> str:
    """Submitted once it has a submission date; otherwise overdue after the due date, due
    from DUE_SOON_DAYS before it (both days included), upcoming before that."""
    if deadline.submitted_on is not None:
        return DeadlineStatus.SUBMITTED
    if deadline.due_on < today:
        return DeadlineStatus.OVERDUE
    if deadline.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return DeadlineStatus.DUE
    return DeadlineStatus.UPCOMING


# --- the grant's money ---------------------------------------------------------------------------


class BudgetLineKind(models.TextChoices):
    POSITION = "position", _("The funded position")
    ACTIVITIES = "activities", _("Activities")
    OTHER = "other", _("Other")


class BudgetLine(models.Model):
    """What the grant's budget plans to spend on one thing, e.g. «Arbeidsleder 50 %»."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetLineKind.choices)
    label = models.CharField(_("budget line"), max_length=150)
    amount = models.DecimalField(_("budget"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="budget_line_amount_not_negative",
                violation_error_message=_("A budget line cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["grant", "label"],
                name="budget_line_label_unique_in_grant",
                violation_error_message=_("The grant already has a budget line by this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Financing(models.TextChoices):
    GRANT = "grant", _("Paid from the grant")
    OWN = "own", _("Own contribution")


class CostSource(models.TextChoices):
    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported")


class Cost(models.Model):
    """One line of the accounts charged to the grant; a negative amount is a credit note."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="costs")
    # A budget line with costs cannot be deleted on its own (budget_line_delete says so); RESTRICT
    # rather than PROTECT lets the grant's deletion take both its lines and its costs.
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="costs",
    )
    spent_on = models.DateField(_("date"))
    account = models.CharField(_("account"), max_length=50)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    text = models.CharField(_("text"), max_length=250, blank=True)
    financing = models.CharField(
        _("financing"), max_length=10, choices=Financing.choices, default=Financing.GRANT
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CostSource.choices, default=CostSource.ENTERED
    )
    # The same date, account, amount and text on the same grant is the same line of the accounts
    # entered or imported twice (programs.money.cost_fingerprint).
    fingerprint = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0),
                name="cost_amount_not_zero",
                violation_error_message=_("A cost cannot be zero."),
            ),
            models.UniqueConstraint(
                fields=["grant", "fingerprint"],
                name="cost_unique_in_grant",
                violation_error_message=_(
                    "This cost is already recorded: the same date, account, amount and text."
                ),
            ),
        ]
        indexes = [models.Index(fields=["grant", "spent_on"], name="cost_grant_date")]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.account} {self.amount}"


class Payment(models.Model):
    """Money received from the funder."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("A payment must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"


class PositionMonth(models.Model):
    """The share of a full-time position (FTE) of the funded position actually used in a
    month."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="position_months")
    # The month's first day (programs.money.position_month_set makes it so).
    month = models.DateField(_("month"))
    share = models.DecimalField(_("FTE"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("position month")
        verbose_name_plural = _("position months")
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share__gt=0) & models.Q(share__lte=1),
                name="position_month_share_within_bounds",
                violation_error_message=_("The FTE of a month is more than 0 and at most 1."),
            ),
            models.UniqueConstraint(
                fields=["grant", "month"],
                name="position_month_unique_in_grant",
                violation_error_message=_("The grant already has this month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.share}"


class Target(models.Model):
    """What a grant or a programme promises to achieve, counted as one of the reports'
    figures. A programme's «people reached» is its ``target_participants``."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    metric = models.CharField(_("target"), max_length=40, choices=TargetMetric.choices)
    value = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(grant__isnull=False) & models.Q(programme__isnull=True))
                | (models.Q(grant__isnull=True) & models.Q(programme__isnull=False)),
                name="target_grant_or_programme",
                violation_error_message=_(
                    "A target belongs to either a grant or a programme, not both or neither."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1),
                name="target_at_least_one",
                violation_error_message=_("A target must be at least 1."),
            ),
            models.UniqueConstraint(
                fields=["grant", "metric"],
                condition=models.Q(grant__isnull=False),
                name="target_unique_per_grant",
                violation_error_message=_("The grant already has this target."),
            ),
            models.UniqueConstraint(
                fields=["programme", "metric"],
                condition=models.Q(programme__isnull=False),
                name="target_unique_per_programme",
                violation_error_message=_("The programme already has this target."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.value}"
