"""What a signed-in user may do, as every page first asks it."""

import pytest

from accounts.memberships import HELD_SQL
from accounts.models import ProgrammeMembership, WorksiteSupervisor
from accounts.roles import Roles, roles_of
from tests.factories import MembershipFactory, SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_plain_statement_names_the_tables_the_models_use():
    assert ProgrammeMembership._meta.db_table in HELD_SQL
    assert WorksiteSupervisor._meta.db_table in HELD_SQL


def test_a_user_with_every_kind_of_role_has_them_all(world):
    user = UserFactory(municipality=world.municipality, is_municipality_admin=True)
    MembershipFactory(user=user, programme=world.programme, role="caseworker")
    MembershipFactory(user=user, programme=world.other_programme, role="programme_lead")
    SupervisorFactory(user=user, worksite=world.worksite)
    assert roles_of(user) == Roles(True, True, True, True)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("caseworker", Roles(caseworker=True)),
        ("programme_lead", Roles(programme_lead=True)),
        ("admin", Roles(municipality_admin=True)),
        ("arbeidsleder", Roles(arbeidsleder=True)),
        ("foreign_caseworker", Roles(caseworker=True)),
    ],
)
def test_each_demo_role_holds_only_its_own(world, who, expected):
    assert roles_of(getattr(world, who)) == expected


def test_a_user_without_memberships_holds_nothing(world):
    assert not roles_of(UserFactory(municipality=world.municipality)).any
