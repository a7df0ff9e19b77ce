"""The columns of each import template: the exact header, and what the page says about each
column. The names are the field names of the forms, the same in every language."""

from dataclasses import dataclass, replace

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from imports.models import ImportKind
from participants.vocabularies import (
    EducationLevel,
    Gender,
    LanguageLevel,
    NavInnsatsgruppe,
    NeetStatus,
    ReferralSource,
)
from placements.models import PlacementType, WorkField

NORWAY = "NO"


@dataclass(frozen=True)
class Column:
    name: str
    help: str | Promise
    required: bool = False
    choices: type[TextChoices] | None = None
    # Kept as text in the spreadsheet template, so that a leading zero is not lost.
    text: bool = False
    # May be left out of the header altogether (an accounting export has no such column).
    optional: bool = False
    # Other headings that mean this column, as accounting systems in Norway and Sweden
    # name it.
    aliases: tuple[str, ...] = ()
    # The municipality's country: a list that differs by country lists only its own codes.
    country: str | None = None

    @property
    def codes(self) -> list[tuple[str, str]]:
        if self.choices is None:
            return []
        offered = getattr(self.choices, "for_country", None)
        pairs = offered(self.country) if offered else self.choices.choices
        return [(v, str(label)) for v, label in pairs if v]


DATE = _("A date as YYYY-MM-DD, e.g. 2026-08-17.")
YES_NO = _("yes or no; empty means no.")
NATIONAL_ID = _(
    "Fødselsnummer or D-number (11 digits) in Norway; personnummer or samordningsnummer "
    "(YYYYMMDD-NNNN) in Sweden. Keep the column formatted as text, or leading zeros are lost."
)

_PARTICIPANTS = [
    Column("first_name", _("First name."), required=True),
    Column("last_name", _("Last name."), required=True),
    Column("national_id", format_lazy("{} {}", _("Optional."), NATIONAL_ID), text=True),
    Column(
        "birth_date",
        format_lazy("{} {}", _("Optional; taken from the national ID when there is one."), DATE),
    ),
    Column("gender", _("Gender, for statistics. Optional."), choices=Gender),
    Column("phone", _("Optional."), text=True),
    Column("email", _("E-mail address. Optional.")),
    Column("address", _("Street address. Optional.")),
    Column("postcode", _("Optional."), text=True),
    Column("city", _("Optional.")),
    Column("protected_address", format_lazy("{} {}", _("Protected address:"), YES_NO)),
    Column("languages", _("Languages the person speaks, as text. Optional.")),
    Column(
        "language_level",
        _("Level in Norwegian or Swedish (CEFR). Optional."),
        choices=LanguageLevel,
    ),
    Column("education_level", _("Highest completed education. Optional."), choices=EducationLevel),
    Column("neet_status", _("Status at intake. Optional."), choices=NeetStatus),
    Column(
        "nav_innsatsgruppe",
        _("NAV innsatsgruppe (Norway only). Optional."),
        choices=NavInnsatsgruppe,
    ),
    Column("social_assistance", format_lazy("{} {}", _("Receives social assistance:"), YES_NO)),
    Column("cohort", _("The name of one of the programme's cohorts. Optional.")),
    Column("caseworker", _("The e-mail address of a caseworker in the programme. Optional.")),
    Column("referral_source", _("Who referred the person. Optional."), choices=ReferralSource),
]

_PLACEMENTS = [
    Column(
        "national_id",
        format_lazy(
            "{} {}",
            _("The national ID of a person enrolled in the programme (intake, active or paused)."),
            NATIONAL_ID,
        ),
        required=True,
        text=True,
    ),
    Column("worksite", _("The worksite's name, as in the list of worksites."), required=True),
    Column("supervisor", _("The e-mail address of a work supervisor at the worksite. Optional.")),
    Column("type", _("Kind of placement."), required=True, choices=PlacementType),
    Column("field", _("Field of work."), required=True, choices=WorkField),
    Column("starts_on", DATE, required=True),
    Column("ends_on", format_lazy("{} {}", _("Optional."), DATE)),
    Column(
        "schedule_days",
        _(
            "The weekdays as numbers, Monday = 1 to Sunday = 7: 12345 is Monday to Friday, "
            "which is also what an empty cell means."
        ),
    ),
    Column(
        "hours_per_day",
        _("Hours a day, 0 to 24, with a point or a comma for decimals; empty means 6."),
    ),
    Column("percentage", _("1 to 100; empty means 100.")),
    Column("nav_agreement", _("NAV agreement reference, at most 50 characters. Optional.")),
]


_COSTS = [
    Column(
        "date",
        _("The date of the entry, as 31.12.2026 or 2026-12-31, inside the grant's period."),
        required=True,
        aliases=("dato", "datum", "bilagsdato", "bokføringsdato", "bokföringsdag"),
    ),
    Column("account", _("The account."), required=True, text=True, aliases=("konto",)),
    Column(
        "amount",
        _("The amount, e.g. 1 234,50 or 1234.50; a credit note is negative. At most two decimals."),
        required=True,
        aliases=("beløp", "belopp", "sum"),
    ),
    Column(
        "text",
        _("What the entry is for, as in the accounts. Optional."),
        aliases=("tekst", "beskrivelse", "beskrivning"),
    ),
    Column(
        "financing",
        _(
            "grant (paid from the grant) or own (own contribution); empty means grant. "
            "The column may be left out."
        ),
        optional=True,
        aliases=("finansiering",),
    ),
    Column(
        "budget_line",
        _(
            "The name of one of the grant's budget lines; empty means none. The column may "
            "be left out."
        ),
        optional=True,
        aliases=("budsjettpost", "budgetpost"),
    ),
]


def columns_for(kind: str, *, country: str) -> list[Column]:
    """The template's columns; NAV's innsatsgruppe only in a Norwegian municipality, as on the
    intake page."""
    if kind == ImportKind.PLACEMENTS:
        return [replace(c, country=country) for c in _PLACEMENTS]
    if kind == ImportKind.COSTS:
        return list(_COSTS)
    return [c for c in _PARTICIPANTS if c.name != "nav_innsatsgruppe" or country == NORWAY]


def header_for(kind: str, *, country: str) -> list[str]:
    return [c.name for c in columns_for(kind, country=country)]
