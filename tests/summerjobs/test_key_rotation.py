"""Rotating the encryption keys re-encrypts every encrypted column, whichever app holds it:
after the old key is removed, participants' and summer-job applicants' national IDs, waiting
applications and identity providers' client secrets all still read."""

import json
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from accounts.identity import identity_provider_secret, identity_provider_secret_set
from accounts.models import IdentityProvider
from config import crypto
from participants import national_id as nid
from participants.synthetic import synthetic_fodselsnummer
from summerjobs.models import PendingApplication
from tests.support.summerjobs import YEAR, apply, form_data, send_form

pytestmark = pytest.mark.django_db


def test_every_encrypted_column_of_every_app_is_registered_for_rotation():
    named = {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and field.name.endswith("_encrypted")
    }
    assert named == {f"{c.model}.{c.field}" for c in crypto.registered()}


def test_after_rotation_the_old_key_can_go_and_everything_still_reads(
    summer, client, world, settings
):
    applicant = apply(summer, born=date(YEAR - 18, 2, 2), serial=41)
    send_form(client, summer, **form_data(summer, born=date(YEAR - 17, 3, 3), serial=42))
    pending = PendingApplication.objects.get()
    provider = IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        protocol="openid_connect",
        name="Lyngdal kommune",
        issuer="https://login.example.org/lyngdal",
        client_id="fotfeste",
    )
    identity_provider_secret_set(provider=provider, secret="client-secret-42")
    number = nid.decrypt(applicant.national_id_encrypted)
    norwegian = synthetic_fodselsnummer(date(2004, 5, 6), 512)
    world.participant.national_id_encrypted = nid.encrypt(norwegian)
    world.participant.save(update_fields=["national_id_encrypted"])
    before = {
        "participant": world.participant.national_id_encrypted,
        "pending": pending.data_encrypted,
    }
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["a-brand-new-key", *settings.FOTFESTE_NATIONAL_ID_KEYS]
    out = StringIO()
    call_command("rotate_encryption_keys", batch=1, stdout=out)
    assert "summerjobs.Application.national_id_encrypted: re-encrypted 1." in out.getvalue()
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["a-brand-new-key"]
    world.participant.refresh_from_db()
    applicant.refresh_from_db()
    pending.refresh_from_db()
    provider.refresh_from_db()
    assert world.participant.national_id_encrypted != before["participant"]
    assert nid.decrypt(world.participant.national_id_encrypted) == norwegian
    assert nid.decrypt(applicant.national_id_encrypted) == number
    assert json.loads(nid.decrypt(pending.data_encrypted))["first_name"]
    assert pending.data_encrypted != before["pending"]
    assert identity_provider_secret(provider) == "client-secret-42"


def test_a_value_no_listed_key_reads_stops_the_rotation_and_says_which_column(summer, settings):
    applicant = apply(summer, born=date(YEAR - 18, 2, 2), serial=43)
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["only-a-new-key"]
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("rotate_encryption_keys", stdout=StringIO(), stderr=err)
    assert "summerjobs.Application.national_id_encrypted" in err.getvalue()
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["only-a-new-key"]
    applicant.refresh_from_db()
    assert applicant.national_id_encrypted  # nothing was overwritten
