"""The summer-job benchmark's work that needs Django (issue 18), run through bench.inside in the
environment of one scale:

    python -m bench.inside lottery    # 5 000 applicants over 2 000 places, timed, rolled back
    python -m bench.inside summer     # a season open for applications, for the burst

Everything made up here is synthetic: personnummer with month + 20, names from a short list."""

# Imports inside functions: bench.inside sets Django up before it calls a task, and the apps
# cannot be imported before that (as in bench/inside.py).

import random
import statistics
import time
from datetime import date, datetime, timedelta

LOTTERY_APPLICANTS = 5000
LOTTERY_PLACES = 400  # of 5 slots each: 2 000 places
LOTTERY_SLOTS = 5
LOTTERY_RUNS = 3
LOTTERY_SEED = 20260415
AREAS = 40
WISHES = 5
PERIODS = ((date(2027, 6, 14), date(2027, 7, 2)), (date(2027, 7, 5), date(2027, 7, 23)))
PERIODS += ((date(2027, 7, 26), date(2027, 8, 13)),)
FIRST_NAMES = ("Alva", "Elsa", "Maja", "Noah", "Liam", "Hugo", "Sara", "Omar", "Leo", "Ida")
LAST_NAMES = ("Berg", "Lind", "Holm", "Ek", "Strand", "Dahl", "Sjö", "Nord", "Falk", "Ström")
# Serial numbers of the synthetic personnummer: the lottery's people and the burst's apart.
LOTTERY_SERIALS = 100
BURST_SERIALS = 500
# The burst's applicants, enough for every repeat (each applies once: a second application
# from the same personnummer is refused, which is not what is measured).
BURST_APPLICANTS = 900
SEASON_NAME = "Feriearbete (benchmark)"


class Rollback(Exception):
    pass


def lottery() -> dict:
    """The season's lottery as staff run it (``lottery_run``, a dry run: the applications read
    in three queries, the draw, the run stored), three times on the same seed, inside a
    transaction that is rolled back: the database is left as it was."""
    from django.db import transaction

    found: dict = {}
    try:
        with transaction.atomic():
            found = _lottery_timed()
            raise Rollback
    except Rollback:
        pass
    return found


def _lottery_timed() -> dict:
    from summerjobs.services import lottery_run

    started = time.perf_counter()
    season = _season(open_now=False)
    _applications(season, LOTTERY_APPLICANTS, LOTTERY_SERIALS)
    built = time.perf_counter() - started
    seconds, results = [], []
    for _ in range(LOTTERY_RUNS):
        started = time.perf_counter()
        run = lottery_run(season=season, seed=LOTTERY_SEED, dry_run=True, actor=None)
        seconds.append(round(time.perf_counter() - started, 3))
        results.append((run.result["assignments"], run.result["reserve"]))
    return {
        "applicants": season.applications.count(),
        "places": sum(p.slots for p in _places_of(season)),
        "placed": len(results[0][0]),
        "seconds": seconds,
        "median_seconds": statistics.median(seconds),
        "same_result": all(r == results[0] for r in results),
        "setup_seconds": round(built, 1),
    }


def summer() -> dict:
    """A season open for applications now, in a Swedish municipality of its own, with the
    areas and periods the burst's applicants choose from. Made afresh on every run's working
    copy of the database."""
    season = _season(open_now=True)
    areas = list(season.areas.order_by("pk").values_list("pk", flat=True))
    periods = list(season.periods.order_by("number").values_list("pk", flat=True))
    return {
        "season": season.pk,
        "areas": areas,
        "periods": periods,
        "born_from_year": season.born_from_year,
        "born_to_year": season.born_to_year,
        "applicants": _burst_forms(season, areas, periods),
    }


def _burst_forms(season, areas: list[int], periods: list[int]) -> list[dict]:
    """What each young person types into the form: a synthetic personnummer, a guardian (the
    youngest need one; the others may give one), five wishes and the periods they can work."""
    rng = random.Random(50)  # noqa: S311 - made-up data, repeatable
    forms = []
    for n in range(BURST_APPLICANTS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        form = {
            "national_id": burst_personnummer(season, n, BURST_SERIALS, rng),
            "first_name": first,
            "last_name": last,
            "gender": rng.choice(["female", "male", "other"]),
            "email": f"burst{n}@example.org",
            "phone": f"+46 70 040 {n:04d}",
            "postcode": "123 45",
            "registered": "on",
            "guardian_name": f"{rng.choice(FIRST_NAMES)} {last}",
            "guardian_email": f"burst{n}.guardian@example.org",
            "guardian_phone": f"+46 70 050 {n:04d}",
            "school": "Bänkby gymnasium",
            "school_year": "1",
            "motivation": "Jag vill gärna jobba i sommar.",
            "periods": rng.sample(periods, rng.randint(1, len(periods))),
            "website": "",
        }
        for rank, area in enumerate(rng.sample(areas, WISHES), start=1):
            form[f"choice_{rank}"] = area
        forms.append(form)
    return forms


def _season(*, open_now: bool):
    from django.utils import timezone

    from accounts.models import Country, Municipality
    from programs.models import Programme, ProgrammeKind
    from summerjobs.models import Period, Season, SeasonKind, WorkArea

    stamp = f"{time.time_ns()}"
    municipality = Municipality.objects.create(name=f"Bänkby {stamp}", country=Country.SWEDEN)
    programme = Programme.objects.create(
        municipality=municipality, name=SEASON_NAME, kind=ProgrammeKind.SUMMER_JOBS
    )
    now = timezone.now()
    opened = now - timedelta(days=30) if open_now else datetime(2027, 2, 1, tzinfo=now.tzinfo)
    season = Season.objects.create(
        programme=programme,
        name=SEASON_NAME,
        kind=SeasonKind.SUMMER_JOB,
        applications_open_at=opened,
        applications_close_at=now + timedelta(days=1) if open_now else opened + timedelta(60),
        born_from_year=PERIODS[0][0].year - 19,
        born_to_year=PERIODS[0][0].year - 16,
        hours_per_period=60,
        gender_balance=True,
    )
    for number, (starts_on, ends_on) in enumerate(PERIODS, start=1):
        Period.objects.create(season=season, number=number, starts_on=starts_on, ends_on=ends_on)
    WorkArea.objects.bulk_create(
        WorkArea(season=season, name=f"Område {n:02}") for n in range(AREAS)
    )
    if not open_now:
        _lottery_places(season)
    return season


def _lottery_places(season) -> None:
    from summerjobs.models import Place, PriorityTier, Workplace, WorkplaceKind

    rng = random.Random(2026)  # noqa: S311 - made-up data, repeatable
    areas = list(season.areas.order_by("pk"))
    periods = list(season.periods.order_by("number"))
    workplace = Workplace.objects.create(
        municipality=season.programme.municipality,
        name="Bänkby kommun",
        kind=WorkplaceKind.UNIT,
        address="Torget 1",
    )
    Place.objects.bulk_create(
        Place(
            workplace=workplace,
            period=periods[n % len(periods)],
            area=areas[n % len(areas)],
            slots=LOTTERY_SLOTS,
            min_age=rng.choice([15, 16, 16, 18]),
        )
        for n in range(LOTTERY_PLACES)
    )
    PriorityTier.objects.bulk_create(
        PriorityTier(season=season, position=n, name=name, sensitive=n == 0)
        for n, name in enumerate(("Känd av socialtjänsten", "Första ansökan", "Alla"))
    )


def _places_of(season):
    from summerjobs.models import Place

    return Place.objects.filter(period__season=season)


def _applications(season, count: int, serial_base: int) -> None:
    """``count`` applications as the e-service keeps them (the personnummer encrypted, with its
    look-up hash), written in bulk: the benchmark times the lottery, not the form."""
    from accounts.models import Country
    from participants import national_id as nid
    from summerjobs.models import Application, Choice

    rng = random.Random(5000)  # noqa: S311 - made-up data, repeatable
    tiers = list(season.tiers.order_by("position"))
    rows = []
    for n in range(count):
        number = nid.parse(burst_personnummer(season, n, serial_base, rng), country=Country.SWEDEN)
        rows.append(
            Application(
                season=season,
                national_id_encrypted=nid.encrypt(number.value),
                national_id_hash=nid.lookup_hash(number.value),
                national_id_masked=number.masked,
                birth_date=number.birth_date,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                gender=rng.choice(["female", "male", "other"]),
                email=f"sokande{n}@example.org",
                tier=rng.choice([tiers[0], tiers[1], tiers[1], tiers[2], tiers[2], tiers[2]]),
            )
        )
    made = Application.objects.bulk_create(rows, batch_size=1000)
    areas = list(season.areas.values_list("pk", flat=True))
    periods = list(season.periods.values_list("pk", flat=True))
    choices, wanted = [], []
    through = Application.periods.through
    for application in made:
        for rank, area in enumerate(rng.sample(areas, WISHES), start=1):
            choices.append(Choice(application=application, rank=rank, area_id=area))
        for period in rng.sample(periods, rng.randint(1, len(periods))):
            wanted.append(through(application_id=application.pk, period_id=period))
    Choice.objects.bulk_create(choices, batch_size=5000)
    through.objects.bulk_create(wanted, batch_size=5000)


def burst_personnummer(season, n: int, serial_base: int, rng: random.Random) -> str:
    """A synthetic personnummer of someone the season takes: born in its years, a serial that
    keeps ``n`` apart from every other applicant's number."""
    from participants.synthetic import synthetic_personnummer

    year = rng.randint(season.born_from_year, season.born_to_year)
    born = date(year, 1, 1) + timedelta(days=n % 365)
    return synthetic_personnummer(born, serial_base + n // 365)
