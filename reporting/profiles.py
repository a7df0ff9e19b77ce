"""Funder profiles: which figures and which narrative sections a report carries, and the words
those sections go by in each country."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Audience(models.TextChoices):
    """Who reads the report, which decides how its figures are protected."""

    RECIPIENT = "recipient", gettext_lazy("The recipient named on the grant or programme")
    PUBLICATION = "publication", gettext_lazy("Publication, or shared beyond the recipient")


class TargetStatus(models.TextChoices):
    MET = "met", gettext_lazy("Met")
    ON_TRACK = "on_track", gettext_lazy("On track")
    BEHIND = "behind", gettext_lazy("Behind")
    NOT_MET = "not_met", gettext_lazy("Not met")


# The narrative sections a profile may ask the lead to write, in the order they are shown.
NARRATIVE_SECTIONS = ["activities", "deviations", "cooperation", "next_period", "continuation"]


def narrative_titles(country: str) -> dict[str, str]:
    """Each narrative section's title in the active language, in the country's own words."""
    if country == "SE":
        cooperation = _("Cooperation with Arbetsförmedlingen, the region and employers")
    else:
        cooperation = _("Cooperation with NAV, the county and employers")
    return {
        "activities": _("Activities carried out"),
        "deviations": _("Deviations from the plan, and why"),
        "cooperation": cooperation,
        "next_period": _("Plans for the next period"),
        "continuation": _("Continuation in ordinary operation"),
    }
