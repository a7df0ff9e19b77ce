"""What differs between a Norwegian and a Swedish synthetic municipality: its programmes and the
placements they use, the roads toward a trade, the national ID, and every word its records
hold. The steps of a build read them from ``World.words``; the Norwegian ones are those the
single city «Nordvik» has always been built with."""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from accounts.models import Country
from demo.scale import names as no
from demo.scale import swedish as se
from demo.stories import MFY_MODULES
from participants.synthetic import synthetic_fodselsnummer, synthetic_personnummer
from participants.vocabularies import NavInnsatsgruppe
from placements.models import PlacementType, Route, WorkField
from programs.models import ProgrammeKind

T = PlacementType
W = WorkField


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    kind: str
    share: float  # of the people
    types: tuple[str, ...]  # placement types, the first the most common
    months: tuple[int, int]  # how long an enrollment runs


@dataclass(frozen=True)
class Words:
    country: str
    # Six programmes, the last of them summer jobs (plan.py counts on it).
    programmes: tuple[ProgrammeSpec, ...]
    first_names: dict[str, tuple[str, ...]]  # by gender ("female", "male"; "" for all)
    surname: Callable[[int], str]
    surname_count: int
    place_heads: tuple[str, ...]
    site_endings: dict[str, tuple[str, ...]]
    street_endings: tuple[str, ...]
    street: str  # of the people's (synthetic) addresses
    languages: tuple[str, ...]
    note_texts: tuple[str, ...]
    progress_texts: tuple[str, ...]
    task_titles: tuple[str, ...]
    follow_up_task: str
    goals: Mapping[str, tuple[str, tuple[str, ...]]]
    stop_reasons: tuple[str, ...]
    pause_reason: str
    staff_titles: dict[str, str]
    tracks: dict[str, tuple[str, tuple[str, ...]]]  # work field -> (track, its modules)
    training_office: str
    seasons: tuple[tuple[int, int, str], ...]
    summer_cohort: str
    grants: tuple[tuple[str, str, str, int], ...]
    deadlines: tuple[str, str]
    # Placement types that are a road to a trade: (route, months of the contract).
    routes: dict[str, tuple[str, int]]
    # The road some in health and care take beside their placement, and how often.
    care_route: tuple[str, int]
    trade_types: frozenset[str]  # placements whose person aims at the trade («fagbrev» goal)
    agency: str  # NAV / Arbetsförmedlingen: the recipient of the consent to share with it
    agreement_prefix: str
    agreement_types: frozenset[str]  # placements with the agency's agreement number
    # NAV's innsatsgruppe (Norway only): Swedish people have none, and draw nothing for it.
    innsatsgrupper: tuple[tuple[str, float], ...] | None
    # A synthetic national ID for a birth date, drawn with the generator; None for a draw
    # that gave no number of the right kind (draw again).
    national_id: Callable[[random.Random, date], str | None]

    @property
    def summer_programme(self) -> int:
        return len(self.programmes) - 1

    def first_names_for(self, gender: str) -> tuple[str, ...]:
        return self.first_names.get(gender, self.first_names[""])


def _fodselsnummer(rng: random.Random, born: date) -> str | None:
    """The individual number's range gives the century, as for real fødselsnummer (a check
    digit of 10 moves it to the next, which may leave the range)."""
    low, high = (500, 999) if born.year >= 2000 else (0, 499)
    number = synthetic_fodselsnummer(born, rng.randint(low, high))
    return number if low <= int(number[6:9]) <= high else None


def _personnummer(rng: random.Random, born: date) -> str | None:
    return synthetic_personnummer(born, rng.randint(0, 999))


def _swedish_surname(n: int) -> str:
    head = se.SURNAME_HEADS[n % len(se.SURNAME_HEADS)]
    tail = se.SURNAME_TAILS[(n // len(se.SURNAME_HEADS)) % len(se.SURNAME_TAILS)]
    return head + tail


NORWEGIAN = Words(
    country=Country.NORWAY,
    programmes=(
        ProgrammeSpec(
            "Inn i jobb",
            ProgrammeKind.INN_I_JOBB,
            0.30,
            (T.WORK_TRAINING, T.TRAINEE_CANDIDATE, T.APPRENTICE),
            (12, 34),
        ),
        ProgrammeSpec(
            "Kvalifiseringsprogrammet",
            ProgrammeKind.KVP,
            0.20,
            (T.WORK_TRAINING, T.PRACTICE, T.AFT),
            (12, 30),
        ),
        ProgrammeSpec(
            "Arbeidstrening i kommunen",
            ProgrammeKind.WORK_TRAINING,
            0.22,
            (T.WORK_TRAINING, T.PRACTICE),
            (8, 20),
        ),
        ProgrammeSpec(
            "Jobbspor helse og omsorg",
            ProgrammeKind.JOBBSPAR,
            0.10,
            (T.PRACTICE, T.WAGE_SUBSIDY),
            (10, 20),
        ),
        ProgrammeSpec(
            "Fagbrev på jobb",
            ProgrammeKind.OTHER,
            0.10,
            (T.CERTIFICATE_AT_WORK, T.APPRENTICE),
            (20, 32),
        ),
        ProgrammeSpec(
            "Sommerjobb for ungdom", ProgrammeKind.SUMMER_JOBS, 0.08, (T.SUMMER_JOB,), (3, 3)
        ),
    ),
    first_names={
        "female": no.FEMALE_FIRST_NAMES,
        "male": no.MALE_FIRST_NAMES,
        "": no.FIRST_NAMES,
    },
    surname=no.surname,
    surname_count=no.SURNAME_COUNT,
    place_heads=no.PLACE_HEADS,
    site_endings=no.SITE_ENDINGS,
    street_endings=no.STREET_ENDINGS,
    street="Testveien",
    languages=no.LANGUAGES,
    note_texts=no.NOTE_TEXTS,
    progress_texts=no.PROGRESS_TEXTS,
    task_titles=no.TASK_TITLES,
    follow_up_task="Følg opp notat",
    goals=no.GOALS,
    stop_reasons=no.STOP_REASONS,
    pause_reason="Pause i programmet",
    staff_titles=no.STAFF_TITLES,
    tracks={
        W.HEALTH_CARE: ("Helsearbeiderfaget", tuple(MFY_MODULES)),
        W.CLEANING: (
            "Renholdsoperatørfaget",
            (
                "Renholdsmetoder",
                "Hygiene og smittevern",
                "Maskinelt renhold",
                "Service og kvalitet",
            ),
        ),
        W.KITCHEN: (
            "Institusjonskokkfaget",
            (
                "Hygiene og mattrygghet",
                "Kosthold og spesialkost",
                "Tilberedning",
                "Innkjøp og svinn",
            ),
        ),
        W.CARETAKER: (
            "Byggdrifterfaget",
            ("HMS og sikkerhet", "Tekniske anlegg", "Vedlikehold av bygg", "Uteområder"),
        ),
    },
    training_office="Opplæringskontoret for offentlig sektor",
    seasons=((1, 10, "Vår"), (8, 15, "Høst")),
    summer_cohort="Sommer {year}",
    grants=(
        ("Fylkeskommunen", "LIM-tilskudd {year}", "1200000", 2),
        ("KS", "Inn i jobb – prosjektmidler {year}", "800000", 1),
    ),
    deadlines=("Halvårsrapport", "Sluttrapport"),
    routes={
        T.APPRENTICE: (Route.APPRENTICE, 24),
        T.TRAINEE_CANDIDATE: (Route.TRAINEE_CANDIDATE, 24),
        T.CERTIFICATE_AT_WORK: (Route.CERTIFICATE_AT_WORK, 24),
    },
    care_route=(Route.MFY, 12),
    trade_types=frozenset({T.APPRENTICE, T.TRAINEE_CANDIDATE, T.CERTIFICATE_AT_WORK}),
    agency="NAV",
    agreement_prefix="NAV",
    agreement_types=frozenset({T.WORK_TRAINING, T.AFT, T.WAGE_SUBSIDY}),
    innsatsgrupper=(
        (NavInnsatsgruppe.NONE, 0.2),
        (NavInnsatsgruppe.STANDARD, 0.25),
        (NavInnsatsgruppe.SITUATIONAL, 0.35),
        (NavInnsatsgruppe.SPECIAL, 0.15),
        (NavInnsatsgruppe.PERMANENT, 0.05),
    ),
    national_id=_fodselsnummer,
)

SWEDISH = Words(
    country=Country.SWEDEN,
    programmes=(
        ProgrammeSpec(
            "Arbetsträning",
            ProgrammeKind.WORK_TRAINING,
            0.30,
            (T.ARBETSTRANING, T.PRAKTIK, T.LONEBIDRAG),
            (12, 34),
        ),
        ProgrammeSpec(
            "Jobbspår vård och omsorg",
            ProgrammeKind.JOBBSPAR,
            0.20,
            (T.JOBBSPAR, T.PRAKTIK),
            (10, 20),
        ),
        ProgrammeSpec(
            "Praktik i kommunen",
            ProgrammeKind.OTHER,
            0.22,
            (T.PRAKTIK, T.ARBETSTRANING),
            (8, 20),
        ),
        ProgrammeSpec(
            "Extratjänster och nystartsjobb",
            ProgrammeKind.OTHER,
            0.10,
            (T.EXTRATJANST, T.NYSTARTSJOBB),
            (12, 30),
        ),
        ProgrammeSpec(
            "Vård- och omsorgsutbildning",
            ProgrammeKind.CARE_TRAINING,
            0.10,
            (T.JOBBSPAR, T.EXTRATJANST),
            (20, 32),
        ),
        ProgrammeSpec(
            "Feriearbete för ungdomar", ProgrammeKind.SUMMER_JOBS, 0.08, (T.SUMMER_JOB,), (3, 3)
        ),
    ),
    first_names={
        "female": se.FEMALE_FIRST_NAMES,
        "male": se.MALE_FIRST_NAMES,
        "": se.FIRST_NAMES,
    },
    surname=_swedish_surname,
    surname_count=len(se.SURNAME_HEADS) * len(se.SURNAME_TAILS),
    place_heads=se.PLACE_HEADS,
    site_endings=se.SITE_ENDINGS,
    street_endings=se.STREET_ENDINGS,
    street="Testvägen",
    languages=se.LANGUAGES,
    note_texts=se.NOTE_TEXTS,
    progress_texts=se.PROGRESS_TEXTS,
    task_titles=se.TASK_TITLES,
    follow_up_task=se.FOLLOW_UP_TASK,
    goals=se.GOALS,
    stop_reasons=se.STOP_REASONS,
    pause_reason=se.PAUSE_REASON,
    staff_titles=se.STAFF_TITLES,
    tracks=se.TRACKS,
    training_office=se.TRAINING_OFFICE,
    seasons=se.SEASONS,
    summer_cohort=se.SUMMER_COHORT,
    grants=se.GRANTS,
    deadlines=se.DEADLINES,
    routes={T.JOBBSPAR: (Route.CARE_TRAINING, 18)},
    care_route=(Route.CARE_TRAINING, 12),
    trade_types=frozenset({T.JOBBSPAR}),
    agency="Arbetsförmedlingen",
    agreement_prefix="AF",
    agreement_types=frozenset({T.LONEBIDRAG, T.EXTRATJANST, T.NYSTARTSJOBB}),
    innsatsgrupper=None,
    national_id=_personnummer,
)


def words_for(country: str) -> Words:
    return {Country.NORWAY: NORWEGIAN, Country.SWEDEN: SWEDISH}[Country(country)]
