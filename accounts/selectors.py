from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Invitation, ProgrammeMembership, User, WorksiteSupervisor


def municipality_users(*, admin: User) -> QuerySet[User]:
    """The users of the admin's municipality with their roles and latest invitation."""
    if admin.municipality_id is None:  # the platform's operators have no municipality's users
        return User.objects.none()
    return (
        User.objects.filter(municipality_id=admin.municipality_id)
        .prefetch_related(
            Prefetch(
                "memberships", queryset=ProgrammeMembership.objects.select_related("programme")
            ),
            Prefetch(
                "supervised_worksites",
                queryset=WorksiteSupervisor.objects.select_related("worksite"),
            ),
            Prefetch("invitations", queryset=Invitation.objects.order_by("-created_at")),
        )
        .order_by("full_name")
    )


def municipality_user_get(*, admin: User, pk: int) -> User:
    """One user of the admin's municipality, or 404."""
    return get_object_or_404(municipality_users(admin=admin), pk=pk)
