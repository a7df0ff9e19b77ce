from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ProgrammeRole, User
from programs.models import (
    MAX_POSITION_SHARE,
    MAX_RETENTION_MONTHS,
    MIN_RETENTION_MONTHS,
    Grant,
    Programme,
    ProgrammeKind,
)


def _date(label, required=False):
    return forms.DateField(
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
