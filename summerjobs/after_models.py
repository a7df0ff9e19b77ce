"""The summer jobs' rows after the work (summerjobs/evaluations.py, summerjobs/certificates.py):
the young person's and the handledare's evaluations of a young person's period, the files of a
season's work certificates made in one go, and a season's figures frozen before the
applications of those not placed are deleted. Registered through summerjobs/models.py."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.generated import UNFINISHED, GeneratedFileWithProgress

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCORE_MIN, SCORE_MAX = 1, 5
SCORE_VALIDATORS = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
BEING_MADE = [str(status) for status in UNFINISHED]


def score_field(label: "StrOrPromise") -> "models.PositiveSmallIntegerField[int, int]":
    return models.PositiveSmallIntegerField(label, validators=SCORE_VALIDATORS)


def score_checks(prefix: str, fields: tuple[str, ...]) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__gte": SCORE_MIN}) & Q(**{f"{name}__lte": SCORE_MAX}),
            name=f"{prefix}_{name}_from_1_to_5",
            violation_error_message=_("Choose a number from 1 to 5."),
        )
        for name in fields
    ]


# The young person's questions, in the order the page and the summaries show them.
YOUTH_QUESTIONS = ("learned", "welcomed", "field_interest", "supported")
# The handledare's.
SUPERVISOR_QUESTIONS = ("punctuality", "cooperation", "initiative")


def question_label(model: type[models.Model], name: str) -> str:
    """A question's words, in the active language."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


class Evaluation(models.Model):
    """When an answer was first given and last changed, and its version for stale edits."""

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class YouthEvaluation(Evaluation):
    """The young person's word on their summer job, through their offer's link once their
    period has begun: four statements from 1 (do not agree) to 5 (agree fully) and a text.
    One per offer, changed until the season closes."""

    offer = models.OneToOneField(
        "summerjobs.Offer", on_delete=models.CASCADE, related_name="youth_evaluation"
    )
    learned = score_field(_("I learned something new"))
    welcomed = score_field(_("I was treated well"))
    field_interest = score_field(_("I could see myself working in this field"))
    supported = score_field(_("I got help when I needed it"))
    text = models.TextField(_("anything else you want to say"), blank=True, default="")

    class Meta:
        verbose_name = _("young person's evaluation")
        verbose_name_plural = _("young people's evaluations")
        constraints = score_checks("youth_evaluation", YOUTH_QUESTIONS)

    def __str__(self) -> str:
        return f"{self.offer_id}"


class SupervisorEvaluation(Evaluation):
    """The handledare's word on a young person, through the workplace's link once the period
    has begun: three qualities from 1 to 5, a short statement, and whether the statement may
    be printed on the young person's work certificate. One per offer, changed until the season
    closes."""

    offer = models.OneToOneField(
        "summerjobs.Offer", on_delete=models.CASCADE, related_name="supervisor_evaluation"
    )
    punctuality = score_field(_("Punctuality"))
    cooperation = score_field(_("Cooperation"))
    initiative = score_field(_("Initiative"))
    statement = models.CharField(_("short statement"), max_length=600, blank=True, default="")
    printable = models.BooleanField(_("may be printed on the certificate"), default=False)
    by_name = models.CharField(_("your name"), max_length=150)

    class Meta:
        verbose_name = _("handledare's evaluation")
        verbose_name_plural = _("handledare's evaluations")
        constraints = score_checks("supervisor_evaluation", SUPERVISOR_QUESTIONS)

    def __str__(self) -> str:
        return f"{self.offer_id}"


class CertificateBatch(GeneratedFileWithProgress):
    """The work certificates of every young person of a season with attested hours, made by a
    worker into one ZIP of PDFs with an index. The file is named by the batch's number only."""

    season = models.ForeignKey(
        "summerjobs.Season", on_delete=models.PROTECT, related_name="certificate_batches"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    zip_file = models.FileField(max_length=200, blank=True)
    people = models.PositiveIntegerField(_("young people"), default=0)

    class Meta:
        verbose_name = _("certificate file")
        verbose_name_plural = _("certificate files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["season"],
                condition=Q(status__in=BEING_MADE),
                name="one_unfinished_certificate_batch_per_season",
                violation_error_message=_("The certificates are already being made."),
            ),
        ]

    def __str__(self) -> str:
        return f"certificates #{self.pk} ({self.status})"


class FrozenFigures(models.Model):
    """A season's figures as they stood just before the applications of those not placed were
    deleted (summerjobs/figures_frozen.py): from then on the figures page and files read these,
    not the rows that are left. Counts only, no one's data; one per season, never changed."""

    season = models.OneToOneField(
        "summerjobs.Season", on_delete=models.CASCADE, related_name="frozen_figures"
    )
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)
    # The season's counts and each breakdown's rows (figures_frozen.FORMAT).
    counts = models.JSONField()

    class Meta:
        verbose_name = _("frozen season figures")
        verbose_name_plural = _("frozen season figures")

    def __str__(self) -> str:
        return f"figures of season {self.season_id}"
