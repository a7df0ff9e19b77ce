"""Helpers of the summer-jobs tests: a season's world, an application of a young person, the
application e-service as a young person uses it (the form, the code in the e-mail, the link in
the receipt), the programme's staff, a run for real with each young person where a test
needs them, and a day after the season's time for the applications of the unplaced."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.test import Client

from participants.services import add_months
from participants.synthetic import synthetic_personnummer
from summerjobs.models import (
    Allocation,
    Application,
    LotteryRun,
    Period,
    Place,
    PriorityTier,
    Season,
    WorkArea,
)
from summerjobs.services import ApplicationInput, application_submit, lottery_run
from tests import factories as f

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
        "postcode": "123 45",
        "registered": True,
        "guardian_name": "Testvårdnadshavare",
        "guardian_email": f"vardnadshavare{serial}@test.example.org",
        "guardian_phone": "070-000 00 00",
        "area_ids": [summer.areas["Vaktmästeri"].pk, summer.areas["Fritidshem"].pk],
        "period_ids": [summer.periods[0].pk, summer.periods[1].pk],
    }
    return ApplicationInput(**{**values, **changes})


def apply(summer: SeasonWorld, *, born: date, serial: int, **changes):
    return application_submit(
        season=summer.season, data=application_input(summer, born=born, serial=serial, **changes)
    )


def form_data(summer: SeasonWorld, *, born: date, serial: int, **changes) -> dict:
    """The public form as a young person fills it in; ``changes`` override, None leaves out."""
    data = application_input(summer, born=born, serial=serial)
    values = {
        "national_id": data.national_id,
        "first_name": data.first_name,
        "last_name": data.last_name,
        "gender": data.gender,
        "email": data.email,
        "phone": "070-123 45 67",
        "postcode": data.postcode,
        "registered": "on",
        "guardian_name": data.guardian_name,
        "guardian_email": data.guardian_email,
        "guardian_phone": data.guardian_phone,
        "school": "Solviks skola",
        "school_year": "Gy 1",
        "choice_1": summer.areas["Fritidshem"].pk,
        "choice_2": summer.areas["Vaktmästeri"].pk,
        "periods": [summer.periods[0].pk, summer.periods[2].pk],
        "motivation": "Jag vill jobba med barn.",
        "website": "",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def code_in(message) -> str:
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match, f"no code in:\n{message.body}"
    return match.group(1)


def link_in_receipt(message) -> str:
    match = re.search(r"https?://[^/\s]+(/apply/a/[^\s]+/)", message.body)
    assert match, f"no link in:\n{message.body}"
    return match.group(1)


def send_form(client: Client, summer: SeasonWorld, **data):
    return client.post(f"/apply/{summer.season.pk}/", data)


def apply_and_confirm(client: Client, summer: SeasonWorld, *, born: date, serial: int, **changes):
    """Send the form and the code from the e-mail; returns the receipt's private link."""
    sent = send_form(client, summer, **form_data(summer, born=born, serial=serial, **changes))
    assert sent.status_code == 302, sent.content.decode()[:2000]
    confirmed = client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    return link_in_receipt(mail.outbox[-1])


def summer_staff(summer: SeasonWorld, *, role: str, name: str):
    """A user of the season's municipality with ``role`` in its programme."""
    programme = summer.season.programme
    user = f.UserFactory(municipality=programme.municipality, full_name=name)
    f.MembershipFactory(user=user, programme=programme, role=role)
    return user


def run_placing(summer: SeasonWorld, where: list[tuple[Application, Place | None]]) -> LotteryRun:
    """A run for real of the season with each young person where the test says, whatever the
    draw gave: at a place, or on the reserve list in the order given."""
    run = lottery_run(season=summer.season, seed=4, dry_run=False, actor=None)
    reserve = 0
    for application, place in where:
        if place is None:
            reserve += 1
        Allocation.objects.filter(run=run, application=application).update(
            place=place,
            choice_rank=1 if place else None,
            reserve_position=None if place else reserve,
        )
    return run


def change_data(summer: SeasonWorld, application: Application, **changes) -> dict:
    """The link page's form as the young person sends it, with ``changes``."""
    values = {
        "version": application.version,
        "email": application.email,
        "phone": "070-999 99 99",
        "postcode": "123 46",
        "guardian_name": application.guardian_name,
        "guardian_email": application.guardian_email,
        "guardian_phone": application.guardian_phone,
        "school": "Nya skolan",
        "school_year": "Gy 2",
        "choice_1": summer.areas["Storkök"].pk,
        "choice_2": summer.areas["Fritidshem"].pk,
        "choice_3": summer.areas["Äldreomsorg"].pk,
        "periods": [summer.periods[1].pk],
        "motivation": "Nu vill jag laga mat.",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}

def after_the_season(summer: SeasonWorld, days: int) -> date:
    """``days`` after the applications of the season's unplaced are due to be deleted."""
    last = max(period.ends_on for period in summer.periods)
    return add_months(last, settings.FOTFESTE_SUMMERJOBS_UNPLACED_MONTHS) + timedelta(days=days)
