from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import memberships
from accounts.models import AnyUser
from config.generated import GeneratedFileWithProgress
from programs.models import Programme


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    PLACEMENTS = "placements", _("Placements")
    COSTS = "costs", _("Costs")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    READY = "ready", _("Checked: ready to import")
    INVALID = "invalid", _("Has errors")
    QUEUED = "queued", _("Waiting to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")
    EXPIRED = "expired", _("Expired")


# Being checked, waiting or being imported: the page polls, a failure ends it.
UNFINISHED = (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.IMPORTING)


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: AnyUser) -> "ImportRunQuerySet":
        """Imports into the programmes the user leads, in their municipality; a grant's costs
        only for a lead of every programme the grant funds."""
        if not user.is_authenticated or user.municipality_id is None:
            return self.none()
        led = memberships.programme_ids_led(user)
        return self.filter(
            programme_id__in=led, programme__municipality_id=user.municipality_id
        ).exclude(grant__programmes__in=Programme.objects.exclude(pk__in=led))


class ImportRun(GeneratedFileWithProgress):
    """One uploaded file: checked first (the dry run), then imported all or nothing. The file
    is kept only between the two, under a name made of the id; the problems found are kept as
    (row, column, message), never a value from the file."""

    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    # The grant a file of costs is for (its programme is one of those the grant funds).
    grant = models.ForeignKey(
        "programs.Grant",
        verbose_name=_("grant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file_format = models.CharField(max_length=10, choices=ImportFormat.choices)
    # Its own statuses: a dry run comes before the import (config/generated.py takes them).
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    # The language the problems are written in: the uploader's.
    language = models.CharField(max_length=5, default="nb")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(max_length=200, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    # [{"line": 12, "field": "birth_date", "message": "...", "warning": false}, ...]
    problems = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)
    # The file is deleted when the run is imported, fails, or reaches this time.
    expires_at = models.DateTimeField()

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if not p.get("warning")]

    @property
    def warnings(self) -> list[dict]:
        return [p for p in self.problems if p.get("warning")]

    @property
    def expired(self) -> bool:
        return self.status == ImportStatus.EXPIRED or super().expired

    @property
    def polling(self) -> bool:
        return self.status in UNFINISHED
