"""The summer-jobs coordinator (feriesamordnare): a Swedish role, offered and given only in a
Swedish municipality, with no case access to the programme's people."""

import pytest

from accounts import memberships
from accounts.forms import RoleForm
from accounts.roles import roles_of
from accounts.services import role_grant
from config.errors import ApplicationError
from programs.forms import MemberForm
from programs.models import Programme
from tests import factories as f

pytestmark = pytest.mark.django_db

COORDINATOR = "summer_coordinator"


def offered(form) -> set[str]:
    return {value for value, _label in form.fields["role"].choices}


def test_the_role_is_offered_in_a_swedish_municipality_and_not_in_a_norwegian_one(world):
    assert COORDINATOR in offered(RoleForm(municipality=world.foreign_municipality))
    assert COORDINATOR in offered(MemberForm(municipality=world.foreign_municipality))
    assert COORDINATOR not in offered(RoleForm(municipality=world.municipality))
    assert COORDINATOR not in offered(MemberForm(municipality=world.municipality))


def test_a_norwegian_municipality_cannot_be_given_the_role_even_by_a_forged_form(world):
    user = f.UserFactory(municipality=world.municipality)
    with pytest.raises(ApplicationError) as caught:
        role_grant(actor=world.admin, user=user, role=COORDINATOR, programme=world.programme)
    assert caught.value.field == "role"
    assert not user.memberships.exists()


def test_a_coordinator_has_the_role_and_no_case_access(world):
    programme = Programme.objects.get(municipality=world.foreign_municipality, name="Feriearbete")
    user = f.UserFactory(municipality=world.foreign_municipality)
    role_grant(actor=None, user=user, role=COORDINATOR, programme=programme)

    roles = roles_of(user)
    assert roles.summer_coordinator and roles.any and not roles.follows_participants
    assert memberships.programme_ids_coordinated(user) == (programme.pk,)
    assert memberships.programme_ids_worked_in(user) == ()
    assert not memberships.works_anywhere(user)
