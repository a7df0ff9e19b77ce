from django.db.models import Count, Q, QuerySet

from accounts.models import ProgrammeRole
from participants.models import EnrollmentStatus
from programs.models import Programme


def programmes_led(*, user) -> QuerySet[Programme]:
    """Programmes the user leads, with enrollment counts by status."""
    active = Q(enrollments__status=EnrollmentStatus.ACTIVE)
    open_statuses = [EnrollmentStatus.REFERRED, EnrollmentStatus.INTAKE]
    return (
        Programme.objects.visible_to(user)
        .filter(memberships__user=user, memberships__role=ProgrammeRole.PROGRAMME_LEAD)
        .annotate(
            active_count=Count("enrollments", filter=active, distinct=True),
            pending_count=Count(
                "enrollments", filter=Q(enrollments__status__in=open_statuses), distinct=True
            ),
            total_count=Count("enrollments", distinct=True),
        )
        .order_by("name")
    )
