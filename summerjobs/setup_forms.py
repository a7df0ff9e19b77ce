"""The season's set-up forms. They take what was typed; the rules are the services'
(summerjobs/setup.py and setup_places.py), whose refusals come back on the fields they name.
Labels are the models' own, so a field reads the same in the admin, the history and here."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from config.dates import EARLIEST_DATE, LATEST_DATE, OUT_OF_RANGE, BoundedDateField, within_range
from programs.models import Programme
from summerjobs.forms import period_label
from summerjobs.models import (
    PayRate,
    Period,
    Place,
    PriorityTier,
    Season,
    SeasonKind,
    WorkArea,
    Workplace,
    WorkplaceKind,
)
from summerjobs.setup import (
    MAX_ANSWER_DAYS,
    MAX_HOLIDAY_PERCENT,
    MAX_HOURS,
    MAX_PAY,
    MAX_PERIOD_NUMBER,
    OLDEST,
    YOUNGEST,
    PayRateData,
    PeriodData,
    SeasonData,
)
from summerjobs.setup_places import MAX_SLOTS, PlaceData, WorkplaceData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CENT = Decimal("0.01")


def label(model: type[Model], name: str) -> Any:
    """The model field's own name for it, with a capital (translated when shown)."""
    return capfirst(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the municipality's time zone, whatever the server's;
    only years a record can hold."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    zone: ZoneInfo | None = None

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(self.zone):
            return super().prepare_value(value)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(self.zone):
            return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, datetime) and not within_range(value.date()):
            raise ValidationError(
                OUT_OF_RANGE,
                code="out_of_range",
                params={"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
            )


def _hours(model: type[Model], name: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label(model, name),
        required=required,
        min_value=CENT,
        max_value=MAX_HOURS,
        max_digits=5,
        decimal_places=2,
        help_text=model._meta.get_field(name).help_text,  # type: ignore[union-attr]
    )


def _choices(field: forms.Field, choices: Sequence[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


class SeenForm(forms.Form):
    """What a row's page was opened with (``setup.row_seen``): an edit of a row that changed
    since then is told, not saved."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


def _model_text(name: str, *, required: bool = False) -> forms.CharField:
    """A text field of the season's, with the model's label, length and help."""
    field = cast(models.CharField, Season._meta.get_field(name))
    return forms.CharField(
        label=field.verbose_name,
        max_length=field.max_length,
        required=required,
        help_text=field.help_text,
    )


class SeasonForm(forms.Form):
    name = forms.CharField(label=label(Season, "name"), max_length=150)
    kind = forms.ChoiceField(label=label(Season, "kind"), choices=SeasonKind.choices)
    applications_open_at = ZonedDateTimeField(label=label(Season, "applications_open_at"))
    applications_close_at = ZonedDateTimeField(
        label=label(Season, "applications_close_at"),
        help_text=_("Applications can be sent until this moment."),
    )
    born_from_year = forms.IntegerField(
        label=label(Season, "born_from_year"),
        min_value=EARLIEST_DATE.year,
        max_value=LATEST_DATE.year,
    )
    born_to_year = forms.IntegerField(
        label=label(Season, "born_to_year"),
        min_value=EARLIEST_DATE.year,
        max_value=LATEST_DATE.year,
    )
    hours_per_period = _hours(Season, "hours_per_period")
    answer_days = forms.IntegerField(
        label=label(Season, "answer_days"), min_value=1, max_value=MAX_ANSWER_DAYS
    )
    gender_balance = forms.BooleanField(label=label(Season, "gender_balance"), required=False)
    postcodes = forms.CharField(
        label=label(Season, "postcodes"),
        required=False,
        max_length=4000,
        help_text=_(
            "For young people registered (folkbokförda) in the municipality: whole postcodes "
            "(123 45) or their first three digits (123), separated by commas. Empty: every "
            "postcode is taken, on the young person's word that they are registered here."
        ),
        widget=forms.Textarea({"rows": 2}),
    )
    school_years = forms.CharField(
        label=label(Season, "school_years"),
        required=False,
        max_length=100,
        help_text=_(
            "For feriepraktik: the school years it is for, separated by commas (such as 8). "
            "Empty: any school year."
        ),
    )
    payroll_hourly_code = _model_text("payroll_hourly_code", required=True)
    payroll_holiday_code = _model_text("payroll_holiday_code", required=True)
    payroll_employer_id = _model_text("payroll_employer_id")
    certificate_signed_by = _model_text("certificate_signed_by")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("applications_open_at", "applications_close_at"):
            cast(ZonedDateTimeField, self.fields[name]).zone = zone
        self.fields["applications_open_at"].help_text = _("In the time zone %(zone)s.") % {
            "zone": zone.key
        }

    def season_data(self) -> SeasonData:
        data = self.cleaned_data
        return SeasonData(**{name: data[name] for name in SeasonData.__dataclass_fields__})


def season_initial(season: Season) -> dict[str, Any]:
    return {
        **{name: getattr(season, name) for name in SeasonData.__dataclass_fields__},
        "version": season.version,
    }


class SeasonCreateForm(SeasonForm):
    programme = forms.TypedChoiceField(label=label(Season, "programme"), coerce=int)

    field_order = ["programme"]

    def __init__(self, *args: Any, programmes: Sequence[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        self.programmes = {programme.pk: programme for programme in programmes}
        _choices(self.fields["programme"], [(p.pk, p.name) for p in programmes])

    def chosen_programme(self) -> Programme:
        return self.programmes[self.cleaned_data["programme"]]


class PeriodForm(SeenForm):
    number = forms.IntegerField(
        label=label(Period, "number"), min_value=1, max_value=MAX_PERIOD_NUMBER
    )
    starts_on = BoundedDateField(label=label(Period, "starts_on"), widget=DATE)
    ends_on = BoundedDateField(label=label(Period, "ends_on"), widget=DATE)
    hours_cap = _hours(Period, "hours_cap", required=False)

    def period_data(self) -> PeriodData:
        data = self.cleaned_data
        return PeriodData(
            number=data["number"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            hours_cap=data["hours_cap"],
        )


class PayRateForm(SeenForm):
    age_from = forms.IntegerField(
        label=label(PayRate, "age_from"), min_value=YOUNGEST, max_value=OLDEST
    )
    age_to = forms.IntegerField(
        label=label(PayRate, "age_to"), min_value=YOUNGEST, max_value=OLDEST
    )
    hourly_pay = forms.DecimalField(
        label=label(PayRate, "hourly_pay"),
        min_value=CENT,
        max_value=MAX_PAY,
        max_digits=7,
        decimal_places=2,
    )
    holiday_pay_percent = forms.DecimalField(
        label=label(PayRate, "holiday_pay_percent"),
        min_value=0,
        max_value=MAX_HOLIDAY_PERCENT,
        max_digits=4,
        decimal_places=2,
        initial=12,
        help_text=_("Paid on top of the hourly pay, and shown apart from it: at least 12 %."),
    )

    def pay_rate_data(self) -> PayRateData:
        data = self.cleaned_data
        return PayRateData(**{name: data[name] for name in PayRateData.__dataclass_fields__})


class AreaForm(SeenForm):
    name = forms.CharField(label=label(WorkArea, "name"), max_length=100)


class PriorityTierForm(SeenForm):
    name = forms.CharField(label=label(PriorityTier, "name"), max_length=150)
    sensitive = forms.BooleanField(
        label=label(PriorityTier, "sensitive"),
        required=False,
        help_text=_(
            "A ground such as a household known to social services or a disability: set on an "
            "application by the programme's staff only, and never shown to a workplace."
        ),
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class WorkplaceForm(SeenForm):
    name = forms.CharField(label=label(Workplace, "name"), max_length=150)
    kind = forms.ChoiceField(label=label(Workplace, "kind"), choices=WorkplaceKind.choices)
    address = forms.CharField(label=label(Workplace, "address"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=label(Workplace, "contact_email"),
        required=False,
        max_length=254,
        help_text=_("Where a declined or lapsed offer and the workplace's own link are sent."),
    )

    def workplace_data(self) -> WorkplaceData:
        data = self.cleaned_data
        return WorkplaceData(
            name=data["name"],
            kind=data["kind"],
            address=data["address"],
            contact_email=data["contact_email"],
        )


class PlaceForm(SeenForm):
    """A workplace's places in one of the season's periods and work areas: the choices are the
    municipality's workplaces and the season's periods and areas, so that any other id is an
    error on its field."""

    workplace = forms.TypedChoiceField(label=_("Workplace"), coerce=int)
    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    area = forms.TypedChoiceField(label=_("Work area"), coerce=int)
    slots = forms.IntegerField(
        label=_("Positions"),
        min_value=1,
        max_value=MAX_SLOTS,
        help_text=_("How many young people the workplace takes in this period and area."),
    )
    min_age = forms.IntegerField(
        label=label(Place, "min_age"),
        min_value=YOUNGEST,
        max_value=OLDEST,
        initial=16,
        help_text=_("On the period's first day."),
    )
    record_extract_required = forms.BooleanField(
        label=label(Place, "record_extract_required"),
        required=False,
        help_text=_("Work with children: an extract from belastningsregistret is shown."),
    )
    tasks = forms.CharField(
        label=label(Place, "tasks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 3, "maxlength": 2000}),
    )
    supervisor_name = forms.CharField(
        label=label(Place, "supervisor_name"), required=False, max_length=150
    )
    supervisor_phone = forms.CharField(
        label=label(Place, "supervisor_phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput({"type": "tel", "maxlength": 30}),
    )

    def __init__(
        self,
        *args: Any,
        workplaces: Sequence[Workplace],
        periods: Sequence[Period],
        areas: Sequence[WorkArea],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["workplace"], [(w.pk, w.name) for w in workplaces])
        _choices(self.fields["period"], [(p.pk, period_label(p)) for p in periods])
        _choices(self.fields["area"], [(a.pk, a.name) for a in areas])

    def place_data(self) -> PlaceData:
        data = self.cleaned_data
        return PlaceData(
            workplace_id=data["workplace"],
            period_id=data["period"],
            area_id=data["area"],
            **{name: data[name] for name in PLACE_VALUES},
        )


PLACE_VALUES: tuple[str, ...] = ("slots", "min_age", "record_extract_required", "tasks")
PLACE_VALUES += ("supervisor_name", "supervisor_phone")


def place_initial(place: Place) -> dict[str, Any]:
    return {
        "workplace": place.workplace_id,
        "period": place.period_id,
        "area": place.area_id,
        **{name: getattr(place, name) for name in PLACE_VALUES},
    }
