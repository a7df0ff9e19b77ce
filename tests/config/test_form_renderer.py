"""The form renderer draws selects and inputs without templates: the HTML must be Django's own,
character for character, for every kind of widget, value and attribute."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from config.forms import FormRenderer

TRICKY = "a <b> & \"c\" 'd'"


class Everything(forms.Form):
    text = forms.CharField(initial=TRICKY, widget=forms.TextInput(attrs={"maxlength": 5}))
    empty = forms.CharField(required=False)
    number = forms.IntegerField(initial=7, min_value=0)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    day = forms.DateField(
        initial=datetime.date(2026, 12, 5), widget=forms.DateInput(attrs={"type": "date"})
    )
    when = forms.TimeField(widget=forms.TimeInput())
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="x<y")
    hidden = forms.CharField(widget=forms.HiddenInput(), initial=mark_safe("<safe>"))
    tick = forms.BooleanField(initial=True)
    untick = forms.BooleanField(
        required=False, widget=forms.CheckboxInput(attrs={"disabled": True})
    )
    phone = forms.CharField(widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    find = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "hidden": False}))
    choice = forms.ChoiceField(
        initial="b",
        choices=[("", "–"), ("a", TRICKY), ("b", gettext_lazy("Yes")), (3, mark_safe("<i>x</i>"))],
    )
    grouped = forms.ChoiceField(
        choices=[("", "–"), ("One & two", [("1", "one"), ("2", "two")]), ("3", "three")],
        initial="2",
    )
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B"), ("c", "C")], initial=["a", "c"], required=False
    )
    maybe = forms.NullBooleanField(initial=None)
    note = forms.CharField(widget=forms.Textarea, initial=TRICKY)
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    upload = forms.FileField(required=False)


def _rendered(renderer, form_data=None) -> dict[str, str]:
    form = Everything(form_data, renderer=renderer)
    form.is_valid()
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": "<script>",
            "number": "x",
            "choice": "zz",
            "many": ["b"],
            "maybe": "true",
            "grouped": "1",
        },
    ],
)
def test_every_widget_is_drawn_as_django_draws_it(data):
    fast, django = _rendered(FormRenderer(), data), _rendered(DjangoTemplates(), data)
    for name, html in django.items():
        assert fast[name] == html, name


def test_the_fast_path_is_taken_for_selects_and_inputs(monkeypatch):
    """Without templates: a select or an input never reaches the template engine."""

    def refuse(self, template_name, context, request=None):
        raise AssertionError(template_name)

    monkeypatch.setattr(DjangoTemplates, "render", refuse)
    form = Everything(renderer=FormRenderer())
    for name in ("text", "number", "choice", "grouped", "many", "maybe", "tick", "hidden"):
        assert str(form[name])
