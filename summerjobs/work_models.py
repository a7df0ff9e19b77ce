"""The summer jobs' rows from the first day on and just before it (summerjobs/work.py,
summerjobs/prestart.py): the workplace's link, the hours and their attestation, the answers
staff took on the phone and the checklist before the start. Registered through
summerjobs/models.py."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AppendOnlyModel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from summerjobs.models import Place


class WorkplaceAccess(models.Model):
    """A workplace's link to its summer-job pages for a season (summerjobs/work.py): its
    handledare see who is coming, record the hours and attest each period without a staff
    account; shared by everyone at the workplace, as its staff take turns over the summer. The
    secret is kept as a hash; a new link replaces the old one."""

    workplace = models.ForeignKey(
        "summerjobs.Workplace", on_delete=models.CASCADE, related_name="accesses"
    )
    season = models.ForeignKey("summerjobs.Season", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workplace", "season"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_access_per_workplace_and_season",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workplace_id} · {self.season_id}"


class Absence(models.TextChoices):
    SICK = "sick", _("Ill")
    LEAVE = "leave", _("Leave granted")
    UNEXCUSED = "unexcused", _("Absent without leave")


class HoursEntry(models.Model):
    """A day's hours of a young person at their place, as the handledare records them: worked
    from and to with a break, or an absence. Never changed: a new entry for the same day
    replaces the one before it (the newest counts), and after the period is attested only staff
    add corrections, with a reason."""

    offer = models.ForeignKey("summerjobs.Offer", on_delete=models.PROTECT, related_name="hours")
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("to"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    absence = models.CharField(
        _("absence"), max_length=20, choices=Absence.choices, blank=True, default=""
    )
    entered_at = models.DateTimeField(default=timezone.now)
    # Through the workplace's link (the name the handledare gave), or by a member of staff.
    entered_by_name = models.CharField(max_length=150, blank=True, default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    correction_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("hours")
        verbose_name_plural = _("hours")
        ordering = ["offer", "day", "-entered_at", "-pk"]
        indexes = [models.Index(fields=["offer", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24),
                name="hours_entry_within_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} · {self.day} · {self.hours}"


class Attestation(models.Model):
    """The handledare's word that a young person's hours of the period are right: after it the
    hours are locked, and only staff add corrections."""

    offer = models.OneToOneField(
        "summerjobs.Offer", on_delete=models.PROTECT, related_name="attestation"
    )
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    attested_at = models.DateTimeField(default=timezone.now)
    attested_by_name = models.CharField(_("your name"), max_length=150)

    def __str__(self) -> str:
        return f"{self.offer_id} · {self.hours}"


class StaffAnswerKind(models.TextChoices):
    ACCEPT = "accept", _("Yes, from the young person")
    DECLINE = "decline", _("No, from the young person")
    GUARDIAN_CONFIRM = "guardian_confirm", _("Yes, from the guardian")
    GUARDIAN_REFUSE = "guardian_refuse", _("No, from the guardian")


class StaffAnswer(models.Model):
    """An answer to an offer that a young person or their guardian gave staff (on the phone, at
    the desk) instead of through their link, recorded by a lead or coordinator with a note."""

    offer = models.ForeignKey(
        "summerjobs.Offer", on_delete=models.CASCADE, related_name="staff_answers"
    )
    answer = models.CharField(_("answer"), max_length=20, choices=StaffAnswerKind.choices)
    note = models.CharField(_("note"), max_length=300)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.offer_id} · {self.answer}"


class PreStartItem(models.TextChoices):
    CONTRACT = "contract", _("Employment contract signed")
    BANK = "bank", _("Bank account registered with payroll")
    TAX = "tax", _("Tax form handed in")
    EXTRACT = "extract", _("Criminal-record extract seen")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")


# The items' short names, for a column's heading or a line of a card.
PRESTART_SHORT: "dict[str, StrOrPromise]" = {
    PreStartItem.CONTRACT: _("Contract"),
    PreStartItem.BANK: _("Bank account"),
    PreStartItem.TAX: _("Tax"),
    PreStartItem.EXTRACT: _("Extract"),
    PreStartItem.NEXT_OF_KIN: _("Next of kin"),
}


class TaxBasis(models.TextChoices):
    """How tax is deducted from the pay, as the young person's paper says."""

    TABLE = "table", _("Tax table (main employer)")
    # Skatteverket's decision: often no tax, for a young person earning little in the year.
    ADJUSTMENT = "adjustment", _("Adjustment (jämkning)")
    ONE_OFF = "one_off", _("One-off tax (engångsskatt)")


class PreStart(models.Model):
    """What must be in order between a settled offer (accepted, and confirmed by a guardian
    where one must) and the first day of work; each item with who ticked it and when. Of the
    extract from belastningsregistret, where the place needs one, only that it was seen is
    kept, never what it says: the employer may not keep it or a copy of it. The next of kin are
    contact details, seen by the programme's staff only (summerjobs/prestart.py)."""

    offer = models.OneToOneField(
        "summerjobs.Offer", on_delete=models.CASCADE, related_name="prestart"
    )
    contract_at = models.DateTimeField(_("employment contract signed"), null=True, blank=True)
    contract_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employment contract signed: by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    bank_at = models.DateTimeField(_("bank account registered"), null=True, blank=True)
    bank_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bank account registered: by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    tax_at = models.DateTimeField(_("tax form handed in"), null=True, blank=True)
    tax_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tax form handed in: by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    tax_basis = models.CharField(
        _("tax deduction"), max_length=20, choices=TaxBasis.choices, blank=True, default=""
    )
    extract_at = models.DateTimeField(_("criminal-record extract seen"), null=True, blank=True)
    extract_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("criminal-record extract seen: by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    next_of_kin_name = models.CharField(
        _("next of kin's name"), max_length=150, blank=True, default=""
    )
    next_of_kin_phone = models.CharField(
        _("next of kin's phone"), max_length=30, blank=True, default=""
    )
    next_of_kin_at = models.DateTimeField(_("next of kin recorded"), null=True, blank=True)
    next_of_kin_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("next of kin recorded: by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("pre-start checklist")
        verbose_name_plural = _("pre-start checklists")

    def __str__(self) -> str:
        return f"{self.offer_id}"

    @staticmethod
    def items_for(place: "Place") -> list[str]:
        """The items a young person at ``place`` needs: the extract only where it asks."""
        return [
            item
            for item in PreStartItem.values
            if item != PreStartItem.EXTRACT or place.record_extract_required
        ]

    def done(self, item: str) -> bool:
        return getattr(self, f"{item}_at") is not None


class WorkplaceLook(AppendOnlyModel):
    """A workplace's handledare opened a young person's contact details through the
    workplace's link (summerjobs/work.py): which workplace (its key, and its name as it was),
    whose and when. Like an access event it names the application by its key only, so that it
    outlives an application deleted under the retention rule; only ever added."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    workplace_key = models.BigIntegerField()
    workplace_name = models.CharField(max_length=150)
    application_key = models.BigIntegerField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("look by a workplace")
        verbose_name_plural = _("looks by a workplace")

    def __str__(self) -> str:
        return f"{self.workplace_name} {self.at:%Y-%m-%d %H:%M}"
