"""The public e-services' count of tries (config/tries.py): a limit per action and subject within
a window from the first try, IPv6 clients counted per /64, no address in the cache's keys,
nothing counted while Redis is away; against a real Redis where the services run."""

import os
import time

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from config.tries import client_subject, try_allowed
from tests.support.redis_away import CACHE_AWAY


@pytest.fixture(autouse=True)
def limits(settings):
    settings.FOTFESTE_TRY_LIMITS = {"form": (3, 60), "brief": (1, 1)}
    cache.clear()


def test_the_tries_over_the_limit_are_refused_and_another_subject_still_counts_its_own():
    assert [try_allowed("form", "10.0.0.1") for _ in range(5)] == [True, True, True, False, False]
    assert try_allowed("form", "10.0.0.2")
    assert try_allowed("brief", "10.0.0.1")  # each action its own count


def test_the_window_starts_at_the_first_try_and_a_new_one_follows_it():
    assert try_allowed("brief", "young@example.org")
    assert not try_allowed("brief", "young@example.org")
    time.sleep(1.1)
    assert try_allowed("brief", "young@example.org")


def test_ipv6_clients_are_counted_by_their_network_and_ipv4_clients_one_by_one():
    one = client_subject("2001:db8:1:2::1")
    assert client_subject("2001:db8:1:2:ffff::9") == one != client_subject("2001:db8:1:3::1")
    assert client_subject("192.0.2.1") != client_subject("192.0.2.2")
    assert client_subject("not an address") == "not an address"
    assert client_subject("::ffff:192.0.2.1") == "192.0.2.1"  # an IPv4 client, not all of ::/64
    for _ in range(3):
        assert try_allowed("form", client_subject("2001:db8:1:2::1"))
    assert not try_allowed("form", client_subject("2001:db8:1:2::abcd"))


def test_the_cache_keys_hold_no_address():
    try_allowed("form", "young@example.org")
    try_allowed("form", "192.0.2.7")
    keys = " ".join(str(key) for key in cache._cache)  # LocMemCache's own store
    assert "tries:form:" in keys
    assert "young" not in keys and "example.org" not in keys and "192.0.2.7" not in keys


@override_settings(CACHES=CACHE_AWAY)
def test_nothing_is_counted_while_redis_is_away():
    assert all(try_allowed("brief", "192.0.2.8") for _ in range(3))


def test_a_count_whose_window_ended_under_it_still_ends(monkeypatch):
    # A cache without incr_in_window (Django's own Redis cache, say): its incr checks that the
    # key exists, the window ends, and INCR makes the key anew at 1 without an expiry. Played
    # here on the local cache.
    made = []

    def incr_on_a_key_just_gone(key, delta=1, version=None):
        cache.set(key, 1, timeout=None)
        made.append(key)
        return 1

    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "incr", incr_on_a_key_just_gone)
    assert try_allowed("form", "192.0.2.9")
    expiry = cache._expire_info[cache.make_and_validate_key(made[0])]
    assert expiry is not None and expiry <= time.time() + 60


@pytest.mark.services
def test_a_real_redis_counts_and_refuses():
    config = {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": os.environ["CELERY_BROKER_URL"],
        "KEY_PREFIX": f"tries-test-{os.getpid()}",
    }
    with override_settings(CACHES={"default": config}):
        answers = [try_allowed("form", "198.51.100.1") for _ in range(4)]
        assert answers == [True, True, True, False]
        assert try_allowed("form", "198.51.100.2")
        redis = caches["default"]
        client = redis._cache.get_client(write=True)
        keys = client.keys(f"{config['KEY_PREFIX']}:*")
        assert len(keys) == 2 and all(0 < client.ttl(key) <= 60 for key in keys)
        assert sorted(int(client.get(key)) for key in keys) == [1, 4]
