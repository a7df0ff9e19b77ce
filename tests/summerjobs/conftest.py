"""A summer-job season in the world's Swedish municipality (Solvik, its «Feriearbete»):
three periods, four work areas, places at three workplaces, and three priority tiers."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from programs.models import Programme, ProgrammeKind
from summerjobs.models import Period, Place, PriorityTier, Season, WorkArea, Workplace
from tests.support.summerjobs import YEAR, SeasonWorld


def _open_window() -> tuple[datetime, datetime]:
    now = timezone.now()
    return now - timedelta(days=10), now + timedelta(days=10)


def summer_programme(world) -> Programme:
    """The world's Swedish «Feriearbete», with its caseworker (world.foreign_caseworker)."""
    programme = Programme.objects.get(municipality=world.foreign_municipality, name="Feriearbete")
    programme.kind = ProgrammeKind.SUMMER_JOBS
    programme.save(update_fields=["kind"])
    return programme


@pytest.fixture
def summer(world) -> SeasonWorld:
    opens, closes = _open_window()
    programme = summer_programme(world)
    season = Season.objects.create(
        programme=programme,
        name=f"Feriearbete {YEAR}",
        applications_open_at=opens,
        applications_close_at=closes,
        born_from_year=YEAR - 19,
        born_to_year=YEAR - 16,
    )
    periods = [
        Period.objects.create(
            season=season,
            number=n,
            starts_on=date(YEAR, 6, 15) + timedelta(weeks=3 * (n - 1)),
            ends_on=date(YEAR, 7, 3) + timedelta(weeks=3 * (n - 1)),
        )
        for n in (1, 2, 3)
    ]
    areas = {
        name: WorkArea.objects.create(season=season, name=name)
        for name in ("Vaktmästeri", "Fritidshem", "Äldreomsorg", "Storkök")
    }
    tiers = [
        PriorityTier.objects.create(
            season=season, position=0, name="Känd av socialtjänsten", sensitive=True
        ),
        PriorityTier.objects.create(season=season, position=1, name="Första ansökan"),
        PriorityTier.objects.create(season=season, position=2, name="Alla"),
    ]
    municipality = world.foreign_municipality
    workplaces = [
        Workplace.objects.create(municipality=municipality, name=name, kind=kind)
        for name, kind in (
            ("Parkförvaltningen", "unit"),
            ("Solviks IF", "association"),
            ("Äldreboendet", "unit"),
        )
    ]
    places = [
        Place.objects.create(
            workplace=workplaces[0], period=periods[0], area=areas["Vaktmästeri"], slots=2
        ),
        Place.objects.create(
            workplace=workplaces[1],
            period=periods[1],
            area=areas["Fritidshem"],
            slots=1,
            record_extract_required=True,
        ),
        Place.objects.create(
            workplace=workplaces[2],
            period=periods[0],
            area=areas["Äldreomsorg"],
            slots=1,
            min_age=18,
        ),
    ]
    return SeasonWorld(season, periods, areas, tiers, places)


@pytest.fixture
def client_en(client, settings):
    """A young person's or a workplace's browser with the public pages' switch set to English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
