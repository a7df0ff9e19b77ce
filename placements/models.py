from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

from accounts import memberships
from accounts.country import offered
from accounts.models import AnyUser, Country
from programs.models import EnrollmentStatus


class WorksiteKind(models.TextChoices):
    HEALTH_HOUSE = "helsehus", _("Health house (helsehus)")
    CARE_CENTRE = "omsorgssenter", _("Care centre (omsorgssenter)")
    KITCHEN = "kitchen", _("Kitchen")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class WorksiteQuerySet(models.QuerySet["Worksite"]):
    def visible_to(self, user: AnyUser) -> "WorksiteQuerySet":
        """Staff of a programme and the municipality admin see the municipality's worksites;
        an arbeidsleder sees only the worksites they supervise."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        mine = self.filter(municipality_id=user.municipality_id)
        if user.is_municipality_admin or memberships.works_anywhere(user):
            return mine
        return mine.filter(memberships.supervised_by(user))


class Worksite(models.Model):
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="worksites"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=WorksiteKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = WorksiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("worksite")
        verbose_name_plural = _("worksites")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="worksite_name_unique_in_municipality",
                violation_error_message=_("The municipality already has a worksite by this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlacementType(models.TextChoices):
    # Norway (NAV's tiltak and the routes toward a fagbrev)
    WORK_TRAINING = "arbeidstrening", _("Work training")
    AFT = "aft", _("Adapted work training (AFT)")
    PRACTICE = "praksis", _("Work practice")
    APPRENTICE = "laerling", _("Apprentice")
    TRAINEE_CANDIDATE = "laerekandidat", _("Training candidate")
    CERTIFICATE_AT_WORK = "fagbrev_paa_jobb", _("Trade certificate at work")
    WAGE_SUBSIDY = "lonnstilskudd", _("Wage subsidy")
    # Sweden (the municipality's own measures and Arbetsförmedlingen's)
    ARBETSTRANING = "arbetstraning", _("Work training")
    PRAKTIK = "praktik", _("Work practice")
    LONEBIDRAG = "lonebidrag", _("Wage subsidy for reduced working capacity")
    EXTRATJANST = "extratjanst", _("Subsidised job in the welfare sector")
    NYSTARTSJOBB = "nystartsjobb", _("New-start job")
    JOBBSPAR = "jobbspar", _("Sector track (training toward a trade)")
    SUMMER_JOB = "feriearbete", _("Summer job")
    # Both
    ORDINARY_JOB = "ordinary", _("Ordinary job")

    @classmethod
    def for_country(cls, country: str | None) -> list[tuple[str, str]]:
        return offered(cls, country, PLACEMENT_TYPE_COUNTRY)


PLACEMENT_TYPE_COUNTRY: dict[str, str] = {
    PlacementType.WORK_TRAINING: Country.NORWAY,
    PlacementType.AFT: Country.NORWAY,
    PlacementType.PRACTICE: Country.NORWAY,
    PlacementType.APPRENTICE: Country.NORWAY,
    PlacementType.TRAINEE_CANDIDATE: Country.NORWAY,
    PlacementType.CERTIFICATE_AT_WORK: Country.NORWAY,
    PlacementType.WAGE_SUBSIDY: Country.NORWAY,
    PlacementType.ARBETSTRANING: Country.SWEDEN,
    PlacementType.PRAKTIK: Country.SWEDEN,
    PlacementType.LONEBIDRAG: Country.SWEDEN,
    PlacementType.EXTRATJANST: Country.SWEDEN,
    PlacementType.NYSTARTSJOBB: Country.SWEDEN,
    PlacementType.JOBBSPAR: Country.SWEDEN,
    PlacementType.SUMMER_JOB: Country.SWEDEN,
}


class WorkField(models.TextChoices):
    HEALTH_CARE = "helse_omsorg", _("Health and care")
    CLEANING = "renhold", _("Cleaning")
    CARETAKER = "vaktmester", _("Caretaker")
    KITCHEN = "kjokken", _("Kitchen")
    OTHER = "other", _("Other")


class WorksiteCapacity(models.Model):
    """How many people a worksite takes in one field at a time."""

    worksite = models.ForeignKey(Worksite, on_delete=models.CASCADE, related_name="capacities")
    field = models.CharField(_("field"), max_length=20, choices=WorkField.choices)
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")
        constraints = [
            models.UniqueConstraint(
                fields=["worksite", "field"], name="one_capacity_per_worksite_and_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worksite} {self.field}: {self.places}"


class PlacementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    STOPPED = "stopped", _("Stopped early")


# An enrollment with one of these statuses has exited: its ``ends_on`` is the exit date.
EXIT_STATUSES = (EnrollmentStatus.COMPLETED, EnrollmentStatus.WITHDRAWN)


class PlacementQuerySet(models.QuerySet["Placement"]):
    def current(self) -> "PlacementQuerySet":
        """Planned or running placements that have not passed their end date, of a person who
        has not left the programme before today (an exit without a date counts as left): the
        worksite's lists and the arbeidsleder's access end with whichever comes first."""
        today = timezone.localdate()
        return (
            self.filter(status__in=[PlacementStatus.PLANNED, PlacementStatus.ACTIVE])
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .filter(~Q(enrollment__status__in=EXIT_STATUSES) | Q(enrollment__ends_on__gte=today))
        )


class Placement(models.Model):
    enrollment = models.ForeignKey(
        "participants.Enrollment",
        verbose_name=_("enrollment"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    worksite = models.ForeignKey(
        Worksite, verbose_name=_("worksite"), on_delete=models.PROTECT, related_name="placements"
    )
    supervisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_placements",
    )
    type = models.CharField(_("type"), max_length=20, choices=PlacementType.choices)
    field = models.CharField(_("field"), max_length=20, choices=WorkField.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=PlacementStatus.choices, default=PlacementStatus.PLANNED
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Weekdays the person is expected, Monday = 0: "01234" is Monday to Friday.
    schedule_days = models.CharField(_("days"), max_length=7, default="01234")
    hours_per_day = models.DecimalField(
        _("hours per day"), max_digits=4, decimal_places=2, default=Decimal("6.00")
    )
    percentage = models.PositiveSmallIntegerField(_("percentage"), default=100)
    nav_agreement = models.CharField(_("NAV agreement reference"), max_length=50, blank=True)
    stop_reason = models.CharField(_("stop reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PlacementQuerySet.as_manager()

    # Set by placements.selectors' prefetch, never stored: the records of the last weeks.
    recent: list["AttendanceRecord"]

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="placement_ends_after_start",
                violation_error_message=_("A placement cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.participant} · {self.worksite}"

    @property
    def exit_on(self) -> date | None:
        """The day the person left the programme, if they have (needs ``enrollment`` loaded)."""
        enrollment = self.enrollment
        return enrollment.ends_on if enrollment.status in EXIT_STATUSES else None

    @staticmethod
    def audit_value(name: str, value: str) -> str | None:
        """The change history's reading of the schedule: weekday names, not «01234»."""
        if name != "schedule_days":
            return None
        return ", ".join(str(WEEKDAYS_ABBR[int(d)]) for d in value if d in "0123456")

    def expects(self, day: date) -> bool:
        """Whether the schedule expects the person at the worksite on ``day`` (never after the
        placement's end or the person's exit from the programme)."""
        return bool(self.expected_days(day, day))

    def expected_days(self, start: date, end: date) -> list[date]:
        """The days between ``start`` and ``end`` (inclusive) the schedule expects the person:
        the placement's days up to the person's exit, on the schedule's weekdays. Worked out
        for the whole stretch at once, as the pages ask four weeks of everyone on them."""
        if self.status not in (PlacementStatus.PLANNED, PlacementStatus.ACTIVE):
            return []
        first = max(start, self.starts_on)
        last = min(d for d in (end, self.ends_on, self.exit_on) if d is not None)
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return [day for day in days if str(day.weekday()) in self.schedule_days]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused absence")
    UNEXCUSED = "unexcused", _("Unexcused absence")


class AttendanceRecord(models.Model):
    """One person's day at the worksite. A day the schedule expects and nobody recorded is
    *missing*; it has no row."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField(_("date"))
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "date"],
                name="one_record_per_day",
                violation_error_message=_("This day is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gte=0) & Q(hours__lte=24)),
                name="attendance_hours_within_a_day",
                violation_error_message=_("Hours must be between 0 and 24."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.date} {self.status}"


class AttendanceMonth(models.Model):
    """A placement's attendance added up per calendar month: what funder reports and the
    dashboard read instead of every day. Kept by database triggers on AttendanceRecord
    (placements/migrations/0008 and 0009), in the statement that changes a day, so that every way of
    writing attendance (a form, the API, a bulk import, a fixture) keeps it right. A month
    whose days were all deleted stays as a row of zeros."""

    # No foreign key in the database: rows follow the days the triggers see, and a placement's
    # days are deleted before the placement is.
    placement = models.ForeignKey(
        Placement, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField(_("month"))  # the first day of the month
    days = models.IntegerField(_("days recorded"), default=0)
    attended = models.IntegerField(_("days attended"), default=0)  # present or late
    hours = models.DecimalField(_("hours written down"), max_digits=8, decimal_places=2, default=0)
    attended_unhoured = models.IntegerField(_("days attended without hours"), default=0)

    class Meta:
        verbose_name = _("attendance month")
        verbose_name_plural = _("attendance months")
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="one_sum_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.month:%Y-%m}"


class AttendanceDay(models.Model):
    """Attendance added up per programme, cohort and day: what the dashboard and the funder
    reports read, a few thousand rows a year per programme instead of every placement's months.
    Kept by database triggers (placements/migrations/0012) on the days, the placements and the
    enrollments, in the statement that changes any of them: a day counts under its enrollment's
    programme and cohort as they are now, with its placement's hours per day as they are now.
    A sum whose days were all deleted stays as a row of zeros."""

    # No foreign key in the database: rows follow the days the triggers see. The unique
    # constraint's index, which starts with the programme, is the one every read uses.
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    cohort = models.BigIntegerField(_("cohort"), default=0)  # the cohort's number; 0 for none
    date = models.DateField(_("date"))
    # 0 for the days within their enrollment's dates, which count in any period they fall in.
    # A day outside them (written before the enrollment started, or after it ended) counts only
    # when its enrollment is part of the period's population: its sum is kept apart, under the
    # enrollment's number.
    outside = models.BigIntegerField(default=0)
    days = models.IntegerField(_("days recorded"), default=0)
    attended = models.IntegerField(_("days attended"), default=0)  # present or late
    # Written down, or the placement's hours per day for a day attended without hours.
    hours = models.DecimalField(_("hours"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "date", "cohort", "outside"], name="one_sum_per_programme_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.cohort} {self.date}"


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ProgressEntry(models.Model):
    """The arbeidsleder's observation of how the placement goes."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="progress")
    author = models.ForeignKey(
        "accounts.User", verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_on = models.DateField(_("date"), default=timezone.localdate)
    punctuality = models.PositiveSmallIntegerField(
        _("punctuality"), choices=RATING_CHOICES, null=True, blank=True
    )
    cooperation = models.PositiveSmallIntegerField(
        _("cooperation"), choices=RATING_CHOICES, null=True, blank=True
    )
    independence = models.PositiveSmallIntegerField(
        _("independence"), choices=RATING_CHOICES, null=True, blank=True
    )
    text = models.TextField(_("observation"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-written_on", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.written_on}"


class ProgressReply(models.Model):
    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reply"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"reply to {self.entry_id}"


class Route(models.TextChoices):
    # Norway: toward a fagbrev
    APPRENTICE = "laerling", _("Apprentice")
    TRAINEE_CANDIDATE = "laerekandidat", _("Training candidate")
    PRACTICE_CANDIDATE = "praksiskandidat", _("Experience-based candidate")
    CERTIFICATE_AT_WORK = "fagbrev_paa_jobb", _("Trade certificate at work")
    MFY = "mfy", _("Modules toward a trade certificate (MFY)")
    # Sweden: the health and social care programme toward undersköterska
    CARE_TRAINING = "vo_utbildning", _("Health and social care training toward assistant nurse")

    @classmethod
    def for_country(cls, country: str | None) -> list[tuple[str, str]]:
        return offered(cls, country, ROUTE_COUNTRY)


ROUTE_COUNTRY: dict[str, str] = {
    Route.APPRENTICE: Country.NORWAY,
    Route.TRAINEE_CANDIDATE: Country.NORWAY,
    Route.PRACTICE_CANDIDATE: Country.NORWAY,
    Route.CERTIFICATE_AT_WORK: Country.NORWAY,
    Route.MFY: Country.NORWAY,
    Route.CARE_TRAINING: Country.SWEDEN,
}


class ExamResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    NOT_PASSED = "not_passed", _("Not passed")


class QualificationPath(models.Model):
    """The road to a fagbrev for one enrollment."""

    enrollment = models.ForeignKey(
        "participants.Enrollment",
        verbose_name=_("enrollment"),
        on_delete=models.CASCADE,
        related_name="qualification_paths",
    )
    track = models.ForeignKey(
        "programs.QualificationTrack",
        verbose_name=_("trade"),
        on_delete=models.PROTECT,
        related_name="paths",
    )
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    training_office = models.CharField(_("training office"), max_length=150, blank=True)
    contract_starts_on = models.DateField(_("contract starts"), null=True, blank=True)
    contract_ends_on = models.DateField(_("contract ends"), null=True, blank=True)
    vg3_exam_on = models.DateField(_("Vg3 exam"), null=True, blank=True)
    # At least three months before the contract ends (set by the service from the contract).
    registration_deadline = models.DateField(
        _("fagprøve registration deadline"), null=True, blank=True
    )
    fagprove_on = models.DateField(_("fagprøve date"), null=True, blank=True)
    fagprove_result = models.CharField(
        _("fagprøve result"), max_length=20, choices=ExamResult.choices, blank=True
    )
    fagprove_recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("result recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fagprove_recorded_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)

    # Set by placements.selectors.participant_paths for the person's page, never stored: each
    # module of the track with its progress (or None), and how many of them are passed.
    rows: list[tuple[Any, "ModuleProgress | None"]]
    passed: int
    total: int

    class Meta:
        verbose_name = _("qualification path")
        verbose_name_plural = _("qualification paths")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_ends_on__isnull=True)
                | Q(contract_starts_on__isnull=True)
                | Q(contract_ends_on__gte=models.F("contract_starts_on")),
                name="contract_ends_after_start",
                violation_error_message=_("A contract cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.track} ({self.get_route_display()})"

    @property
    def leads_to_fagprove(self) -> bool:
        """A Norwegian route ends in a fagprøve (with a Vg3 exam and a registration deadline);
        the Swedish vocational programme does not."""
        return ROUTE_COUNTRY.get(self.route) == Country.NORWAY


class ModuleProgress(models.Model):
    path = models.ForeignKey(QualificationPath, on_delete=models.CASCADE, related_name="modules")
    module = models.ForeignKey("programs.Module", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("started"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=ExamResult.choices, blank=True)
    signed_off_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_on = models.DateField(_("signed off"), null=True, blank=True)
    # When, to the minute: a sign-off may be undone for a while after (placements/qualification).
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    # Set by placements.selectors.participant_paths, never stored: may it still be taken back.
    undoable: bool

    class Meta:
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [
            models.UniqueConstraint(
                fields=["path", "module"], name="one_progress_per_path_and_module"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path_id}/{self.module_id} {self.result}"
