from django import forms
from django.utils.translation import gettext_lazy as _

from placements.models import RATING_CHOICES

_RATING = [("", "–"), *RATING_CHOICES]


class ProgressForm(forms.Form):
    punctuality = forms.TypedChoiceField(
        label=_("Punctuality"), choices=_RATING, coerce=int, required=False, empty_value=None
    )
    cooperation = forms.TypedChoiceField(
        label=_("Cooperation"), choices=_RATING, coerce=int, required=False, empty_value=None
    )
    independence = forms.TypedChoiceField(
        label=_("Independence"), choices=_RATING, coerce=int, required=False, empty_value=None
    )
    text = forms.CharField(
        label=_("Observation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
