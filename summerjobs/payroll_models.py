"""The payroll export's rows (summerjobs/payroll.py): a batch of attested hours for a pay date,
built by a worker into a PAXml 2.0 file and a CSV; each line a young person's period and what
it paid; each download of the files by whom. Registered through summerjobs/models.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AppendOnlyModel
from config.generated import UNFINISHED, GeneratedFileWithProgress

# Queued or running, as plain values for the constraint (and its migration).
BEING_MADE = [str(status) for status in UNFINISHED]


class PayrollBatch(GeneratedFileWithProgress):
    """A payroll file for a season and a pay date: every attested young person's hours that no
    earlier batch paid, and the corrections made since an earlier batch paid them. Its lines are
    written in the same transaction that marks it ready, so a batch that failed paid nothing."""

    season = models.ForeignKey(
        "summerjobs.Season", on_delete=models.PROTECT, related_name="payroll_batches"
    )
    pay_date = models.DateField(_("pay date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    xml_file = models.FileField(max_length=200, blank=True)
    csv_file = models.FileField(max_length=200, blank=True)
    people = models.PositiveIntegerField(_("young people"), default=0)
    # Signed: a batch of corrections alone may take hours back.
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=2, default=0)
    # Pay and holiday pay together.
    total = models.DecimalField(_("total pay"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("payroll file")
        verbose_name_plural = _("payroll files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two batches built at once could both pay the same hours.
            models.UniqueConstraint(
                fields=["season"],
                condition=Q(status__in=BEING_MADE),
                name="one_unfinished_payroll_batch_per_season",
                violation_error_message=_("A payroll file is already being made for the season."),
            ),
        ]

    def __str__(self) -> str:
        return f"payroll #{self.pk} ({self.status})"


class PayrollLine(models.Model):
    """One young person's period in a batch: the hours paid (a correction's difference, which
    may be negative), the pay for their age on the period's first day, and the holiday pay. The
    line pair of the files (hourly pay, holiday pay) is drawn from it."""

    batch = models.ForeignKey(PayrollBatch, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(
        "summerjobs.Offer", on_delete=models.PROTECT, related_name="payroll_lines"
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    age = models.PositiveSmallIntegerField(_("age"))
    hourly_pay = models.DecimalField(_("hourly pay (SEK)"), max_digits=7, decimal_places=2)
    pay = models.DecimalField(_("pay"), max_digits=10, decimal_places=2)
    holiday_pay_percent = models.DecimalField(_("holiday pay (%)"), max_digits=4, decimal_places=2)
    holiday_pay = models.DecimalField(_("holiday pay"), max_digits=10, decimal_places=2)
    # The difference after a correction made once an earlier batch paid the period.
    correction = models.BooleanField(default=False)
    cost_centre = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "offer"], name="one_payroll_line_per_offer_in_batch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.offer_id} · {self.hours}"


class PayrollDownload(AppendOnlyModel):
    """Who took a payroll file out of Fotfeste, and when: the files hold every young person's
    personnummer. Only ever added, like the audit trail."""

    batch = models.ForeignKey(PayrollBatch, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_format = models.CharField(max_length=10)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.file_format} · {self.at:%Y-%m-%d %H:%M}"
