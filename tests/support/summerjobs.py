"""Helpers of the summer-jobs tests: a season's world and an application of a young person."""

from dataclasses import dataclass
from datetime import date

from participants.synthetic import synthetic_personnummer
from summerjobs.models import Period, Place, PriorityTier, Season, WorkArea
from summerjobs.services import ApplicationInput, application_submit

YEAR = date.today().year + 1


@dataclass
class SeasonWorld:
    season: Season
    periods: list[Period]
    areas: dict[str, WorkArea]
    tiers: list[PriorityTier]
    places: list[Place]


def application_input(
    summer: SeasonWorld, *, born: date, serial: int, **changes
) -> ApplicationInput:
    """A complete application of a young person born on ``born``; ``changes`` override."""
    values = {
        "national_id": synthetic_personnummer(born, serial),
        "first_name": "Testförnamn",
        "last_name": f"Testefternamn{serial}",
        "gender": "female",
        "email": f"ung{serial}@test.example.org",
        "guardian_email": f"vardnadshavare{serial}@test.example.org",
        "area_ids": [summer.areas["Vaktmästeri"].pk, summer.areas["Fritidshem"].pk],
        "period_ids": [summer.periods[0].pk, summer.periods[1].pk],
    }
    return ApplicationInput(**{**values, **changes})


def apply(summer: SeasonWorld, *, born: date, serial: int, **changes):
    return application_submit(
        season=summer.season, data=application_input(summer, born=born, serial=serial, **changes)
    )
