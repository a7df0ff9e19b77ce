"""Tries counted in the cache, for the public e-services, where nobody is signed in: how many
times one client address sent a form, or one e-mail address was sent a code, within a window
that starts at the first try. Staff sign-in keeps allauth's limits (ACCOUNT_RATE_LIMITS).

Why not allauth's here too: its count takes four round trips to the cache per limit (a lock,
a read, a write, the lock's release), and the summer-job form checks two limits at the deadline,
when hundreds send it within minutes (make bench-summer). This takes one on Redis
(config/cache.py, incr_in_window); on another cache, one for a first try and three after it. A
window starting at the first try lets through at most the limit's tries in it; the next window
may follow at once, as with any fixed window.

Keys hold a keyed hash of the subject (the site's secret), never an address, and no address
can be tried against them. While Redis is away nothing is counted
(config/cache.py): a restart lasts seconds, and the forms' own checks still run."""

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

_SALT = "fotfeste.tries"
# IPv6 clients get a /64 each from their provider: counted per address, one person would have
# billions of tries.
_IPV6_PREFIX = 64


def try_allowed(action: str, subject: str) -> bool:
    """Count one try of ``action`` by ``subject`` (a client address, an e-mail address); False
    once the action's limit (FOTFESTE_TRY_LIMITS) is passed within its window."""
    tries, seconds = settings.FOTFESTE_TRY_LIMITS[action]
    digest = salted_hmac(_SALT, f"{action}\0{subject}", algorithm="sha256").hexdigest()[:40]
    key = f"tries:{action}:{digest}"
    in_window = getattr(cache, "incr_in_window", None)  # Redis's one round trip
    if in_window is not None:
        return int(in_window(key, seconds)) <= tries
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        count = int(cache.incr(key))
    except ValueError:  # the window ended before the count: this try opens the next one
        cache.add(key, 1, timeout=seconds)
        return True
    if count == 1:
        # The window ended between Django's check that the key exists and Redis's INCR, which
        # then made a key without an expiry: give it one, or the count would never end.
        cache.touch(key, seconds)
    return count <= tries


def client_subject(address: str) -> str:
    """What a client address is counted as: itself, or its /64 network for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:a.b.c.d is an IPv4 client
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{_IPV6_PREFIX}", strict=False))
    return str(parsed)
