"""Signing in and out, rate limits, no self-service sign-up, password reset."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from accounts.models import User
from tests import factories as f
from tests.support.visitors import link_in, sign_in, text

WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."

pytestmark = pytest.mark.django_db


def test_the_right_password_signs_the_user_in(world, browser):
    client = browser()

    response = sign_in(client, world.caseworker.email)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(world.caseworker.pk)
    assert client.get("/").status_code == 200


def test_the_email_address_is_not_case_sensitive(world, browser):
    client = browser()

    response = sign_in(client, world.caseworker.email.upper())

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.caseworker.pk)


def test_a_wrong_password_is_refused_with_a_message(world, browser):
    client = browser()

    response = sign_in(client, world.caseworker.email, "not-the-password")

    assert response.status_code == 200
    assert WRONG_CREDENTIALS in text(response)
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(world, browser):
    wrong_password = sign_in(browser(), world.caseworker.email, "not-the-password")
    unknown_email = sign_in(browser(), "nobody-here@test.example.org", "not-the-password")

    assert unknown_email.status_code == wrong_password.status_code == 200
    assert WRONG_CREDENTIALS in text(unknown_email)
    assert list(unknown_email.context["form"].non_field_errors()) == list(
        wrong_password.context["form"].non_field_errors()
    )


def test_a_deactivated_user_cannot_sign_in(world, browser):
    world.caseworker.is_active = False
    world.caseworker.save()
    client = browser()

    sign_in(client, world.caseworker.email)

    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_five_wrong_passwords_block_the_account_even_for_the_right_password(world, browser):
    for _ in range(5):
        assert WRONG_CREDENTIALS in text(sign_in(browser(), world.caseworker.email, "guess"))
    client = browser()

    response = sign_in(client, world.caseworker.email)

    assert response.status_code == 200
    assert TOO_MANY in text(response)
    assert SESSION_KEY not in client.session


def test_the_block_looks_the_same_for_an_address_that_has_no_account(world, browser):
    for email in (world.caseworker.email, "nobody-here@test.example.org"):
        for _ in range(5):
            sign_in(browser(), email, "guess")

    known = sign_in(browser(), world.caseworker.email, "guess")
    unknown = sign_in(browser(), "nobody-here@test.example.org", "guess")

    assert known.status_code == unknown.status_code == 200
    assert TOO_MANY in text(known)
    assert TOO_MANY in text(unknown)


def test_the_account_block_does_not_lock_out_other_accounts(world, browser):
    for _ in range(6):
        sign_in(browser(), world.caseworker.email, "guess")
    client = browser()

    response = sign_in(client, world.programme_lead.email)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.programme_lead.pk)


def test_ten_failures_from_one_address_block_that_address_for_every_account(world, browser):
    for n in range(10):
        sign_in(browser(), f"guess{n}@test.example.org", "guess")
    client = browser()

    response = sign_in(client, world.admin.email)

    assert response.status_code == 200
    assert TOO_MANY in text(response)
    assert SESSION_KEY not in client.session


def test_there_is_no_public_sign_up(db, browser):
    client = browser()

    page = client.get("/accounts/signup/")
    attempt = client.post(
        "/accounts/signup/",
        {"email": "walk-in@test.example.org", "password1": "a-long-enough-password-42"},
    )

    assert page.status_code == 200
    assert "Sign Up Closed" in text(page)
    assert attempt.status_code == 200
    assert not User.objects.filter(email="walk-in@test.example.org").exists()
    assert SESSION_KEY not in client.session


def test_the_sign_in_page_offers_no_sign_up_link(db, browser):
    response = browser().get("/accounts/login/")

    assert response.status_code == 200
    assert "/accounts/signup/" not in text(response)


def test_signing_out_ends_the_session(world, client_for):
    client = client_for(world.caseworker)
    assert client.get("/").status_code == 200

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_a_link_to_sign_out_does_not_sign_out_by_itself(world, client_for):
    client = client_for(world.caseworker)

    client.get("/accounts/logout/")

    assert client.get("/").status_code == 200


def test_password_reset_for_an_unknown_email_looks_the_same_as_for_a_known_one(world, browser):
    known = browser().post("/accounts/password/reset/", {"email": world.caseworker.email})
    unknown = browser().post("/accounts/password/reset/", {"email": "nobody@test.example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset_links = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in reset_links] == [[world.caseworker.email]]


def _reset_link(client, email: str) -> str:
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": email})
    assert len(mail.outbox) == 1
    return link_in(mail.outbox[0], "/accounts/password/reset/key/")


def test_a_password_reset_link_sets_a_new_password_once(world, browser):
    client = browser()
    link = _reset_link(client, world.caseworker.email)
    new_password = "a-brand-new-passphrase-77"

    form_page = client.get(link, follow=True)
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    again = browser().get(link, follow=True)

    assert form_page.status_code == 200
    assert done.status_code == 302
    world.caseworker.refresh_from_db()
    assert world.caseworker.check_password(new_password)
    assert again.status_code == 200
    assert "The password reset link was invalid" in text(again)


def test_a_tampered_password_reset_link_gives_a_clear_message(world, browser):
    link = _reset_link(browser(), world.caseworker.email)
    tampered = link.rstrip("/")[:-3] + "xyz/"

    response = browser().get(tampered, follow=True)

    assert response.status_code == 200
    assert "The password reset link was invalid" in text(response)


def test_a_garbled_password_reset_link_gives_a_clear_message(db, browser):
    response = browser().get("/accounts/password/reset/key/zz-not-a-key/", follow=True)

    assert response.status_code == 200
    assert "The password reset link was invalid" in text(response)


def test_a_password_reset_keeps_the_password_rules(world, browser):
    client = browser()
    link = _reset_link(client, world.caseworker.email)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"password1": "short", "password2": "short"})

    assert response.status_code == 200
    assert "at least 12 characters" in text(response)
    world.caseworker.refresh_from_db()
    assert world.caseworker.check_password(f.PASSWORD)


def test_signing_in_returns_to_the_page_asked_for(world, browser):
    client = browser()

    response = client.post(
        "/accounts/login/",
        {"login": world.caseworker.email, "password": f.PASSWORD, "next": "/participants/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/participants/"


def test_signing_in_never_sends_the_user_to_another_site(world, browser):
    client = browser()

    response = client.post(
        "/accounts/login/",
        {"login": world.caseworker.email, "password": f.PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_invited_user_without_a_password_gets_the_same_answer(world, browser):
    User.objects.create_user(
        "invited@test.example.org", full_name="Ivar Invitert", municipality=world.municipality
    )
    client = browser()

    response = sign_in(client, "invited@test.example.org", "")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    response = sign_in(client, "invited@test.example.org", "any-password-at-all")
    assert WRONG_CREDENTIALS in text(response)
    assert SESSION_KEY not in client.session
