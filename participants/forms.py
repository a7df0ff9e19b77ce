from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.dates import BoundedDateField
from participants.models import Participant
from participants.national_id import national_id_help
from participants.selectors import own_caseworkers, own_cohorts, own_programmes
from participants.services import PERSON_FIELDS
from participants.vocabularies import (
    ConsentPurpose,
    DocumentCategory,
    FollowUpSource,
    FollowUpStatus,
    GoalCategory,
    GoalStatus,
    NoteKind,
    ReferralSource,
)
from programs.models import Cohort, EnrollmentStatus, Programme

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PERSON_FORM_FIELDS = list(PERSON_FIELDS)


class PersonForm(forms.ModelForm):
    """The person's record. The model only lends its fields: rules live in the services."""

    national_id = forms.CharField(
        label=_("National ID"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Participant
        fields = PERSON_FORM_FIELDS
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"birth_date": BoundedDateField}

    # The form in sections a person can follow, each a fieldset with its legend.
    SECTIONS: tuple[tuple["StrOrPromise", tuple[str, ...]], ...] = (
        (_("Person"), ("first_name", "last_name", "national_id", "birth_date", "gender")),
        (
            _("Contact"),
            ("phone", "email", "address", "postcode", "city", "protected_address"),
        ),
        (
            _("Background"),
            (
                "languages",
                "language_level",
                "education_level",
                "neet_status",
                "nav_innsatsgruppe",
                "social_assistance",
            ),
        ),
    )

    def __init__(self, *args, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["first_name", "last_name", "national_id", *PERSON_FORM_FIELDS[2:]])
        if not self.fields["national_id"].help_text:
            self.fields["national_id"].help_text = national_id_help(country)
        if country != "NO":
            del self.fields["nav_innsatsgruppe"]
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["aria-required"] = "true"

    def sections(self) -> list[tuple["StrOrPromise", list]]:
        """(legend, bound fields) for each section, leaving out fields this form lacks."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
        ]

    def validate_constraints(self):
        # Uniqueness of the national ID is checked by the service, against the keyed hash.
        return None

    def person_values(self) -> dict:
        skip = {
            "first_name",
            "last_name",
            "national_id",
            "version",
            "programme",
            "cohort",
            "caseworker",
            "referral_source",
            "confirmed_new",
        }
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class IntakeForm(PersonForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    caseworker = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False
    )
    referral_source = forms.ChoiceField(
        label=_("Referred by"), required=False, choices=[("", "–"), *ReferralSource.choices]
    )
    confirmed_new = forms.BooleanField(
        label=_("I have checked: this is another person"), required=False
    )

    SECTIONS = (
        *PersonForm.SECTIONS,
        (_("Programme"), ("programme", "cohort", "caseworker", "referral_source")),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, country=user.municipality.country, **kwargs)
        programmes = own_programmes(user=user)
        self.fields["programme"].queryset = programmes
        self.fields["cohort"].queryset = own_cohorts(user=user)
        self.fields["caseworker"].queryset = own_caseworkers(user=user)
        if programmes.count() == 1:
            self.fields["programme"].initial = programmes.first()
        if self.fields["caseworker"].queryset.filter(pk=user.pk).exists():
            self.fields["caseworker"].initial = user.pk


class ParticipantEditForm(PersonForm):
    # The version the user started from; a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    national_id = forms.CharField(
        label=_("New national ID"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Leave empty to keep the registered number."),
    )


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or national ID"), required=False, max_length=100)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    caseworker = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "–"), *EnrollmentStatus.choices]
    )

    def __init__(self, *args, user, caseworkers=None, **kwargs):
        """``caseworkers``: the list the page has read already (own_caseworkers with the
        deactivated ones), shown as the choices instead of reading it again."""
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = own_programmes(user=user)
        self.fields["cohort"].queryset = own_cohorts(user=user)
        field = self.fields["caseworker"]
        field.queryset = own_caseworkers(user=user, include_inactive=True)
        if caseworkers is not None:
            field.widget.choices = [("", field.empty_label), *((u.pk, str(u)) for u in caseworkers)]

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "").strip()


class BulkForm(forms.Form):
    """A selection of people on the caseload page and what to do with them."""

    selected = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=[],
        required=True,
        error_messages={"required": _("Select someone first.")},
    )
    caseworker = forms.ModelChoiceField(
        label=_("New caseworker"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number is accepted here; the services keep only people the user may see.
        raw = self.data.getlist("selected") if hasattr(self.data, "getlist") else []
        self.fields["selected"].choices = [(v, v) for v in raw if v.isdigit() and len(v) < 19]
        # Only active caseworkers take people on; the filter above also lists deactivated ones.
        self.fields["caseworker"].queryset = own_caseworkers(user=user).order_by("full_name")


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", "–"), *FollowUpStatus.choices])
    source = forms.ChoiceField(label=_("Source"), choices=[("", "–"), *FollowUpSource.choices])
    verified = forms.BooleanField(
        label=_("Verified"),
        required=False,
        help_text=_("Checked against a document or a register."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    occurred_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label=_("Note"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Only you and the programme lead can read a confidential note."),
    )
    follow_up_on = BoundedDateField(
        label=_("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Creates a task for you on that day."),
    )


class NoteEditForm(NoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["follow_up_on"]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = BoundedDateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none())

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True,
            memberships__programme__enrollments__participant=participant,
        ).distinct()


class DocumentForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=DocumentCategory.choices)
    file = forms.FileField(
        label=_("File"), allow_empty_file=False, help_text=_("PDF, images or office documents.")
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=200)
    given_on = BoundedDateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = BoundedDateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("A signed form or a scan: PDF or image."),
    )


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = BoundedDateField(
        label=_("Withdrawn on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class GoalForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=GoalCategory.choices)
    title = forms.CharField(label=_("Goal"), max_length=200)
    target_on = BoundedDateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class GoalEditForm(GoalForm):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = BoundedDateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MergeForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("The other record"),
        queryset=Participant.objects.none(),
        help_text=_(
            "Its enrollments, notes, tasks, plan, consents and documents move to this "
            "record; the other record disappears from every list."
        ),
    )
    reason = forms.CharField(
        label=_("Why are they the same person?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates
        self.fields["other"].label_from_instance = lambda p: (
            f"{p.full_name} · {p.birth_date:%d.%m.%Y}" if p.birth_date else p.full_name
        )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the person asked to be erased. The reason is kept in the record's "
            "history; the person's names and numbers are blotted out of it."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class EnrollmentForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    caseworker = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False
    )
    referral_source = forms.ChoiceField(
        label=_("Referred by"), required=False, choices=[("", "–"), *ReferralSource.choices]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        intake = IntakeForm(user=user)
        for name in ("programme", "cohort", "caseworker"):
            self.fields[name].queryset = intake.fields[name].queryset
