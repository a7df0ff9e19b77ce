import copy
from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from imports.models import ImportKind
from participants.forms import PersonForm
from participants.vocabularies import ReferralSource
from placements.forms import PlacementForm
from placements.models import PlacementType
from programs.forms import AmountField, parse_day
from programs.models import Financing, Programme

ISO_DATE = ["%Y-%m-%d"]


class UploadForm(forms.Form):
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None
    )
    # A grant's costs are imported from the grant's page (CostUploadForm).
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[c for c in ImportKind.choices if c[0] != ImportKind.COSTS],
    )
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # the service says why an empty file is refused
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()
        self.fields["programme"].queryset = programmes
        if programmes.count() == 1:
            self.fields["programme"].initial = programmes.first()


def _file_help() -> str:
    return _("CSV (UTF-8, comma or semicolon separated) or Excel (.xlsx), at most %(mb)d MB.") % {
        "mb": settings.FOTFESTE_UPLOAD_MAX_BYTES // (1024 * 1024)
    }


class CostUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()


class ConfirmForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("I have read the warnings: import these rows anyway"), required=False
    )


# --- one row of a file, checked as the pages check a person or a placement -------------------

_YES = {"yes", "ja", "true", "1", "x"}
_NO = {"", "no", "nei", "nej", "false", "0"}


class YesNoField(forms.Field):
    """A spreadsheet's yes or no: a forms.BooleanField would read «nei» as yes."""

    def to_python(self, value) -> bool:
        text = str(value or "").strip().casefold()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValidationError(_("Write yes or no."), code="invalid")


def _strict(form: forms.BaseForm) -> None:
    """Dates only as YYYY-MM-DD, and choice errors that do not repeat the cell (a misplaced
    name or number would otherwise be kept in the list of problems)."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.input_formats = ISO_DATE
        if isinstance(field, forms.ChoiceField):
            field.error_messages["invalid_choice"] = _(
                "Use one of the codes listed for this column."
            )


class ParticipantRowForm(PersonForm):
    """The intake page's person form, with the enrollment's cohort and caseworker by name and
    e-mail address."""

    protected_address = YesNoField(required=False)
    social_assistance = YesNoField(required=False)
    cohort = forms.CharField(required=False, max_length=100)
    caseworker = forms.EmailField(required=False)
    referral_source = forms.ChoiceField(
        required=False, choices=[("", "–"), *ReferralSource.choices]
    )

    def __init__(self, *args, country: str, **kwargs):
        super().__init__(*args, country=country, **kwargs)
        _strict(self)


_PLACEMENT = PlacementForm.base_fields


class DecimalCommaField(forms.DecimalField):
    """A decimal written with a point or, as Norwegian and Swedish spreadsheets do, a comma."""

    def to_python(self, value):
        return super().to_python(value.replace(",", ".") if isinstance(value, str) else value)

    @classmethod
    def like(cls, field: forms.DecimalField) -> "DecimalCommaField":
        """The same limits as ``field``; empty allowed (the model's default)."""
        return cls(
            label=field.label,
            min_value=field.min_value,
            max_value=field.max_value,
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            required=False,
        )


class PlacementRowForm(forms.Form):
    """The placement page's fields, with the person found by national ID, the worksite by
    name and the work supervisor by e-mail address."""

    national_id = forms.CharField(max_length=20)
    worksite = forms.CharField(max_length=150)
    supervisor = forms.EmailField(required=False)
    type = copy.deepcopy(_PLACEMENT["type"])
    field = copy.deepcopy(_PLACEMENT["field"])
    starts_on = copy.deepcopy(_PLACEMENT["starts_on"])
    ends_on = copy.deepcopy(_PLACEMENT["ends_on"])
    schedule_days = forms.CharField(required=False, max_length=7)
    hours_per_day = DecimalCommaField.like(cast(forms.DecimalField, _PLACEMENT["hours_per_day"]))
    percentage = copy.deepcopy(_PLACEMENT["percentage"])
    nav_agreement = copy.deepcopy(_PLACEMENT["nav_agreement"])

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = PlacementType.for_country(country)
        # Empty means what the placement page offers first.
        self.fields["percentage"].required = False
        _strict(self)

    def clean_schedule_days(self) -> str:
        """ISO weekday numbers, Monday = 1, as the model's 0-based days."""
        raw = "".join(self.cleaned_data["schedule_days"].split())
        if not raw:
            return "01234"
        if any(d not in "1234567" for d in raw):
            raise ValidationError(_("Use the numbers 1 (Monday) to 7 (Sunday)."))
        return "".join(sorted({str(int(d) - 1) for d in raw}))

    def placement_values(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("national_id", "worksite", "supervisor"):
            data.pop(name)
        if data["percentage"] is None:
            data["percentage"] = 100
        return data


class RowForms:
    """One form after another for the rows of a file. Making a form deep-copies its fields,
    which is two thirds of the cost of checking a row: the rows of a file share the prepared
    fields of one form instead (cleaning a row reads its fields and never changes them), and
    each row gets its own data, errors and model instance."""

    def __init__(self, form_class: type[forms.BaseForm], **kwargs):
        self._prototype = form_class(**kwargs)

    def bind(self, data: dict) -> forms.BaseForm:
        form = copy.copy(self._prototype)
        form.data, form.files, form.is_bound = data, MultiValueDict(), True
        # BaseForm's own caches (not in its stub), emptied so that the copy cleans afresh.
        form._errors, form._bound_fields_cache = None, {}  # type: ignore[attr-defined]
        if isinstance(form, forms.BaseModelForm):
            form.instance = form._meta.model()
        return form


# --- a line of the municipality's accounts -----------------------------------------------------


class DayField(forms.CharField):
    """A date as the accounts write it: 31.12.2026 or 2026-12-31."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_day(text)
        except ValueError:
            raise ValidationError(
                _("Write the date as 31.12.2026 or 2026-12-31."), code="invalid"
            ) from None


_FINANCING = {
    "": Financing.GRANT,
    "grant": Financing.GRANT,
    "tilskudd": Financing.GRANT,
    "tilskott": Financing.GRANT,
    "bidrag": Financing.GRANT,
    "own": Financing.OWN,
    "egenandel": Financing.OWN,
    "egeninnsats": Financing.OWN,
    "egeninsats": Financing.OWN,
    "egen insats": Financing.OWN,
    "medfinansiering": Financing.OWN,
}


class FinancingField(forms.CharField):
    def to_python(self, value):
        text = " ".join(str(value or "").split()).casefold()
        if text not in _FINANCING:
            raise ValidationError(
                _("Write grant or own (own contribution); empty means grant."), code="invalid"
            )
        return _FINANCING[text]


class CostRowForm(forms.Form):
    date = DayField(error_messages={"required": _("Give the date.")})
    account = forms.CharField(max_length=50, error_messages={"required": _("Give the account.")})
    amount = AmountField(error_messages={"required": _("Give the amount.")})
    text = forms.CharField(max_length=250, required=False)
    financing = FinancingField(required=False)
    budget_line = forms.CharField(max_length=150, required=False)
