"""The audit record: every read of a participant page and every change, append-only."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from audit.models import AccessEvent, AppendOnlyError, ChangeEvent
from participants.services import PersonData, participant_update

pytestmark = pytest.mark.django_db


def test_opening_a_participant_page_records_who_saw_which_record_on_which_page(world, client_for):
    client_for(world.caseworker).get(reverse("participants:detail", args=[world.participant.pk]))
    event = AccessEvent.objects.get()
    assert (event.user, event.participant, event.page, event.action) == (
        world.caseworker,
        world.participant,
        "participants:detail",
        "view",
    )


def test_a_refused_page_records_no_read(world, client_for):
    client_for(world.other_caseworker).get(
        reverse("participants:detail", args=[world.participant.pk])
    )
    assert not AccessEvent.objects.exists()


def test_the_participant_page_shows_who_looked_and_what_changed(world, client_for):
    client_for(world.arbeidsleder).get(reverse("participants:detail", args=[world.participant.pk]))
    participant_update(
        actor=world.caseworker,
        participant=world.participant,
        expected_version=1,
        person=PersonData("Amalia", "Testesen"),
    )
    client = client_for(world.programme_lead)
    page = client.get(reverse("participants:detail", args=[world.participant.pk])).content.decode()
    assert reverse("participants:audit", args=[world.participant.pk]) in page
    # The page loads the history with htmx when it scrolls into view.
    page = client.get(
        reverse("participants:audit", args=[world.participant.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in page  # a fragment for htmx
    assert "Per Supervisor" in page  # the arbeidsleder's read
    assert "Amalie" in page and "Amalia" in page  # old and new value
    assert "Kari Caseworker" in page  # who changed it


def test_an_edit_through_the_page_is_recorded_with_old_and_new_values(world, client_for):
    url = reverse("participants:edit", args=[world.participant.pk])
    response = client_for(world.caseworker).post(
        url, {"first_name": "Amalia", "last_name": "Testesen", "version": 1}
    )
    assert response.status_code == 302
    change = ChangeEvent.objects.get(model="participants.participant", action="update")
    assert change.user == world.caseworker
    assert change.participant == world.participant
    assert change.changes == {"first_name": ["Amalie", "Amalia"]}


def test_a_change_and_its_audit_row_are_written_together_or_not_at_all(world, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("participants.services.change_record", broken)
    with pytest.raises(DatabaseError):
        participant_update(
            actor=world.caseworker,
            participant=world.participant,
            expected_version=1,
            person=PersonData("Lost", "Edit"),
        )
    world.participant.refresh_from_db()
    assert world.participant.first_name == "Amalie"


def test_application_code_cannot_edit_or_delete_audit_rows(world, client_for):
    client_for(world.caseworker).get(reverse("participants:detail", args=[world.participant.pk]))
    event = AccessEvent.objects.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().update(page="forged")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


@pytest.mark.parametrize("table", ["audit_accessevent", "audit_changeevent"])
def test_the_database_refuses_to_edit_or_delete_audit_rows(world, client_for, table):
    client_for(world.caseworker).get(reverse("participants:detail", args=[world.participant.pk]))
    participant_update(
        actor=world.caseworker,
        participant=world.participant,
        expected_version=1,
        person=PersonData("Amalia", "Testesen"),
    )
    column = "page" if table == "audit_accessevent" else "model"
    statements = (f"UPDATE {table} SET {column} = 'forged'", f"DELETE FROM {table}")  # noqa: S608
    for statement in statements:
        with (
            pytest.raises((DatabaseError, IntegrityError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AccessEvent.objects.exists() and ChangeEvent.objects.exists()


def test_the_database_allows_one_redaction_of_change_values_and_nothing_more(world):
    participant_update(
        actor=world.caseworker,
        participant=world.participant,
        expected_version=1,
        person=PersonData("Amalia", "Testesen"),
    )
    change_id = ChangeEvent.objects.get(action="update").pk
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_changeevent SET changes = %s, redacted_at = CURRENT_TIMESTAMP "
            "WHERE id = %s",
            ['{"first_name": [null, null]}', change_id],
        )
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_changeevent SET changes = '{}' WHERE id = %s", [change_id])
    assert ChangeEvent.objects.get(pk=change_id).changes == {"first_name": [None, None]}


def test_the_arbeidsleder_does_not_see_the_audit_record(world, client_for):
    page = (
        client_for(world.arbeidsleder)
        .get(reverse("participants:detail", args=[world.participant.pk]))
        .content.decode()
    )
    assert "Who has looked at this record" not in page


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "admin", "foreign_caseworker"])
def test_only_people_who_follow_the_case_may_read_its_audit_record(world, client_for, who):
    url = reverse("participants:audit", args=[world.participant.pk])
    assert client_for(getattr(world, who)).get(url).status_code == 404


def test_without_javascript_the_audit_record_is_a_page_of_its_own(world, client_for):
    url = reverse("participants:audit", args=[world.participant.pk])
    page = client_for(world.caseworker).get(url).content.decode()
    assert "<html" in page and "Who has looked at this record" in page
