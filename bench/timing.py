"""A Server-Timing header for the benchmark: how long the request took inside Django, how
much of that was SQL, and how much was writing access events (the read audit).

Installed outermost by bench/settings.py only; production does not send it. The access-event
write is timed at the database: every statement of the request passes through an execute
wrapper, and the INSERTs into the access-event table are summed. On PostgreSQL in autocommit
(no ATOMIC_REQUESTS) that statement is the whole cost of the audit, commit included; building
the model instance in Python costs microseconds."""

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

from audit.models import AccessEvent

Handler = Callable[[HttpRequest], HttpResponse]
AUDIT_INSERT = f'INSERT INTO "{AccessEvent._meta.db_table}"'


class Spent:
    def __init__(self) -> None:
        self.sql = 0.0
        self.audit = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.sql += took
            self.queries += 1
            if sql.startswith(AUDIT_INSERT):
                self.audit += took


def header(app: float, spent: Spent) -> str:
    return (
        f"app;dur={app * 1000:.3f}, sql;dur={spent.sql * 1000:.3f};"
        f'desc="{spent.queries} queries", audit;dur={spent.audit * 1000:.3f}'
    )


def server_timing(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        spent = Spent()
        started = time.perf_counter()
        with connection.execute_wrapper(spent):
            response = get_response(request)
        response["Server-Timing"] = header(time.perf_counter() - started, spent)
        return response

    return middleware
