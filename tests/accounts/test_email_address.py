"""Sign-in addresses are managed by the municipality admin: users cannot change their own."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import User

pytestmark = pytest.mark.django_db


def add_and_make_primary(client, email: str):
    client.post("/accounts/email/", {"action_add": "", "email": email})
    return client.post("/accounts/email/", {"action_primary": "", "email": email})


def test_a_user_cannot_change_their_sign_in_address_on_their_own(world, client_for):
    add_and_make_primary(client_for(world.caseworker), "elsewhere@test.example.org")

    assert User.objects.get(pk=world.caseworker.pk).email == world.caseworker.email


def test_claiming_a_colleagues_address_is_not_a_server_error(world, client_for):
    client = client_for(world.caseworker)
    client.raise_request_exception = False

    response = add_and_make_primary(client, world.admin.email)

    assert response.status_code < 500
    assert User.objects.get(pk=world.caseworker.pk).email == world.caseworker.email


def test_with_two_factor_authentication_the_address_page_is_not_offered_either(world, client_for):
    TOTP.activate(world.caseworker, generate_totp_secret())
    client = client_for(world.caseworker)

    response = client.post("/accounts/email/", {"action_add": "", "email": "x@test.example.org"})

    assert response.status_code == 404
    assert User.objects.get(pk=world.caseworker.pk).email == world.caseworker.email
