from typing import cast

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from config.dates import BoundedDateField
from config.errors import ApplicationError
from programs.models import Cohort, Grant, Programme, ReportDeadline
from reporting.figures import figure_labels
from reporting.models import ExportKind
from reporting.profiles import NARRATIVE_SECTIONS, Audience, narrative_titles, shipped_profiles
from reporting.services import period_check

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def narrative_fields(sections=NARRATIVE_SECTIONS, country: str = "NO") -> dict:
    """A text field per narrative section, named ``narrative_<section>``."""
    titles = narrative_titles(country)
    return {
        f"narrative_{key}": forms.CharField(
            label=titles[key],
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        for key in sections
    }


class ReportRequestForm(forms.Form):
    """What to report on: a profile (a shipped one, or the lead's own), its programme or grant,
    a period, the audience, a language, and the lead's own words."""

    report = forms.ChoiceField(label=_("Report"))
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("For a report on a programme: the KS report and the programme summary."),
    )
    grant = forms.ModelChoiceField(
        label=_("Grant"),
        queryset=Grant.objects.none(),
        required=False,
        help_text=_("For a report on a grant: the LIM report and other grant reports."),
    )
    period_start = BoundedDateField(label=_("From"), widget=DATE)
    period_end = BoundedDateField(
        label=_("To"), widget=DATE, help_text=_("A period that runs past today is cut at today.")
    )
    audience = forms.ChoiceField(
        label=_("Who reads it"),
        choices=Audience.choices,
        initial=Audience.RECIPIENT,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "The recipient named on the grant or programme reads counts of activities and "
            "outcomes exactly; for publication every small count is hidden."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, programmes, grants, profiles, language: str, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.profiles = {f"custom-{p.pk}": p for p in profiles}
        shipped = [(key, profile.name) for key, profile in shipped_profiles(country).items()]
        cast(forms.ChoiceField, self.fields["report"]).choices = shipped + [
            (k, p.name) for k, p in self.profiles.items()
        ]
        cast(forms.ModelChoiceField, self.fields["programme"]).queryset = programmes
        cast(forms.ModelChoiceField, self.fields["grant"]).queryset = grants
        self.fields["language"].initial = language
        self.fields.update(narrative_fields(country=country))
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk
        if len(grants) == 1:
            self.fields["grant"].initial = grants[0].pk

    def clean_audience(self) -> str:
        return self.cleaned_data.get("audience") or Audience.RECIPIENT

    def service_values(self) -> dict:
        """The cleaned form as ``report_request`` takes it: a shipped kind or a profile."""
        data = dict(self.cleaned_data)
        report = data.pop("report")
        if report in self.profiles:
            return {**data, "kind": self.profiles[report].kind, "profile": self.profiles[report]}
        return {**data, "kind": report}


class NarrativeForm(forms.Form):
    """The lead's words on a draft, for the sections its profile carries."""

    checksum = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, sections, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(narrative_fields(sections, country))


class SubmitForm(forms.Form):
    submitted_on = BoundedDateField(label=_("Sent on"), widget=DATE)
    submitted_to = forms.CharField(label=_("Sent to"), max_length=150)
    deadline = forms.ModelChoiceField(
        label=_("For the deadline"), queryset=ReportDeadline.objects.none(), required=False
    )

    def __init__(self, *args, deadlines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].queryset = deadlines
        self.fields["deadline"].label_from_instance = lambda deadline: "{} · {}".format(
            deadline.label, formats.date_format(deadline.due_on, "SHORT_DATE_FORMAT")
        )
        if not deadlines:
            del self.fields["deadline"]


class ProfileForm(forms.Form):
    """A funder profile of the lead's own, made from the figures Fotfeste already has."""

    name = forms.CharField(label=_("Name"), max_length=150)
    funder = forms.CharField(label=_("Funder (the recipient)"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Built for"),
        choices=[("grant", _("A grant (with its money)")), ("summary", _("A programme"))],
        widget=forms.RadioSelect,
    )
    figures = forms.MultipleChoiceField(
        label=_("Figures"), widget=forms.CheckboxSelectMultiple, required=False
    )
    narrative = forms.MultipleChoiceField(
        label=_("Sections the lead writes"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["figures"]).choices = list(figure_labels().items())
        cast(forms.ChoiceField, self.fields["narrative"]).choices = list(
            narrative_titles(country).items()
        )


class DashboardForm(forms.Form):
    """The dashboard's filters; anything out of scope or malformed falls back to the default."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    period_start = BoundedDateField(label=_("From"), widget=DATE)
    period_end = BoundedDateField(label=_("To"), widget=DATE)

    def __init__(self, *args, programmes, cohorts, listed=None, **kwargs):
        """``listed``: the programmes and the cohorts' (id, name) as the page has read them
        already (``dashboard_choices``), shown as the choices instead of being read again; the
        querysets still check what is sent."""
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["cohort"].queryset = cohorts
        if listed is not None:
            shown, cohort_choices = listed
            for name, choices in (
                ("programme", [(p.pk, str(p)) for p in shown]),
                ("cohort", cohort_choices),
            ):
                field = self.fields[name]
                field.widget.choices = [("", field.empty_label), *choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            try:
                period_check(start, end)
            except ApplicationError as exc:
                self.add_error(exc.field, str(exc.message))
        cohort, programme = data.get("cohort"), data.get("programme")
        if cohort and programme and cohort.programme_id != programme.pk:
            self.add_error("cohort", _("Choose a cohort of this programme."))
        return data


class DataExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Export"), choices=ExportKind.choices)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("For a programme's data: programmes you lead."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")], initial="xlsx"
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
