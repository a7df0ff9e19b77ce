"""Configure a municipality's identity provider from the command line (docs/sign-in.md): the
same row, and the same checks, as the admin's *Identity providers* page.

    manage.py identity_provider_set Lyngdal --slug lyngdal --protocol openid_connect \
        --name "Lyngdal kommune" --issuer https://login.microsoftonline.com/<tid>/v2.0 \
        --client-id <id> --client-secret-env LYNGDAL_OIDC_SECRET --subject entra \
        --allowed-tenants <tid> --allowed-groups <group id> \
        --group-role <group id> "En av mange" caseworker

The client secret is read from an environment variable or from standard input, never from the
command line (which other users of the machine can see). Options left out keep what the row
has; a list option given with no value empties it."""

import os
import sys
from argparse import BooleanOptionalAction
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.forms.models import model_to_dict

from accounts.admin import IdentityProviderForm
from accounts.identity import identity_provider_save
from accounts.models import (
    IdentityProvider,
    Municipality,
    PasswordSignIn,
    ProgrammeRole,
    Protocol,
    SubjectKind,
)

FIELDS = IdentityProviderForm.Meta.fields
# The options that hold a list, kept one a line in the row.
LISTS = {"allowed_tenants": "allowed_tenants", "allowed_groups": "allowed_groups"}


class Command(BaseCommand):
    help = (
        "Create or change a municipality's identity provider (OpenID Connect or SAML 2.0). "
        "The client secret comes from --client-secret-env or --client-secret-stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="The municipality's name, as in Fotfeste.")
        parser.add_argument("--slug", help="Short name, in Fotfeste's addresses (new rows).")
        parser.add_argument("--name", help="Shown on the button: «Sign in with …».")
        parser.add_argument("--protocol", choices=Protocol.values)
        parser.add_argument("--issuer", help="OpenID: the issuer. SAML: the IdP's entity id.")
        parser.add_argument("--metadata-url", help="SAML: where the IdP publishes metadata.")
        parser.add_argument(
            "--metadata-file", type=Path, help="SAML: the IdP's metadata XML, from a file."
        )
        parser.add_argument("--client-id", help="OpenID: the app registration's client id.")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--client-secret-env", metavar="VARIABLE", help="Read the client secret from it."
        )
        secret.add_argument(
            "--client-secret-stdin",
            action="store_true",
            help="Read the client secret from the first line of standard input.",
        )
        parser.add_argument("--subject", choices=SubjectKind.values)
        parser.add_argument("--allowed-tenants", nargs="*", metavar="TENANT")
        parser.add_argument("--allowed-groups", nargs="*", metavar="GROUP")
        parser.add_argument("--email-claim")
        parser.add_argument("--name-claim")
        parser.add_argument("--groups-claim")
        parser.add_argument(
            "--trust-provider-mfa",
            action=BooleanOptionalAction,
            help="Skip Fotfeste's own second factor when the provider says it asked for one.",
        )
        parser.add_argument("--enabled", action=BooleanOptionalAction, help="In use.")
        parser.add_argument("--password-sign-in", choices=PasswordSignIn.values)
        parser.add_argument(
            "--group-role",
            nargs=3,
            action="append",
            metavar=("GROUP", "PROGRAMME", "ROLE"),
            help=(
                "Members of GROUP get ROLE in the municipality's PROGRAMME (its name); repeat "
                "for more. Replaces the provider's group roles. Roles: "
                f"{', '.join(ProgrammeRole.values)}."
            ),
        )
        parser.add_argument(
            "--no-group-roles", action="store_true", help="Remove every group role."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = _municipality(options["municipality"])
        provider = IdentityProvider.objects.filter(municipality=municipality).first()
        secret = _secret(options)
        if (
            secret is not None
            and (options["protocol"] or getattr(provider, "protocol", "")) == Protocol.SAML
        ):
            raise CommandError("A SAML provider has no client secret.")
        data = _form_data(provider, municipality, options)
        form = IdentityProviderForm(data, instance=provider)
        if not form.is_valid():
            raise CommandError(_errors(form))
        roles = None
        if options["no_group_roles"] or options["group_role"] is not None:
            roles = _group_roles(municipality, options["group_role"] or [])
        saved = identity_provider_save(
            provider=form.instance, fields=FIELDS, secret=secret, group_roles=roles
        )
        self.stdout.write(_summary(saved, created=provider is None))


def _municipality(name: str) -> Municipality:
    found = Municipality.objects.filter(name__iexact=name.strip()).first()
    if found is None:
        raise CommandError(f"No municipality is called {name!r}.")
    return found


def _secret(options: dict[str, Any]) -> str | None:
    if options["client_secret_env"]:
        value = os.environ.get(options["client_secret_env"])
        if not value:
            raise CommandError(f"The environment variable {options['client_secret_env']} is empty.")
        return value.strip()
    if options["client_secret_stdin"]:
        value = sys.stdin.readline().strip()
        if not value:
            raise CommandError("No client secret on standard input.")
        return value
    return None


def _form_data(
    provider: IdentityProvider | None, municipality: Municipality, options: dict[str, Any]
) -> dict[str, Any]:
    """What the row has (or a new row's defaults), with the options given."""
    data = model_to_dict(provider or IdentityProvider(), fields=FIELDS)
    data["municipality"] = municipality.pk
    if options["metadata_file"] is not None:
        try:
            data["metadata_xml"] = options["metadata_file"].read_text()
        except OSError as error:
            raise CommandError(f"The metadata file cannot be read: {error.strerror}") from None
    for name in FIELDS:
        value = None if name == "municipality" else options.get(name)
        if value is None:
            continue
        data[name] = "\n".join(value) if name in LISTS else value
    return data


def _errors(form: IdentityProviderForm) -> str:
    lines: list[str] = []
    for field, errors in form.errors.items():
        where = "" if field == "__all__" else f"--{field.replace('_', '-')}: "
        lines.extend(f"{where}{error}" for error in errors)
    return "\n".join(lines)


def _group_roles(municipality: Municipality, wanted: list[list[str]]) -> list[tuple[str, int, str]]:
    """The options' group roles as (group, programme id, role), each checked."""
    # Fotfeste's programmes live in a layer above accounts: looked up by the model's name.
    programmes = apps.get_model("programs", "Programme")._default_manager
    rows = []
    for group, programme_name, role in wanted:
        if role not in ProgrammeRole.values:
            raise CommandError(f"No role is called {role!r}: {', '.join(ProgrammeRole.values)}.")
        programme = programmes.filter(municipality=municipality, name=programme_name).first()
        if programme is None:
            raise CommandError(f"{municipality} has no programme {programme_name!r}.")
        rows.append((group, programme.pk, role))
    return rows


def _summary(provider: IdentityProvider, *, created: bool) -> str:
    site = settings.FOTFESTE_SITE_URL.rstrip("/")
    said = "Created" if created else "Changed"
    lines = [
        f"{said} {provider.slug}: {provider.get_protocol_display()} for {provider.municipality}"
    ]
    if provider.protocol == Protocol.SAML:
        lines.append(f"SP entity id and metadata: {site}/accounts/saml/{provider.slug}/metadata/")
        lines.append(f"Assertion consumer service: {site}/accounts/saml/{provider.slug}/acs/")
    else:
        lines.append(f"Redirect URI: {site}/accounts/oidc/{provider.slug}/login/callback/")
    lines.append(f"Sign-in page: {site}/accounts/login/{provider.slug}/")
    if not provider.enabled:
        lines.append("Not in use.")
    return "\n".join(lines)
