from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from audit.models import AccessEvent, ChangeEvent

if TYPE_CHECKING:  # the layer above whose history this reads (docs/architecture.md, "Types")
    from participants.models import Participant


def _records(participant: "Participant") -> Q:
    """The person's record and any records merged into it: their history is one history."""
    return Q(participant=participant) | Q(participant__merged_into=participant)


def participant_access_log(*, participant: "Participant", limit: int = 50) -> QuerySet[AccessEvent]:
    return AccessEvent.objects.filter(_records(participant)).select_related("user")[:limit]


def participant_change_log(*, participant: "Participant", limit: int = 50) -> QuerySet[ChangeEvent]:
    return ChangeEvent.objects.filter(_records(participant)).select_related("user")[:limit]
