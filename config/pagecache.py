"""Rendered pages kept in the shared cache for the screens people reload all day (the caseload,
the arbeidsleder's day), and thrown away the moment anything they show may have changed.

How a cached page knows it is current: every table has a generation counter in the cache.
Every INSERT, UPDATE and DELETE that passes through Django's database connections (services,
bulk updates, raw SQL, Celery workers, management commands alike) moves the counter of its
table at once and again when its transaction commits: the first for a reader in the same
transaction, the second so that a page rendered from the old rows between the statement and the
commit is not kept. A page's key holds the generations of every table except the few it
declares it does not show (``PageCacheMixin.page_cache_ignores``), so forgetting a table costs a
miss, never a stale page. The key also holds the user, the path and query, the language, the
date (ages, current placements and consents in force change at midnight), what the view adds
(the caseload's stored search) and a digest of the code and templates that render it.

Tables written by database triggers (the monthly attendance sums, placements/migrations/0008)
move no counter of their own: a page that reads them must not ignore the table whose writes fire
the triggers (AttendanceRecord for the sums), whose counter moves instead.

A statement that is neither a read nor a write this module can name (DDL, COPY, MERGE, a
write inside WITH, TRUNCATE … CASCADE) moves a generation that every page's key holds: it
costs every page a miss, never a stale page.

What is never cached: a request with messages waiting (they belong to this request only), an
answer other than 200, anything but GET and HEAD. The CSRF token is kept out of the stored
page and put in on the way out, so a page is the user's own in every browser they use.

Counters start at a value taken from the clock, not at 0, so a counter that the cache dropped
(eviction, a Redis restart) never comes back to a value an older page was stored under. If the
cache cannot be reached, pages are rendered as usual; a page stored before a write that could
not move its counter lives at most ``FOTFESTE_PAGE_CACHE_SECONDS``."""

import hashlib
import logging
import re
import time
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.metadata import distributions
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache as shared_cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

# Django's spelling on PostgreSQL and SQLite (INSERT OR IGNORE INTO for ignore_conflicts and
# many-to-many adds), and plain reads and transaction control, which write nothing.
_WRITE = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r'\s+"?(\w+)"?',
    re.I,
)
_NO_WRITE = re.compile(
    r"^\s*\(?\s*(?:SELECT|VALUES|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|PRAGMA|EXPLAIN)\b",
    re.I,
)
ISO_DATE = r"\d{4}-\d{2}-\d{2}"  # a day in a page's query, as the pages write it
EVERYTHING = "*"  # the generation of every page, moved by statements that cannot be named
_GENERATION = "pagecache:gen:{}"
# Written by most requests, every page view or every sign-in (the second factor's last use), and
# shown by no cached page.
ALWAYS_IGNORED = frozenset(
    {"django_session", "audit_accessevent", "audit_changeevent", "mfa_authenticator"}
)
# Written all day by caseworkers and jobs, and shown by neither the caseload nor attendance.
JOURNAL_AND_JOBS = (
    "participants.CaseNote",
    "participants.NoteDraft",
    "participants.Task",
    "participants.Document",
    "participants.Goal",
    "participants.Milestone",
    "reporting.ReportRun",
    "reporting.DataExport",
    "imports.ImportRun",
    "accounts.ApiToken",
)


def written_tables(sql: str) -> list[str]:
    """The tables a statement writes to, as Django and the project's raw SQL spell them; every
    page (``EVERYTHING``) for a statement that is neither a read nor such a write."""
    found = _WRITE.match(sql)
    if found:
        return [found.group(1)]
    if _NO_WRITE.match(sql):
        return []
    return [EVERYTHING]


def csrf_placeholder() -> str:
    """Stands for the CSRF token in a stored page. Derived from the secret key, so that no
    name or search a user types can contain it and be replaced by the viewer's token."""
    return salted_hmac("fotfeste.pagecache.csrf", "placeholder").hexdigest()


def bump(tables: Iterable[str]) -> None:
    """Move the generation of each table: every page showing one of them is stale."""
    for table in set(tables):
        key = _GENERATION.format(table)
        try:
            try:
                shared_cache.incr(key)
            except ValueError:  # no counter yet, or the cache dropped it
                shared_cache.add(key, time.time_ns(), timeout=None)
        except Exception as exc:  # a cache that is away must not fail a write
            logger.warning("page cache generation not moved: %s", type(exc).__name__)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    tables = written_tables(sql) if isinstance(sql, str) else []
    if tables:
        _written(context["connection"], tables)
    return result


def _written(connection, tables: list[str]) -> None:
    bump(tables)
    if not connection.in_atomic_block:
        return  # autocommit: the statement has committed, and the counter moved after it
    pending = getattr(connection, "_pagecache_pending", None)
    scheduled = pending is not None and any(
        func is pending for _, func, _ in connection.run_on_commit
    )
    if not scheduled or pending is None:
        pending = _Pending()
        connection._pagecache_pending = pending
        connection.on_commit(pending)
    pending.tables.update(tables)


class _Pending:
    """The tables one transaction wrote to, moved again once it commits."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self) -> None:
        bump(self.tables)


def watch_connection(sender, connection, **kwargs) -> None:
    """Installed on every database connection as it opens (config.apps). First in the list:
    Django's ``execute_wrapper`` context manager removes the last wrapper when it ends."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


def install() -> None:
    connection_created.connect(watch_connection, dispatch_uid="fotfeste-page-cache")
    for connection in connections.all(initialized_only=True):
        watch_connection(None, connection)


@cache
def _all_tables() -> tuple[str, ...]:
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    return (EVERYTHING, *sorted(tables))


@cache
def code_digest() -> str:
    """The templates, translations, static files, Python code and installed packages that
    render pages: a deploy starts afresh."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    patterns = ("templates/**/*.html", "locale/**/*.mo", "static/**/*", "*/*.py", "*/*/*.py")
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and ".venv" not in path.parts and "tests" not in path.parts:
                digest.update(path.read_bytes())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions()):
        digest.update(dist.encode())
    return digest.hexdigest()[:16]


@cache
def _generation_keys(ignored: frozenset[str], prefix: str, version: int) -> tuple[list, list]:
    """The generation keys of every table but the ignored ones, as named and as made."""
    keys = [_GENERATION.format(t) for t in _all_tables() if t not in ignored]
    return keys, [shared_cache.make_and_validate_key(key) for key in keys]


def _generations_at_once(made: list[str]) -> list[int] | None:
    """Every generation in one round trip, where the cache offers it and holds them all."""
    read = getattr(shared_cache, "get_many_raw", None)
    values = read(made) if read else None
    if not values or None in values:
        return None
    try:
        return [int(value) for value in values]
    except ValueError:  # not a counter as incr() keeps it: the careful way below
        return None


def generations(ignored: frozenset[str]) -> Sequence[object] | None:
    """The generation of every table but the ignored ones; None when the cache cannot say."""
    keys, made = _generation_keys(ignored, shared_cache.key_prefix, shared_cache.version)
    fast = _generations_at_once(made)
    if fast is not None:
        return fast
    found = shared_cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing and not found:
        # Nothing at all: a cache that was emptied, or one that is away. One question tells
        # which, rather than one per table (each may wait for the cache's timeout).
        shared_cache.add(keys[0], time.time_ns(), timeout=None)
        if shared_cache.get(keys[0]) is None:
            return None
    if missing:
        for key in missing:
            shared_cache.add(key, time.time_ns(), timeout=None)
        found.update(shared_cache.get_many(missing))
    if len(found) < len(keys):
        return None
    return [found[key] for key in keys]


def _messages_waiting(request) -> bool:
    return len(get_messages(request)) > 0


class PageCacheMixin:
    """For a class-based view whose GET renders the same page for the same user and data.
    ``page_cache_ignores``: models ("app_label.Model") the page does not show, whose writes
    leave it current."""

    page_cache_ignores: tuple[str, ...] = ()
    # The query parameters the page takes, each with the shape of a value it may be stored
    # under. Any other parameter or value is rendered and not stored: the cache cannot be filled
    # with one page per made-up URL.
    page_cache_query: dict[str, str] = {}
    request: HttpRequest  # the view's, set by View.setup()

    def page_cache_extra(self) -> object:
        """What else the page depends on besides the user, the URL and the data."""
        return None

    def get(self, request, *args, **kwargs):
        seconds = settings.FOTFESTE_PAGE_CACHE_SECONDS
        if not seconds or _messages_waiting(request) or not self._query_storable():
            return self._with_token(super().get(request, *args, **kwargs))
        key = self._page_key()
        if key is None:  # the cache is away: render, store nothing
            return self._with_token(super().get(request, *args, **kwargs))
        stored = shared_cache.get(key)
        if stored is not None:
            content, content_type = stored
            return self._with_token(HttpResponse(content, content_type=content_type))
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200 and not _messages_waiting(request):
            shared_cache.set(key, (response.content, response["Content-Type"]), seconds)
        return self._with_token(response)

    def render_to_response(self, context, **response_kwargs):
        return super().render_to_response(
            {**context, "csrf_token": csrf_placeholder()}, **response_kwargs
        )

    def _query_storable(self) -> bool:
        shapes = self.page_cache_query
        return all(
            name in shapes and all(re.fullmatch(shapes[name], value) for value in values)
            for name, values in self.request.GET.lists()
        )

    def _page_key(self) -> str | None:
        request = self.request
        ignored = ALWAYS_IGNORED | {
            apps.get_model(label)._meta.db_table for label in self.page_cache_ignores
        }
        found = generations(frozenset(ignored))
        if found is None:
            return None
        parts = [
            code_digest(),
            type(self).__qualname__,
            request.user.pk,
            request.get_full_path(),
            translation.get_language(),
            timezone.localdate().isoformat(),
            bool(request.headers.get("HX-Request")),
            self.page_cache_extra(),
            found,
        ]
        return "pagecache:page:" + hashlib.sha256(repr(parts).encode()).hexdigest()

    def _with_token(self, response: HttpResponse) -> HttpResponse:
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        placeholder = csrf_placeholder().encode()
        if placeholder in response.content:
            token = get_token(self.request).encode()
            response.content = response.content.replace(placeholder, token)
        return response
