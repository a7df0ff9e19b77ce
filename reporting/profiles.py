"""Funder profiles: which figures and which narrative sections a report carries, and the words
those sections go by in each country."""

from dataclasses import dataclass

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


# Which figures each report carries, in the order they are shown.
KS_FIGURES = [
    "participants",
    "recruited",
    "by_gender",
    "by_age",
    "in_work_training",
    "qualification_routes",
    "started_qualification_route",
    "in_ordinary_employment",
    "exits",
    "in_work_or_education_at_exit",
    "follow_up_6",
    "follow_up_12",
]
LIM_FIGURES = [
    "participants",
    "new",
    "continuing",
    "reached_by_gender",
    "reached_by_age",
    "by_education",
    "by_neet_status",
    "in_work_training",
    "activities",
    "placement_hours",
    "attendance_rate",
    "started_qualification_route",
    "qualification_routes",
    "modules_passed",
    "exits",
    "outcomes",
    "in_work_or_education_at_exit",
    "in_education",
    "follow_up_6",
]
GRANT_FIGURES = [
    "participants",
    "new",
    "continuing",
    "reached_by_gender",
    "reached_by_age",
    "activities",
    "started_qualification_route",
    "exits",
    "outcomes",
    "in_work_or_education_at_exit",
    "placement_hours",
    "attendance_rate",
]
SUMMARY_FIGURES = [
    "participants",
    "recruited",
    "continuing",
    "by_gender",
    "by_age",
    "in_work_training",
    "qualification_routes",
    "started_qualification_route",
    "modules_passed",
    "exits",
    "outcomes",
    "in_ordinary_employment",
    "in_work_or_education_at_exit",
    "placement_hours",
    "attendance_rate",
    "follow_up_6",
    "follow_up_12",
]


# Breakdowns of the same trait over two populations: shown side by side, a reader could
# subtract one from the other and learn about the few people in the difference.
NESTED_BREAKDOWNS = {
    "gender": ("by_gender", "reached_by_gender"),
    "age": ("by_age", "reached_by_age"),
}


def twice_broken_down(figures) -> str | None:
    """The trait a set of figures breaks down twice, or None: every profile shows one."""
    return next(
        (trait for trait, pair in NESTED_BREAKDOWNS.items() if set(pair) <= set(figures)), None
    )


@dataclass(frozen=True)
class Profile:
    """What one report carries. ``key``: a shipped profile's name in code, or ``custom-<id>``
    for a lead's own."""

    key: str
    kind: str
    name: str
    funder: str
    figures: tuple[str, ...]
    narrative: tuple[str, ...]

    @property
    def for_grant(self) -> bool:
        return self.kind in ("lim", "grant")


# LIM (the Norwegian counties' grant) and KS «Inn i jobb» are Norwegian funders' reports.
NORWEGIAN_ONLY = ("lim", "ks")


def shipped_profiles(country: str | None = None) -> dict[str, Profile]:
    """The profiles Fotfeste ships, by report kind, named in the active language; for a
    country, only the ones its municipalities report by."""
    profiles = _shipped()
    if country is not None and country != "NO":
        return {k: p for k, p in profiles.items() if k not in NORWEGIAN_ONLY}
    return profiles


def grant_report_kind(country: str) -> str:
    """The shipped report a grant's draft is made by: LIM in Norway, the generic one else."""
    return "lim" if country == "NO" else "grant"


def _shipped() -> dict[str, Profile]:
    return {
        "lim": Profile(
            "lim",
            "lim",
            _("LIM grant (Agder fylkeskommune)"),
            "Agder fylkeskommune",
            tuple(LIM_FIGURES),
            tuple(NARRATIVE_SECTIONS),
        ),
        "ks": Profile(
            "ks",
            "ks",
            _("KS «Inn i jobb» progress report"),
            "KS",
            tuple(KS_FIGURES),
            ("activities", "deviations", "cooperation", "next_period"),
        ),
        "grant": Profile(
            "grant",
            "grant",
            _("Grant report (any funder)"),
            "",
            tuple(GRANT_FIGURES),
            ("activities", "deviations", "next_period"),
        ),
        "summary": Profile(
            "summary",
            "summary",
            _("Programme summary"),
            "",
            tuple(SUMMARY_FIGURES),
            ("activities", "deviations"),
        ),
    }


def profile_of(run) -> Profile:
    """The profile a run is built from: the lead's own, or the one shipped for its kind."""
    if run.profile_id is None:
        return _shipped()[run.kind]
    own = run.profile
    return Profile(
        f"custom-{own.pk}",
        own.kind,
        own.name,
        own.funder,
        tuple(own.figures),
        tuple(own.narrative),
    )
