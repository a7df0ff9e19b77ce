from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AppendOnlyModel


class ReportKind(models.TextChoices):
    KS = "ks", _("KS «Inn i jobb» progress report")
    LIM = "lim", _("LIM funder report")
    SUMMARY = "summary", _("Programme summary")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportRun(models.Model):
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
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Empty for a draft made by a schedule: the programme's leads are told instead.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled = models.BooleanField(_("made by a schedule"), default=False)
    narrative_activities = models.TextField(_("activities"), max_length=5000, blank=True)
    narrative_deviations = models.TextField(
        _("deviations from the plan"), max_length=5000, blank=True
    )
    pdf_file = models.FileField(max_length=200, blank=True)
    xlsx_file = models.FileField(max_length=200, blank=True)
    csv_file = models.FileField(max_length=200, blank=True)
    # SHA-256 of the frozen figures; the files are rendered from them alone.
    checksum = models.CharField(max_length=64, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

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
                    models.Q(kind="lim", grant__isnull=False, programme__isnull=True)
                    | (
                        ~models.Q(kind="lim")
                        & models.Q(programme__isnull=False, grant__isnull=True)
                    )
                ),
                name="report_subject_matches_kind",
                violation_error_message=_(
                    "A LIM report is made for a grant, the others for a programme."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def subject(self):
        """The programme the report is about, or the grant for a LIM report."""
        return self.grant if self.kind == ReportKind.LIM else self.programme

    @property
    def municipality_id(self) -> int:
        return self.subject.municipality_id

    @property
    def expired(self) -> bool:
        """Past ``expires_at``: the nightly expiry deletes the files from that moment on."""
        return self.expires_at is not None and self.expires_at <= timezone.now()


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


class DataExport(models.Model):
    """A spreadsheet of people, built in the background for the person who asked and for them
    alone; each person in it is recorded as exported, and the file expires."""

    kind = models.CharField(_("export"), max_length=20, choices=ExportKind.choices)
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

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

    @property
    def expired(self) -> bool:
        """Past ``expires_at``: the nightly expiry deletes the files from that moment on."""
        return self.expires_at is not None and self.expires_at <= timezone.now()
