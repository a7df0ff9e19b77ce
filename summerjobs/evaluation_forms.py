"""The evaluations' forms (summerjobs/evaluations.py) and the certificates' button: the young
person's through their offer's link, the handledare's through the workplace's link."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from summerjobs.after_models import SCORE_MAX, SCORE_MIN, question_label
from summerjobs.evaluations import STATEMENT_MAX, TEXT_MAX
from summerjobs.models import (
    SUPERVISOR_QUESTIONS,
    YOUTH_QUESTIONS,
    SupervisorEvaluation,
    YouthEvaluation,
)

SCORES = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


def _score(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        error_messages={
            "required": _("Choose a number from 1 to 5."),
            "invalid_choice": _("Choose a number from 1 to 5."),
        },
    )


class EvaluationForm(forms.Form):
    """An evaluation's form: ``version`` is the one the page showed (0: no answer yet)."""

    questions: tuple[str, ...] = ()
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.questions]


class YouthEvaluationForm(EvaluationForm):
    questions = YOUTH_QUESTIONS
    text = forms.CharField(
        label=_("Anything else you want to say about your summer job?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in YOUTH_QUESTIONS:
            self.fields[name] = _score(question_label(YouthEvaluation, name))
        self.order_fields([*YOUTH_QUESTIONS, "text", "version"])


class SupervisorEvaluationForm(EvaluationForm):
    questions = SUPERVISOR_QUESTIONS
    statement = forms.CharField(
        label=_("A short statement about the young person"),
        help_text=_("A few sentences the young person may show a future employer."),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    printable = forms.BooleanField(
        label=_("The statement may be printed on the young person's work certificate"),
        required=False,
    )
    name = forms.CharField(label=_("Your name"), max_length=150)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SUPERVISOR_QUESTIONS:
            self.fields[name] = _score(question_label(SupervisorEvaluation, name))
        self.order_fields([*SUPERVISOR_QUESTIONS, "statement", "printable", "name", "version"])


class CertificateBatchForm(forms.Form):
    """«Make every certificate»: nothing to fill in."""
