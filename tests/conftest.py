"""The shared test world: two municipalities, and in the first one people who may and may not
see a participant. Every scoping test asks the same three questions of it: the user who may,
a user of the same municipality who may not, a user of another municipality."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.models import Country
from config import sms
from tests import factories as f

# The fixtures that start real Celery workers (the tests marked "services").
pytest_plugins = ["tests.worker"]


@dataclass
class World:
    municipality: object
    programme: object
    other_programme: object
    worksite: object
    other_worksite: object
    participant: object
    enrollment: object
    placement: object
    caseworker: object
    programme_lead: object
    arbeidsleder: object
    other_caseworker: object
    other_arbeidsleder: object
    admin: object
    foreign_municipality: object
    foreign_caseworker: object
    foreign_arbeidsleder: object
    foreign_participant: object


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages from services called directly read in English, whatever language an earlier
    request in the same thread left active; pages choose their language per request."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def world(db) -> World:
    home = f.MunicipalityFactory(name="Lyngdal", country=Country.NORWAY)
    abroad = f.MunicipalityFactory(name="Solvik", country=Country.SWEDEN)
    programme = f.ProgrammeFactory(municipality=home, name="En av mange")
    other_programme = f.ProgrammeFactory(municipality=home, name="Ung i jobb")
    worksite = f.WorksiteFactory(municipality=home, name="Helsehuset")
    other_worksite = f.WorksiteFactory(municipality=home, name="Kjøkkenet")
    participant = f.ParticipantFactory(municipality=home, first_name="Amalie", last_name="Testesen")
    enrollment = f.EnrollmentFactory(participant=participant, programme=programme)
    placement = f.PlacementFactory(enrollment=enrollment, worksite=worksite)

    def user(municipality, **kwargs):
        return f.UserFactory(municipality=municipality, **kwargs)

    caseworker = user(home, full_name="Kari Caseworker")
    # The person agreed that the worksite may see what its arbeidsleder needs.
    f.ConsentFactory(participant=participant, recorded_by=caseworker)
    f.MembershipFactory(user=caseworker, programme=programme, role="caseworker")
    enrollment.caseworker = caseworker
    enrollment.save()
    lead = user(home, full_name="Liv Lead")
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    arbeidsleder = user(home, full_name="Per Supervisor")
    f.SupervisorFactory(user=arbeidsleder, worksite=worksite)
    other_caseworker = user(home, full_name="Other Caseworker")
    f.MembershipFactory(user=other_caseworker, programme=other_programme, role="caseworker")
    other_arbeidsleder = user(home, full_name="Other Supervisor")
    f.SupervisorFactory(user=other_arbeidsleder, worksite=other_worksite)
    admin = user(home, full_name="Ola Admin", is_municipality_admin=True)

    foreign_programme = f.ProgrammeFactory(municipality=abroad, name="Feriearbete")
    foreign_worksite = f.WorksiteFactory(municipality=abroad, name="Äldreboendet")
    foreign_caseworker = user(abroad, full_name="Maria Handläggare")
    f.MembershipFactory(user=foreign_caseworker, programme=foreign_programme, role="caseworker")
    foreign_arbeidsleder = user(abroad, full_name="Johan Handledare")
    f.SupervisorFactory(user=foreign_arbeidsleder, worksite=foreign_worksite)
    foreign_participant = f.ParticipantFactory(
        municipality=abroad, first_name="Alva", last_name="Utlandsson"
    )
    foreign_enrollment = f.EnrollmentFactory(
        participant=foreign_participant, programme=foreign_programme
    )
    f.PlacementFactory(enrollment=foreign_enrollment, worksite=foreign_worksite)
    f.ConsentFactory(participant=foreign_participant, recorded_by=foreign_caseworker)
    return World(
        municipality=home,
        programme=programme,
        other_programme=other_programme,
        worksite=worksite,
        other_worksite=other_worksite,
        participant=participant,
        enrollment=enrollment,
        placement=placement,
        caseworker=caseworker,
        programme_lead=lead,
        arbeidsleder=arbeidsleder,
        other_caseworker=other_caseworker,
        other_arbeidsleder=other_arbeidsleder,
        admin=admin,
        foreign_municipality=abroad,
        foreign_caseworker=foreign_caseworker,
        foreign_arbeidsleder=foreign_arbeidsleder,
        foreign_participant=foreign_participant,
    )


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Text messages sent by the test sender (config.sms.MemorySender), like Django's
    mail.outbox: empty at the start of every test."""
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits, used TOTP codes and cached pages live in the cache: every test starts from
    zero, so no test is served a page another one stored."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def every_day(world):
    """The world's placement expects the person every day, so a test holds on any weekday."""
    world.placement.schedule_days = "0123456"
    world.placement.starts_on = date.today() - timedelta(days=10)
    world.placement.save()


@pytest.fixture
def client_for():
    """A test client signed in as the given user, reading the pages in English."""

    def make(user) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        # An explicit choice, as the language menu makes it: it beats the municipality's default.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return make
