"""Solvik's summer-job season «Feriearbete <year>» (issue 18), last summer's and complete: eight
work areas, four priority tiers, some forty workplaces offering about 160 places over three
periods, about 320 young people's applications submitted through `application_submit` on
their own days of the February–March window, a few given a priority tier by staff, and the
lottery run in April, dry and then for real, with a fixed seed; the offers sent the same day and
answered through their links within the week (a few declined or let lapse, their places gone on
to the reserve list); the checklists before the start as they stood when the first period
began (the first period's nearly all done, the later ones part done); and the evaluations after
each period (demo/summerjobs_after.py).

Everything is drawn from ``random.Random(SEED)``: the same seed builds the same season. The
workplaces, people and telephone numbers are invented; any likeness to a real person or
business is chance. National IDs are synthetic numbers that cannot belong to anyone."""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Max

from accounts.models import User
from demo.summerjobs_after import summer_after_build
from participants.synthetic import synthetic_personnummer
from programs.models import Programme
from summerjobs.lottery import age_on
from summerjobs.models import (
    SETTLED_OFFER,
    Absence,
    Application,
    Attestation,
    Gender,
    HoursEntry,
    LotteryRun,
    Offer,
    OfferStatus,
    PayRate,
    PayrollBatch,
    Period,
    Place,
    PreStart,
    PreStartItem,
    PriorityTier,
    Season,
    SeasonKind,
    TaxBasis,
    WorkArea,
    Workplace,
    WorkplaceKind,
)
from summerjobs.offers import (
    offer_accept,
    offer_decline,
    offer_guardian_answer,
    offers_create,
    offers_tend,
)
from summerjobs.payroll import payroll_batch_build, payroll_batch_request
from summerjobs.prestart import TICKED, prestart_next_of_kin, prestart_tick
from summerjobs.services import ApplicationInput, application_submit, lottery_run

SEED = 2026  # the season's people, wishes and days, as the rest of the demo draws by seed
LOTTERY_SEED = 20260408  # the draw's own seed, kept on the run as a municipality would
SOLVIK = ZoneInfo("Europe/Stockholm")
APPLICANTS = 320
SERIAL_BASE = 500  # personnummer serials 500–819: clear of the ones demo/world.py hands out

# Work areas in the order the form lists them, and how often each is wished for: the
# associations and the children's areas are the ones young people want, as in reality.
AREAS = {
    "Vaktmästeri": 10,
    "Fritidshem": 18,
    "Skola": 12,
    "Äldreomsorg": 8,
    "Storkök": 8,
    "Föreningsliv": 22,
    "Park och natur": 11,
    "Bibliotek": 13,
}
ADULTS_ONLY = {"Äldreomsorg"}  # the municipality's rule: 18 and over in elderly care
WITH_CHILDREN = {"Fritidshem", "Skola"}  # an extract from belastningsregistret is shown
TASKS = {
    "Vaktmästeri": "Fastighetsskötsel med vaktmästarna: gräsklippning, sophantering, städning "
    "av förråd och enklare reparationer.",
    "Fritidshem": "Sommarfritids: lekar, utflykter och mellanmål med barn i åldern 6–12 år, "
    "alltid tillsammans med personalen.",
    "Skola": "Lovskola och förberedelser inför höstterminen: ordna klassrum, böcker och "
    "material, stötta lärarna.",
    "Äldreomsorg": "Social samvaro med de boende: promenader, högläsning, fika och "
    "aktiviteter. Ingen omvårdnad på egen hand.",
    "Storkök": "Förberedelser, disk och servering i köket; hygienrutinerna gås igenom första "
    "dagen.",
    "Föreningsliv": "Sommarläger och aktiviteter för barn och unga, skötsel av anläggningen "
    "och kiosken.",
    "Park och natur": "Skötsel av parker, lekplatser och badplatser: rensning, plantering, "
    "vattning och skräpplockning.",
    "Bibliotek": "Sommarboken med barnen, sortering och uppställning av böcker, hjälp till "
    "besökarna.",
}
# (name, sensitive), served in this order.
TIERS = (
    ("Känd av socialtjänsten / ekonomiskt bistånd", True),
    ("Funktionsnedsättning", True),
    ("Första ansökan", False),
    ("Alla", False),
)
TIER_SHARES = (0.08, 0.03, 0.55)  # of the applicants; the rest are «Alla»
PAY = ((16, 16, "98"), (17, 17, "104"), (18, 19, "128"))  # kronor an hour, before holiday pay
HOLIDAY_PAY_PERCENT = Decimal(12)
HOURS_PER_PERIOD = Decimal(90)

# Each kind's workplaces: (name, street, work areas, periods, places per period and area).
WORKPLACES = {
    WorkplaceKind.UNIT: (
        ("Fastighetsservice Solvik", "Järnvägsgatan 21", "Vaktmästeri", "123", 2),
        ("Solviks äldreboende", "Storgatan 12", "Äldreomsorg", "123", 3),
        ("Centralköket Solvik", "Kyrkogatan 4", "Storkök", "123", 2),
        ("Solviks bibliotek", "Torggatan 1", "Bibliotek", "123", 1),
        ("Norrby bibliotek", "Norrbyvägen 7", "Bibliotek", "2", 1),
        ("Parkenheten Solvik", "Parkvägen 30", "Park och natur", "123", 3),
        ("Ekbackens fritidshem", "Ekbackevägen 2", "Fritidshem", "12", 2),
        ("Lindängens fritidshem", "Lindängsvägen 9", "Fritidshem", "123", 1),
        ("Solbackens skola", "Skolgatan 14", "Skola, Fritidshem", "1", 2),
        ("Västerskolan", "Västervägen 5", "Skola, Vaktmästeri", "12", 1),
        ("Solviks gymnasium", "Skolgatan 30", "Skola, Vaktmästeri", "3", 2),
        ("Lindängsskolan", "Lindängsvägen 11", "Skola", "3", 2),
        ("Kulturskolan Solvik", "Torggatan 5", "Skola", "1", 1),
        ("Hagabergs äldreboende", "Hagabergsvägen 11", "Äldreomsorg, Storkök", "123", 1),
        ("Hemtjänsten Solvik norra", "Norrbyvägen 18", "Äldreomsorg", "23", 2),
        ("Korttidsboendet Rönnbacka", "Rönnbackavägen 3", "Äldreomsorg", "123", 1),
        ("Servicehuset Tallåsen", "Tallåsvägen 6", "Äldreomsorg, Storkök", "12", 1),
        ("Tillagningsköket Ekbacken", "Ekbackevägen 4", "Storkök", "3", 2),
        ("Solviks simhall", "Badvägen 1", "Vaktmästeri", "123", 1),
        ("Återvinningscentralen", "Industrigatan 14", "Vaktmästeri, Park och natur", "123", 1),
        ("Kommunhuset Solvik", "Storgatan 1", "Vaktmästeri", "23", 1),
        ("Sommarlov i Solvik", "Idrottsvägen 2", "Fritidshem", "123", 2),
        ("Naturum Solviksjön", "Sjövägen 40", "Park och natur, Bibliotek", "12", 1),
    ),
    WorkplaceKind.COMPANY: (
        ("Solviksbostäder AB", "Ringvägen 2", "Vaktmästeri, Park och natur", "123", 2),
        ("Solvik Energi AB", "Industrigatan 3", "Vaktmästeri", "2", 1),
        ("Solviks hamn AB", "Hamngatan 20", "Park och natur", "12", 1),
        ("Restaurang Kajen", "Hamngatan 2", "Storkök", "123", 1),
        ("Handelsträdgården Solvik AB", "Sjövägen 12", "Park och natur", "12", 1),
        ("Lunchrestaurangen Smaken AB", "Järnvägsgatan 8", "Storkök", "12", 1),
        ("Solviksjöns camping AB", "Sjövägen 60", "Vaktmästeri, Storkök", "23", 1),
    ),
    WorkplaceKind.ASSOCIATION: (
        ("Solviks IF", "Idrottsvägen 10", "Föreningsliv", "123", 3),
        ("Solviks simsällskap", "Badvägen 1", "Föreningsliv", "12", 2),
        ("Scoutkåren Solvik", "Sjövägen 33", "Föreningsliv, Park och natur", "12", 1),
        ("Solviks ridklubb", "Ringvägen 48", "Föreningsliv", "23", 1),
        ("Solviks konstförening", "Kyrkogatan 15", "Föreningsliv, Bibliotek", "2", 1),
        ("Solviks hembygdsförening", "Kyrkogatan 22", "Föreningsliv, Park och natur", "123", 1),
        ("Solviks tennisklubb", "Idrottsvägen 6", "Föreningsliv", "1", 2),
        ("Koloniföreningen Solängen", "Parkvägen 51", "Park och natur", "23", 1),
        ("Solviks handbollsklubb", "Idrottsvägen 8", "Föreningsliv", "3", 2),
        ("Seniorföreningen Solvik", "Storgatan 30", "Föreningsliv, Äldreomsorg", "12", 1),
    ),
}
# Solvik's postcodes (those of demo/names.py) by street.
POSTCODES = {
    "123 40": ("Kyrkogatan", "Skolgatan", "Torggatan", "Storgatan"),
    "123 45": ("Parkvägen", "Västervägen", "Tallåsvägen", "Badvägen", "Idrottsvägen", "Ringvägen"),
    "123 46": (
        "Järnvägsgatan",
        "Ekbackevägen",
        "Hagabergsvägen",
        "Rönnbackavägen",
        "Industrigatan",
    ),
    "123 51": ("Norrbyvägen", "Lindängsvägen", "Sjövägen", "Hamngatan"),
}

# Names of young people born 2007–2010 and of their parents' generation, chosen so that none
# is the name of anyone in the articles the demo follows (tests/demo/test_summer_season.py).
GIRLS = (
    "Alice", "Maja", "Elsa", "Ella", "Wilma", "Ebba", "Alva", "Saga", "Julia", "Agnes",
    "Olivia", "Freja", "Alma", "Ellen", "Stella", "Ida", "Moa", "Klara", "Elin", "Linnea",
    "Tilda", "Nellie", "Signe", "Tuva", "Ester", "Vera", "Hanna", "Emilia", "Lova", "Selma",
    "Astrid", "Thea", "Nova", "Amira", "Sara", "Hedda", "Meja", "Lilly", "Matilda", "Felicia",
    "Sofia", "Emma", "Nour", "Hawa", "Leila", "Ines", "Tindra", "Minna",
)  # fmt: skip
BOYS = (
    "William", "Liam", "Noah", "Hugo", "Lucas", "Oliver", "Elias", "Alexander", "Oscar", "Adam",
    "Viktor", "Axel", "Ludvig", "Filip", "Isak", "Leo", "Albin", "Melvin", "Theo", "Alfred",
    "Vincent", "Edvin", "Nils", "Arvid", "Anton", "Gustav", "Emil", "Malte", "Sixten",
    "Jonathan", "Max", "Viggo", "Elton", "Colin", "Omar", "Ali", "Samir", "Yusuf", "Eddie",
    "Milo", "Loke", "Kerim", "Yousef", "Algot",
)  # fmt: skip
EITHER = ("Alex", "Robin", "Kim", "Sam", "Charlie", "Mika", "Noa", "Billie")
SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson", "Lindberg",
    "Jakobsson", "Magnusson", "Lindqvist", "Lindgren", "Axelsson", "Bergström", "Lundberg",
    "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Forsberg", "Sjöberg", "Wallin",
    "Engström", "Eklund", "Danielsson", "Lundin", "Björk", "Bergman", "Holm", "Wikström",
    "Isaksson", "Nyström", "Holmberg", "Söderberg", "Nyberg", "Blomqvist", "Ekvall",
    "Sjöstrand", "Tallgren", "Rönnholm", "Ljungdahl", "Ali", "Hassan", "Yilmaz", "Nguyen",
    "Abdi", "Hussein", "Ibrahim", "Haddad", "Novak",
)  # fmt: skip
ADULTS = (
    "Jenny", "Sanna", "Petra", "Malin", "Johanna", "Linda", "Helena", "Camilla", "Frida",
    "Jessica", "Ulrika", "Annika", "Sofie", "Cecilia", "Fredrik", "Mikael", "Jonas", "Daniel",
    "Magnus", "Patrik", "Niklas", "Henrik", "Peter", "Johan", "Andreas", "Tobias", "Martin",
    "Stefan", "Erik", "Robert", "Reza", "Amir",
)  # fmt: skip
GENDERS = ((Gender.FEMALE, GIRLS, 49), (Gender.MALE, BOYS, 48), (Gender.OTHER, EITHER, 3))
# Years of age at the end of the spring term -> school year, and the schools they go to.
SCHOOLS = {
    16: ("Åk 9", ("Ekbackeskolan", "Västerskolan", "Solbackens skola", "Lindängsskolan")),
    17: ("Gy 1", ("Solviks gymnasium",)),
    18: ("Gy 2", ("Solviks gymnasium",)),
    19: ("Gy 3", ("Solviks gymnasium",)),
}
BIRTH_YEAR_WEIGHTS = {16: 30, 17: 28, 18: 24, 19: 18}  # the younger apply more
PERIODS_WANTED = {1: 40, 2: 35, 3: 25}  # how many periods an applicant can work
PERIOD_WEIGHTS = {1: 5, 2: 3, 3: 2}  # the first weeks of the holiday are the most wanted
WISHES = 5
MOTIVATIONS = (
    "Jag vill tjäna egna pengar och lära mig hur det är att jobba.",
    "Jag har varit ledare på fotbollsläger och tycker om att jobba med barn.",
    "Min mormor bor på ett äldreboende och jag vill se hur det är att jobba där.",
    "Jag vill bli kock och skulle gärna prova på ett storkök.",
    "Jag gillar att vara ute och jobbar hellre i en park än inne.",
    "Jag läser mycket och tror att det vore roligt att jobba på ett bibliotek.",
    "Det vore bra att få en referens till när jag söker jobb sen.",
    "Jag vill träffa nya människor och göra något vettigt på sommarlovet.",
    "Jag har ingen erfarenhet än, men jag är noggrann och kommer alltid i tid.",
    "Jag vill plugga till lärare och vill gärna vara med i skolan eller på fritids.",
)
_ASCII = str.maketrans("åäöéü", "aaoeu")


def summer_season_build(
    *, programme: Programme, lead: User, periods: list[tuple[date, date]]
) -> Season | None:
    """Solvik's season on its feriearbete programme, for the summer of ``periods``; None when
    the season exists already (running the demo again changes nothing)."""
    year = periods[0][0].year
    name = f"Feriearbete {year}"
    if Season.objects.filter(programme=programme, name=name).exists():
        return None
    rng = random.Random(SEED)  # noqa: S311 - made-up data, repeatable by seed
    season = _season(programme, name, year, periods)
    areas = _areas(season)
    _places(season, areas, rng)
    applications = _applications(season, areas, rng)
    _tiers_given(season, applications, rng)
    run = _lottery(season, lead, year)
    _offers(run, lead, year)
    _hours(run, rng, lead)
    _before_the_start(run, lead)
    summer_after_build(run=run, lead=lead)
    return season


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SOLVIK)


def _season(programme: Programme, name: str, year: int, periods: list[tuple[date, date]]) -> Season:
    season = Season.objects.create(
        programme=programme,
        name=name,
        kind=SeasonKind.SUMMER_JOB,
        applications_open_at=_at(date(year, 2, 2), 8),
        applications_close_at=_at(date(year, 3, 31), 23, 59),
        born_from_year=year - 19,
        born_to_year=year - 16,
        hours_per_period=HOURS_PER_PERIOD,
        answer_days=7,
        gender_balance=True,
        postcodes=", ".join(code.replace(" ", "") for code in POSTCODES),
    )
    for number, (starts_on, ends_on) in enumerate(periods, start=1):
        Period.objects.create(season=season, number=number, starts_on=starts_on, ends_on=ends_on)
    PayRate.objects.bulk_create(
        PayRate(
            season=season,
            age_from=low,
            age_to=high,
            hourly_pay=Decimal(pay),
            holiday_pay_percent=HOLIDAY_PAY_PERCENT,
        )
        for low, high, pay in PAY
    )
    PriorityTier.objects.bulk_create(
        PriorityTier(season=season, position=position, name=tier, sensitive=sensitive)
        for position, (tier, sensitive) in enumerate(TIERS)
    )
    return season


def _areas(season: Season) -> dict[str, WorkArea]:
    return {name: WorkArea.objects.create(season=season, name=name) for name in AREAS}


def _places(season: Season, areas: dict[str, WorkArea], rng: random.Random) -> None:
    """Each workplace's places, with its handledare (one per workplace, for every period)."""
    periods = {period.number: period for period in season.periods.all()}
    places = []
    offers = [(kind, *row) for kind, rows in WORKPLACES.items() for row in rows]
    for index, (kind, name, street, wanted, numbers, slots) in enumerate(offers):
        workplace = Workplace.objects.create(
            municipality=season.programme.municipality,
            name=name,
            kind=kind,
            address=f"{street}, {_postcode(street)} Solvik",
        )
        handledare = f"{rng.choice(ADULTS)} {rng.choice(SURNAMES)}"
        places += [
            Place(
                workplace=workplace,
                period=periods[int(number)],
                area=areas[area],
                slots=slots,
                min_age=18 if area in ADULTS_ONLY else 16,
                record_extract_required=area in WITH_CHILDREN,
                tasks=TASKS[area],
                supervisor_name=handledare,
                supervisor_phone=f"+46 70 030 {index:03d}",
            )
            for number in numbers
            for area in wanted.split(", ")
        ]
    Place.objects.bulk_create(places)


def _postcode(street: str) -> str:
    name = street.rsplit(" ", 1)[0]
    return next(code for code, streets in POSTCODES.items() if name in streets)


def _applications(
    season: Season, areas: dict[str, WorkArea], rng: random.Random
) -> list[Application]:
    """Every application through the service on the day it was sent, in the order they came,
    most of them in the last weeks before the deadline; each dated that day."""
    periods = {period.number: period for period in season.periods.all()}
    window = season.applications_close_at - season.applications_open_at
    sent = sorted(
        (
            (season.applications_open_at + window * rng.betavariate(2.0, 1.0)).replace(
                microsecond=0
            ),
            n,
            _application_input(n, season, areas, periods, rng),
        )
        for n in range(APPLICANTS)
    )
    applications = []
    for at, _n, data in sent:
        application = application_submit(season=season, data=data, at=at)
        application.created_at = at
        applications.append(application)
    Application.objects.bulk_update(applications, ["created_at"])
    return applications


def _application_input(
    n: int,
    season: Season,
    areas: dict[str, WorkArea],
    periods: dict[int, Period],
    rng: random.Random,
) -> ApplicationInput:
    gender, names, _weight = rng.choices(GENDERS, weights=[g[2] for g in GENDERS])[0]
    first, last = rng.choice(names), rng.choice(SURNAMES)
    age = rng.choices(list(BIRTH_YEAR_WEIGHTS), weights=list(BIRTH_YEAR_WEIGHTS.values()))[0]
    year = season.born_to_year + 16 - age
    born = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    school_year, schools = SCHOOLS[age]
    wanted = rng.choices(list(PERIODS_WANTED), weights=list(PERIODS_WANTED.values()))[0]
    return ApplicationInput(
        national_id=synthetic_personnummer(born, SERIAL_BASE + n),
        first_name=first,
        last_name=last,
        gender=gender,
        email=f"{_mailbox(first, last)}{n}@example.org",
        phone=f"+46 70 010 {n:03d}",
        postcode=list(POSTCODES)[n % len(POSTCODES)],
        registered=True,
        school=rng.choice(schools),
        school_year=school_year,
        area_ids=[areas[name].pk for name in _ranked(rng, AREAS, WISHES)],
        period_ids=[periods[p].pk for p in sorted(_ranked(rng, PERIOD_WEIGHTS, wanted))],
        motivation=rng.choice(MOTIVATIONS) if rng.random() < 0.4 else "",
        **_guardian(n, last, born, periods[1].starts_on, rng),
    )


def _guardian(n: int, last: str, born: date, first_day: date, rng: random.Random) -> dict:
    """A guardian for everyone under 18 when the summer starts, as the season asks."""
    if age_on(born, first_day) >= 18:
        return {}
    first = rng.choice(ADULTS)
    return {
        "guardian_name": f"{first} {last}",
        "guardian_email": f"{_mailbox(first, last)}.{n}@example.org",
        "guardian_phone": f"+46 70 020 {n:03d}",
    }


def _ranked(rng: random.Random, weights: dict, count: int) -> list:
    """``count`` different keys of ``weights``, drawn one after another by weight."""
    left = dict(weights)
    chosen = []
    for _ in range(count):
        pick = rng.choices(list(left), weights=list(left.values()))[0]
        chosen.append(pick)
        del left[pick]
    return chosen


def _mailbox(*words: str) -> str:
    return ".".join(word.lower().translate(_ASCII) for word in words)


def _tiers_given(season: Season, applications: list[Application], rng: random.Random) -> None:
    """The tiers staff gave: a few on sensitive grounds, drawn at random; «Första ansökan»
    first to the youngest, who cannot have applied before; everyone else «Alla». There is no
    service to set a tier yet (issue 18: staff's set-up pages), so the demo sets it here."""
    drawn = list(applications)
    rng.shuffle(drawn)
    social, disability, first_time = (round(share * len(drawn)) for share in TIER_SHARES)
    sensitive = social + disability
    rest = sorted(drawn[sensitive:], key=lambda a: a.birth_date.year != season.born_to_year)
    groups = (drawn[:social], drawn[social:sensitive], rest[:first_time], rest[first_time:])
    for tier, group in zip(season.tiers.order_by("position"), groups, strict=True):
        Application.objects.filter(pk__in=[a.pk for a in group]).update(tier=tier)


def _lottery(season: Season, lead: User, year: int) -> LotteryRun:
    """The projektledare's dry run on 7 April and the run for real the next morning."""
    for dry_run, day in ((True, date(year, 4, 7)), (False, date(year, 4, 8))):
        run = lottery_run(season=season, seed=LOTTERY_SEED, dry_run=dry_run, actor=lead)
        LotteryRun.objects.filter(pk=run.pk).update(run_at=_at(day, 10))
    return run


DECLINE_REASONS = (
    "Har fått ett annat sommarjobb.",
    "Vi ska resa bort med familjen den perioden.",
    "",
)


def _offers(run: LotteryRun, lead: User, year: int) -> None:
    """The offers sent on 8 April and answered through the links over the next week, as the
    young people and their guardians would: most say yes, a few say no or let the deadline
    pass, and each freed place goes to the next on the reserve list who fits it."""
    rng = random.Random(SEED + 1)  # noqa: S311 - made-up data, repeatable by seed
    offers_create(run=run, actor=lead, at=_at(date(year, 4, 8), 11))
    _answer(run, rng, lapse_some=True)
    deadline = Offer.objects.filter(allocation__run=run, status=OfferStatus.PENDING).aggregate(
        last=Max("answer_by")
    )["last"]
    if deadline:
        offers_tend(at=deadline + timedelta(minutes=5))
        _answer(run, rng, lapse_some=False)
    _as_if_sent(run)


def _answer(run: LotteryRun, rng: random.Random, *, lapse_some: bool) -> None:
    decided: set[int] = set()
    while True:
        waiting = (
            Offer.objects.filter(allocation__run=run, status=OfferStatus.PENDING)
            .exclude(pk__in=decided)
            .order_by("created_at", "pk")
        )
        batch = list(waiting)
        if not batch:
            return
        for offer in batch:
            decided.add(offer.pk)
            sent = offer.created_at.astimezone(SOLVIK)
            at = _at(sent.date() + timedelta(days=rng.randint(0, 5)), rng.randint(8, 21))
            # Every 30th offer lets the deadline pass and every 14th says no, by its place in
            # the batch: the same few each time, whatever the rows' ids (the stream of random
            # numbers would shift with each guardian's extra draw).
            turn = len(decided)
            if lapse_some and turn % 30 == 7:
                continue  # nobody answers: the deadline passes
            if turn % 14 == 3:
                reason = rng.choice(DECLINE_REASONS)
                offer_decline(offer=offer, expected_version=offer.version, reason=reason, at=at)
                continue
            offer_accept(offer=offer, expected_version=offer.version, at=at)
            if offer.guardian_needed:
                confirmed = at + timedelta(hours=rng.randint(2, 40))
                offer_guardian_answer(
                    offer=offer, expected_version=offer.version, confirm=True, at=confirmed
                )


def _as_if_sent(run: LotteryRun) -> None:
    """The demo sends no e-mail: each message is marked sent when it would have gone."""
    offers = Offer.objects.filter(allocation__run=run)
    offers.update(sent_at=F("created_at"))
    offers.filter(guardian_needed=True, answered_at__isnull=False).update(
        guardian_sent_at=F("answered_at")
    )
    offers.filter(status__in=(OfferStatus.DECLINED, OfferStatus.LAPSED)).update(
        workplace_told_at=F("answered_at")
    )


def _hours(run: LotteryRun, rng: random.Random, lead: User) -> None:
    """Each young person's weekdays of their period as the handledare recorded them the same
    afternoon, 08:00–14:30 with half an hour's lunch, now and then a day ill; midsummer's eve
    off; every period attested by its handledare a day or three after it ended, and paid in
    the payroll file the projektledare made once the period was attested."""
    entries: list[HoursEntry] = []
    attestations: dict[int, list[Attestation]] = defaultdict(list)
    for offer in Offer.objects.filter(
        allocation__run=run, status=OfferStatus.ACCEPTED
    ).select_related("place__period"):
        if not offer.settled:
            continue
        period, total = offer.place.period, Decimal(0)
        day = period.starts_on
        while day <= period.ends_on:
            if day.weekday() < 5 and not _midsummer_eve(day):
                ill = rng.random() < 0.04
                hours = Decimal(0) if ill else DEMO_DAY_HOURS
                total += hours
                entries.append(_entry(offer, day, ill, hours))
            day += timedelta(days=1)
        attested = _at(period.ends_on + timedelta(days=rng.randint(1, 3)), rng.randint(9, 16))
        attestations[period.number].append(
            Attestation(
                offer=offer,
                hours=total,
                attested_at=attested,
                attested_by_name=offer.place.supervisor_name,
            )
        )
    HoursEntry.objects.bulk_create(entries)
    for number in sorted(attestations):
        Attestation.objects.bulk_create(attestations[number])
        last = max(a.attested_at for a in attestations[number]).date()
        _payroll(run.season, lead, attested_on=last)


# A period's pay: on the 25th of the month, in the first month whose 25th leaves payroll ten
# days after the last attestation.
PAY_DAY, PAYROLL_DAYS = 25, 10


def _payroll(season: Season, lead: User, *, attested_on: date) -> None:
    """The payroll file of what was attested so far, made the day after the last attestation
    through the service and built at once (in the demo, as a worker would build it)."""
    pay_date = (attested_on + timedelta(days=PAYROLL_DAYS)).replace(day=PAY_DAY)
    if pay_date < attested_on + timedelta(days=PAYROLL_DAYS):
        pay_date = (pay_date + timedelta(days=31)).replace(day=PAY_DAY)
    made_on = attested_on + timedelta(days=1)
    batch = payroll_batch_request(actor=lead, season=season, pay_date=pay_date, today=made_on)
    payroll_batch_build(batch_id=batch.pk)
    made = {"created_at": _at(made_on, 9), "finished_at": _at(made_on, 9, 1)}
    PayrollBatch.objects.filter(pk=batch.pk).update(**made)


DEMO_DAY_HOURS = Decimal(6)


def _entry(offer: Offer, day: date, ill: bool, hours: Decimal) -> HoursEntry:
    return HoursEntry(
        offer=offer,
        day=day,
        starts_at=None if ill else time(8, 0),
        ends_at=None if ill else time(14, 30),
        break_minutes=0 if ill else 30,
        hours=hours,
        absence=Absence.SICK if ill else "",
        entered_at=_at(day, 15, 10),
        entered_by_name=offer.place.supervisor_name,
    )


def _midsummer_eve(day: date) -> bool:
    """The Friday between 19 and 25 June: nobody works."""
    return day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4


# How likely each paper is in by the first period's first day, for the later periods (the
# first period's are nearly all in): the contract first, the extract and the tax form last.
LATER_PERIODS_DONE: dict[str, float] = {
    PreStartItem.CONTRACT: 0.85,
    PreStartItem.BANK: 0.75,
    PreStartItem.TAX: 0.6,
    PreStartItem.EXTRACT: 0.55,
    PreStartItem.NEXT_OF_KIN: 0.8,
}
TAX_BASES = (TaxBasis.ADJUSTMENT, TaxBasis.ADJUSTMENT, TaxBasis.TABLE, TaxBasis.ONE_OFF)


def _before_the_start(run: LotteryRun, lead: User) -> None:
    """The projektledare's checklists as they stood when the first period began, ticked through
    the services on days between the settled answer and the start: the first period's all done
    but for a few papers, the later periods' part done. The next of kin: the guardian, or a
    parent."""
    rng = random.Random(SEED + 2)  # noqa: S311 - made-up data, repeatable by seed
    settled = (
        Offer.objects.filter(SETTLED_OFFER, allocation__run=run)
        .select_related(
            "allocation__application",
            "allocation__run__season__programme__municipality",
            "place__period__season",
        )
        .order_by("pk")
    )
    starts = run.season.periods.order_by("number").values_list("starts_on", flat=True).first()
    assert starts is not None
    for n, offer in enumerate(settled):
        answered = max(filter(None, (offer.answered_at, offer.guardian_confirmed_at)))
        days = (starts - answered.astimezone(SOLVIK).date()).days - 1
        version = 1  # a checklist is made at its first tick
        for item in PreStart.items_for(offer.place):
            chance = 0.97 if offer.place.period.number == 1 else LATER_PERIODS_DONE[item]
            if days < 1 or rng.random() >= chance:
                continue
            day = answered.astimezone(SOLVIK).date() + timedelta(days=rng.randint(1, days))
            at = _at(day, rng.randint(8, 16), rng.randint(0, 59))
            version = _tick(offer, item, lead, at, rng, version, n)


def _tick(
    offer: Offer, item: str, lead: User, at: datetime, rng: random.Random, version: int, n: int
) -> int:
    """Tick the item (or record the next of kin); the checklist's version after."""
    if item in TICKED:
        basis = rng.choice(TAX_BASES) if item == PreStartItem.TAX else ""
        return prestart_tick(
            offer=offer,
            item=item,
            done=True,
            expected_version=version,
            actor=lead,
            tax_basis=basis,
            at=at,
        ).version
    application = offer.allocation.application
    name, phone = application.guardian_name, application.guardian_phone
    if not name:
        name = f"{rng.choice(ADULTS)} {application.last_name}"
        phone = f"+46 70 030 {n:03d}"
    return prestart_next_of_kin(
        offer=offer, name=name, phone=phone, expected_version=version, actor=lead, at=at
    ).version
