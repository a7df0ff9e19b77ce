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
from demo.scale.words import NORWEGIAN, Words

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
        writes the rows in one COPY on PostgreSQL (batches of prepared INSERTs on SQLite).
        No ``save()``, no signals; the database's own triggers and constraints run as for
        any insert. ``rows`` must not query the database: during a COPY the connection
        answers nothing else."""
        insert = _Insert(model)
        progress = _Progress(self, model.__name__, every)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                written = insert.copy(cursor, rows, progress)
            else:
                written = 0
                for chunk in chunks(rows, BATCH):
                    insert.execute(cursor, [insert.prepare(row) for row in chunk])
                    written += len(chunk)
                    progress.count(written)
        self.counts[model._meta.label] += written
        return written


class _Progress:
    """Says how many rows of a table are written, every ``every`` rows (never, with 0)."""

    def __init__(self, writer: Writer, name: str, every: int):
        self.writer, self.name, self.every = writer, name, every
        self.reported = 0

    def count(self, written: int) -> None:
        if self.every and written - self.reported >= self.every:
            self.writer.say(f"  {written:>9,} {self.name} rows")
            self.reported = written


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
        self.table = model._meta.db_table
        self.sql = f"INSERT INTO {quote(self.table)} ({names}) "
        self.copy_sql = f"COPY {quote(self.table)} ({names}) FROM STDIN"
        # Per column: its name and default, the conversions met so far, the field.
        self._plan: list[tuple[tuple[str, object], dict, models.Field]] = [
            (column, {}, model_field)
            for column, model_field in zip(self.columns, self.fields, strict=True)
        ]
        self._checked = False

    def copy(self, cursor, rows: Iterable[dict], progress: _Progress) -> int:
        """PostgreSQL: the rows in one ``COPY … FROM STDIN``. psycopg formats each row in C
        and sends it while the next is made, so the database inserts as Python generates:
        the two share the machine's cores instead of taking turns, as an INSERT per batch
        did. A COPY fires the table's statement triggers once, with every row in the
        transition table (the attendance sums: placements/migrations/0008), and checks the
        constraints as an INSERT does."""
        written = 0
        with cursor.copy(self.copy_sql) as copy:
            for row in rows:
                copy.write_row(self.prepare(row))
                written += 1
                if written % BATCH == 0:
                    progress.count(written)
        return written

    def execute(self, cursor, rows: list[list]) -> None:
        """SQLite runs one prepared statement per row fastest (``executemany``, in process)."""
        marks = ", ".join(["%s"] * len(self.fields))
        cursor.executemany(f"{self.sql} VALUES ({marks})", rows)

    def prepare(self, row: dict) -> list:
        """The row's values as the database takes them, in the order of ``fields``. Called
        for every one of millions of rows: one loop, no call per value but a conversion not
        met before."""
        if not self._checked:
            unknown = set(row) - {name for name, _ in self.columns}
            if unknown:
                raise ValueError(f"Not attributes of the model: {sorted(unknown)}")
            self._checked = True
        values = []
        for (name, default), cache, model_field in self._plan:
            value = row.get(name, default)
            try:
                values.append(cache[value])
            except KeyError:
                cache[value] = converted = model_field.get_db_prep_save(value, connection)
                values.append(converted)
            except TypeError:  # unhashable, such as a dict for a JSON field
                values.append(model_field.get_db_prep_save(value, connection))
        return values


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
    words: Words = NORWEGIAN
    # Every national ID the run has given, in this municipality and those built before it.
    national_ids: set[str] = field(default_factory=set)
    _moments: dict = field(default_factory=dict)

    def moment(self, day: date, hour: int = 14) -> datetime:
        """An aware time on ``day``; cached, since millions of rows share a thousand days."""
        key = (day, hour)
        if key not in self._moments:
            self._moments[key] = timezone.make_aware(datetime.combine(day, clock(hour)))
        return self._moments[key]
