"""Municipality admins invite users; the e-mailed link sets a first password, once."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail, signing
from django.utils import timezone

from accounts.models import Invitation, ProgrammeMembership, User, WorksiteSupervisor
from accounts.services import invitation_create, invitation_send, invitation_token
from tests.support.visitors import link_in, sign_in, text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-first-passphrase-for-fotfeste"
NOT_VALID = "This invitation link is not valid."
INVITATION_SALT = "fotfeste.invitation"


@pytest.fixture
def admin_client(world, client_for, settings):
    client = client_for(world.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def invite(client, capture, **data):
    fields = {"full_name": "Nora Ny", "email": "nora.ny@test.example.org", "role": "caseworker"}
    fields.update(data)
    with capture(execute=True):
        return client.post("/manage/users/invite/", fields)


def accept(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def _link_for(invitation: Invitation, token: str | None = None) -> str:
    return f"/manage/invitation/{token or invitation_token(invitation)}/"


def test_an_admin_invites_a_caseworker_into_their_own_municipality(
    world, admin_client, django_capture_on_commit_callbacks
):
    response = invite(
        admin_client, django_capture_on_commit_callbacks, programme=world.programme.pk
    )

    assert response.status_code == 302
    assert response["Location"] == "/manage/users/"
    user = User.objects.get(email="nora.ny@test.example.org")
    assert user.full_name == "Nora Ny"
    assert user.municipality == world.municipality
    assert not user.has_usable_password()
    assert not user.is_municipality_admin
    membership = ProgrammeMembership.objects.get(user=user)
    assert (membership.programme, membership.role) == (world.programme, "caseworker")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora.ny@test.example.org"]
    assert "/manage/invitation/" in mail.outbox[0].body
    assert "The invitation has been sent." in text(admin_client.get("/manage/users/"))


def test_an_admin_invites_an_arbeidsleder_for_one_worksite(
    world, admin_client, django_capture_on_commit_callbacks
):
    invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="arbeidsleder",
        worksite=world.worksite.pk,
    )

    user = User.objects.get(email="nora.ny@test.example.org")
    assert list(
        WorksiteSupervisor.objects.filter(user=user).values_list("worksite", flat=True)
    ) == [world.worksite.pk]
    assert not ProgrammeMembership.objects.filter(user=user).exists()


def test_an_admin_invites_another_admin(world, admin_client, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks, role="municipality_admin")

    user = User.objects.get(email="nora.ny@test.example.org")
    assert user.is_municipality_admin
    assert user.municipality == world.municipality


def test_the_invitation_link_sets_a_password_that_signs_in(
    world, admin_client, browser, django_capture_on_commit_callbacks
):
    invite(admin_client, django_capture_on_commit_callbacks, programme=world.programme.pk)
    link = link_in(mail.outbox[0], "/manage/invitation/")
    client = browser()

    page = client.get(link)
    response = accept(client, link)

    assert page.status_code == 200
    assert "nora.ny@test.example.org" in text(page)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "Your password is set" in text(client.get("/accounts/login/"))
    sign_in(client, "nora.ny@test.example.org", NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(User.objects.get(email="nora.ny@test.example.org").pk)


def test_the_invitation_link_works_only_once(
    world, admin_client, browser, django_capture_on_commit_callbacks
):
    invite(admin_client, django_capture_on_commit_callbacks, programme=world.programme.pk)
    link = link_in(mail.outbox[0], "/manage/invitation/")
    accept(browser(), link)

    second_look = browser().get(link)
    second_use = accept(browser(), link, "someone-elses-passphrase-99")

    assert second_look.status_code == 400
    assert NOT_VALID in text(second_look)
    assert second_use.status_code == 400
    user = User.objects.get(email="nora.ny@test.example.org")
    assert user.check_password(NEW_PASSWORD)


def _open_invitation(world) -> Invitation:
    user = User.objects.create_user(
        "invited@test.example.org", full_name="Ivar Invitert", municipality=world.municipality
    )
    return invitation_create(user=user, invited_by=world.admin)


def test_an_invitation_past_its_expiry_date_is_refused(world, browser):
    invitation = _open_invitation(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = browser()

    page = client.get(_link_for(invitation))
    response = accept(client, _link_for(invitation))

    assert page.status_code == response.status_code == 400
    assert NOT_VALID in text(page)
    invitation.user.refresh_from_db()
    assert not invitation.user.has_usable_password()


def _signed_at(invitation: Invitation, seconds_ago: int) -> str:
    class Signer(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds_ago)

    payload = {"i": invitation.pk, "n": invitation.nonce}
    return Signer(salt=INVITATION_SALT).sign_object(payload, compress=True)


def test_a_link_signed_longer_ago_than_the_invitation_period_is_refused(world, browser, settings):
    settings.FOTFESTE_INVITATION_DAYS = 7
    invitation = _open_invitation(world)
    fresh = _signed_at(invitation, seconds_ago=60)
    stale = _signed_at(invitation, seconds_ago=7 * 24 * 3600 + 60)

    assert browser().get(_link_for(invitation, fresh)).status_code == 200
    response = browser().get(_link_for(invitation, stale))

    assert response.status_code == 400
    assert NOT_VALID in text(response)


def test_a_tampered_invitation_link_is_refused(world, browser):
    invitation = _open_invitation(world)
    token = invitation_token(invitation)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    response = browser().get(_link_for(invitation, tampered))

    assert response.status_code == 400
    assert NOT_VALID in text(response)


def test_a_token_signed_for_something_else_is_refused(world, browser):
    invitation = _open_invitation(world)
    forged = signing.dumps({"i": invitation.pk, "n": invitation.nonce}, compress=True)

    assert browser().get(_link_for(invitation, forged)).status_code == 400


def test_a_new_invitation_makes_the_previous_link_stop_working(world, browser):
    first = _open_invitation(world)
    second = invitation_create(user=first.user, invited_by=world.admin)

    old = browser().get(_link_for(first))
    new = browser().get(_link_for(second))

    assert old.status_code == 400
    assert NOT_VALID in text(old)
    assert new.status_code == 200


def test_a_deactivated_user_cannot_use_their_invitation(world, browser):
    invitation = _open_invitation(world)
    User.objects.filter(pk=invitation.user.pk).update(is_active=False)

    assert browser().get(_link_for(invitation)).status_code == 400


def test_a_too_short_password_is_refused_and_the_link_keeps_working(world, browser):
    invitation = _open_invitation(world)
    client = browser()

    response = accept(client, _link_for(invitation), "short-pw")

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in text(response)
    invitation.user.refresh_from_db()
    assert not invitation.user.has_usable_password()
    assert client.get(_link_for(invitation)).status_code == 200
    assert accept(client, _link_for(invitation)).status_code == 302


def test_mismatched_passwords_are_refused(world, browser):
    invitation = _open_invitation(world)

    response = browser().post(
        _link_for(invitation),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )

    assert response.status_code == 200
    invitation.user.refresh_from_db()
    assert not invitation.user.has_usable_password()


def test_inviting_an_existing_email_is_a_form_error(
    world, admin_client, django_capture_on_commit_callbacks
):
    before = User.objects.count()

    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        email=world.foreign_caseworker.email.upper(),
        programme=world.programme.pk,
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "A user with this e-mail address already exists."
    ]
    assert User.objects.count() == before
    assert mail.outbox == []


def test_a_programme_from_another_municipality_is_a_form_error(
    world, admin_client, django_capture_on_commit_callbacks
):
    foreign_programme = world.foreign_caseworker.memberships.get().programme

    response = invite(
        admin_client, django_capture_on_commit_callbacks, programme=foreign_programme.pk
    )

    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    assert not User.objects.filter(email="nora.ny@test.example.org").exists()
    assert (
        not ProgrammeMembership.objects.filter(programme=foreign_programme)
        .exclude(user=world.foreign_caseworker)
        .exists()
    )
    assert mail.outbox == []


def test_a_worksite_from_another_municipality_is_a_form_error(
    world, admin_client, django_capture_on_commit_callbacks
):
    foreign_worksite = world.foreign_arbeidsleder.supervised_worksites.get().worksite

    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="arbeidsleder",
        worksite=foreign_worksite.pk,
    )

    assert response.status_code == 200
    assert response.context["form"].errors["worksite"]
    assert not User.objects.filter(email="nora.ny@test.example.org").exists()
    assert mail.outbox == []


def test_a_caseworker_invitation_without_a_programme_is_a_form_error(
    world, admin_client, django_capture_on_commit_callbacks
):
    response = invite(admin_client, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].errors["programme"] == [
        "Choose one of your municipality's programmes."
    ]
    assert not User.objects.filter(email="nora.ny@test.example.org").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/manage/users/", "/manage/users/invite/"])
@pytest.mark.parametrize("who", ["caseworker", "programme_lead", "arbeidsleder"])
def test_users_who_are_not_admins_do_not_find_the_user_pages(world, client_for, who, path):
    client = client_for(getattr(world, who))

    assert client.get(path).status_code == 404


def test_a_non_admin_cannot_invite_by_posting(
    world, client_for, django_capture_on_commit_callbacks
):
    response = invite(
        client_for(world.caseworker),
        django_capture_on_commit_callbacks,
        programme=world.programme.pk,
    )

    assert response.status_code == 404
    assert not User.objects.filter(email="nora.ny@test.example.org").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/manage/users/", "/manage/users/invite/"])
def test_anonymous_visitors_are_sent_to_sign_in(db, browser, path):
    response = browser().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_user_list_shows_only_the_admins_municipality(world, admin_client):
    response = admin_client.get("/manage/users/")

    assert response.status_code == 200
    page = text(response)
    for user in (world.caseworker, world.arbeidsleder, world.other_caseworker, world.admin):
        assert user.email in page
    for user in (world.foreign_caseworker, world.foreign_arbeidsleder):
        assert user.email not in page


def test_a_foreign_admin_sees_only_their_own_users_and_cannot_invite_into_ours(
    world, client_for, django_capture_on_commit_callbacks
):
    from tests import factories as f

    foreign_admin = f.UserFactory(
        municipality=world.foreign_municipality, is_municipality_admin=True
    )
    client = client_for(foreign_admin)

    listing = client.get("/manage/users/")
    response = invite(client, django_capture_on_commit_callbacks, programme=world.programme.pk)

    assert listing.status_code == 200
    assert world.foreign_caseworker.email in text(listing)
    assert world.caseworker.email not in text(listing)
    assert world.admin.email not in text(listing)
    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    assert not User.objects.filter(email="nora.ny@test.example.org").exists()


def test_the_user_list_shows_who_is_still_invited(world, admin_client):
    _open_invitation(world)

    response = admin_client.get("/manage/users/")

    assert "invited@test.example.org" in text(response)
    assert "Invited" in text(response)


def test_sending_the_same_invitation_twice_sends_one_email(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        invitation = _open_invitation(world)

    first = invitation_send(invitation_id=invitation.pk)
    second = invitation_send(invitation_id=invitation.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["invited@test.example.org"]


def test_a_revoked_invitation_is_not_sent(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = _open_invitation(world)
        invitation_create(user=first.user, invited_by=world.admin)

    assert invitation_send(invitation_id=first.pk) is False
    assert mail.outbox == []


def test_sending_a_deleted_invitation_is_a_quiet_no_op(db):
    assert invitation_send(invitation_id=987654) is False
    assert mail.outbox == []


def test_the_invite_form_offers_only_the_admins_programmes_and_worksites(world, admin_client):
    page = text(admin_client.get("/manage/users/invite/"))

    assert world.programme.name in page
    assert world.worksite.name in page
    assert "Feriearbete" not in page
    assert "Äldreboendet" not in page


def test_the_user_list_needs_a_fixed_number_of_queries(
    world, admin_client, django_assert_max_num_queries
):
    for n in range(15):
        user = User.objects.create_user(
            f"many{n}@test.example.org", full_name=f"Many {n}", municipality=world.municipality
        )
        ProgrammeMembership.objects.create(user=user, programme=world.programme, role="caseworker")
        invitation_create(user=user, invited_by=world.admin)

    with django_assert_max_num_queries(11):
        response = admin_client.get("/manage/users/")

    assert text(response).count("@test.example.org") >= 20


def test_a_password_set_through_reset_revokes_the_open_invitation(world, browser):
    from django.core import mail

    from accounts.models import Invitation
    from accounts.services import invitation_create, invitation_token
    from tests.factories import UserFactory
    from tests.support.visitors import link_in

    invited = UserFactory(municipality=world.municipality, password=None)
    invited.set_unusable_password()
    invited.save()
    invitation = invitation_create(user=invited, invited_by=world.admin)
    invitation_url = f"/manage/invitation/{invitation_token(invitation)}/"

    client = browser()
    client.post("/accounts/password/reset/", {"email": invited.email})
    form_page = client.get(link_in(mail.outbox[-1], "/accounts/password/reset/key/"), follow=True)
    new_password = "a-brand-new-passphrase-77"
    client.post(
        form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    response = browser().post(
        invitation_url,
        {"new_password1": "overwrite-attempt-123", "new_password2": "overwrite-attempt-123"},
    )
    assert response.status_code == 400
    invited.refresh_from_db()
    assert invited.check_password(new_password)
    assert Invitation.objects.filter(user=invited, revoked_at=None, accepted_at=None).count() == 0
