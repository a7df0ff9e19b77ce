"""The arbeidsleder's reach: the people placed now at a worksite are visible to its
arbeidsleder, beyond the staff of their programmes, with only their placements. Registered with
``participants.models`` by this app's ``ready`` (participants sits below placements in the
layers and cannot import it)."""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from accounts import memberships
from participants.models import Reach, consent_to_share_with_worksite
from placements.models import Placement


def _supervised_placements(user) -> QuerySet[Placement] | None:
    """The placements now at the user's worksites; None for a user who supervises none, whose
    scope then has no part of this reach at all."""
    worksites = memberships.worksite_ids_supervised(user)
    if not worksites:
        return None
    return Placement.objects.current().filter(worksite_id__in=worksites)


def supervised_participant_ids(user) -> QuerySet | None:
    """An arbeidsleder sees a person placed now at their worksite, and only while the person's
    consent to share with the worksite is in force (withdrawal cuts access at once)."""
    placements = _supervised_placements(user)
    if placements is None:
        return None
    sharing = consent_to_share_with_worksite().filter(
        participant=OuterRef("enrollment__participant")
    )
    return placements.filter(Exists(sharing)).values("enrollment__participant_id")


def supervised_enrollment_ids(user) -> QuerySet | None:
    """The enrollments behind those placements (the person is already in scope, or not)."""
    placements = _supervised_placements(user)
    return None if placements is None else placements.values("enrollment_id")


def current_placements(user) -> list[Prefetch]:
    """Each enrollment's current placements as ``current_placements``, each marked
    ``supervised`` where the user is its worksite's arbeidsleder."""
    supervises = memberships.worksite_ids_supervised(user)
    placements = (
        Placement.objects.current()
        .select_related("worksite")
        .annotate(supervised=ExpressionWrapper(Q(worksite_id__in=supervises), BooleanField()))
    )
    return [Prefetch("placements", queryset=placements, to_attr="current_placements")]


SUPERVISION = Reach(
    participant_ids=supervised_participant_ids,
    enrollment_ids=supervised_enrollment_ids,
    enrollment_prefetches=current_placements,
)
