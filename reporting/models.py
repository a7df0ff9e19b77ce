from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AppendOnlyModel
from config.generated import GeneratedFile, GeneratedFileWithProgress, GeneratedStatus
from reporting.profiles import Audience


class ReportKind(models.TextChoices):
    KS = "ks", _("KS «Inn i jobb» progress report")
    LIM = "lim", _("LIM funder report")
    GRANT = "grant", _("Grant report")
    SUMMARY = "summary", _("Programme summary")


# Reports about a grant; the others are about a programme.
GRANT_KINDS = (ReportKind.LIM, ReportKind.GRANT)


class FunderProfile(models.Model):
    """A funder's report made by a programme lead from the existing figures: which figures and
    which narrative sections it carries. The shipped profiles (LIM, KS «Inn i jobb», a generic
    grant, the programme summary) live in ``reporting/profiles.py``, not in this table."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="funder_profiles"
    )
    name = models.CharField(_("name"), max_length=150)
    funder = models.CharField(_("funder"), max_length=150)
    kind = models.CharField(
        _("built for"),
        max_length=20,
        choices=[
            (ReportKind.GRANT, _("A grant (with its money)")),
            (ReportKind.SUMMARY, _("A programme")),
        ],
    )
    figures = models.JSONField(_("figures"), default=list)
    narrative = models.JSONField(_("narrative sections"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("funder profile")
        verbose_name_plural = _("funder profiles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="funder_profile_name_unique_in_municipality",
                violation_error_message=_("Your municipality already has a profile by this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


# A run's statuses are those of every generated file (config/generated.py).
RunStatus = GeneratedStatus


class ReportRun(GeneratedFileWithProgress):
    """One report, built in the background; its figures are frozen in ``snapshot`` so a
    submitted report never changes afterwards."""

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
    )
    grant = models.ForeignKey(
        "programs.Grant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=5, default="nb")
    # Empty for a draft made by a schedule: the programme's leads are told instead.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled = models.BooleanField(_("made by a schedule"), default=False)
    narrative_activities = models.TextField(_("activities"), max_length=5000, blank=True)
    narrative_deviations = models.TextField(
        _("deviations from the plan"), max_length=5000, blank=True
    )
    narrative_cooperation = models.TextField(_("cooperation"), max_length=5000, blank=True)
    narrative_next_period = models.TextField(
        _("plans for the next period"), max_length=5000, blank=True
    )
    narrative_continuation = models.TextField(
        _("continuation in ordinary operation"), max_length=5000, blank=True
    )
    # Who reads it decides how its figures are protected (reporting/figures.py: Cells).
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.RECIPIENT
    )
    # A lead's own profile; empty for the shipped profile of the run's kind.
    profile = models.ForeignKey(
        FunderProfile,
        verbose_name=_("profile"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
    )
    # A correction is a new run of the same report: edition 2 corrects edition 1, and so on.
    edition = models.PositiveSmallIntegerField(_("version"), default=1)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    deadline = models.ForeignKey(
        "programs.ReportDeadline",
        verbose_name=_("deadline"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
    )
    # Once submitted the run is frozen: its narrative, figures and files never change again.
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_to = models.CharField(_("submitted to"), max_length=150, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf_file = models.FileField(max_length=200, blank=True)
    xlsx_file = models.FileField(max_length=200, blank=True)
    csv_file = models.FileField(max_length=200, blank=True)
    # SHA-256 of the frozen figures; the files are rendered from them alone.
    checksum = models.CharField(max_length=64, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=GRANT_KINDS, grant__isnull=False, programme__isnull=True)
                    | (
                        ~models.Q(kind__in=GRANT_KINDS)
                        & models.Q(programme__isnull=False, grant__isnull=True)
                    )
                ),
                name="report_subject_matches_kind",
                violation_error_message=_(
                    "A grant report is made for a grant, the others for a programme."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def subject(self):
        """The programme the report is about, or the grant for a LIM report."""
        return self.grant if self.kind in GRANT_KINDS else self.programme

    @property
    def municipality_id(self) -> int:
        return self.subject.municipality_id

    @property
    def submitted(self) -> bool:
        return self.submitted_on is not None


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class ReportDownload(AppendOnlyModel):
    """Who downloaded which report file, when: append-only, like the rest of the audit."""

    run = models.ForeignKey(ReportRun, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=10, choices=ReportFormat.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.format} #{self.run_id}"


class ExportKind(models.TextChoices):
    CASELOAD = "caseload", _("My caseload")
    PROGRAMME = "programme", _("A programme's data")


class DataExport(GeneratedFile):
    """A spreadsheet of people, built in the background for the person who asked and for them
    alone; each person in it is recorded as exported, and the file expires."""

    kind = models.CharField(_("export"), max_length=20, choices=ExportKind.choices)
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=["csv", "xlsx"]),
                name="data_export_csv_or_xlsx",
                violation_error_message=_("Choose CSV or XLSX."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
