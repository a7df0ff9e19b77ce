"""Reads of worksites and placements, scoped through ``visible_to``."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from participants.models import Participant
from placements.models import Placement, Worksite


def _visible_current_placements(user) -> QuerySet[Placement]:
    return Placement.objects.current().filter(
        enrollment__participant__in=Participant.objects.visible_to(user)
    )


def worksite_list(*, user) -> QuerySet[Worksite]:
    """Worksites the user may see, each with the number of current placements the user may see."""
    counts = (
        _visible_current_placements(user)
        .filter(worksite=OuterRef("pk"))
        .values("worksite")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Worksite.objects.visible_to(user)
        .annotate(placed=Coalesce(Subquery(counts), 0))
        .prefetch_related("supervisors__user")
    )


def worksite_get(*, user, pk: int) -> Worksite:
    return get_object_or_404(worksite_list(user=user), pk=pk)


def worksite_placements(*, user, worksite: Worksite) -> QuerySet[Placement]:
    """Current placements at a worksite, limited to participants the user may see."""
    return (
        _visible_current_placements(user)
        .filter(worksite=worksite)
        .select_related("enrollment__participant", "supervisor")
        .order_by("enrollment__participant__last_name", "enrollment__participant__first_name")
    )


def supervised_worksites(*, user) -> QuerySet[Worksite]:
    return worksite_list(user=user).filter(supervisors__user=user)


def placements_at_supervised_worksites(*, user) -> QuerySet[Placement]:
    return (
        _visible_current_placements(user)
        .filter(worksite__supervisors__user=user)
        .select_related("enrollment__participant", "worksite")
        .order_by("worksite__name", "enrollment__participant__last_name")
    )
