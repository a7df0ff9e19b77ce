"""Each country's vocabulary: which values of a choice list a country's users are offered.

The lists themselves live with their models (placements, participants, programs); each says
which of its values belong to one country only. A value shared by both countries is stored
alike in both, so that a figure has one definition in every report; its label names the
country's own institution through the translation (NAV in bokmål, Arbetsförmedlingen in
Swedish).
"""

from collections.abc import Mapping

from django.db.models import TextChoices

Choices = list[tuple[str, str]]


def country_of(user) -> str | None:
    """The country of the user's municipality; None for the platform's own operators."""
    if not getattr(user, "is_authenticated", False) or user.municipality_id is None:
        return None
    return user.municipality.country


def offered(choices: type[TextChoices], country: str | None, only_in: Mapping[str, str]) -> Choices:
    """The choices a country's users are offered: every value, less those that belong only to
    the other country (``only_in`` maps such a value to its country). With no country (the
    platform's operators), every value."""
    return [
        (value, label) for value, label in choices.choices if belongs_to(value, country, only_in)
    ]


def belongs_to(value: str, country: str | None, only_in: Mapping[str, str]) -> bool:
    """Whether ``value`` may be chosen in ``country`` (for services that check what a form or
    the API sends)."""
    return country is None or only_in.get(value, country) == country
