import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ProgrammeRole, User
from config.dates import BoundedDateField
from programs.models import (
    MAX_POSITION_SHARE,
    MAX_RETENTION_MONTHS,
    MIN_RETENTION_MONTHS,
    BudgetLine,
    BudgetLineKind,
    Financing,
    Grant,
    Programme,
    ProgrammeKind,
    TargetMetric,
)


def _date(label, required=False):
    return BoundedDateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    starts_on = _date(_("Starts on"))
    ends_on = _date(_("Ends on"))
    target_participants = forms.IntegerField(
        label=_("Target participants"), min_value=0, max_value=100000, required=False
    )
    retention_months = forms.IntegerField(
        label=_("Keep records after exit (months)"),
        min_value=MIN_RETENTION_MONTHS,
        max_value=MAX_RETENTION_MONTHS,
        required=False,
        help_text=_(
            "After a person's last exit, their record is kept this long and then anonymised: "
            "names, national ID, contact details, free text and documents are removed, the "
            "figures are kept. At least 12 months, for the follow-up a year after exit."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = ProgrammeKind.for_country(country)


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Cohort"), max_length=100)
    starts_on = _date(_("Starts on"))
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=0, max_value=100000, required=False
    )


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=ProgrammeRole.choices)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = ProgrammeRole.for_country(
            municipality.country
        )
        self.fields["user"].queryset = User.objects.filter(
            municipality=municipality, is_active=True
        )


class GrantForm(forms.Form):
    funder = forms.CharField(label=_("Funder"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=150)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12, decimal_places=2)
    starts_on = _date(_("Starts on"), required=True)
    ends_on = _date(_("Ends on"), required=True)
    own_contribution_percent = forms.DecimalField(
        label=_("Required own contribution (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=0,
        error_messages={"min_value": _("The own contribution cannot be negative.")},
    )
    funded_position_share = forms.DecimalField(
        label=_("Funded position (FTE)"),
        min_value=0,
        max_value=MAX_POSITION_SHARE,
        decimal_places=2,
        initial=0,
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = programmes


class GrantEditForm(GrantForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class DeadlineForm(forms.Form):
    label = forms.CharField(label=_("Report"), max_length=150)
    due_on = _date(_("Due on"), required=True)


def grant_initial(grant: Grant) -> dict:
    fields = (
        "funder",
        "name",
        "amount",
        "starts_on",
        "ends_on",
        "own_contribution_percent",
        "funded_position_share",
        "version",
    )
    return {**{f: getattr(grant, f) for f in fields}, "programmes": list(grant.programmes.all())}


# --- the grant's money -------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_AMOUNT = re.compile(r"[+-]?\d+(\.\d+)?")


def parse_amount(text: str) -> Decimal:
    """An amount as people and accounting systems in Norway and Sweden write it: «1 234,50»,
    «1.234,50», «1234.50», «-200», «200-» (a trailing minus) or with a typographic minus.
    Raises ValueError for anything else."""
    raw = _SPACES.sub("", str(text)).replace("\u2212", "-")
    if raw.endswith("-") and not raw.startswith(("-", "+")):
        raw = "-" + raw[:-1]
    if "," in raw and "." in raw:
        # The last of the two marks the decimals; the other groups the thousands.
        decimal, group = (",", ".") if raw.rfind(",") > raw.rfind(".") else (".", ",")
        raw = raw.replace(group, "").replace(decimal, ".")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    # Twelve digits before the decimals at most: beyond that Decimal's rounding itself fails.
    if not _AMOUNT.fullmatch(raw) or len(raw.split(".")[0].lstrip("+-")) > 12:
        raise ValueError(text)
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(text) from None


class AmountField(forms.CharField):
    """An amount with a decimal comma or point and spaces between the thousands."""

    default_error_messages = {
        "invalid": _("Write the amount as a number, e.g. 1 234,50."),
        "places": _("An amount has at most two decimals."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": "30"})

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            amount = parse_amount(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(self.error_messages["places"], code="places")
        return amount


def parse_day(text: str) -> date:
    """A date as dd.mm.yyyy (as Norwegian accounts write it) or yyyy-mm-dd; ValueError
    otherwise."""
    text = str(text).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class BudgetLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetLineKind.choices)
    label = forms.CharField(label=_("Budget line"), max_length=150)
    amount = AmountField(label=_("Budget"))


class CostForm(forms.Form):
    spent_on = _date(_("Date"), required=True)
    account = forms.CharField(label=_("Account"), max_length=50)
    amount = AmountField(
        label=_("Amount"), help_text=_("A credit note is a negative amount, e.g. -1 200.")
    )
    text = forms.CharField(label=_("Text"), max_length=250, required=False)
    financing = forms.ChoiceField(label=_("Financing"), choices=Financing.choices)
    budget_line = forms.ModelChoiceField(
        label=_("Budget line"), queryset=BudgetLine.objects.none(), required=False
    )

    def __init__(self, *args, grant: Grant, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["budget_line"]).queryset = grant.budget_lines.all()


class PaymentForm(forms.Form):
    received_on = _date(_("Received on"), required=True)
    amount = AmountField(label=_("Amount"))
    reference = forms.CharField(label=_("Reference"), max_length=150, required=False)


class MonthField(BoundedDateField):
    """A month, from the browser's month picker (2026-03) or as a date."""

    input_formats = ["%Y-%m", "%Y-%m-%d", "%d.%m.%Y", "%m.%Y"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class PositionMonthForm(forms.Form):
    month = MonthField(label=_("Month"))
    share = forms.DecimalField(
        label=_("FTE used"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        localize=True,
        help_text=_("0.5 for half a position; 0 clears the month."),
    )


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("Target"), choices=TargetMetric.choices)
    value = forms.IntegerField(label=_("Number"), min_value=0, max_value=100000)


class ProgrammeTargetForm(TargetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A programme's «people reached» is its target participants.
        self.fields["metric"].choices = [
            c for c in TargetMetric.choices if c[0] != TargetMetric.REACHED
        ]


class SubmittedForm(forms.Form):
    submitted_on = _date(_("Submitted on"), required=True)
    submitted_to = forms.CharField(label=_("Submitted to"), max_length=150, required=False)
