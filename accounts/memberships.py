"""Who works where: the one home of the membership questions that every scope, page, export
and report asks. A programme membership (caseworker or programme lead) gives case access to the
programme's people; a worksite supervision gives an arbeidsleder their worksite's placements.

The answers that feed other queries are unevaluated querysets of ids, so that the database
reads them as one subquery inside the caller's query, never as a list built in Python."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

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
