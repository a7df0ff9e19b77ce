"""The arbeidsleder's reach: whom the people placed at a worksite are visible to, beyond the
staff of their programmes. Registered with ``Participant.objects.visible_to`` by this app's
``ready`` (participants sits below placements in the layers and cannot import it)."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts import memberships
from participants.models import consent_to_share_with_worksite
from placements.models import Placement


def supervised_participant_ids(user) -> QuerySet:
    """An arbeidsleder sees a person placed now at their worksite, and only while the person's
    consent to share with the worksite is in force (withdrawal cuts access at once)."""
    sharing = consent_to_share_with_worksite().filter(
        participant=OuterRef("enrollment__participant")
    )
    return (
        Placement.objects.current()
        .filter(worksite_id__in=memberships.worksite_ids_supervised(user))
        .filter(Exists(sharing))
        .values("enrollment__participant_id")
    )
