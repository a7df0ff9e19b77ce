"""Helpers of the payroll tests: a season's first period that ended yesterday, the pay by age
band, young people given a place and taking it, their days recorded through the workplace's
link and attested by the handledare, and the payroll files read back."""

import csv
import io
from datetime import date, time, timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.utils import timezone

from summerjobs.models import Allocation, Offer, PayRate, Period, Place
from summerjobs.offers import offer_accept, offer_guardian_answer, offers_create
from summerjobs.services import lottery_run
from summerjobs.work import DayInput, hours_record, period_attest
from tests.support.summerjobs import SeasonWorld, apply

TODAY = timezone.localdate()
START = TODAY - timedelta(days=13)  # the first period: two weeks, over yesterday
END = TODAY - timedelta(days=1)
HANDLEDARE = "Hanna Handledare"


def born_aged(years: int, days: int = 30) -> date:
    """A birth date that makes someone ``years`` old on the period's first day."""
    return START.replace(year=START.year - years) - timedelta(days=days)


def pay_by_age(summer: SeasonWorld) -> dict[str, PayRate]:
    """Solvik's demo pay: 98 kr at 16, 104 at 17, 128 at 18–19, 12 % holiday pay apart."""
    season = summer.season
    return {
        "16": PayRate.objects.create(season=season, age_from=16, age_to=16, hourly_pay=98),
        "17": PayRate.objects.create(season=season, age_from=17, age_to=17, hourly_pay=104),
        "18": PayRate.objects.create(season=season, age_from=18, age_to=19, hourly_pay=128),
    }


def first_period_over(summer: SeasonWorld) -> Place:
    """The first period runs from two weeks ago to yesterday; its Vaktmästeri place at the
    Parkförvaltningen has room for ten, and the workplace a cost centre."""
    Period.objects.filter(pk=summer.periods[0].pk).update(starts_on=START, ends_on=END)
    summer.season.born_from_year, summer.season.born_to_year = START.year - 19, START.year - 16
    summer.season.save()
    park = Place.objects.select_related("workplace", "period").get(pk=summer.places[0].pk)
    park.slots = 10
    park.save()
    park.workplace.cost_centre = "4711"
    park.workplace.save()
    return park


def at_the_park(summer: SeasonWorld, lead, born: dict[str, date]) -> dict[str, Offer]:
    """Each young person (by key, born when given) applies, is given the park's place in a run
    for real and takes it, a guardian confirming under 18."""
    park = first_period_over(summer)
    area = [summer.areas["Vaktmästeri"].pk]
    applications = {
        key: apply(summer, born=day, serial=40 + n, area_ids=area, last_name=f"Ung{key}")
        for n, (key, day) in enumerate(born.items())
    }
    run = lottery_run(season=summer.season, seed=1, dry_run=False, actor=None)
    Allocation.objects.filter(run=run).update(place=park, reserve_position=None)
    offers_create(run=run, actor=lead)
    offers = {}
    for key, application in applications.items():
        offer = Offer.objects.get(allocation__application=application)
        offer_accept(offer=offer, expected_version=offer.version)
        if offer.guardian_needed:
            offer.refresh_from_db()
            offer_guardian_answer(offer=offer, expected_version=offer.version, confirm=True)
        offers[key] = Offer.objects.get(pk=offer.pk)
    return offers


def work(offer: Offer, days: int, *, starts=time(8, 0), ends=time(16, 0), pause=30) -> None:
    """The handledare records ``days`` days from the period's first, each the same."""
    for n in range(days):
        day = START + timedelta(days=n)
        data = DayInput(day=day, starts_at=starts, ends_at=ends, break_minutes=pause)
        hours_record(offer=offer, data=data, by_name=HANDLEDARE, today=TODAY)


def attest(offer: Offer) -> None:
    period_attest(offer=offer, by_name=HANDLEDARE, today=TODAY)


def correct(offer: Offer, lead, *, day: date, starts: time, ends: time, pause: int = 30) -> None:
    """A lead corrects a day after the attestation, with a reason."""
    data = DayInput(day=day, starts_at=starts, ends_at=ends, break_minutes=pause)
    hours_record(offer=offer, data=data, actor=lead, reason="Gick hem tidigare", today=TODAY)


def paxml_of(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 — a file the test's own build wrote


def lonetrans(root: ET.Element) -> list[dict[str, str]]:
    """Each ``lonetrans`` as its persnr and its elements' text."""
    return [
        {"persnr": trans.get("persnr", ""), **{child.tag: child.text or "" for child in trans}}
        for trans in root.iter("lonetrans")
    ]


def csv_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def money(text: str) -> Decimal:
    return Decimal(text)


# What PAXml 2.0's schema (paxml.xsd, 2012-12) allows where the payroll file writes, in the
# order it lists them: the elements of ``paxml``, of ``header`` and of ``lonetrans``.
PAXML_PARTS = ["header", "dimensioner", "resultatenheter", "koder", "lonetransaktioner"]
HEADER_PARTS = ["format", "version", "datum", "foretagid", "foretagorgnr", "foretagnamn"]
HEADER_PARTS += ["programnamn", "info"]
LONETRANS_PARTS = ["lonkod", "lonart", "benamning", "kommentar", "datum", "datumfrom"]
LONETRANS_PARTS += ["datumtom", "antal", "apris", "belopp", "kontonr", "resenheter", "info"]
DECIMALS = ("antal", "apris", "belopp")


def _in_order(tags: list[str], allowed: list[str]) -> bool:
    return all(tag in allowed for tag in tags) and tags == sorted(tags, key=allowed.index)


def paxml_problems(root: ET.Element) -> list[str]:
    """Where the document leaves the schema's shape: unknown or misplaced elements, a version
    other than 2.0, a persnr not of 12 digits, a decimal with an exponent or a comma, a
    resenhet's dimension outside 1–99 or its id over ten characters."""
    problems = []
    if root.tag != "paxml" or not _in_order([c.tag for c in root], PAXML_PARTS):
        problems.append("paxml's elements")
    header = root.find("header")
    if header is None or not _in_order([c.tag for c in header], HEADER_PARTS):
        problems.append("header's elements")
    elif header.findtext("version") != "2.0":
        problems.append("version")
    for trans in root.iter("lonetrans"):
        tags = [c.tag for c in trans]
        if not _in_order(tags, LONETRANS_PARTS) or len(set(tags)) != len(tags):
            problems.append(f"lonetrans elements {tags}")
        if not (trans.get("persnr", "").isdigit() and len(trans.get("persnr", "")) == 12):
            problems.append("persnr")
        for tag in DECIMALS:
            text = trans.findtext(tag) or ""
            if not text or any(c not in "-.0123456789" for c in text):
                problems.append(f"{tag}: {text!r}")
        for unit in trans.iter("resenhet"):
            if not 1 <= int(unit.get("dim", "0")) <= 99 or not 0 < len(unit.get("id", "")) <= 10:
                problems.append("resenhet")
    return problems
