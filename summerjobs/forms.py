from django import forms
from django.utils.translation import gettext_lazy as _

from summerjobs.lottery import MAX_SEED


class LotteryForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=MAX_SEED,
        help_text=_(
            "Any whole number. The same seed and the same applications give the same draw."
        ),
    )
    for_real = forms.BooleanField(
        label=_("Run for real: give the places (only once a season)"), required=False
    )
