from django.db.models import QuerySet

from audit.models import AccessEvent, ChangeEvent


def participant_access_log(*, participant, limit: int = 50) -> QuerySet[AccessEvent]:
    return AccessEvent.objects.filter(participant=participant).select_related("user")[:limit]


def participant_change_log(*, participant, limit: int = 50) -> QuerySet[ChangeEvent]:
    return ChangeEvent.objects.filter(participant=participant).select_related("user")[:limit]
