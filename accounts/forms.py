from typing import cast

from django import forms
from django.apps import apps
from django.contrib.auth.forms import SetPasswordForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.country import belongs_to
from accounts.models import (
    MAX_DISCLOSURE_THRESHOLD,
    MIN_DISCLOSURE_THRESHOLD,
    PROGRAMME_ROLE_COUNTRY,
    Municipality,
    ProgrammeRole,
    country_languages,
)
from accounts.services import ROLE_ARBEIDSLEDER, ROLE_MUNICIPALITY_ADMIN, language_name
from config.dates import BoundedDateField

# The programmes and worksites a role is given in, named through the app registry: both apps
# sit above accounts in the layers, so they are not imported here.
Programme = apps.get_model("programs", "Programme")
Worksite = apps.get_model("placements", "Worksite")

ROLE_CHOICES = [
    (ProgrammeRole.CASEWORKER, _("Caseworker")),
    (ProgrammeRole.PROGRAMME_LEAD, _("Programme lead")),
    (ProgrammeRole.SUMMER_COORDINATOR, _("Summer-jobs coordinator")),
    (ROLE_ARBEIDSLEDER, _("Work supervisor (arbeidsleder)")),
    (ROLE_MUNICIPALITY_ADMIN, _("Municipality admin")),
]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme._default_manager.none(),
        required=False,
        help_text=_("For caseworkers and programme leads."),
    )
    worksite = forms.ModelChoiceField(
        label=_("Worksite"),
        queryset=Worksite._default_manager.none(),
        required=False,
        help_text=_("For work supervisors."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (value, label)
            for value, label in ROLE_CHOICES
            if belongs_to(value, municipality.country, PROGRAMME_ROLE_COUNTRY)
        ]
        # Only the admin's own municipality is offered; any other id is "not one of the choices".
        self.fields["programme"].queryset = Programme._default_manager.filter(
            municipality=municipality
        )
        self.fields["worksite"].queryset = Worksite._default_manager.filter(
            municipality=municipality
        )


class InviteForm(RoleForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    field_order = ["full_name", "email", "role", "programme", "worksite"]


class InvitationPasswordForm(SetPasswordForm):
    """Django's set-password form; the password rules are checked by the service as well."""


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that will use it."),
    )
    expires_on = BoundedDateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("At most a year from today."),
    )


def language_choices(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each language in the reader's language and in its own, so that someone who has chosen
    a language they do not read still finds theirs."""
    choices = []
    for code in codes:
        name = language_name(code)
        with translation.override(code):
            own = language_name(code)
        choices.append((code, name if own == name else f"{name} ({own})"))
    return choices


class MunicipalitySettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Default language for the municipality's users"),
        help_text=_(
            "What the municipality's users read unless they choose another language themselves."
        ),
    )
    disclosure_threshold = forms.IntegerField(
        label=_("Smallest count of people shown in reports"),
        min_value=MIN_DISCLOSURE_THRESHOLD,
        max_value=MAX_DISCLOSURE_THRESHOLD,
        help_text=_(
            "Reports that leave Fotfeste show smaller counts as «<5» (for 5), and hide another "
            "count where a total would give a small one away. 5 is the usual choice."
        ),
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = language_choices(
            country_languages(municipality.country)
        )


class UserLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Your language"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        default = language_name(user.municipality.default_language) if user.municipality else ""
        own_municipality = (
            _("As my municipality (%(language)s)") % {"language": default}
            if default
            else _("My browser's language")
        )
        choices = [("", own_municipality), *language_choices(user.offered_languages)]
        self.fields["language"].choices = choices
