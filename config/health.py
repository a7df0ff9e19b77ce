"""/health/ for load balancers, container health checks and monitoring.

`GET /health/` checks the database, the cache (Redis), the Celery workers and, where one is
configured, the streaming replica;
`GET /health/?check=db` only the process and the database, for a load balancer that probes
every few seconds. The answer names each check with its status and time taken, and nothing
else: no versions, host names or error texts, so it needs no sign-in. A failure is logged here
(the exception's type and text, which for these checks hold no personal data).

HTTP status: 503 when the database or the cache is down, since no page works without the
database, and sign-in (rate limits) and sessions need the cache. Workers that do not answer give
"degraded" with 200: pages still work and reports wait in the queue until a worker is back,
and a 503 would make a load balancer take every healthy web process out of service because of
a problem that is not theirs. Monitoring should alert on "degraded" in the body. A replica that
is away, or is no longer a standby (promoted, or a primary named by mistake), is "degraded" too:
reports, exports and the dashboard then read from the primary (config/replica.py).
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from functools import lru_cache

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import resolve
from django.views.decorators.cache import never_cache
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.celery import app as celery_app
from config.databases import REPLICA

logger = logging.getLogger(__name__)

HEALTH_PATH = "/health/"
OK, DOWN, IN_PROCESS = "ok", "down", "in-process"
# Seconds each network step of a check may wait, so that a probe answers before the prober
# gives up.
TIMEOUT = 1


def database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    """A client of its own, kept per process, with timeouts: the cache's client has none, and a
    Redis host that stopped answering would hold the probe for as long as TCP does. One
    immediate retry, for a pooled connection that went stale while Redis restarted."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT,
        socket_timeout=TIMEOUT,
        retry=Retry(NoBackoff(), 1),
    )


REDIS_BACKENDS = ("config.cache.ResilientRedisCache", "django.core.cache.backends.redis.RedisCache")


def _redis_url() -> str | None:
    """The Redis the cache writes to (the first server named), or None for another cache."""
    config = settings.CACHES["default"]
    if config["BACKEND"] not in REDIS_BACKENDS:
        return None
    location = config["LOCATION"]
    return (re.split("[;,]", location) if isinstance(location, str) else location)[0]


def cache_round_trip() -> str:
    url = _redis_url()
    if url is None:
        return IN_PROCESS  # the per-process memory cache of the embedded default (base.py)
    key = caches["default"].make_key(f"health:{uuid.uuid4().hex}")
    token = uuid.uuid4().hex.encode()
    pipeline = _redis(url).pipeline(transaction=False)
    pipeline.set(key, token, px=10_000)
    pipeline.get(key)
    _stored, found = pipeline.execute()
    return OK if found == token else DOWN


def workers() -> str:
    if celery_app.conf.task_always_eager:
        return IN_PROCESS  # tasks run in the web process: there are no workers to ask
    options = {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT}
    with celery_app.connection_for_write(
        connect_timeout=TIMEOUT, transport_options=options
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT)
        # The first answer is enough: it proves that some worker takes work from the broker.
        answers = celery_app.control.ping(timeout=TIMEOUT, limit=1, connection=broker)
    return OK if answers else DOWN


def replica() -> str:
    """Whether the replica answers as a standby; how far behind it is matters per read, and
    each scope of reads asks that itself (config/replica.py)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        (standby,) = cursor.fetchone()
    return OK if standby else DOWN


CHECKS: dict[str, Callable[[], str]] = {
    "database": database,
    "cache": cache_round_trip,
    "workers": workers,
    "replica": replica,
}


def _checks(mode: str | None) -> tuple[str, ...]:
    if mode == "db":
        return ("database",)
    return tuple(name for name in CHECKS if name != "replica" or REPLICA in settings.DATABASES)


MODES = (None, "db")
# Down means the site cannot serve; other failures only make it degraded.
ESSENTIAL = {"database", "cache"}


def _run(name: str) -> dict[str, object]:
    started = time.perf_counter()
    try:
        status = CHECKS[name]()
    except Exception as exc:
        logger.warning("health: %s check failed: %s: %s", name, type(exc).__name__, exc)
        status = DOWN
    return {"status": status, "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}


def overall(results: dict[str, dict[str, object]]) -> str:
    failed = {name for name, result in results.items() if result["status"] == DOWN}
    if failed & ESSENTIAL:
        return "down"
    return "degraded" if failed else "ok"


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    mode = request.GET.get("check")
    if mode not in MODES:
        return JsonResponse({"error": "check is db or left out"}, status=400)
    results = {name: _run(name) for name in _checks(mode)}
    status = overall(results)
    return JsonResponse(
        {"status": status, "checks": results}, status=503 if status == "down" else 200
    )


def health_probe(get_response: Callable[[HttpRequest], HttpResponse]):
    """Answers /health/ right after SecurityMiddleware, before anything that reads or writes a
    session, loads a user, checks CSRF or sets cookies: a probe costs the checks and nothing
    else. It also comes before CommonMiddleware, so ALLOWED_HOSTS does not apply: a load
    balancer or `docker compose` probes by address, and the answer holds no links or anything
    else that a forged Host header could poison. SECURE_REDIRECT_EXEMPT (production) spares it
    the HTTPS redirect."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH:
            return get_response(request)
        request.resolver_match = resolve(HEALTH_PATH)  # the route, for the request log
        return request.resolver_match.func(request)

    return middleware
