from django import forms
from django.utils.translation import gettext_lazy as _


class ParticipantNamesForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    # The version the user started from; a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "").strip()
