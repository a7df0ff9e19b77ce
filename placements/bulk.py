"""Placing many people at once (a spreadsheet import): the rules of ``placement_start`` for
every row, checked against the database in a few queries and against the rows above it in
the file, then written in one transaction with the same change history.

One ``placement_start`` costs about seven statements; here the current placements,
capacities and supervisors of the worksites and people in the file are read once.
tests/imports/test_bulk_parity.py holds the two paths to the same messages and records."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, WorksiteSupervisor
from audit.models import ChangeEvent
from audit.services import snapshot
from config.errors import ApplicationError
from participants.bulk import BATCH, CHUNK, BulkError, Progress, RowProblem, created_event
from participants.models import Enrollment
from placements.models import Placement, PlacementStatus, Worksite, WorksiteCapacity
from placements.rules import over_capacity, placement_rules
from placements.services import PLACEMENT_AUDIT_FIELDS


@dataclass(frozen=True)
class PlacementRow:
    line: int
    enrollment: Enrollment
    worksite: Worksite
    type: str
    field: str
    starts_on: date
    ends_on: date | None = None
    schedule_days: str = "01234"
    hours_per_day: Decimal | None = None
    percentage: int = 100
    nav_agreement: str = ""
    supervisor: User | None = None


def placements_start_check(*, rows: Sequence[PlacementRow]) -> list[RowProblem]:
    """Every row checked as ``placement_start`` checks one placement, counting the rows above
    it as if they were already placed; nothing is written."""
    return _check(rows)[0]


def placements_start_many(
    *,
    actor,
    rows: Sequence[PlacementRow],
    confirmed_over_capacity: bool = False,
    progress: Progress | None = None,
) -> list[Placement]:
    """Start every placement, or none: any problem raises BulkError before a row is written.
    A full field is a warning, which stops it unless ``confirmed_over_capacity``."""
    problems, ready = _check(rows)
    if any(not p.warning or not confirmed_over_capacity for p in problems):
        raise BulkError(problems)
    user = actor if actor is not None and actor.is_authenticated else None
    placements: list[Placement] = []
    with transaction.atomic():
        for start in range(0, len(ready), CHUNK):
            placements += _write(user, ready[start : start + CHUNK])
            if progress is not None:
                progress(len(placements), len(ready))
    return placements


def _write(user, rows: Sequence[PlacementRow]) -> list[Placement]:
    placements = Placement.objects.bulk_create([_placement(row) for row in rows], batch_size=BATCH)
    ChangeEvent.objects.bulk_create(
        [
            created_event(user, p, p.enrollment.participant, snapshot(p, PLACEMENT_AUDIT_FIELDS))
            for p in placements
        ],
        batch_size=BATCH,
    )
    return placements


class _Book:
    """The current placements of the people and worksites in the file, and the rows already
    accepted: what placement_start would find in the database row after row."""

    def __init__(self, rows: Sequence[PlacementRow]):
        people = {row.enrollment.participant_id for row in rows}
        sites = {row.worksite.pk for row in rows}
        self.by_person: dict = defaultdict(list)
        self.by_place: dict = defaultdict(list)
        current = Placement.objects.current().filter(
            Q(enrollment__participant_id__in=people) | Q(worksite_id__in=sites)
        )
        for p in current.values(
            "starts_on", "ends_on", "schedule_days", "worksite_id", "field",
            "enrollment__participant_id",
        ):  # fmt: skip
            booked = _Booked(
                starts_on=p["starts_on"],
                ends_on=p["ends_on"],
                schedule_days=p["schedule_days"],
                worksite_id=p["worksite_id"],
                field=p["field"],
            )
            self.add(p["enrollment__participant_id"], booked)
        self.places = {
            (c.worksite_id, c.field): c.places
            for c in WorksiteCapacity.objects.filter(worksite_id__in=sites)
        }
        self.supervising = set(
            WorksiteSupervisor.objects.filter(worksite_id__in=sites).values_list(
                "user_id", "worksite_id"
            )
        )

    def add(self, person_id: int, placement: "_Booked") -> None:
        self.by_person[person_id].append(placement)
        self.by_place[(placement.worksite_id, placement.field)].append(placement)


@dataclass(frozen=True)
class _Booked:
    starts_on: date
    ends_on: date | None
    schedule_days: str
    worksite_id: int
    field: str

    @classmethod
    def of(cls, row: PlacementRow) -> "_Booked":
        return cls(row.starts_on, row.ends_on, row.schedule_days, row.worksite.pk, row.field)


def _overlapping(placements: list, starts_on: date, ends_on: date | None) -> list:
    """placement_start's period test: the other has not ended before this starts, and has
    started by the time this ends."""
    return [
        p
        for p in placements
        if (p.ends_on is None or p.ends_on >= starts_on)
        and (ends_on is None or p.starts_on <= ends_on)
    ]


def _check(rows: Sequence[PlacementRow]) -> tuple[list[RowProblem], list[PlacementRow]]:
    book = _Book(rows)
    problems: list[RowProblem] = []
    ready: list[PlacementRow] = []
    for row in rows:
        try:
            row = _row_rules(book, row)
        except ApplicationError as exc:
            problems.append(RowProblem(row.line, exc.field, str(exc.message)))
            continue
        warning = _capacity_warning(book, row)
        if warning:
            problems.append(RowProblem(row.line, None, warning, warning=True))
        if row.ends_on is None or row.ends_on >= timezone.localdate():
            # Only a current placement counts against the next rows, as in placement_start.
            book.add(row.enrollment.participant_id, _Booked.of(row))
        ready.append(row)
    return problems, ready


def _row_rules(book: _Book, row: PlacementRow) -> PlacementRow:
    """placement_start's and placement_create's rules, in their order; the row as the
    service would store it."""
    mine = _overlapping(book.by_person[row.enrollment.participant_id], row.starts_on, row.ends_on)
    days = placement_rules(
        supervisor_at_worksite=row.supervisor is None
        or (row.supervisor.pk, row.worksite.pk) in book.supervising,
        schedule_days=row.schedule_days,
        percentage=row.percentage,
        overlapping_days=(other.schedule_days for other in mine),
    )
    if row.worksite.municipality_id != row.enrollment.participant.municipality_id:
        raise ApplicationError(_("Choose one of your municipality's worksites."), field="worksite")
    if row.ends_on is not None and row.ends_on < row.starts_on:
        raise ApplicationError(_("A placement cannot end before it starts."), field="ends_on")
    return replace(row, schedule_days=days, nav_agreement=(row.nav_agreement or "")[:50])


def _capacity_warning(book: _Book, row: PlacementRow) -> str:
    places = book.places.get((row.worksite.pk, row.field))
    if places is None:
        return ""
    taken = len(
        _overlapping(book.by_place[(row.worksite.pk, row.field)], row.starts_on, row.ends_on)
    )
    return over_capacity(site=row.worksite.name, places=places, taken=taken)


def _placement(row: PlacementRow) -> Placement:
    """The placement placement_start would create for the row."""
    schedule = {
        "schedule_days": row.schedule_days,
        "hours_per_day": row.hours_per_day,
        "percentage": row.percentage,
        "nav_agreement": row.nav_agreement,
    }
    return Placement(
        enrollment=row.enrollment,
        worksite=row.worksite,
        supervisor=row.supervisor,
        type=row.type,
        field=row.field,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        status=PlacementStatus.ACTIVE
        if row.starts_on <= timezone.localdate()
        else PlacementStatus.PLANNED,
        **{k: v for k, v in schedule.items() if v not in (None, "")},
    )
