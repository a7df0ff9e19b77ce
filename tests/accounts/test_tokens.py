"""Personal API tokens: made after re-entering the password, shown once, kept only as a hash,
listed and revoked by their owner, and giving exactly the owner's access."""

import json
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import api_token_create, token_digest
from audit.models import ChangeEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TOKENS = "/accounts/tokens/"
NEW = "/accounts/tokens/new/"


def reauthenticated(client: Client) -> Client:
    """Record a fresh password re-entry in the session, as allauth's reauthenticate does."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(session["_auth_user_id"])
    session.save()
    return client


def make(user, name: str = "Fagsystem", days: int = 30) -> str:
    _token, secret = api_token_create(
        actor=user, name=name, expires_on=timezone.localdate() + timedelta(days=days)
    )
    return secret


def bearer(secret: str, scheme: str = "Bearer") -> Client:
    """A client with no session: only the token speaks for it."""
    return Client(HTTP_AUTHORIZATION=f"{scheme} {secret}", HTTP_ACCEPT_LANGUAGE="en")


def refused(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert set(body) == {"detail", "code", "fields"} and body["detail"]


def in_future(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


class TestMakingATokenOnThePage:
    def test_making_a_token_asks_for_the_password_again(self, world, client_for):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.post("/accounts/login/", {"login": world.caseworker.email, "password": PASSWORD})
        response = client.post(NEW, {"name": "Fagsystem", "expires_on": in_future(30)})
        assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
        assert not ApiToken.objects.exists()

    def test_the_secret_is_shown_once_and_only_its_hash_is_kept(self, world, client_for):
        client = reauthenticated(client_for(world.caseworker))
        assert client.get(NEW).status_code == 200
        response = client.post(NEW, {"name": "Fagsystem", "expires_on": in_future(30)})
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        page = response.content.decode()
        token = ApiToken.objects.get()
        secret = next(word for word in page.split('"') if word.startswith("ff_"))
        assert token.digest == token_digest(secret) and token.user == world.caseworker
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_apitoken")
            assert secret not in str(cursor.fetchall())
        assert secret not in str(list(ChangeEvent.objects.values()))
        assert secret not in client.get(TOKENS).content.decode()

    def test_the_token_is_made_in_the_change_history(self, world, client_for):
        client = reauthenticated(client_for(world.caseworker))
        client.post(NEW, {"name": "Fagsystem", "expires_on": in_future(30)})
        event = ChangeEvent.objects.get(model="accounts.apitoken")
        assert event.action == "create" and event.user == world.caseworker
        assert event.changes["name"] == [None, "Fagsystem"]

    def test_the_default_expiry_is_ninety_days(self, world, client_for):
        page = reauthenticated(client_for(world.caseworker)).get(NEW).content.decode()
        assert f'value="{in_future(90)}"' in page

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"name": "Long", "expires_on": in_future(366)}, "at most 365 days"),
            ({"name": "Past", "expires_on": in_future(0)}, "must be after today"),
            ({"name": "", "expires_on": in_future(30)}, "This field is required"),
            ({"name": "x" * 101, "expires_on": in_future(30)}, "at most 100 characters"),
            ({"name": "Nul", "expires_on": "31.02.2025"}, "Enter a valid date"),
        ],
    )
    def test_bad_requests_are_refused_with_a_message(self, world, client_for, data, message):
        client = reauthenticated(client_for(world.caseworker))
        response = client.post(NEW, data)
        assert response.status_code == 200 and message in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_a_nul_byte_in_the_name_is_refused(self, world, client_for):
        client = reauthenticated(client_for(world.caseworker))
        response = client.post(NEW, {"name": "Fag\x00system", "expires_on": in_future(30)})
        assert response.status_code == 200
        assert not ApiToken.objects.exists()

    def test_someone_without_a_role_has_no_token_pages(self, world, client_for):
        from tests.factories import UserFactory

        nobody = UserFactory(municipality=world.municipality)
        client = reauthenticated(client_for(nobody))
        assert client.get(TOKENS).status_code == 404
        assert client.post(NEW, {"name": "x", "expires_on": in_future(30)}).status_code == 404


class TestListingAndRevoking:
    def test_the_list_shows_only_ones_own_tokens(self, world, client_for):
        make(world.caseworker, name="Mitt fagsystem")
        make(world.other_caseworker, name="Andres system")
        page = client_for(world.caseworker).get(TOKENS).content.decode()
        assert "Mitt fagsystem" in page and "Andres system" not in page

    def test_a_revoked_token_is_refused_with_401(self, world, client_for):
        secret = make(world.caseworker)
        assert bearer(secret).get("/api/participants/").status_code == 200
        token = ApiToken.objects.get()
        response = client_for(world.caseworker).post(f"{TOKENS}{token.pk}/revoke/")
        assert response.status_code == 302
        refused(bearer(secret).get("/api/participants/"))
        token.refresh_from_db()
        assert token.revoked_at is not None
        event = ChangeEvent.objects.filter(model="accounts.apitoken", action="update").get()
        assert event.user == world.caseworker and event.changes["revoked_at"][0] is None
        assert "Revoked" in client_for(world.caseworker).get(TOKENS).content.decode()

    @pytest.mark.parametrize("who", ["other_caseworker", "foreign_caseworker"])
    def test_nobody_else_can_revoke_a_token(self, world, client_for, who):
        secret = make(world.caseworker)
        token = ApiToken.objects.get()
        response = client_for(getattr(world, who)).post(f"{TOKENS}{token.pk}/revoke/")
        assert response.status_code == 404
        assert bearer(secret).get("/api/participants/").status_code == 200

    def test_revoking_needs_a_post(self, world, client_for):
        make(world.caseworker)
        token = ApiToken.objects.get()
        assert client_for(world.caseworker).get(f"{TOKENS}{token.pk}/revoke/").status_code == 405
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_an_absurd_token_id_is_a_404(self, world, client_for):
        client = client_for(world.caseworker)
        assert client.post(f"{TOKENS}99999999999999999999/revoke/").status_code == 404


class TestUsingAToken:
    @pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
    def test_a_token_gives_its_users_access(self, world, scheme):
        response = bearer(make(world.caseworker), scheme).get("/api/participants/")
        assert response.status_code == 200
        assert {row["last_name"] for row in response.json()["results"]} == {"Testesen"}
        assert ApiToken.objects.get().last_used_at is not None

    def test_a_caseworkers_token_cannot_see_another_programmes_people(self, world):
        client = bearer(make(world.other_caseworker))
        assert client.get(f"/api/participants/{world.participant.pk}/").status_code == 404
        assert client.get("/api/participants/").json()["results"] == []

    def test_an_arbeidsleders_token_sees_no_national_id(self, world):
        body = bearer(make(world.arbeidsleder)).get(f"/api/participants/{world.participant.pk}/")
        assert body.status_code == 200 and "national_id" not in body.json()

    def test_a_token_follows_the_users_roles_as_they_are_now(self, world):
        client = bearer(make(world.caseworker))
        world.caseworker.memberships.all().delete()
        assert client.get(f"/api/participants/{world.participant.pk}/").status_code == 404

    def test_an_expired_token_is_refused(self, world):
        secret = make(world.caseworker)
        ApiToken.objects.update(
            created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now()
        )
        refused(bearer(secret).get("/api/participants/"))

    def test_the_token_of_a_deactivated_user_is_refused(self, world):
        secret = make(world.caseworker)
        world.caseworker.is_active = False
        world.caseworker.save()
        refused(bearer(secret).get("/api/participants/"))

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer",
            "Bearer ff_not-a-real-token",
            "Bearer not-our-kind",
            "Bearer ff_a ff_b",
            "Token ff_" + "x" * 5000,
            "Bearer ff_\u00e6\u00f8\u00e5",
        ],
    )
    def test_a_wrong_token_is_refused_with_401(self, world, header):
        client = Client(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
        refused(client.get("/api/participants/"))

    def test_a_bad_token_is_refused_even_in_a_signed_in_browser(self, world, client_for):
        client = client_for(world.caseworker)
        refused(client.get("/api/participants/", HTTP_AUTHORIZATION="Bearer ff_wrong"))

    def test_a_request_without_credentials_is_asked_for_a_token(self, world):
        refused(Client().get("/api/participants/"))

    def test_a_token_writes_without_a_csrf_token_and_is_the_author(self, world):
        client = Client(
            HTTP_AUTHORIZATION=f"Bearer {make(world.caseworker)}", enforce_csrf_checks=True
        )
        response = client.post(
            "/api/notes/",
            json.dumps(
                {
                    "participant": world.participant.pk,
                    "kind": "phone",
                    "occurred_on": timezone.localdate().isoformat(),
                    "text": "From the integration.",
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["author"] == world.caseworker.pk

    def test_a_token_works_where_the_second_factor_is_required(self, world, settings):
        settings.FOTFESTE_MFA_REQUIRED = True
        assert bearer(make(world.caseworker)).get("/api/participants/").status_code == 200

    def test_the_last_use_is_written_at_most_every_few_minutes(self, world):
        client = bearer(make(world.caseworker))
        client.get("/api/participants/")
        first = ApiToken.objects.get().last_used_at
        client.get("/api/participants/")
        assert ApiToken.objects.get().last_used_at == first
        ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=10))
        client.get("/api/participants/")
        assert ApiToken.objects.get().last_used_at > first


def test_a_user_can_hold_at_most_twenty_open_tokens(world):
    from config.errors import ApplicationError

    for n in range(20):
        make(world.caseworker, name=f"t{n}")
    with pytest.raises(ApplicationError, match="20 valid tokens"):
        make(world.caseworker, name="one too many")
    from accounts.models import ApiToken
    from accounts.tokens import api_token_revoke

    api_token_revoke(
        actor=world.caseworker, token=ApiToken.objects.filter(user=world.caseworker)[0]
    )
    make(world.caseworker, name="in its place")  # a revoked token no longer counts


def test_expired_tokens_do_not_count_against_the_limit(world):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import ApiToken

    for n in range(20):
        make(world.caseworker, name=f"t{n}")
    ApiToken.objects.filter(user=world.caseworker).update(
        created_at=timezone.now() - timedelta(days=3),
        expires_at=timezone.now() - timedelta(days=1),
    )
    make(world.caseworker, name="a new one")  # expired ones cannot be revoked from the page
    assert ApiToken.objects.usable().filter(user=world.caseworker).count() == 1
