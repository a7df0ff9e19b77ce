"""The application e-service's forms: the application, the code from the e-mail, and the
change of an application through its private link. The season's rules are the services'
(summerjobs/services.py); these forms only take what was typed."""

from collections.abc import Iterator, Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from participants import national_id as nid
from summerjobs.lottery import MAX_SEED
from summerjobs.models import (
    Absence,
    Gender,
    Offer,
    OfferStatus,
    Period,
    Place,
    PreStartItem,
    PriorityTier,
    StaffAnswerKind,
    TaxBasis,
    WorkArea,
)
from summerjobs.prestart import TICKED
from summerjobs.services import CHANGEABLE, MAX_CHOICES, ApplicationChange, ApplicationInput

# ApplicationError.field → the form field that shows it.
ERROR_FIELDS = {"areas": "choice_1"}
_TEXT = {"maxlength": 150}


def _text(label, *, required: bool = False, autocomplete: str = "", **attrs) -> forms.CharField:
    widget_attrs = {**_TEXT, **attrs}
    if autocomplete:
        widget_attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label, required=required, max_length=150, widget=forms.TextInput(widget_attrs)
    )


def period_label(period: Period) -> str:
    return _("Period %(number)d: %(start)s – %(end)s") % {
        "number": period.number,
        "start": date_format(period.starts_on, "j F"),
        "end": date_format(period.ends_on, "j F"),
    }


class Normalized(BaseChoiceIterator):
    """Choices already in Django's normal form (value, label). A field normalises a list of
    choices each time it is given one, which the ten wishes × every work area made the form's
    costliest part at the deadline (make bench-summer); an iterator it leaves as it is."""

    def __init__(self, choices: list[tuple[Any, Any]]) -> None:
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


class ApplicantForm(forms.Form):
    """What the application and its change have in common: contact, school, wishes, periods
    and the short text."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send a code to it now, and later any offer. Check your spam folder."),
        widget=forms.EmailInput({"autocomplete": "email"}),
    )
    phone = _text(_("Your mobile number"), autocomplete="tel", type="tel", inputmode="tel")
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=6,
        help_text=_("Where you are registered (folkbokförd), such as 123 45."),
        widget=forms.TextInput(
            {"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 6}
        ),
    )
    guardian_name = _text(_("Guardian's name"), autocomplete="off")
    guardian_email = forms.EmailField(
        label=_("Guardian's e-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput({"autocomplete": "off"}),
    )
    guardian_phone = _text(_("Guardian's mobile number"), autocomplete="off", type="tel")
    school = _text(_("School"), autocomplete="off")
    school_year = forms.CharField(
        label=_("School year"),
        max_length=20,
        required=False,
        help_text=_("For example year 9 or upper secondary year 1."),
        widget=forms.TextInput({"maxlength": 20}),
    )
    motivation = forms.CharField(
        label=_("Why do you want a summer job?"),
        max_length=1000,
        required=False,
        help_text=_("A few sentences. At most 1,000 characters."),
        widget=forms.Textarea({"rows": 4, "maxlength": 1000}),
    )
    periods = forms.TypedMultipleChoiceField(
        label=_("When can you work?"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every period you can work. You get at most one."),
    )

    def __init__(
        self,
        *args,
        areas: Sequence[WorkArea],
        periods: Sequence[Period],
        school_years: Sequence[str] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        if school_years:  # a season for a school year: one of its years, chosen
            self.fields["school_year"] = forms.ChoiceField(
                label=_("School year"),
                choices=[("", _("Choose your school year")), *((y, y) for y in school_years)],
            )
        period_field = cast(forms.ChoiceField, self.fields["periods"])
        period_field.choices = [(p.pk, period_label(p)) for p in periods]
        area_choices = Normalized([(area.pk, area.name) for area in areas])
        self.rank_names = []
        for rank in range(1, min(len(area_choices), MAX_CHOICES) + 1):
            name = f"choice_{rank}"
            first = rank == 1
            empty = _("Choose a work area") if first else _("No more wishes")
            self.fields[name] = forms.TypedChoiceField(
                label=_("Wish %(rank)d") % {"rank": rank},
                coerce=int,
                required=first,
                empty_value=None,
                choices=Normalized([("", empty), *area_choices]),
            )
            self.rank_names.append(name)

    def rank_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.rank_names]

    def ranked_area_ids(self) -> list[int]:
        chosen = (self.cleaned_data.get(name) for name in self.rank_names)
        return [area for area in chosen if area is not None]

    def contact_values(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in CHANGEABLE}

    def show_error(self, field: str | None, message: str) -> None:
        """An ApplicationError on the field it names, or above the form."""
        name = ERROR_FIELDS.get(field or "", field)
        self.add_error(name if name in self.fields else None, message)


class ApplyForm(ApplicantForm):
    national_id = forms.CharField(
        max_length=20,
        help_text=_("12 digits: YYYYMMDD-NNNN."),
        widget=forms.TextInput({"autocomplete": "off", "inputmode": "numeric", "maxlength": 20}),
    )
    first_name = _text(_("First name"), required=True, autocomplete="given-name")
    last_name = _text(_("Last name"), required=True, autocomplete="family-name")
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect, required=True
    )
    registered = forms.BooleanField(required=True)
    # The honeypot: hidden from people (CSS, and from screen readers), filled by robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput({"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = ["national_id", "first_name", "last_name", "gender"]

    def __init__(self, *args, municipality: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["national_id"].label = nid.national_id_label(nid.SWEDEN)
        registered = self.fields["registered"]
        registered.label = _("I am registered (folkbokförd) in %(municipality)s") % {
            "municipality": municipality
        }
        registered.error_messages["required"] = _(
            "This season is for young people registered (folkbokförda) in %(municipality)s."
        ) % {"municipality": municipality}

    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def application_input(self) -> ApplicationInput:
        data = self.cleaned_data
        return ApplicationInput(
            national_id=data["national_id"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            gender=data["gender"],
            registered=data["registered"],
            area_ids=self.ranked_area_ids(),
            period_ids=list(data["periods"]),
            **self.contact_values(),
        )


class ChangeForm(ApplicantForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "Any offer goes to this address. A new address is used once you enter the code we "
            "e-mail to it."
        )

    def application_change(self) -> ApplicationChange:
        return ApplicationChange(
            area_ids=self.ranked_area_ids(),
            period_ids=list(self.cleaned_data["periods"]),
            **self.contact_values(),
        )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("The code from the e-mail"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 12}
        ),
    )


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class LotteryForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=MAX_SEED,
        help_text=_(
            "Any whole number. The same seed and the same applications give the same draw."
        ),
    )
    for_real = forms.BooleanField(
        label=_("Run for real: give the places (only once a season)"), required=False
    )


class TierForm(forms.Form):
    """An application's priority tier among the season's ``tiers`` (read once for a page of
    forms, not once a row)."""

    tier = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=_("Priority tier")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, tiers: list[PriorityTier], **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers = {tier.pk: tier for tier in tiers}
        cast(forms.ChoiceField, self.fields["tier"]).choices = [("", _("No tier set"))] + [
            (tier.pk, tier.name) for tier in tiers
        ]

    def chosen_tier(self) -> PriorityTier | None:
        return self.tiers.get(self.cleaned_data["tier"])


class OverrideForm(forms.Form):
    """A change by hand to a young person's outcome: a place with room (or none: back to the
    reserve list), and why."""

    place = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Place"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the change, for anyone who asks later why it was made."),
    )

    def __init__(self, *args, places: list[tuple[Place, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {place.pk: place for place, _free in places}
        cast(forms.ChoiceField, self.fields["place"]).choices = [
            ("", _("No place: back to the end of the reserve list"))
        ] + [
            (
                place.pk,
                f"{place.area.name} · {place.workplace.name} · {place.period.number} ({free})",
            )
            for place, free in places
        ]

    def chosen_place(self) -> Place | None:
        return self.places.get(self.cleaned_data["place"])


class OfferAnswerForm(forms.Form):
    """The young person's answer to an offer, through its link."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.ChoiceField(choices=[("accept", _("Yes")), ("decline", _("No"))])
    reason = forms.CharField(
        label=_("Why not? (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GuardianAnswerForm(forms.Form):
    """A guardian's answer to a minor's accepted offer, through the guardian's link."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.ChoiceField(choices=[("confirm", _("Yes")), ("refuse", _("No"))])


class DayRowForm(forms.Form):
    """One young person's day on the workplace's day page (prefixed by the offer's id)."""

    starts_at = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"), required=False, min_value=0, max_value=600
    )
    absence = forms.ChoiceField(
        label=_("Absent"), required=False, choices=[("", _("No")), *Absence.choices]
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("starts_at") or data.get("ends_at") or data.get("absence"))


class HandledareForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, min_length=2)


class StaffHoursForm(DayRowForm):
    """A day's hours as the summer-job staff record or correct them."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Why (needed once the period is attested)"), max_length=300, required=False
    )


class PreStartTickForm(forms.Form):
    """A tick of an item of the pre-start checklist, or its taking back; where the page goes
    next (``back``: the run's list, the list of those missing something, or the checklist)."""

    item = forms.ChoiceField(
        choices=[(item.value, item.label) for item in PreStartItem if item in TICKED]
    )
    done = forms.TypedChoiceField(
        coerce=lambda value: value == "1", choices=[("1", _("Done")), ("0", _("Not done"))]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    tax_basis = forms.ChoiceField(
        label=_("Tax deduction"),
        required=False,
        choices=[("", _("How is tax deducted?")), *TaxBasis.choices],
    )
    back = forms.ChoiceField(
        required=False, choices=[("list", "list"), ("missing", "missing"), ("checklist", "")]
    )


class NextOfKinForm(forms.Form):
    """The young person's next of kin: both a name and a phone number, or neither."""

    name = _text(_("Next of kin's name"), autocomplete="off")
    phone = forms.CharField(
        label=_("Next of kin's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput({"maxlength": 30, "type": "tel", "autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StaffAnswerForm(forms.Form):
    """An answer to an offer given to staff instead of through the link, with a note; the
    answers offered are those the offer can take now."""

    answer = forms.ChoiceField(label=_("Answer"), choices=(), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        help_text=_("Who you spoke with, and when: kept with the answer."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, offer: Offer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["answer"]).choices = [
            (kind.value, kind.label) for kind in answers_open(offer)
        ]


def answers_open(offer: Offer) -> list[StaffAnswerKind]:
    """What may be answered for an offer now: yes or no while it waits; while a guardian's
    confirmation waits, the guardian's yes or no, or the young person's no."""
    if offer.status == OfferStatus.PENDING:
        return [StaffAnswerKind.ACCEPT, StaffAnswerKind.DECLINE]
    if offer.waiting_for_guardian:
        return [
            StaffAnswerKind.GUARDIAN_CONFIRM,
            StaffAnswerKind.GUARDIAN_REFUSE,
            StaffAnswerKind.DECLINE,
        ]
    if offer.settled and offer.answer_by > timezone.now():
        return [StaffAnswerKind.DECLINE]  # a no after a yes, until the deadline
    return []


class PayrollBatchForm(forms.Form):
    pay_date = forms.DateField(
        label=_("Pay date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the young people are paid."),
    )
