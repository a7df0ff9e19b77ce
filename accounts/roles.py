"""What a signed-in user may do, worked out once per request."""

from dataclasses import dataclass

from accounts.models import ProgrammeRole


@dataclass(frozen=True)
class Roles:
    caseworker: bool = False
    programme_lead: bool = False
    arbeidsleder: bool = False
    municipality_admin: bool = False

    @property
    def follows_participants(self) -> bool:
        return self.caseworker or self.programme_lead

    @property
    def any(self) -> bool:
        return self.follows_participants or self.arbeidsleder or self.municipality_admin


def roles_of(user) -> Roles:
    if not user.is_authenticated or user.municipality_id is None:
        return Roles()
    cached = getattr(user, "_fotfeste_roles", None)
    if cached is None:
        held = set(user.memberships.values_list("role", flat=True).distinct())
        cached = Roles(
            caseworker=ProgrammeRole.CASEWORKER in held,
            programme_lead=ProgrammeRole.PROGRAMME_LEAD in held,
            arbeidsleder=user.supervised_worksites.exists(),
            municipality_admin=user.is_municipality_admin,
        )
        user._fotfeste_roles = cached
    return cached
