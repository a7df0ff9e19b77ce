"""Helpers of the tests after the work (certificates, evaluations): the payroll tests' park
with a 16- and an 18-year-old whose first period ended yesterday, the links of the young people
and the workplace."""

import secrets

from accounts.tokens import token_digest
from summerjobs.models import Offer
from summerjobs.work import workplace_access_create
from tests import factories as f
from tests.support.payroll import at_the_park, born_aged, work
from tests.support.summerjobs import SeasonWorld


def staff(world, summer: SeasonWorld, role: str, name: str):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name=name)
    f.MembershipFactory(user=user, programme=summer.season.programme, role=role)
    return user


def worked(summer: SeasonWorld, lead) -> dict[str, Offer]:
    """Two young people at the park, each with three days recorded, not yet attested."""
    offers = at_the_park(summer, lead, {"16": born_aged(16), "18": born_aged(18)})
    for offer in offers.values():
        work(offer, 3)
    return offers


def offer_link(offer: Offer) -> str:
    """The young person's page, as their offer's message would link to it."""
    token = secrets.token_urlsafe(16)
    Offer.objects.filter(pk=offer.pk).update(token_hash=token_digest(token))
    return f"/apply/o/{token}/"


def workplace_link(offer: Offer, lead) -> str:
    link, _sent = workplace_access_create(
        actor=lead, workplace=offer.place.workplace, season=offer.place.period.season
    )
    return "/apply/" + link.split("/apply/", 1)[1]
