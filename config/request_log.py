"""One log line per request, first in the middleware list so that it times everything: method,
the URL's route pattern (never the path, which holds ids, nor the query string, which can hold
search terms), status, duration, the user's primary key and a request id, echoed in the
X-Request-ID header so that a user's report or a proxy's log can be matched with ours."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from config.logging import current_request_id, redact

logger = logging.getLogger("fotfeste.request")

Handler = Callable[[HttpRequest], HttpResponse]

# A proxy's id is kept when it is a plain token (a UUID, a trace id); anything else could
# forge log lines or smuggle data into them, and is replaced.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


def request_id_of(request: HttpRequest) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if _SAFE_REQUEST_ID.fullmatch(offered) and redact(offered) == offered:
        return offered
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    # A user no middleware or view looked at is not loaded for the log's sake: that would cost
    # a session and a database read (and /health/ never has one).
    if user is None or (
        # _wrapped is LazyObject's own, not in its stub: the one way to ask without loading.
        isinstance(user, SimpleLazyObject) and user._wrapped is empty  # type: ignore[attr-defined]
    ):
        return None
    return user.pk if user.is_authenticated else None


def _level(request: HttpRequest, response: HttpResponse) -> int:
    match = request.resolver_match
    # Load balancers probe /health/ every few seconds; a healthy answer is not news.
    if match is not None and match.url_name == "health" and response.status_code == 200:
        return logging.DEBUG
    return logging.INFO


def request_log(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request_id_of(request)
        token = current_request_id.set(request_id)
        try:
            response = get_response(request)
            response["X-Request-ID"] = request_id
            level = _level(request, response)
            if logger.isEnabledFor(level):
                _log(level, request, response, request_id, started)
            return response
        finally:
            current_request_id.reset(token)

    return middleware


def _log(
    level: int, request: HttpRequest, response: HttpResponse, request_id: str, started: float
) -> None:
    match = request.resolver_match
    fields = {
        "method": request.method,
        "route": match.route if match is not None else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user_id": _user_id(request),
        "request_id": request_id,
    }
    logger.log(
        level,
        "%(method)s %(route)s %(status)s %(duration_ms)sms user=%(user_id)s request=%(request_id)s",
        {**fields, "route": fields["route"] or "-", "user_id": fields["user_id"] or "-"},
        extra=fields,
    )
