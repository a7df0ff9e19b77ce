"""What a signed-in user may do, worked out once per request."""

from dataclasses import dataclass

from django.http import Http404

from accounts import memberships
from accounts.models import ProgrammeRole


@dataclass(frozen=True)
class Roles:
    caseworker: bool = False
    programme_lead: bool = False
    arbeidsleder: bool = False
    municipality_admin: bool = False
    summer_coordinator: bool = False

    @property
    def follows_participants(self) -> bool:
        return self.caseworker or self.programme_lead

    @property
    def any(self) -> bool:
        return (
            self.follows_participants
            or self.arbeidsleder
            or self.municipality_admin
            or self.summer_coordinator
        )


def roles_of(user) -> Roles:
    """What the user is, from their memberships as ``memberships.held`` read them: the first
    question of every page, and no statement of its own."""
    if not user.is_authenticated or user.municipality_id is None:
        return Roles()
    found = memberships.held(user)
    held = set(found.programmes.values())
    return Roles(
        caseworker=ProgrammeRole.CASEWORKER in held,
        programme_lead=ProgrammeRole.PROGRAMME_LEAD in held,
        arbeidsleder=bool(found.worksites),
        municipality_admin=user.is_municipality_admin,
        summer_coordinator=ProgrammeRole.SUMMER_COORDINATOR in held,
    )


class RoleRequiredMixin:
    """Pages for one kind of role: anybody else gets 404, as if the page did not exist."""

    def allowed(self, roles: Roles) -> bool:
        return roles.any

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed(roles_of(request.user)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
