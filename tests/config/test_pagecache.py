"""Cached pages (config/pagecache.py): a second visit is served from the cache, and anything the
page shows that changes, by any kind of write, shows on the very next visit."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ProgrammeMembership
from config import pagecache
from participants.consents import consent_withdraw
from participants.journal import note_create
from participants.models import Consent, Participant
from placements.models import AttendanceRecord
from tests.factories import EnrollmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
CASELOAD = reverse("participants:caseload")
ATTENDANCE = reverse("placements:attendance")
TODAY = date.today()


def visit(client, url=CASELOAD, **headers) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def without_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)


def test_statements_name_the_tables_they_write():
    assert pagecache.written_tables('INSERT INTO "placements_attendancerecord" ("a") VALUES (1)')
    assert pagecache.written_tables('UPDATE "participants_participant" SET "x" = 1') == [
        "participants_participant"
    ]
    assert pagecache.written_tables('DELETE FROM "accounts_user" WHERE 1') == ["accounts_user"]
    assert pagecache.written_tables('INSERT OR IGNORE INTO "programs_grant_programmes" ("a")') == [
        "programs_grant_programmes"
    ]
    assert pagecache.written_tables('SELECT * FROM "participants_participant"') == []
    assert pagecache.written_tables('SAVEPOINT "s1"') == []
    assert pagecache.written_tables("SET TIME ZONE 'UTC'") == []


@pytest.mark.parametrize(
    "statement",
    [
        'TRUNCATE "a_b", "c_d" RESTART IDENTITY CASCADE;',
        'WITH x AS (SELECT 1) UPDATE "participants_participant" SET "last_name" = 1',
        'ALTER TABLE "participants_participant" ADD COLUMN "x" int',
        'COPY "placements_attendancerecord" FROM STDIN',
        "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE",
    ],
)
def test_a_statement_that_cannot_be_named_moves_every_page(statement):
    assert pagecache.written_tables(statement) == [pagecache.EVERYTHING]


def test_a_write_the_module_cannot_name_still_shows_at_once(world, client_for):
    client = client_for(world.caseworker)
    visit(client)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH chosen AS (SELECT 1) UPDATE participants_participant SET last_name = %s "
            "WHERE id = %s",
            ["Ukjentskrevet", world.participant.pk],
        )
    assert "Ukjentskrevet" in visit(client)[0]


def test_a_second_visit_is_served_from_the_cache_with_the_same_page(world, client_for):
    client = client_for(world.caseworker)
    first, rendered = visit(client)
    second, served = visit(client)
    assert "Testesen" in second
    assert served < rendered and served <= 3
    assert without_tokens(first) == without_tokens(second)


def test_a_renamed_person_shows_at_once(world, client_for):
    client = client_for(world.caseworker)
    visit(client)
    world.participant.last_name = "Omdøpt"
    world.participant.save()
    page, _ = visit(client)
    assert "Omdøpt" in page and "Testesen" not in page


def test_a_bulk_update_without_signals_shows_at_once(world, client_for):
    client = client_for(world.caseworker)
    visit(client)
    Participant.objects.filter(pk=world.participant.pk).update(last_name="Masseendret")
    assert "Masseendret" in visit(client)[0]


def test_a_new_person_of_the_caseload_shows_at_once(world, client_for):
    client = client_for(world.caseworker)
    visit(client)
    EnrollmentFactory(
        participant=ParticipantFactory(municipality=world.municipality, last_name="Nykommer"),
        programme=world.programme,
        caseworker=world.caseworker,
    )
    assert "Nykommer" in visit(client)[0]


def test_a_caseworker_taken_off_the_programme_no_longer_sees_the_cached_caseload(world, client_for):
    client = client_for(world.caseworker)
    assert "Testesen" in visit(client)[0]
    ProgrammeMembership.objects.filter(user=world.caseworker).delete()
    response = client.get(CASELOAD)
    assert response.status_code == 404 or "Testesen" not in response.content.decode()


def test_a_withdrawn_consent_takes_the_person_off_the_arbeidsleders_cached_pages(
    world, client_for, every_day
):
    client = client_for(world.arbeidsleder)
    assert "Testesen" in visit(client)[0]
    assert "Testesen" in visit(client, ATTENDANCE)[0]
    consent = Consent.objects.get(participant=world.participant)
    consent_withdraw(actor=world.caseworker, consent=consent, expected_version=consent.version)
    assert "Testesen" not in visit(client)[0]
    assert "Testesen" not in visit(client, ATTENDANCE)[0]


def test_a_tap_shows_on_the_next_visit_of_the_day(world, client_for, every_day):
    client = client_for(world.arbeidsleder)
    before, _ = visit(client, ATTENDANCE)
    response = client.post(
        reverse("placements:attendance-record", args=[world.placement.pk]),
        {"status": "late", "date": TODAY.isoformat(), "hours": "4"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert AttendanceRecord.objects.get().status == "late"
    after, _ = visit(client, ATTENDANCE)
    assert after != before
    assert after.count('aria-pressed="true"') == before.count('aria-pressed="true"') + 1


def test_writes_the_page_does_not_show_leave_it_cached(world, client_for):
    client = client_for(world.caseworker)
    visit(client)
    note_create(
        actor=world.caseworker,
        participant=world.participant,
        kind="meeting",
        occurred_on=TODAY,
        text="Hei",
    )
    _, served = visit(client)
    assert served <= 3


def test_a_colleague_signing_in_with_the_second_factor_leaves_pages_cached(world, client_for):
    from allauth.mfa.models import Authenticator

    client = client_for(world.caseworker)
    visit(client)
    Authenticator.objects.create(
        user=world.other_caseworker, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    Authenticator.objects.filter(user=world.other_caseworker).update(last_used_at=None)
    _, served = visit(client)
    assert served <= 3


def test_each_user_gets_their_own_page(world, client_for):
    mine, _ = visit(client_for(world.caseworker))
    theirs, _ = visit(client_for(world.other_caseworker))
    assert "Testesen" in mine and "Testesen" not in theirs


def test_the_language_and_the_stored_search_make_pages_of_their_own(world, client_for):
    client = client_for(world.caseworker)
    english, _ = visit(client)
    client.cookies["django_language"] = "nb"
    assert visit(client)[0] != english
    client.cookies["django_language"] = "en"
    client.post(CASELOAD, {"q": "Ingen-slik-person"})
    page, _ = visit(client)
    assert "Testesen" not in page and "Nobody matches the search." in page


def test_every_browser_gets_a_working_token_of_its_own(world):
    pages = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
        browser.force_login(world.caseworker)
        page = browser.get(CASELOAD).content.decode()
        assert pagecache.csrf_placeholder() not in page
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        search = browser.post(CASELOAD, {"q": "Testesen", "csrfmiddlewaretoken": token})
        assert search.status_code == 303
        pages.append(token)
    assert pages[0] != pages[1]


def test_a_message_is_shown_once_and_never_kept_in_the_cache(world, client_for):
    client = client_for(world.caseworker)
    visit(client)
    client.post(
        reverse("participants:bulk"), {"action": "reassign", "selected": [world.participant.pk]}
    )
    assert "Choose the new caseworker." in visit(client)[0]
    assert "Choose the new caseworker." not in visit(client)[0]


def test_a_write_in_a_transaction_moves_the_generation_again_when_it_commits(
    world, django_capture_on_commit_callbacks
):
    key = pagecache._GENERATION.format("participants_participant")
    pagecache.bump(["participants_participant"])
    start = cache.get(key)
    # The test's own transaction never commits: forget what its set-up scheduled.
    connection._pagecache_pending = None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Participant.objects.filter(pk=world.participant.pk).update(last_name="A")
        Participant.objects.filter(pk=world.participant.pk).update(last_name="B")
        during = cache.get(key)
    assert during == start + 2
    assert cache.get(key) == start + 3


def test_a_rolled_back_transaction_does_not_stop_later_ones_from_moving_it(world):
    key = pagecache._GENERATION.format("participants_participant")
    pagecache.bump(["participants_participant"])
    with pytest.raises(RuntimeError), transaction.atomic():
        Participant.objects.filter(pk=world.participant.pk).update(last_name="A")
        raise RuntimeError
    before = cache.get(key)
    Participant.objects.filter(pk=world.participant.pk).update(last_name="B")
    assert cache.get(key) == before + 1


def test_pages_are_served_while_the_cache_is_away(world, client_for, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        }
    }
    client = client_for(world.caseworker)
    assert "Testesen" in visit(client)[0]
    world.participant.last_name = "Fortsatt"
    world.participant.save()
    assert "Fortsatt" in visit(client)[0]


def test_with_the_cache_turned_off_every_visit_renders(world, client_for, settings):
    settings.FOTFESTE_PAGE_CACHE_SECONDS = 0
    client = client_for(world.caseworker)
    visit(client)
    _, rendered = visit(client)
    _, again = visit(client)
    assert again == rendered > 3


def test_the_dashboard_is_kept_until_a_figure_it_counts_changes(world, client_for):
    client = client_for(world.programme_lead)
    dashboard = reverse("reporting:dashboard")
    before, rendered = visit(client, dashboard)
    again, served = visit(client, dashboard)
    assert served < rendered and without_tokens(again) == without_tokens(before)
    EnrollmentFactory(
        participant=ParticipantFactory(municipality=world.municipality),
        programme=world.programme,
        status="active",
    )
    after, _ = visit(client, dashboard)
    assert without_tokens(after) != without_tokens(before)


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("caseworker", "participants:caseload"),
        ("programme_lead", "participants:caseload"),
        ("arbeidsleder", "participants:caseload"),
        ("arbeidsleder", "placements:attendance"),
        ("arbeidsleder", "placements:attendance-week"),
        ("programme_lead", "reporting:dashboard"),
    ],
)
def test_a_page_from_the_cache_is_the_page_rendered_afresh(
    world, client_for, settings, every_day, who, page
):
    client = client_for(getattr(world, who))
    url = reverse(page)
    visit(client, url)
    cached, served = visit(client, url)
    settings.FOTFESTE_PAGE_CACHE_SECONDS = 0
    fresh, rendered = visit(client, url)
    assert served < rendered
    assert without_tokens(cached) == without_tokens(fresh)


@pytest.mark.parametrize(
    "query",
    ["?utm=1", "?sort=made-up", "?page=x", "?sort=name&extra=1", "?page=123456"],
)
def test_a_made_up_url_is_rendered_and_never_stored(world, client_for, query):
    client = client_for(world.caseworker)
    visit(client, CASELOAD + query)
    page, again = visit(client, CASELOAD + query)
    assert "Testesen" in page and again > 3


@pytest.mark.parametrize("query", ["", "?sort=-name", "?sort=birth_date&page=1"])
def test_the_caseloads_own_sorts_and_pages_are_stored(world, client_for, query):
    client = client_for(world.caseworker)
    visit(client, CASELOAD + query)
    assert visit(client, CASELOAD + query)[1] <= 3


def test_a_malformed_day_is_told_on_every_visit(world, client_for, every_day):
    client = client_for(world.arbeidsleder)
    for _ in range(2):
        page, _ = visit(client, ATTENDANCE + "?date=2026-13-45")
        assert "That is not a date; showing today." in page and "Testesen" in page
    visit(client, ATTENDANCE + "?date=yesterday")
    page, again = visit(client, ATTENDANCE + "?date=yesterday")
    assert "That is not a date; showing today." in page and again > 3


def test_the_dashboard_for_a_chosen_programme_and_period_is_stored(world, client_for):
    client = client_for(world.programme_lead)
    url = reverse("reporting:dashboard") + (
        f"?programme={world.programme.pk}&cohort=&period_start=2026-01-01&period_end=2026-06-30"
    )
    visit(client, url)
    assert visit(client, url)[1] <= 3


@pytest.fixture
def redis_cache(settings):
    """The production cache on a real Redis (a database of the broker's server of its own),
    emptied before and after."""
    import os

    server = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"{server}/12",
            "KEY_PREFIX": "pagecache-test",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.mark.services
def test_on_redis_the_generations_are_read_in_one_round_trip_and_agree(redis_cache, world):
    ignored = frozenset(pagecache.ALWAYS_IGNORED)
    first = pagecache.generations(ignored)  # made by the careful way: nothing was there
    keys, made = pagecache._generation_keys(ignored, cache.key_prefix, cache.version)
    assert pagecache._generations_at_once(made) == first == [cache.get(key) for key in keys]
    pagecache.bump(["participants_participant"])
    moved = pagecache._generations_at_once(made)
    assert moved != first and moved == [cache.get(key) for key in keys]


@pytest.mark.services
def test_on_redis_a_page_is_served_until_what_it_shows_changes(redis_cache, world, client_for):
    client = client_for(world.caseworker)
    before, rendered = visit(client)
    again, served = visit(client)
    assert served < rendered and without_tokens(again) == without_tokens(before)
    Participant.objects.filter(pk=world.participant.pk).update(last_name="Endret")
    after, _ = visit(client)
    assert "Endret" in after and "Testesen" not in after
