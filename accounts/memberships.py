"""Who works where: the one home of the membership questions that every scope, page, export
and report asks. A programme membership (caseworker or programme lead) gives case access to the
programme's people; a worksite supervision gives an arbeidsleder their worksite's placements.

The answers that feed other queries are unevaluated querysets of ids, so that the database
reads them as one subquery inside the caller's query, never as a list built in Python."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import ProgrammeMembership, ProgrammeRole, User, WorksiteSupervisor

# A queryset of one column of ids (``values("programme_id")``), read by the database as a
# subquery, or ids at hand.
IdQuery = QuerySet[Any, Mapping[str, object]]
Ids = IdQuery | Iterable[int]


def programme_ids_worked_in(user: User) -> IdQuery:
    """The programmes the user works in, in any role: case access to their people."""
    return ProgrammeMembership.objects.filter(user=user).values("programme_id")


def programme_ids_led(user: User) -> IdQuery:
    """The programmes the user leads: set-up, reports, exports, imports, erasure, merges and
    confidential notes."""
    return ProgrammeMembership.objects.filter(user=user, role=ProgrammeRole.PROGRAMME_LEAD).values(
        "programme_id"
    )


def worksite_ids_supervised(user: User) -> IdQuery:
    """The worksites the user is arbeidsleder at."""
    return WorksiteSupervisor.objects.filter(user=user).values("worksite_id")


def works_in(user: User, programme_ids: Ids) -> bool:
    """Whether the user works in (any of) the programmes."""
    return ProgrammeMembership.objects.filter(user=user, programme_id__in=programme_ids).exists()


def leads(user: User, programme_ids: Ids) -> bool:
    """Whether the user leads (any of) the programmes."""
    return programme_ids_led(user).filter(programme_id__in=programme_ids).exists()


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


def programme_ids_as_caseworker(user: User) -> IdQuery:
    """The programmes the user is a caseworker in: the people they may be given to follow."""
    return ProgrammeMembership.objects.filter(user=user, role=ProgrammeRole.CASEWORKER).values(
        "programme_id"
    )


def works_anywhere(user: User) -> bool:
    """Whether the user works in any programme (caseworker or lead)."""
    return ProgrammeMembership.objects.filter(user=user).exists()


def supervises(user: User, worksite_id: int) -> bool:
    """Whether the user is arbeidsleder at the worksite."""
    return WorksiteSupervisor.objects.filter(user=user, worksite_id=worksite_id).exists()


def role_flags() -> dict[str, Exists]:
    """For a query of users (``OuterRef("pk")``): whether each is a caseworker, an arbeidsleder
    and a programme lead anywhere, as annotations."""
    mine = ProgrammeMembership.objects.filter(user=OuterRef("pk"))
    return {
        "caseworker": Exists(mine.filter(role=ProgrammeRole.CASEWORKER)),
        "arbeidsleder": Exists(WorksiteSupervisor.objects.filter(user=OuterRef("pk"))),
        "lead": Exists(mine.filter(role=ProgrammeRole.PROGRAMME_LEAD)),
    }


# The same questions as joins, for a model whose path to the programme or the worksite is
# ``via`` ("" from the programme or worksite itself). On PostgreSQL the planner estimates a join
# better than an IN-subquery where the query also counts or filters many rows (measured: the
# lead's programme list with its counts, 3.2 ms against 6.0 ms; the arbeidsleder's worksites
# and placements, half the time): scopes over those use these.


def worked_in_by(user: User, via: str = "") -> Q:
    """Rows of the programmes the user works in (join: add ``distinct()`` where one programme
    has several memberships of the user)."""
    return Q(**{f"{via}memberships__user": user})


def supervised_by(user: User, via: str = "") -> Q:
    """Rows of the worksites the user is arbeidsleder at."""
    return Q(**{f"{via}supervisors__user": user})
