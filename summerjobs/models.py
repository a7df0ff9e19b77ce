"""Swedish summer jobs (feriearbete, and feriepraktik for a school year): a season of periods
with its rules, the work areas young people rank, the places workplaces offer per period, the
applications, the priority tiers, and the lottery runs that allocate the places
(docs/summerjobs.md). A season belongs to a programme of the kind «Summer jobs»: its staff are
the programme's."""

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import memberships
from accounts.models import AnyUser

if TYPE_CHECKING:
    pass


class SeasonKind(models.TextChoices):
    SUMMER_JOB = "feriearbete", _("Summer job (feriearbete)")
    # Supervised and paid a training wage; does not replace staff (feriepraktik, often year 8).
    TRAINING = "feriepraktik", _("Summer work experience (feriepraktik)")


class SeasonQuerySet(models.QuerySet["Season"]):
    def visible_to(self, user: AnyUser) -> "SeasonQuerySet":
        """Seasons of the programmes the user works in or coordinates summer jobs for, in
        their municipality."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        return self.filter(
            programme__municipality_id=user.municipality_id,
            programme_id__in=memberships.programme_ids_with_summer_jobs(user),
        )


class Season(models.Model):
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="summer_seasons",
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SeasonKind.choices, default=SeasonKind.SUMMER_JOB
    )
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    # Eligibility by the year of birth ("the year you turn 16 to 19"), the usual rule.
    born_from_year = models.PositiveSmallIntegerField(_("born in or after"))
    born_to_year = models.PositiveSmallIntegerField(_("born in or before"))
    # The most hours one young person works in a period, unless the period says otherwise.
    hours_per_period = models.DecimalField(
        _("hours per period"), max_digits=5, decimal_places=2, default=90
    )
    answer_days = models.PositiveSmallIntegerField(_("days to answer an offer"), default=7)
    gender_balance = models.BooleanField(_("balance boys and girls in the lottery"), default=False)
    # Young people registered (folkbokförda) in the municipality: each says so, and where the
    # season lists the municipality's postcodes (whole, or their first three digits, stored as
    # digits separated by ", "), their postcode must be one of them.
    postcodes = models.TextField(_("the municipality's postcodes"), blank=True, default="")
    # Feriepraktik is for a school year (often year 8): where the season names school years,
    # the young person chooses one of them, besides the years of birth.
    school_years = models.CharField(_("school years"), max_length=100, blank=True, default="")
    # The payroll file's codes (summerjobs/payroll.py): each payroll system has its own
    # lönearter, so the defaults are words no payroll system mistakes for another kind of pay.
    payroll_hourly_code = models.CharField(
        _("pay code for hourly pay (löneart)"),
        max_length=20,
        default="TIMLON",
        help_text=_("The löneart your payroll system uses for hourly pay."),
    )
    payroll_holiday_code = models.CharField(
        _("pay code for holiday pay (löneart)"),
        max_length=20,
        default="SEMERS",
        help_text=_("The löneart your payroll system uses for holiday pay (semesterersättning)."),
    )
    payroll_employer_id = models.CharField(
        _("employer id in the payroll file"),
        max_length=50,
        blank=True,
        default="",
        help_text=_("Optional: the company id your payroll system knows the employer by."),
    )
    # The work certificates' signature line (summerjobs/certificates.py).
    certificate_signed_by = models.CharField(
        _("certificates signed by"),
        max_length=150,
        blank=True,
        default="",
        help_text=_("A name and title, such as the summer-jobs coordinator's."),
    )
    version = models.PositiveIntegerField(default=1)

    objects = SeasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("summer-job season")
        verbose_name_plural = _("summer-job seasons")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="season_name_unique_in_programme",
                violation_error_message=_("The programme already has a season of that name."),
            ),
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=F("applications_open_at")),
                name="season_applications_close_after_they_open",
                violation_error_message=_("Applications must close after they open."),
            ),
            models.CheckConstraint(
                condition=Q(born_to_year__gte=F("born_from_year")),
                name="season_birth_years_in_order",
                violation_error_message=_("The last year of birth cannot be before the first."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.applications_open_at <= at < self.applications_close_at

    def admits_birth_year(self, born: date) -> bool:
        return self.born_from_year <= born.year <= self.born_to_year

    @property
    def school_year_list(self) -> list[str]:
        return [part.strip() for part in self.school_years.split(",") if part.strip()]

    def admits_postcode(self, postcode: str) -> bool:
        """Whether a young person living at ``postcode`` (five digits) is in the municipality:
        any postcode where the season lists none."""
        listed = [part.strip() for part in self.postcodes.split(",") if part.strip()]
        return not listed or any(postcode.startswith(part) for part in listed)


class Period(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("period"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours_cap = models.DecimalField(
        _("hours cap"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for the season's hours per period."),
    )

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["season", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "number"],
                name="one_period_of_each_number_in_season",
                violation_error_message=_("The season already has a period with that number."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.season} · {self.number}"


class PayRate(models.Model):
    """Hourly pay for an age band; holiday pay (semesterersättning) is shown apart from it."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="pay_rates")
    age_from = models.PositiveSmallIntegerField(_("from age"))
    age_to = models.PositiveSmallIntegerField(_("to age"))
    hourly_pay = models.DecimalField(_("hourly pay (SEK)"), max_digits=7, decimal_places=2)
    holiday_pay_percent = models.DecimalField(
        _("holiday pay (%)"), max_digits=4, decimal_places=2, default=12
    )

    class Meta:
        verbose_name = _("pay rate")
        verbose_name_plural = _("pay rates")
        ordering = ["season", "age_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_to__gte=F("age_from")),
                name="pay_rate_ages_in_order",
                violation_error_message=_("The age band's last age cannot be below its first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ages}: {self.hourly_pay}"

    @property
    def ages(self) -> str:
        return (
            str(self.age_from) if self.age_from == self.age_to else f"{self.age_from}–{self.age_to}"
        )


class WorkArea(models.Model):
    """What young people rank when they apply: vaktmästeri, fritidshem, äldreomsorg…"""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("work area")
        verbose_name_plural = _("work areas")
        ordering = ["season", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "name"],
                name="work_area_name_unique_in_season",
                violation_error_message=_("The season already has a work area of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriorityTier(models.Model):
    """One step of the season's ordered priority list (position 0 is served first). A
    sensitive tier (known to social services, a household with ekonomiskt bistånd, a
    disability) is set on an application only by staff, and never shown to a workplace."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=150)
    sensitive = models.BooleanField(_("sensitive ground"), default=False)

    class Meta:
        verbose_name = _("priority tier")
        verbose_name_plural = _("priority tiers")
        ordering = ["season", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "position"],
                name="one_tier_per_position_in_season",
                violation_error_message=_("The season already has a tier at that position."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkplaceKind(models.TextChoices):
    UNIT = "unit", _("Municipal unit")
    COMPANY = "company", _("Company")
    ASSOCIATION = "association", _("Association")


class Workplace(models.Model):
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="summer_workplaces"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=WorkplaceKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True, default="")
    # Where a decline or a lapsed offer is told the same day (summerjobs/offers.py).
    contact_email = models.EmailField(_("contact e-mail"), blank=True, default="")
    # The payroll file's resultatenhet: PAXml 2.0 allows ten characters.
    cost_centre = models.CharField(
        _("cost centre (kostnadsställe)"),
        max_length=10,
        blank=True,
        default="",
        help_text=_("Where the young people's pay is booked in the payroll file."),
    )

    class Meta:
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="summer_workplace_name_unique_in_municipality",
                violation_error_message=_("The municipality already has a workplace of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A workplace's offer of places in one period and work area."""

    workplace = models.ForeignKey(Workplace, on_delete=models.PROTECT, related_name="places")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="places")
    area = models.ForeignKey(WorkArea, on_delete=models.PROTECT, related_name="places")
    slots = models.PositiveSmallIntegerField(_("places"))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    # Work with children: the young person shows an extract from belastningsregistret.
    record_extract_required = models.BooleanField(
        _("criminal-record extract needed"), default=False
    )
    tasks = models.TextField(_("tasks"), blank=True, default="")
    supervisor_name = models.CharField(_("handledare"), max_length=150, blank=True, default="")
    supervisor_phone = models.CharField(
        _("handledare's phone"), max_length=30, blank=True, default=""
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.CheckConstraint(
                condition=Q(slots__gte=1),
                name="place_has_slots",
                violation_error_message=_("A place offers at least one position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.area} · {self.period.number}"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: AnyUser) -> "ApplicationQuerySet":
        return self.filter(season__in=Season.objects.visible_to(user))


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Gender(models.TextChoices):
    FEMALE = "female", _("Girl")
    MALE = "male", _("Boy")
    OTHER = "other", _("Other or not stated")


class Application(models.Model):
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="applications")
    national_id_encrypted = models.TextField()
    national_id_hash = models.CharField(max_length=64)
    national_id_masked = models.CharField(_("personnummer"), max_length=16)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("mobile"), max_length=30, blank=True, default="")
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, default="")
    guardian_name = models.CharField(_("guardian's name"), max_length=150, blank=True, default="")
    guardian_email = models.EmailField(_("guardian's e-mail"), blank=True, default="")
    guardian_phone = models.CharField(_("guardian's mobile"), max_length=30, blank=True, default="")
    school = models.CharField(_("school"), max_length=150, blank=True, default="")
    school_year = models.CharField(_("school year"), max_length=20, blank=True, default="")
    motivation = models.TextField(_("why you want a summer job"), blank=True, default="")
    periods = models.ManyToManyField(Period, verbose_name=_("periods"), related_name="+")
    # Set by staff; an application without one is served after every tier.
    tier = models.ForeignKey(
        PriorityTier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # The SHA-256 of the secret in the young person's link to see and change the application
    # (summerjobs/applying.py); the secret itself is only in their e-mail.
    edit_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The language the young person applied in (sv or en): their work certificate's too.
    language = models.CharField(max_length=8, blank=True, default="")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "national_id_hash"],
                name="one_application_per_person_in_season",
                violation_error_message=_("This person has already applied this season."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PendingApplication(models.Model):
    """An application sent but not yet confirmed with the code e-mailed to its address. The
    form's values are kept as one encrypted JSON document (the national-ID keys): nothing in
    it is looked up, it lives for minutes, and one ciphertext keeps every field of it, the
    personnummer with the names and addresses, unreadable without the key. The secret in the
    confirmation page's address and the code are kept as hashes only."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    data_encrypted = models.TextField()
    attempts = models.PositiveSmallIntegerField(default=0)
    language = models.CharField(max_length=8, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.season_id} · {self.pk}"


class EmailChange(models.Model):
    """A new e-mail address the young person gave on their link's page, waiting for the code
    sent to it. Offers and reminders keep going to the confirmed address until the code is
    entered: a mistyped address must not swallow an offer. The code is kept as a hash keyed
    with the link's secret, which the database does not hold."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="email_change"
    )
    email = models.EmailField(_("new e-mail address"))
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.application_id} · {self.pk}"


class Choice(models.Model):
    """An application's ranked work areas (rank 1 is the first wish)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(_("rank"))
    area = models.ForeignKey(WorkArea, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "rank"], name="one_choice_per_rank_in_application"
            ),
            models.UniqueConstraint(
                fields=["application", "area"],
                name="each_area_once_in_application",
                violation_error_message=_("Each work area can be chosen once."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.area_id}"


class LotteryRun(models.Model):
    """A run of the allocation, dry or for real: what it was given (the inputs' digest), how it
    drew (seed, algorithm version) and what came out, kept so that anyone asking whether it was
    fair can be shown the same result again."""

    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="lottery_runs")
    seed = models.BigIntegerField(_("seed"))
    algorithm_version = models.PositiveSmallIntegerField()
    inputs_digest = models.CharField(max_length=64)
    dry_run = models.BooleanField(default=True)
    result = models.JSONField()
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    run_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lottery run")
        verbose_name_plural = _("lottery runs")
        ordering = ["-run_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.season_id} · {self.seed}"


class Allocation(models.Model):
    """A young person's outcome of a run for real: a place, a position on the reserve list, or
    neither once they declined a place or let its offer lapse."""

    run = models.ForeignKey(LotteryRun, on_delete=models.CASCADE, related_name="allocations")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    choice_rank = models.PositiveSmallIntegerField(null=True)
    reserve_position = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"], name="one_allocation_per_application_in_run"
            ),
            # Neither: the young person declined or let an offer lapse (summerjobs/offers.py).
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(reserve_position__isnull=True),
                name="allocation_is_a_place_or_a_reserve_position_or_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} · {self.application_id}"


class Override(models.Model):
    """A change by hand to a run's outcome, with its reason: who made it, when, and from which
    place to which (none: the reserve list)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="overrides")
    from_place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    to_place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.allocation_id} · {self.made_at:%Y-%m-%d}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Not answered in time")
    WITHDRAWN = "withdrawn", _("Taken back")


LIVE_OFFER = (OfferStatus.PENDING, OfferStatus.ACCEPTED)
# Accepted, and confirmed by a guardian where one must confirm (``Offer.settled``).
SETTLED_OFFER = Q(status=OfferStatus.ACCEPTED) & (
    Q(guardian_needed=False) | Q(guardian_confirmed_at__isnull=False)
)


class Offer(models.Model):
    """A place offered to a young person after a run for real: answered through a private link
    by a deadline; for anyone under 18 on the period's first day, confirmed by a guardian
    through a link of their own. The secrets are kept as hashes only (summerjobs/offers.py)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="offers")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(
        _("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    guardian_needed = models.BooleanField(default=False)
    answer_by = models.DateTimeField(_("answer by"))
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    guardian_sent_at = models.DateTimeField(null=True, blank=True)
    guardian_confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the workplace was told of a decline or a lapse (once).
    workplace_told_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    declined_by_guardian = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    guardian_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The reminder before the deadline (once) carries a secret of its own, so that the link in
    # the first message keeps working beside it.
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    guardian_reminded_at = models.DateTimeField(null=True, blank=True)
    guardian_reminder_token_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True
    )
    # The message that the work certificate is ready (once) carries a secret of its own too.
    certificate_sent_at = models.DateTimeField(null=True, blank=True)
    certificate_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation"],
                condition=Q(status__in=LIVE_OFFER),
                name="one_live_offer_per_allocation",
                violation_error_message=_("This young person already has an offer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation_id} · {self.status}"

    @property
    def settled(self) -> bool:
        """Accepted, and confirmed by a guardian where one must confirm."""
        return self.status == OfferStatus.ACCEPTED and (
            not self.guardian_needed or self.guardian_confirmed_at is not None
        )

    @property
    def waiting_for_guardian(self) -> bool:
        return self.status == OfferStatus.ACCEPTED and not self.settled


# Registered here so that Django finds them; kept in modules of their own.
from summerjobs.after_models import (  # noqa: E402, F401
    SUPERVISOR_QUESTIONS,
    YOUTH_QUESTIONS,
    CertificateBatch,
    FrozenFigures,
    SupervisorEvaluation,
    YouthEvaluation,
)
from summerjobs.payroll_models import (  # noqa: E402, F401
    PayrollBatch,
    PayrollDownload,
    PayrollLine,
)
from summerjobs.work_models import (  # noqa: E402, F401
    PRESTART_SHORT,
    Absence,
    Attestation,
    HoursEntry,
    PreStart,
    PreStartItem,
    StaffAnswer,
    StaffAnswerKind,
    TaxBasis,
    WorkplaceAccess,
    WorkplaceLook,
)
