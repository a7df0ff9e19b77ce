"""Progress entries: the arbeidsleder writes, the caseworker reads and replies."""

from datetime import date

import pytest
from django.urls import reverse

from placements.models import ProgressEntry, ProgressReply

pytestmark = pytest.mark.django_db


def write(client, world, **overrides):
    data = {
        "punctuality": "4",
        "cooperation": "5",
        "independence": "3",
        "text": "Helped at lunch; on time every day.",
        **overrides,
    }
    return client.post(reverse("placements:progress-create", args=[world.placement.pk]), data)


def progress(client, world) -> str:
    return client.get(
        reverse("placements:progress", args=[world.participant.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()


def test_the_arbeidsleder_writes_and_the_caseworker_reads_and_replies(world, client_for):
    assert write(client_for(world.arbeidsleder), world).status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.punctuality, entry.cooperation, entry.independence) == (4, 5, 3)
    caseworker = client_for(world.caseworker)
    text = progress(caseworker, world)
    assert "on time every day" in text and "4/5" in text and "Per Supervisor" in text
    caseworker.post(
        reverse("placements:progress-reply", args=[entry.pk]),
        {"text": "Thank you, I will tell her."},
    )
    assert ProgressReply.objects.get().author == world.caseworker
    assert "I will tell her" in progress(client_for(world.arbeidsleder), world)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": ""}, "required"),
        ({"text": "x" * 5001}, "at most 5000"),
        ({"punctuality": "9"}, "valid choice"),
        ({"cooperation": "abc"}, "valid choice"),
    ],
)
def test_bad_entries_are_refused(world, client_for, overrides, message):
    response = write(client_for(world.arbeidsleder), world, **overrides)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_an_empty_reply_is_refused_with_a_message(world, client_for):
    write(client_for(world.arbeidsleder), world)
    entry = ProgressEntry.objects.get()
    response = client_for(world.caseworker).post(
        reverse("placements:progress-reply", args=[entry.pk]), {"text": "  "}, follow=True
    )
    assert "Write a few words" in response.content.decode()
    assert not ProgressReply.objects.exists()


@pytest.mark.parametrize(
    "who",
    [
        "other_arbeidsleder",
        "other_caseworker",
        "foreign_arbeidsleder",
        "foreign_caseworker",
        "admin",
    ],
)
def test_nobody_else_writes_reads_or_replies(world, client_for, who):
    write(client_for(world.arbeidsleder), world)
    entry = ProgressEntry.objects.get()
    client = client_for(getattr(world, who))
    assert write(client, world).status_code == 404
    assert (
        client.get(reverse("placements:progress", args=[world.participant.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("placements:progress-reply", args=[entry.pk]), {"text": "x"}
        ).status_code
        == 404
    )
    assert ProgressEntry.objects.count() == 1 and not ProgressReply.objects.exists()


def test_after_consent_is_withdrawn_the_arbeidsleder_no_longer_sees_the_entries(world, client_for):
    from participants.models import Consent

    write(client_for(world.arbeidsleder), world)
    Consent.objects.filter(participant=world.participant).update(withdrawn_on=date.today())
    client = client_for(world.arbeidsleder)
    response = client.get(reverse("placements:progress", args=[world.participant.pk]))
    assert response.status_code == 404
    assert "on time every day" in progress(client_for(world.caseworker), world)
