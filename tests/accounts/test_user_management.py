"""A municipality admin changes a user's roles, status and invitation on the user's page."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ProgrammeMembership, WorksiteSupervisor
from tests.factories import MunicipalityFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(member) -> str:
    return reverse("accounts:user", kwargs={"pk": member.pk})


def action(member, name: str) -> str:
    return reverse("accounts:user-action", kwargs={"pk": member.pk, "action": name})


def test_the_admin_sees_a_users_roles(world, client_for):
    response = client_for(world.admin).get(page(world.arbeidsleder))
    assert response.status_code == 200
    assert "Helsehuset" in response.content.decode()


@pytest.mark.parametrize("who", ["caseworker", "programme_lead", "arbeidsleder"])
def test_people_without_the_admin_role_get_404(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(page(world.arbeidsleder)).status_code == 404
    assert client.post(action(world.arbeidsleder, "deactivate")).status_code == 404
    world.arbeidsleder.refresh_from_db()
    assert world.arbeidsleder.is_active


def test_another_municipalitys_admin_gets_404_and_changes_nothing(world, client_for):
    foreign_admin = UserFactory(municipality=world.foreign_municipality, is_municipality_admin=True)
    client = client_for(foreign_admin)
    assert client.get(page(world.arbeidsleder)).status_code == 404
    assert client.post(action(world.arbeidsleder, "deactivate")).status_code == 404
    response = client.post(
        page(world.arbeidsleder), {"role": "caseworker", "programme": world.programme.pk}
    )
    assert response.status_code == 404
    assert not ProgrammeMembership.objects.filter(user=world.arbeidsleder).exists()


def test_the_admin_moves_an_arbeidsleder_to_another_worksite(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        page(world.arbeidsleder), {"role": "arbeidsleder", "worksite": world.other_worksite.pk}
    )
    assert response.status_code == 302
    old = WorksiteSupervisor.objects.get(user=world.arbeidsleder, worksite=world.worksite)
    client.post(action(world.arbeidsleder, "remove-role"), {"supervision": old.pk})
    sites = set(
        WorksiteSupervisor.objects.filter(user=world.arbeidsleder).values_list(
            "worksite__name", flat=True
        )
    )
    assert sites == {"Kjøkkenet"}
    # The move takes effect at once: the participant at Helsehuset is out of sight.
    detail = reverse("participants:detail", args=[world.participant.pk])
    assert client_for(world.arbeidsleder).get(detail).status_code == 404


def test_a_programme_of_another_municipality_is_refused_as_a_form_error(world, client_for):
    foreign = ProgrammeFactory(municipality=MunicipalityFactory())
    response = client_for(world.admin).post(
        page(world.caseworker), {"role": "caseworker", "programme": foreign.pk}
    )
    assert response.status_code == 200
    assert "valid choice" in response.content.decode()
    assert not ProgrammeMembership.objects.filter(programme=foreign).exists()


@pytest.mark.parametrize("value", ["999999", "abc", "99999999999999999999999", ""])
def test_removing_a_role_the_user_does_not_hold_changes_nothing(world, client_for, value):
    other = ProgrammeMembership.objects.get(user=world.programme_lead)
    client = client_for(world.admin)
    for bad in (value, str(other.pk)):
        response = client.post(
            action(world.caseworker, "remove-role"), {"membership": bad}, follow=True
        )
        assert response.status_code == 200
        assert "does not hold that role" in response.content.decode()
    assert ProgrammeMembership.objects.filter(pk=other.pk).exists()
    assert ProgrammeMembership.objects.filter(user=world.caseworker).count() == 1


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in(world, client_for):
    from tests.factories import PASSWORD

    signed_in = client_for(world.caseworker)
    client_for(world.admin).post(action(world.caseworker, "deactivate"))
    world.caseworker.refresh_from_db()
    assert not world.caseworker.is_active
    assert signed_in.get(reverse("participants:caseload")).status_code == 302
    visitor = Client()
    visitor.post("/accounts/login/", {"login": world.caseworker.email, "password": PASSWORD})
    assert "_auth_user_id" not in visitor.session
    assert visitor.get(reverse("participants:caseload")).status_code == 302
    client_for(world.admin).post(action(world.caseworker, "activate"))
    world.caseworker.refresh_from_db()
    assert world.caseworker.is_active


def test_an_admin_cannot_deactivate_or_demote_themselves(world, client_for):
    client = client_for(world.admin)
    response = client.post(action(world.admin, "deactivate"), follow=True)
    assert "cannot deactivate yourself" in response.content.decode()
    response = client.post(action(world.admin, "remove-role"), {"admin": "1"}, follow=True)
    assert "cannot remove your own admin role" in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active and world.admin.is_municipality_admin


def test_a_new_invitation_is_sent_only_to_someone_who_has_no_password_yet(
    world, client_for, django_capture_on_commit_callbacks
):
    invited = UserFactory(municipality=world.municipality)
    invited.set_unusable_password()
    invited.save()
    client = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action(invited, "reinvite"))
    assert [m.to for m in mail.outbox] == [[invited.email]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(world.caseworker, "reinvite"), follow=True)
    assert len(mail.outbox) == 1
    assert "cannot be done" in response.content.decode()


def test_an_unknown_action_is_a_message_not_an_error(world, client_for):
    response = client_for(world.admin).post(action(world.caseworker, "explode"), follow=True)
    assert response.status_code == 200
    assert "cannot be done" in response.content.decode()


def test_role_changes_are_audited(world, client_for):
    from audit.models import ChangeEvent

    client_for(world.admin).post(
        page(world.caseworker), {"role": "programme_lead", "programme": world.other_programme.pk}
    )
    event = ChangeEvent.objects.get(model="accounts.programmemembership", action="create")
    assert event.user == world.admin
    assert event.changes["role"] == [None, "programme_lead"]
