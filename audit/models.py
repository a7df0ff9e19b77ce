"""Who saw and who changed what. Rows are only ever added; the database refuses edits too."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Audit rows cannot be changed or removed by application code."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit rows are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit rows are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit rows are append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows are append-only.")


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    REVEAL = "reveal", _("Showed national ID")
    DOWNLOAD = "download", _("Downloaded a document")


class AccessEvent(AppendOnlyModel):
    """A read of a participant's record, or of another record about a person who is not a
    participant (a summer-job application: ``model`` and ``object_id``, as a change event
    names its record)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
    )
    # Empty for a participant's record; otherwise app_label.model_name and the row's key.
    model = models.CharField(max_length=100, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    # A route name such as "participants:detail", never a URL with query parameters.
    page = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "-at"]),
            models.Index(fields=["model", "object_id"], name="audit_access_record_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False) | ~models.Q(object_id=""),
                name="access_event_names_what_was_read",
            ),
        ]

    def __str__(self) -> str:
        if self.participant_id is None:
            return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} #{self.participant_id}"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class ChangeEvent(AppendOnlyModel):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Empty for changes made by the system (demo data, scheduled jobs).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_events",
    )
    model = models.CharField(max_length=100)  # app_label.model_name
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    # {"field": [old, new], ...}; values are strings or None.
    changes = models.JSONField(default=dict)
    # Set once, when anonymisation scrubs the values; the database allows no other edit.
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["participant", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"


# Registered here so that Django finds them; kept in a module of their own.
from audit.subject_access import ApplicantAccessExport, SubjectAccessExport  # noqa: E402, F401
