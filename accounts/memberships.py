"""Who works where: the one home of the membership questions that every scope, page, export
and report asks. A programme membership (caseworker or programme lead) gives case access to the
programme's people; a worksite supervision gives an arbeidsleder their worksite's placements.

A user's own memberships are read once, in one statement, and kept on that user object for as
long as it lives (a request, a task): every scope of the page then names its programmes and
worksites as a short list of ids. A list the database can read at once is planned better than
a subquery, costs less Python to build, and, where it is empty, takes a whole branch out of the
query: a caseworker's scope has no worksite part, an arbeidsleder's no programme part (measured
on the caseload at 10 000 people: docs/benchmarks.md). Every write of a membership or a
supervision, in this process, makes every user object read its memberships afresh; another
process's write is seen by the next request. The answers about other users, or about many,
stay queries of ids, read by the database as one subquery inside the caller's query."""

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save

from accounts.models import ProgrammeMembership, ProgrammeRole, User, WorksiteSupervisor

# A queryset of one column of ids (``values("programme_id")``), read by the database as a
# subquery, or ids at hand.
IdQuery = QuerySet[Any, Mapping[str, object]]
Ids = IdQuery | Iterable[int]

_WORKSITE = ""  # the role column of a supervision in the statement below
HELD_SQL = (
    "SELECT programme_id, role FROM accounts_programmemembership WHERE user_id = %s "
    "UNION ALL SELECT worksite_id, '' FROM accounts_worksitesupervisor WHERE user_id = %s"
)
_generations = itertools.count(1)
_generation = 0


@dataclass(frozen=True)
class Held:
    """One user's memberships: role per programme, and the worksites they supervise."""

    programmes: Mapping[int, str]
    worksites: tuple[int, ...]
    generation: int

    def programme_ids(self, role: str | None = None) -> tuple[int, ...]:
        return tuple(sorted(p for p, r in self.programmes.items() if role in (None, r)))


def held(user: User) -> Held:
    """The user's memberships, read once per user object (again after any membership write in
    this process). A user with no municipality, or not signed in, holds nothing."""
    found: Held | None = user.__dict__.get("_fotfeste_held")
    if found is not None and found.generation == _generation:
        return found
    generation = _generation
    programmes: dict[int, str] = {}
    worksites: list[int] = []
    if user.pk is not None:
        with connection.cursor() as cursor:
            cursor.execute(HELD_SQL, [user.pk, user.pk])
            for object_id, role in cursor.fetchall():
                if role == _WORKSITE:
                    worksites.append(object_id)
                else:
                    programmes[object_id] = role
    found = Held(programmes, tuple(sorted(worksites)), generation)
    user.__dict__["_fotfeste_held"] = found
    return found


def _written(**kwargs: object) -> None:
    global _generation
    _generation = next(_generations)


for _model in (ProgrammeMembership, WorksiteSupervisor):
    post_save.connect(_written, sender=_model, dispatch_uid=f"held-{_model.__name__}-save")
    post_delete.connect(_written, sender=_model, dispatch_uid=f"held-{_model.__name__}-delete")


def programme_ids_worked_in(user: User) -> tuple[int, ...]:
    """The programmes the user works in as caseworker or lead: case access to their people. A
    summer-jobs coordinator's programmes are not among them (``programme_ids_coordinated``)."""
    return tuple(
        p for p, role in held(user).programmes.items() if role != ProgrammeRole.SUMMER_COORDINATOR
    )


def programme_ids_with_summer_jobs(user: User) -> tuple[int, ...]:
    """The programmes whose summer-job seasons the user sees: as caseworker, lead or
    coordinator."""
    return programme_ids_worked_in(user) + programme_ids_coordinated(user)


def runs_summer_jobs(user: User, programme_id: int) -> bool:
    """Whether the user sets the priority and runs the lottery of the programme's seasons: its
    leads and summer-jobs coordinators."""
    return programme_id in programme_ids_led(user) + programme_ids_coordinated(user)


def programme_ids_coordinated(user: User) -> tuple[int, ...]:
    """The programmes whose summer-job seasons the user coordinates: the seasons, their
    applications and lottery, never the programme's case data."""
    return held(user).programme_ids(ProgrammeRole.SUMMER_COORDINATOR)


def programme_ids_led(user: User) -> tuple[int, ...]:
    """The programmes the user leads: set-up, reports, exports, imports, erasure, merges and
    confidential notes."""
    return held(user).programme_ids(ProgrammeRole.PROGRAMME_LEAD)


def worksite_ids_supervised(user: User) -> tuple[int, ...]:
    """The worksites the user is arbeidsleder at."""
    return held(user).worksites


def works_in(user: User, programme_ids: Ids) -> bool:
    """Whether the user works in (any of) the programmes."""
    return _any_of(programme_ids_worked_in(user), programme_ids)


def leads(user: User, programme_ids: Ids) -> bool:
    """Whether the user leads (any of) the programmes."""
    return _any_of(programme_ids_led(user), programme_ids)


def _any_of(mine: tuple[int, ...], programme_ids: Ids) -> bool:
    """Whether the ids, given or as a query of one column (a person's programmes: a few
    rows), meet the user's own."""
    if not mine:
        return False
    given = (next(iter(row.values())) if isinstance(row, Mapping) else row for row in programme_ids)
    return not set(mine).isdisjoint(given)


def is_caseworker_in(user: User, programme_ids: Ids) -> bool:
    """Whether the user is a caseworker in (any of) the programmes: the people they may be
    given to follow."""
    return caseworker_ids(programme_ids).filter(user=user).exists()


def caseworker_ids(programme_ids: Ids) -> IdQuery:
    """The caseworkers of the programmes."""
    return ProgrammeMembership.objects.filter(
        programme_id__in=programme_ids, role=ProgrammeRole.CASEWORKER
    ).values("user_id")


def lead_memberships(programme_ids: Ids) -> QuerySet[ProgrammeMembership]:
    """The lead memberships of the programmes, of active accounts: who is told of a report."""
    return ProgrammeMembership.objects.filter(
        programme_id__in=programme_ids, role=ProgrammeRole.PROGRAMME_LEAD, user__is_active=True
    )


def programme_ids_as_caseworker(user: User) -> tuple[int, ...]:
    """The programmes the user is a caseworker in: the people they may be given to follow."""
    return held(user).programme_ids(ProgrammeRole.CASEWORKER)


def works_anywhere(user: User) -> bool:
    """Whether the user works in any programme (caseworker or lead)."""
    return bool(programme_ids_worked_in(user))


def supervises(user: User, worksite_id: int) -> bool:
    """Whether the user is arbeidsleder at the worksite."""
    return worksite_id in held(user).worksites


def role_flags() -> dict[str, Exists]:
    """For a query of users (``OuterRef("pk")``): whether each is a caseworker, an arbeidsleder
    and a programme lead anywhere, as annotations."""
    mine = ProgrammeMembership.objects.filter(user=OuterRef("pk"))
    return {
        "caseworker": Exists(mine.filter(role=ProgrammeRole.CASEWORKER)),
        "arbeidsleder": Exists(WorksiteSupervisor.objects.filter(user=OuterRef("pk"))),
        "lead": Exists(mine.filter(role=ProgrammeRole.PROGRAMME_LEAD)),
    }


# The same questions for a model whose path to the programme or the worksite is ``via`` (""
# from the programme or worksite itself), by the ids ``held`` read: no join to the membership
# tables, and an empty list leaves the rows out without asking the database.


def worked_in_by(user: User, via: str = "") -> Q:
    """Rows of the programmes the user works in."""
    return Q(**{f"{via}pk__in": programme_ids_worked_in(user)})


def supervised_by(user: User, via: str = "") -> Q:
    """Rows of the worksites the user is arbeidsleder at."""
    return Q(**{f"{via}pk__in": worksite_ids_supervised(user)})
