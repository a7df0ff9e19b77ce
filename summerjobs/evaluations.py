"""Evaluations (docs/summerjobs.md, «Evaluations»): the young person's word on their summer job,
through their offer's link, and the handledare's word on the young person, through the
workplace's link; and the season's summaries for its staff.

Each is one answer per young person's period, given from the period's first day and changed
until the season closes, which is when the workplace's link stops working (a month after the
season's last period: time for the last period's handledare to answer too). A change compares
the version the page was opened with, so an answer given meanwhile in another tab, or by
another handledare of the workplace, is told, not overwritten."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError, StaleEditError
from summerjobs.after_models import SCORE_MAX, SCORE_MIN, question_label
from summerjobs.models import (
    SUPERVISOR_QUESTIONS,
    YOUTH_QUESTIONS,
    Attestation,
    Offer,
    Season,
    SupervisorEvaluation,
    YouthEvaluation,
)
from summerjobs.work import ACCESS_DAYS_AFTER

TEXT_MAX = 1000
STATEMENT_MAX = 600


def season_closes_on(season: Season) -> date | None:
    """The last day evaluations are given or changed: the workplace's link's last day."""
    last = season.periods.aggregate(last=Max("ends_on"))["last"]
    return last + timedelta(days=ACCESS_DAYS_AFTER) if last else None


def evaluation_refusal(offer: Offer, today: date | None = None) -> str | None:
    """Why the young person's period cannot be evaluated today, or None."""
    today = today or timezone.localdate()
    if not offer.settled:
        return _("This young person has not taken the job.")
    if today < offer.place.period.starts_on:
        return _("The evaluation opens on the first day of the period.")
    closes = season_closes_on(offer.place.period.season)
    if closes is not None and today > closes:
        return _("The season is over: the evaluation can no longer be given or changed.")
    return None


@dataclass(frozen=True)
class AfterWork:
    """What the young person's offer page offers once the work has begun."""

    evaluate: bool  # the evaluation can be given or changed today
    evaluated: bool
    attested: bool  # the certificate can be downloaded


def after_work(offer: Offer, today: date | None = None) -> AfterWork:
    if not offer.settled:
        return AfterWork(evaluate=False, evaluated=False, attested=False)
    return AfterWork(
        evaluate=evaluation_refusal(offer, today) is None,
        evaluated=YouthEvaluation.objects.filter(offer=offer).exists(),
        attested=Attestation.objects.filter(offer=offer).exists(),
    )


def _checked_scores(data: dict[str, Any], questions: tuple[str, ...]) -> dict[str, int]:
    scores = {}
    for name in questions:
        value = data.get(name)
        if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            raise ApplicationError(
                _("Choose a number from %(low)d to %(high)d.")
                % {"low": SCORE_MIN, "high": SCORE_MAX},
                field=name,
            )
        scores[name] = value
    return scores


def _checked_text(value: str, limit: int, field_name: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ApplicationError(_("At most %(n)d characters.") % {"n": limit}, field=field_name)
    return text


def _save(
    model: type[Model],
    offer: Offer,
    values: dict[str, Any],
    expected_version: int,
    today: date | None,
) -> Any:
    """Make or change the offer's evaluation of ``model``, if the page saw the version saved
    now (0: none yet)."""
    refusal = evaluation_refusal(offer, today)
    if refusal:
        raise ApplicationError(refusal, code="closed")
    now = timezone.now()
    with transaction.atomic():
        # One answer at a time per young person: two first answers never race into two rows.
        Offer.objects.select_for_update().get(pk=offer.pk)
        current: Any = model._default_manager.filter(offer=offer).first()
        seen = current.version if current else 0
        if seen != expected_version:
            raise StaleEditError(
                _(
                    "Somebody saved this evaluation after you opened it. What is saved now is "
                    "shown; look at it and save again."
                ),
                changed={},
                current_version=seen,
            )
        if current is None:
            return model._default_manager.create(
                offer=offer, created_at=now, updated_at=now, **values
            )
        for name, value in values.items():
            setattr(current, name, value)
        current.updated_at = now
        current.version = seen + 1
        current.save()
        return current


def youth_evaluation_save(
    *, offer: Offer, data: dict[str, Any], expected_version: int, today: date | None = None
) -> YouthEvaluation:
    """The young person's answer through their offer's link: the four statements from 1 to 5
    and an optional text."""
    values: dict[str, Any] = _checked_scores(data, YOUTH_QUESTIONS)
    values["text"] = _checked_text(data.get("text", ""), TEXT_MAX, "text")
    saved: YouthEvaluation = _save(YouthEvaluation, offer, values, expected_version, today)
    return saved


def supervisor_evaluation_save(
    *,
    offer: Offer,
    data: dict[str, Any],
    by_name: str,
    expected_version: int,
    today: date | None = None,
) -> SupervisorEvaluation:
    """The handledare's answer through the workplace's link: the three qualities from 1 to 5,
    a short statement, and whether the statement may be printed on the certificate."""
    values: dict[str, Any] = _checked_scores(data, SUPERVISOR_QUESTIONS)
    values["statement"] = _checked_text(data.get("statement", ""), STATEMENT_MAX, "statement")
    values["printable"] = bool(data.get("printable")) and bool(values["statement"])
    if len(by_name.strip()) < 2:
        raise ApplicationError(_("Give your name: it goes with the evaluation."), field="name")
    values["by_name"] = by_name.strip()[:150]
    saved: SupervisorEvaluation = _save(
        SupervisorEvaluation, offer, values, expected_version, today
    )
    return saved


# --- The season's summaries -------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSummary:
    label: str
    answered: int
    average: float | None


@dataclass
class EvaluationSummary:
    """A season's evaluations: how many young people worked, how many of them and of their
    handledare answered, and each question's average."""

    worked: int
    youth_count: int
    supervisor_count: int
    youth: list[QuestionSummary]
    supervisor: list[QuestionSummary]
    youth_texts: list[YouthEvaluation] = field(default_factory=list)
    statements: list[SupervisorEvaluation] = field(default_factory=list)


def _questions(
    model: type[Model], rows: Any, questions: tuple[str, ...]
) -> tuple[int, list[QuestionSummary]]:
    """How many answers there are, and each question's: in one query."""
    figures = rows.aggregate(
        answers=Count("pk"),
        **{f"{name}_avg": Avg(name) for name in questions},
        **{f"{name}_n": Count(name) for name in questions},
    )
    return figures["answers"], [
        QuestionSummary(
            label=question_label(model, name),
            answered=figures[f"{name}_n"],
            average=figures[f"{name}_avg"],
        )
        for name in questions
    ]


def evaluation_summary(*, season: Season, with_texts: bool) -> EvaluationSummary:
    """The season's figures; with the young people's own texts only for ``with_texts`` (its
    coordinators). The handledare's statements come with the young person's name. Five
    queries (four without the texts), whatever the number of answers."""
    offers = Offer.objects.filter(place__period__season=season, attestation__isnull=False)
    youth = YouthEvaluation.objects.filter(offer__place__period__season=season)
    supervisors = SupervisorEvaluation.objects.filter(offer__place__period__season=season)
    youth_count, youth_questions = _questions(YouthEvaluation, youth, YOUTH_QUESTIONS)
    supervisor_count, supervisor_questions = _questions(
        SupervisorEvaluation, supervisors, SUPERVISOR_QUESTIONS
    )
    summary = EvaluationSummary(
        worked=offers.count(),
        youth_count=youth_count,
        supervisor_count=supervisor_count,
        youth=youth_questions,
        supervisor=supervisor_questions,
    )
    people = ("offer__allocation__application", "offer__place__workplace", "offer__place__period")
    order = ("offer__place__period__number", "offer__allocation__application__last_name", "pk")
    if with_texts:
        summary.youth_texts = list(youth.exclude(text="").select_related(*people).order_by(*order))
    summary.statements = list(
        supervisors.exclude(statement="").select_related(*people).order_by(*order)
    )
    return summary
