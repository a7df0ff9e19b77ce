from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from programs.models import Cohort, Grant, Programme
from reporting.models import ExportKind, ReportKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportRequestForm(forms.Form):
    """What to report on: a programme (KS report, summary) or a grant (LIM report), a period,
    a language, and the lead's own words on activities and deviations."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("For the KS report and the programme summary."),
    )
    grant = forms.ModelChoiceField(
        label=_("Grant"),
        queryset=Grant.objects.none(),
        required=False,
        help_text=_("For the LIM report."),
    )
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("To"), widget=DATE)
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)
    narrative_activities = forms.CharField(
        label=_("Activities"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the programme did in the period, in your own words."),
    )
    narrative_deviations = forms.CharField(
        label=_("Deviations from the plan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything that went otherwise than planned, and why."),
    )

    def __init__(self, *args, programmes, grants, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["grant"].queryset = grants
        self.fields["language"].initial = language
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk
        if len(grants) == 1:
            self.fields["grant"].initial = grants[0].pk


class DashboardForm(forms.Form):
    """The dashboard's filters; anything out of scope or malformed falls back to the default."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args, programmes, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["cohort"].queryset = cohorts

    def clean(self):
        from config.errors import ApplicationError
        from reporting.services import period_check

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
