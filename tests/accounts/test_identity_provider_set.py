"""`manage.py identity_provider_set`: platform staff configure a municipality's identity provider
from the command line, with the admin's checks, the client secret never on the command line."""

import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.identity import identity_provider_secret
from accounts.models import GroupRole, IdentityProvider, PasswordSignIn, SubjectKind
from audit.models import ChangeEvent

pytestmark = pytest.mark.django_db

ISSUER = "https://login.microsoftonline.com/11111111-aaaa-4000-8000-000000000001/v2.0"
SECRET = "a-client-secret-not-real"


def _set(*args: str) -> str:
    out = io.StringIO()
    call_command("identity_provider_set", *args, stdout=out)
    return out.getvalue()


def _oidc(*extra: str) -> str:
    return _set(
        *("Lyngdal", "--slug", "lyngdal", "--protocol", "openid_connect"),
        *("--name", "Lyngdal kommune", "--issuer", ISSUER, "--client-id", "fotfeste"),
        *extra,
    )


def test_an_openid_provider_is_created_with_the_secret_from_the_environment(world, monkeypatch):
    monkeypatch.setenv("LYNGDAL_SECRET", SECRET)

    said = _oidc(
        *("--client-secret-env", "LYNGDAL_SECRET", "--subject", "entra"),
        *("--allowed-tenants", "t-1", "t-2", "--allowed-groups", "g-staff"),
        "--no-trust-provider-mfa",
    )

    provider = IdentityProvider.objects.get(municipality=world.municipality)
    assert (provider.slug, provider.protocol, provider.issuer) == (
        "lyngdal",
        "openid_connect",
        ISSUER,
    )
    assert provider.subject == SubjectKind.ENTRA
    assert (provider.tenants, provider.groups) == (["t-1", "t-2"], ["g-staff"])
    assert provider.trust_provider_mfa is False
    assert provider.enabled and provider.password_sign_in == PasswordSignIn.EVERYONE
    assert identity_provider_secret(provider) == SECRET
    assert SECRET not in provider.client_secret_encrypted
    assert "/accounts/oidc/lyngdal/login/callback/" in said
    assert SECRET not in said
    assert ChangeEvent.objects.filter(action="create").exists()


def test_the_secret_may_come_on_standard_input(world, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{SECRET}\n"))

    _oidc("--client-secret-stdin")

    provider = IdentityProvider.objects.get(slug="lyngdal")
    assert identity_provider_secret(provider) == SECRET


def test_the_secret_is_never_taken_from_the_command_line(world):
    with pytest.raises(CommandError):
        _oidc("--client-secret", SECRET)

    assert not IdentityProvider.objects.exists()


def test_an_empty_secret_variable_is_refused(world, monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)

    with pytest.raises(CommandError, match="NOT_SET_ANYWHERE"):
        _oidc("--client-secret-env", "NOT_SET_ANYWHERE")

    assert not IdentityProvider.objects.exists()


def test_a_change_keeps_what_is_not_given_and_an_empty_list_empties(world, monkeypatch):
    monkeypatch.setenv("LYNGDAL_SECRET", SECRET)
    _oidc("--client-secret-env", "LYNGDAL_SECRET", "--allowed-groups", "g-staff")

    said = _set("Lyngdal", "--no-enabled", "--password-sign-in", "break_glass", "--allowed-groups")

    provider = IdentityProvider.objects.get(slug="lyngdal")
    assert (provider.enabled, provider.password_sign_in) == (False, PasswordSignIn.BREAK_GLASS)
    assert provider.groups == []
    assert (provider.issuer, provider.client_id) == (ISSUER, "fotfeste")
    assert identity_provider_secret(provider) == SECRET
    assert "Changed lyngdal" in said


def test_the_admin_s_checks_hold_a_saml_provider_without_metadata_is_refused(world):
    with pytest.raises(CommandError, match="metadata"):
        _set(
            *("Lyngdal", "--slug", "lyngdal", "--protocol", "saml", "--name", "Lyngdal"),
            *("--issuer", "https://idp.example.org/idp/shibboleth"),
        )

    assert not IdentityProvider.objects.exists()


def test_metadata_xml_that_is_not_the_idp_s_is_refused(world, tmp_path):
    xml = tmp_path / "metadata.xml"
    xml.write_text("<not-metadata/>")

    with pytest.raises(CommandError, match="--metadata-xml"):
        _set(
            *("Lyngdal", "--slug", "lyngdal", "--protocol", "saml", "--name", "Lyngdal"),
            *("--issuer", "https://idp.example.org/idp/shibboleth", "--metadata-file", str(xml)),
        )


def test_a_saml_provider_takes_no_client_secret(world, monkeypatch):
    monkeypatch.setenv("LYNGDAL_SECRET", SECRET)

    with pytest.raises(CommandError, match="SAML"):
        _set(
            *("Lyngdal", "--slug", "lyngdal", "--protocol", "saml", "--name", "Lyngdal"),
            *("--issuer", "https://idp.example.org/idp/shibboleth"),
            *("--metadata-url", "https://idp.example.org/idp/shibboleth"),
            *("--client-secret-env", "LYNGDAL_SECRET"),
        )


def test_a_saml_provider_is_created_and_tells_what_to_give_the_idp(world):
    said = _set(
        *("Solvik", "--slug", "solvik", "--protocol", "saml", "--name", "Solviks kommun"),
        *("--issuer", "https://idp.example.org/idp/shibboleth"),
        *("--metadata-url", "https://idp.example.org/idp/shibboleth"),
        *("--email-claim", "urn:oid:0.9.2342.19200300.100.1.3"),
    )

    provider = IdentityProvider.objects.get(municipality=world.foreign_municipality)
    assert (provider.protocol, provider.email_claim) == (
        "saml",
        "urn:oid:0.9.2342.19200300.100.1.3",
    )
    assert "/accounts/saml/solvik/metadata/" in said and "/accounts/saml/solvik/acs/" in said


def test_group_roles_are_set_replaced_and_removed(world):
    _oidc("--group-role", "g-veiledere", "En av mange", "caseworker")
    provider = IdentityProvider.objects.get(slug="lyngdal")
    assert list(GroupRole.objects.values_list("group", "programme", "role")) == [
        ("g-veiledere", world.programme.pk, "caseworker")
    ]

    _set(
        *("Lyngdal", "--group-role", "g-ledere", "En av mange", "programme_lead"),
        *("--group-role", "g-ung", "Ung i jobb", "caseworker"),
    )
    assert set(GroupRole.objects.filter(provider=provider).values_list("group", "role")) == {
        ("g-ledere", "programme_lead"),
        ("g-ung", "caseworker"),
    }

    _set("Lyngdal", "--no-group-roles")
    assert not GroupRole.objects.exists()


def test_a_group_role_in_another_municipality_s_programme_is_refused(world):
    _oidc()

    with pytest.raises(CommandError, match="Feriearbete"):
        _set("Lyngdal", "--group-role", "g-x", "Feriearbete", "caseworker")

    with pytest.raises(CommandError, match="boss"):
        _set("Lyngdal", "--group-role", "g-x", "En av mange", "boss")
    assert not GroupRole.objects.exists()


def test_an_unknown_municipality_is_refused(db):
    with pytest.raises(CommandError, match="Atlantis"):
        _set("Atlantis", "--slug", "atlantis")


def test_a_short_name_another_municipality_uses_is_refused(world):
    _oidc()

    with pytest.raises(CommandError, match="--slug"):
        _set(
            *("Solvik", "--slug", "lyngdal", "--protocol", "openid_connect", "--name", "S"),
            *("--issuer", ISSUER),
        )


def test_a_change_is_logged_with_the_values_before_and_after(world):
    _oidc()
    _set("Lyngdal", "--client-id", "fotfeste-2")

    event = ChangeEvent.objects.filter(action="update", model="accounts.identityprovider").get()
    assert event.changes == {"client_id": ["fotfeste", "fotfeste-2"]}
