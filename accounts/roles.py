"""What a signed-in user may do, worked out once per request."""

from dataclasses import dataclass

from django.db.models import Exists

from accounts.models import ProgrammeMembership, ProgrammeRole, User, WorksiteSupervisor


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
        row = (
            User.objects.filter(pk=user.pk)
            .annotate(
                caseworker=_holds(user, ProgrammeRole.CASEWORKER),
                programme_lead=_holds(user, ProgrammeRole.PROGRAMME_LEAD),
                arbeidsleder=Exists(WorksiteSupervisor.objects.filter(user=user)),
            )
            .values("caseworker", "programme_lead", "arbeidsleder")
            .get()
        )
        cached = Roles(**row, municipality_admin=user.is_municipality_admin)
        user._fotfeste_roles = cached
    return cached


def _holds(user, role: str) -> Exists:
    return Exists(ProgrammeMembership.objects.filter(user=user, role=role))
