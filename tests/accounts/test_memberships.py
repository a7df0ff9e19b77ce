"""The one home of the membership questions: who works in, leads, is a caseworker in and
supervises what."""

import pytest

from accounts import memberships
from accounts.models import ProgrammeRole, User
from tests.factories import (
    MembershipFactory,
    ProgrammeFactory,
    SupervisorFactory,
    UserFactory,
    WorksiteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    lead, caseworker, arbeidsleder, outsider = (UserFactory() for _ in range(4))
    mine, other = ProgrammeFactory(), ProgrammeFactory()
    site = WorksiteFactory()
    MembershipFactory(user=lead, programme=mine, role=ProgrammeRole.PROGRAMME_LEAD)
    MembershipFactory(user=caseworker, programme=mine, role=ProgrammeRole.CASEWORKER)
    MembershipFactory(user=outsider, programme=other, role=ProgrammeRole.CASEWORKER)
    SupervisorFactory(user=arbeidsleder, worksite=site)
    return lead, caseworker, arbeidsleder, outsider, mine, other, site


def ids(rows, key: str) -> set[int]:
    return {row[key] for row in rows}


def test_each_question_has_its_answer(org):
    lead, caseworker, arbeidsleder, outsider, mine, _other, site = org
    assert memberships.programme_ids_worked_in(lead) == (mine.pk,)
    assert memberships.programme_ids_led(lead) == (mine.pk,)
    assert memberships.programme_ids_led(caseworker) == ()
    assert memberships.programme_ids_as_caseworker(caseworker) == (mine.pk,)
    assert memberships.worksite_ids_supervised(arbeidsleder) == (site.pk,)
    assert ids(memberships.caseworker_ids([mine.pk]), "user_id") == {caseworker.pk}
    assert memberships.works_in(caseworker, [mine.pk]) and not memberships.works_in(
        outsider, [mine.pk]
    )
    assert memberships.leads(lead, [mine.pk]) and not memberships.leads(caseworker, [mine.pk])
    assert memberships.is_caseworker_in(caseworker, [mine.pk])
    assert not memberships.is_caseworker_in(lead, [mine.pk])
    assert memberships.supervises(arbeidsleder, site.pk) and not memberships.supervises(
        lead, site.pk
    )
    assert memberships.works_anywhere(lead) and not memberships.works_anywhere(arbeidsleder)


def test_the_lead_told_of_a_report_must_still_have_an_active_account(org):
    lead, *_, mine, _other, _site = org
    assert [m.user_id for m in memberships.lead_memberships([mine.pk])] == [lead.pk]
    User.objects.filter(pk=lead.pk).update(is_active=False)
    assert list(memberships.lead_memberships([mine.pk])) == []


def test_the_role_flags_annotate_a_list_of_users(org):
    lead, caseworker, arbeidsleder, outsider, *_ = org
    flags = {
        u.pk: (u.caseworker, u.arbeidsleder, u.lead)
        for u in User.objects.annotate(**memberships.role_flags())
    }
    assert flags[lead.pk] == (False, False, True)
    assert flags[caseworker.pk] == (True, False, False)
    assert flags[arbeidsleder.pk] == (False, True, False)
    assert flags[outsider.pk] == (True, False, False)


def test_a_users_memberships_are_read_once_per_user_object(org, django_assert_num_queries):
    lead, *_ = org
    with django_assert_num_queries(1):
        for _ in range(3):
            memberships.programme_ids_worked_in(lead)
            memberships.programme_ids_led(lead)
            memberships.worksite_ids_supervised(lead)
            memberships.works_anywhere(lead)


def test_a_role_given_or_taken_is_seen_at_once_by_every_user_object(org):
    """Granted, changed or revoked through the services or the models, and seen by the same
    object that had read the memberships before, and by another object of the same user."""
    _lead, caseworker, arbeidsleder, _outsider, mine, other, site = org
    again = User.objects.get(pk=caseworker.pk)
    assert memberships.programme_ids_worked_in(caseworker) == (mine.pk,)
    assert memberships.programme_ids_worked_in(again) == (mine.pk,)
    granted = MembershipFactory(user=caseworker, programme=other, role=ProgrammeRole.CASEWORKER)
    assert memberships.programme_ids_worked_in(caseworker) == tuple(sorted((mine.pk, other.pk)))
    assert memberships.programme_ids_worked_in(again) == tuple(sorted((mine.pk, other.pk)))
    granted.role = ProgrammeRole.PROGRAMME_LEAD
    granted.save()
    assert memberships.programme_ids_led(caseworker) == (other.pk,)
    granted.delete()
    assert memberships.programme_ids_led(caseworker) == ()
    assert memberships.supervises(arbeidsleder, site.pk)
    arbeidsleder.supervised_worksites.all().delete()
    assert not memberships.supervises(arbeidsleder, site.pk)
    assert memberships.worksite_ids_supervised(arbeidsleder) == ()


def test_nobody_signed_out_or_unsaved_holds_anything():
    assert memberships.programme_ids_worked_in(User()) == ()
    assert memberships.worksite_ids_supervised(User()) == ()
