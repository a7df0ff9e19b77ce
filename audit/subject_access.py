"""The files of a right-of-access export (GDPR art. 15): everything held on one person, built
by a worker for the programme lead who asked, and the same for a young person who applied for a
summer job. Registered with the audit app's models; the building is in privacy/subject_access/
and privacy/applicant_access/."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.generated import GeneratedFile, GeneratedStatus

# An export's statuses are those of every generated file (config/generated.py).
ExportStatus = GeneratedStatus


class SubjectAccessExport(GeneratedFile):
    """One export of one person. Its files hold everything on the person, so they are kept
    for days, not weeks (``expires_at``), are named by this row's number only, and are
    opened only by the lead who asked."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=5, default="nb")
    pdf_file = models.FileField(max_length=200, blank=True)
    json_file = models.FileField(max_length=200, blank=True)
    zip_file = models.FileField(max_length=200, blank=True)
    # Declared again to keep this table's columns as they were: a shorter error, named dates.
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("right-of-access export")
        verbose_name_plural = _("right-of-access exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"subject access #{self.pk} ({self.status})"


class ApplicantAccessExport(GeneratedFile):
    """One export of everything held on a young person who applied for a summer job in one
    programme's seasons (``applications``: theirs, found by their personnummer). Like a
    person's export: files kept for days, named by this row's number, opened only by the
    lead or coordinator who asked; the row stays as the record that it was made."""

    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Deleted with an application (the retention of unplaced applications): the row stays.
    applications = models.ManyToManyField("summerjobs.Application", related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=5, default="sv")
    pdf_file = models.FileField(max_length=200, blank=True)
    json_file = models.FileField(max_length=200, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("right-of-access export of an applicant")
        verbose_name_plural = _("right-of-access exports of an applicant")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"applicant access #{self.pk} ({self.status})"
