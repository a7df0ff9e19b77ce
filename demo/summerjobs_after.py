"""Solvik's season after the work (demo/summerjobs.py builds the rest): the certificates signed
by the projektledare and marked told to each young person when the hours were attested (the
demo sends no e-mail), and the evaluations that came in, through the services, in the days
after each period: about two young people in three answered, and about three handledare in
four, most of them with a short statement, which most allowed on the certificate.

The certificates themselves are made on demand (one from the season's «Work certificates»
page, or all of them in one ZIP by a worker, in-process under `make run`): nothing is stored."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Model, OuterRef, Subquery

from accounts.models import User
from summerjobs.evaluations import supervisor_evaluation_save, youth_evaluation_save
from summerjobs.models import (
    SETTLED_OFFER,
    SUPERVISOR_QUESTIONS,
    YOUTH_QUESTIONS,
    Attestation,
    LotteryRun,
    Offer,
    SupervisorEvaluation,
    YouthEvaluation,
)

SEED = 2026 + 18  # the season's own seed, moved on: these answers are drawn apart
SOLVIK = ZoneInfo("Europe/Stockholm")
YOUTH_SHARE = 0.65
SUPERVISOR_SHARE = 0.75
STATEMENT_SHARE = 0.8
PRINTABLE_SHARE = 0.85
# Most young people are content; a few are not, as Göteborg's first evaluation found.
YOUTH_SCORES = (5, 5, 4, 4, 4, 3, 3, 2)
SUPERVISOR_SCORES = (5, 5, 4, 4, 4, 3, 3, 2)
YOUTH_TEXTS = (
    "Jättekul! Handledaren var snäll och jag fick prova många olika saker.",
    "Bra jobb men ibland fanns det inte så mycket att göra på eftermiddagarna.",
    "Jag lärde mig mycket om hur det är att jobba. Vill gärna komma tillbaka nästa år.",
    "Trevliga arbetskamrater. Lite tråkigt när det regnade.",
    "Första jobbet, jag var nervös men alla tog emot mig bra.",
    "Det var tungt ibland men kul att se resultatet.",
    "Önskar att vi hade fått veta schemat tidigare.",
)
STATEMENTS = (
    "{name} har varit punktlig, noggrann och trevlig mot både kollegor och besökare.",
    "{name} tog egna initiativ och frågade när något var oklart. Vi rekommenderar gärna {name}.",
    "{name} har arbetat väl i grupp och utfört sina uppgifter med gott humör.",
    "{name} visade stort ansvar och lärde sig arbetsuppgifterna snabbt.",
    "{name} har varit en uppskattad medarbetare i sommar. Välkommen tillbaka!",
)


def summer_after_build(*, run: LotteryRun, lead: User) -> None:
    season = run.season
    season.certificate_signed_by = f"{lead.full_name}, projektledare feriearbete"
    season.save(update_fields=["certificate_signed_by"])
    attested = Offer.objects.filter(SETTLED_OFFER, allocation__run=run, attestation__isnull=False)
    # Told when the hours were attested; the demo sends no message.
    told = Attestation.objects.filter(offer=OuterRef("pk")).values("attested_at")
    attested.update(certificate_sent_at=Subquery(told))
    _evaluations(list(attested.select_related("allocation__application", "place__period")))


def _evaluations(offers: list[Offer]) -> None:
    rng = random.Random(SEED)  # noqa: S311 - made-up data, repeatable by seed
    for offer in sorted(offers, key=lambda o: o.pk):
        last = offer.place.period.ends_on
        if rng.random() < YOUTH_SHARE:
            _youth(offer, rng, last + timedelta(days=rng.randint(0, 6)))
        if rng.random() < SUPERVISOR_SHARE:
            _supervisor(offer, rng, last + timedelta(days=rng.randint(0, 4)))


def _youth(offer: Offer, rng: random.Random, day: date) -> None:
    scores = {name: rng.choice(YOUTH_SCORES) for name in YOUTH_QUESTIONS}
    text = rng.choice(YOUTH_TEXTS) if rng.random() < 0.4 else ""
    youth_evaluation_save(offer=offer, data={**scores, "text": text}, expected_version=0, today=day)
    _dated(YouthEvaluation, offer, day, rng)


def _supervisor(offer: Offer, rng: random.Random, day: date) -> None:
    scores = {name: rng.choice(SUPERVISOR_SCORES) for name in SUPERVISOR_QUESTIONS}
    first = offer.allocation.application.first_name
    statement = rng.choice(STATEMENTS).format(name=first) if rng.random() < STATEMENT_SHARE else ""
    supervisor_evaluation_save(
        offer=offer,
        data={**scores, "statement": statement, "printable": rng.random() < PRINTABLE_SHARE},
        by_name=offer.place.supervisor_name or "Handledaren",
        expected_version=0,
        today=day,
    )
    _dated(SupervisorEvaluation, offer, day, rng)


def _dated(model: type[Model], offer: Offer, day: date, rng: random.Random) -> None:
    """The answer as given that day, not when the demo was loaded."""
    at = datetime.combine(day, time(rng.randint(9, 20), rng.randint(0, 59)), tzinfo=SOLVIK)
    model._default_manager.filter(offer=offer).update(created_at=at, updated_at=at)
