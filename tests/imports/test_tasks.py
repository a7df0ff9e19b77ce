"""The workers' side: safe to run twice, a dead worker's import finished by the next
delivery, faults recorded without a value from the file, files gone after expiry, and the
benchmark leaving the database as it was."""

import logging
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import ProgrammeMembership
from imports.forms import ParticipantRowForm, RowForms
from imports.management.commands.bench_import import measure
from imports.models import ImportRun, ImportStatus
from imports.services import import_check, import_files_expire, import_run
from imports.tasks import import_run_task
from participants.models import Participant
from tests.support.imports import person, table

pytestmark = pytest.mark.django_db


def imported() -> int:
    return Participant.objects.filter(last_name__startswith="Importsen").count()


def test_an_import_delivered_twice_imports_once(world, send, start):
    _, run = send(table([person(1), person(2)]))
    start(run)
    assert run.status == ImportStatus.DONE
    assert import_run(import_id=run.pk) is False
    import_run_task.delay(run.pk)
    assert imported() == 2
    assert import_check(import_id=run.pk) is False  # the dry run's guard too


def test_an_import_whose_worker_died_is_finished_by_the_next_delivery(world, send):
    _, run = send(table([person(1), person(2)]))
    # The worker claimed it and died before committing: the run says importing, nothing is
    # written, the file is still there.
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.IMPORTING, confirmed_by=world.programme_lead
    )
    assert import_run(import_id=run.pk) is True
    run.refresh_from_db()
    assert (run.status, run.rows_created, imported()) == (ImportStatus.DONE, 2, 2)


def test_a_fault_is_recorded_and_logged_without_a_value_from_the_file(
    world, send, start, monkeypatch, caplog
):
    def broken(run, actor, rows):
        raise ValueError(f"cannot store {rows[0].person.first_name} {rows[0].person.last_name}")

    monkeypatch.setattr("imports.services._write", broken)
    _, run = send(table([person(1)]))
    stored = f"imports/import-{run.pk}.csv"
    with caplog.at_level(logging.INFO):
        start(run)
    assert (run.status, run.error, run.file.name) == (ImportStatus.FAILED, "ValueError", "")
    assert not default_storage.exists(stored)
    assert "Importsen" not in caplog.text and f"import {run.pk} failed: ValueError" in caplog.text
    page = start(run).content.decode()
    assert "the import could not be completed" in page
    assert imported() == 0


def test_a_lead_who_left_the_programme_cannot_have_the_import_run(world, send, start):
    _, run = send(table([person(1)]))
    run.refresh_from_db()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.QUEUED, confirmed_by=world.programme_lead
    )
    ProgrammeMembership.objects.filter(user=world.programme_lead).delete()
    import_run(import_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.problems[0]["message"] == "Only the programme's lead can change it."
    assert imported() == 0


def test_files_of_runs_that_never_finished_are_deleted_when_they_expire(world, send):
    _, run = send(table([person(1)]))
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.IMPORTING, expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert import_files_expire() == 1
    run.refresh_from_db()
    assert (run.status, run.file.name) == (ImportStatus.FAILED, "")
    assert not default_storage.exists(f"imports/import-{run.pk}.csv")


def test_rows_checked_with_shared_fields_give_what_a_fresh_form_gives(world):
    rows = [
        person(1),
        person(2, birth_date="2004-12-31", gender="female"),
        person(3, social_assistance="ja"),
        person(4, first_name=""),
        person(5),
    ]
    shared = RowForms(ParticipantRowForm, country="NO")
    valid = 0
    for values in rows:
        values = {k: values.get(k, "") for k in ParticipantRowForm(country="NO").fields}
        alone = ParticipantRowForm(values, country="NO")
        together = shared.bind(values)
        assert together.is_valid() == alone.is_valid()
        assert together.errors == alone.errors
        if alone.is_valid():
            valid += 1
            assert together.cleaned_data == alone.cleaned_data
            assert together.person_values() == alone.person_values()
    assert valid == 4  # every row but the one without a first name was compared value by value


def test_the_benchmark_checks_and_imports_and_rolls_its_world_back():
    before = Participant.objects.count()
    result = measure(25)
    assert (result["rows"], result["created"]) == (25, 25)
    assert result["check_seconds"] > 0 and result["import_seconds"] > 0
    assert Participant.objects.count() == before
    assert not ImportRun.objects.exists()
