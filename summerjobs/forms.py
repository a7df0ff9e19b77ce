from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from summerjobs.lottery import MAX_SEED
from summerjobs.models import PriorityTier


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


class TierForm(forms.Form):
    """An application's priority tier among the season's ``tiers`` (read once for a page of
    forms, not once a row)."""

    tier = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=_("Priority tier")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, tiers: list[PriorityTier], **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers = {tier.pk: tier for tier in tiers}
        cast(forms.ChoiceField, self.fields["tier"]).choices = [("", _("No tier set"))] + [
            (tier.pk, tier.name) for tier in tiers
        ]

    def chosen_tier(self) -> PriorityTier | None:
        return self.tiers.get(self.cleaned_data["tier"])
