"""The shared state of one build, and the bulk writer every step goes through."""

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from itertools import islice

from django.db import connection, models
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Municipality, User

# Rows per INSERT. Django lowers it where the database takes fewer parameters (SQLite: 999).
BATCH = 5000
DEFAULT_NAME = "Nordvik"
# The default city's staff sign in at this domain; another --municipality-name gets its own.
DEFAULT_DOMAIN = "scale.example.org"


_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def email_domain(name: str) -> str:
    if name == DEFAULT_NAME:
        return DEFAULT_DOMAIN
    return f"{slugify(name.translate(_ASCII)) or 'by'}.{DEFAULT_DOMAIN}"


def chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Writer:
    """Writes rows in batches, counts them per model and reports progress."""

    def __init__(self, say: Callable[[str], None]):
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self._say = say

    def say(self, message: str) -> None:
        self._say(f"[{self.elapsed:6.1f} s] {message}")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def create(self, model: type[models.Model], rows: Iterable[models.Model]) -> list:
        """Write and return the rows, with their primary keys."""
        created: list = []
        for chunk in chunks(rows, BATCH):
            created += model._default_manager.bulk_create(chunk, batch_size=BATCH)
        self.counts[model._meta.label] += len(created)
        return created

    def stream(self, model: type[models.Model], rows: Iterable[dict], every: int = 0) -> int:
        """Write rows without keeping them or returning their keys, reporting every ``every``
        rows. A row is a dict of attribute names (``placement_id``, not ``placement``); a
        field left out gets its default, evaluated once. ``bulk_create`` spends about 100 µs
        a row building model instances and SQL, minutes for two million rows on this
        machine; this converts each value by its field, as ``bulk_create`` would, and
        inserts a batch in one statement. No ``save()``, no signals."""
        insert = _Insert(model)
        written, reported = 0, 0
        with connection.cursor() as cursor:
            for chunk in chunks(rows, BATCH):
                insert.execute(cursor, [insert.prepare(row) for row in chunk])
                written += len(chunk)
                if every and written - reported >= every:
                    self.say(f"  {written:>9,} {model.__name__} rows")
                    reported = written
        self.counts[model._meta.label] += written
        return written


class _Insert:
    """An INSERT of every column of ``model`` but its automatic primary key, and the
    conversion of a row's values to what the database takes, through each field's
    ``get_db_prep_save``. Conversions are cached: the same thousand dates recur millions of
    times."""

    def __init__(self, model: type[models.Model]):
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [(f.attname, f.get_default()) for f in self.fields]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in self.fields)
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
        self._cache: list[dict] = [{} for _ in self.fields]
        self._checked = False

    def execute(self, cursor, rows: list[tuple]) -> None:
        """SQLite runs one prepared statement per row fastest (``executemany``, in process).
        PostgreSQL takes a column of values as one array parameter each: a statement with a
        parameter per value spends longer adapting and parsing them than inserting."""
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in self.fields)
            columns = [list(column) for column in zip(*rows, strict=True)]
            # Names and types come from the model; every value is a parameter.
            cursor.execute(f"{self.sql} SELECT * FROM unnest({arrays})", columns)  # noqa: S608
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            cursor.executemany(f"{self.sql} VALUES ({marks})", rows)

    def prepare(self, row: dict) -> tuple:
        if not self._checked:
            unknown = set(row) - {name for name, _ in self.columns}
            if unknown:
                raise ValueError(f"Not attributes of the model: {sorted(unknown)}")
            self._checked = True
        return tuple(
            self._value(i, row.get(name, default)) for i, (name, default) in enumerate(self.columns)
        )

    def _value(self, index: int, value):
        cache = self._cache[index]
        try:
            return cache[value]
        except KeyError:
            cache[value] = self.fields[index].get_db_prep_save(value, connection)
            return cache[value]
        except TypeError:  # unhashable, such as a dict for a JSON field
            return self.fields[index].get_db_prep_save(value, connection)


@dataclass
class World:
    """What later steps need of earlier ones. People and worksites are referred to by index."""

    municipality: Municipality
    today: date
    rng: random.Random
    domain: str
    writer: Writer
    programmes: list = field(default_factory=list)
    cohorts: list = field(default_factory=list)  # per programme: [(starts_on, Cohort), ...]
    worksites: list = field(default_factory=list)
    caseworkers: list = field(default_factory=list)  # per programme: [User, ...]
    leads: list[User] = field(default_factory=list)  # one per programme
    supervisors: list[User] = field(default_factory=list)  # one per worksite
    tracks: dict = field(default_factory=dict)  # work field -> (track, [Module, ...])
    _moments: dict = field(default_factory=dict)

    def moment(self, day: date, hour: int = 14) -> datetime:
        """An aware time on ``day``; cached, since millions of rows share a thousand days."""
        key = (day, hour)
        if key not in self._moments:
            self._moments[key] = timezone.make_aware(datetime.combine(day, clock(hour)))
        return self._moments[key]
