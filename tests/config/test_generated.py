"""The life of a file built in the background, written once for reports, exports of people,
right-of-access exports and imports: claimed once, failed with the kind of error only, its
files deleted at expiry while its row stays, and one retry policy for every task that
builds one."""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from celery import Task, shared_task
from celery.exceptions import Retry
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from config.generated import (
    RETRY_DELAYS,
    GeneratedStatus,
    file_store,
    generated_build,
    generated_claim,
    generated_fail,
    generated_files_expire,
    generated_finish,
    generated_progress,
    run_with_retry,
)
from imports.models import ImportRun, ImportStatus
from reporting.models import DataExport
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
S = GeneratedStatus
# A message that quotes a person, as an exception's message may.
PERSONAL = "Amalie Testesen, born 01.02.2004"


def export(**values: Any) -> DataExport:
    values.setdefault("requested_by", UserFactory())
    return DataExport.objects.create(kind="caseload", format="csv", **values)


def upload(**values: Any) -> ImportRun:
    """An import: a model with statuses of its own."""
    user = UserFactory()
    return ImportRun.objects.create(
        programme=ProgrammeFactory(municipality=user.municipality),
        kind="participants",
        file_format="csv",
        requested_by=user,
        expires_at=timezone.now() + timedelta(hours=1),
        **values,
    )


def status(row: models.Model) -> str:
    row.refresh_from_db()
    return row.status


def stored(name: str, content: bytes = b"data") -> str:
    return default_storage.save(name, ContentFile(content))


# ----- claim, progress, finish ----------------------------------------------------------------


def test_a_row_is_claimed_once_when_only_waiting_rows_may_be_taken():
    row = export()
    assert generated_claim(DataExport, row.pk, waiting=[S.QUEUED]) is True
    assert generated_claim(DataExport, row.pk, waiting=[S.QUEUED]) is False
    assert status(row) == S.RUNNING


def test_a_running_row_whose_worker_died_is_claimed_again_but_a_finished_one_never():
    row = export()
    assert generated_claim(DataExport, row.pk) is True
    assert generated_claim(DataExport, row.pk) is True  # the broker delivered it again
    assert generated_finish(DataExport, row.pk, kept=timedelta(days=7)) is True
    assert generated_claim(DataExport, row.pk) is False
    assert status(row) == S.READY


def test_a_failed_or_missing_row_is_not_claimed():
    row = export(status=S.FAILED)
    assert generated_claim(DataExport, row.pk) is False
    assert generated_claim(DataExport, row.pk + 1000) is False
    assert status(row) == S.FAILED


def test_a_claim_takes_the_statuses_and_the_narrowing_it_is_given():
    run = upload()
    importing = {"waiting": [ImportStatus.QUEUED], "running": ImportStatus.IMPORTING}
    assert generated_claim(ImportRun, run.pk, **importing) is False  # still being checked
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.QUEUED)
    assert generated_claim(ImportRun.objects.none(), run.pk, **importing) is False
    assert generated_claim(ImportRun, run.pk, progress=5, **importing) is True
    run.refresh_from_db()
    assert (run.status, run.progress) == (ImportStatus.IMPORTING, 5)
    generated_progress(ImportRun, run.pk, 40, running=[ImportStatus.IMPORTING])
    generated_progress(ImportRun, run.pk, 90)  # not "running": an import is "importing"
    run.refresh_from_db()
    assert run.progress == 40


def test_a_finish_records_when_and_until_when_and_only_once():
    row = export()
    generated_claim(DataExport, row.pk)
    DataExport.objects.filter(pk=row.pk).update(error="OSError")  # an earlier delivery's
    before = timezone.now()
    assert generated_finish(DataExport, row.pk, kept=timedelta(days=7), rows=3) is True
    assert generated_finish(DataExport, row.pk, kept=timedelta(days=7), rows=4) is False
    row.refresh_from_db()
    assert (row.status, row.rows, row.error) == (S.READY, 3, "")
    assert row.finished_at >= before
    assert row.expires_at == row.finished_at + timedelta(days=7)
    assert not row.expired


def test_a_finish_without_keeping_leaves_the_expiry_as_it_was():
    row = export(status=S.RUNNING)
    assert generated_finish(DataExport, row.pk, kept=None) is True
    row.refresh_from_db()
    assert row.expires_at is None and not row.expired


# ----- failing ------------------------------------------------------------------------------


def test_a_failure_records_the_kind_of_error_never_its_message():
    row = export(status=S.RUNNING)
    assert generated_fail(DataExport, row.pk, reason=ValueError(PERSONAL)) is True
    row.refresh_from_db()
    assert (row.status, row.error) == (S.FAILED, "ValueError")
    assert row.finished_at is not None


def test_a_reason_longer_than_the_error_column_is_cut_to_fit():
    row = export()
    generated_fail(DataExport, row.pk, reason="E" * 600)
    row.refresh_from_db()
    assert row.error == "E" * 500


def test_a_failure_deletes_what_a_part_way_build_left():
    row = export(status=S.RUNNING)
    name = stored(f"exports/generated-{row.pk}.csv")
    never_written = f"exports/generated-{row.pk}.xlsx"
    assert generated_fail(DataExport, row.pk, reason="OSError", files=[name, never_written])
    assert not default_storage.exists(name)


def test_a_late_failure_leaves_a_finished_row_and_its_files_alone():
    row = export(status=S.READY)
    name = stored(f"exports/generated-{row.pk}.csv")
    assert generated_fail(DataExport, row.pk, reason="OperationalError", files=[name]) is False
    row.refresh_from_db()
    assert (row.status, row.error) == (S.READY, "")
    assert default_storage.exists(name)


def test_a_failure_takes_the_statuses_it_is_given():
    run = upload(file="imports/import-x.csv")
    checking = [ImportStatus.CHECKING]
    assert generated_fail(ImportRun, run.pk, reason="OSError", unfinished=checking, file="")
    run.refresh_from_db()
    assert (run.status, run.error, run.file.name) == (ImportStatus.FAILED, "OSError", "")


# ----- expiry -------------------------------------------------------------------------------


def test_expiry_deletes_the_files_and_keeps_the_rows():
    now = timezone.now()
    old, young = (
        export(expires_at=now - timedelta(seconds=1)),
        export(expires_at=now + timedelta(1)),
    )
    old_file, young_file = stored("exports/old.csv"), stored("exports/young.csv")
    DataExport.objects.filter(pk=old.pk).update(file=old_file, status=S.READY)
    DataExport.objects.filter(pk=young.pk).update(file=young_file, status=S.READY)
    assert generated_files_expire(DataExport, fields=["file"], now=now) == 1
    old.refresh_from_db()
    assert (old.status, old.file.name, old.expired) == (S.READY, "", True)
    assert not default_storage.exists(old_file) and default_storage.exists(young_file)
    assert generated_files_expire(DataExport, fields=["file"], now=now) == 0


def test_a_file_already_gone_at_expiry_is_no_error():
    row = export(expires_at=timezone.now() - timedelta(days=1), file="exports/gone.csv")
    assert not default_storage.exists("exports/gone.csv")
    assert generated_files_expire(DataExport, fields=["file"]) == 1
    row.refresh_from_db()
    assert row.file.name == ""


def test_a_row_kept_for_good_meanwhile_keeps_its_files(monkeypatch):
    now = timezone.now()
    row = export(expires_at=now - timedelta(seconds=1), file=stored("exports/kept.csv"))
    lock = DataExport.objects.select_for_update

    def kept_before_the_lock() -> QuerySet:
        # After the expired rows were read, before each is locked: this one is kept for good.
        DataExport.objects.filter(pk=row.pk).update(expires_at=None)
        return lock()

    monkeypatch.setattr(DataExport.objects, "select_for_update", kept_before_the_lock)
    assert generated_files_expire(DataExport, fields=["file"], now=now) == 0
    row.refresh_from_db()
    assert row.file.name and default_storage.exists(row.file.name)


# ----- storing ------------------------------------------------------------------------------


def test_a_file_stored_twice_under_one_name_is_one_file_with_the_second_content():
    assert file_store("exports/twice.csv", b"first") == "exports/twice.csv"
    assert file_store("exports/twice.csv", ContentFile(b"second")) == "exports/twice.csv"
    assert [n for n in default_storage.listdir("exports")[1] if "twice" in n] == ["twice.csv"]
    with default_storage.open("exports/twice.csv") as handle:
        assert handle.read() == b"second"


# ----- building and the retry policy --------------------------------------------------------


def test_a_fault_in_a_build_fails_the_row_and_is_logged_without_its_message(caplog):
    row = export(status=S.RUNNING)

    def broken() -> None:
        raise ValueError(PERSONAL)

    fail = partial(generated_fail, DataExport, row.pk)
    with caplog.at_level(logging.ERROR):
        assert generated_build(broken, fail=fail, label=f"probe {row.pk}") is None
    assert (status(row), row.error) == (S.FAILED, "ValueError")
    assert f"probe {row.pk} failed: ValueError" in caplog.text and "Testesen" not in caplog.text
    assert generated_build(lambda: "built", fail=fail, label="probe") == "built"


def test_a_lost_database_in_a_build_is_left_to_the_task():
    row = export(status=S.RUNNING)

    def database_gone() -> None:
        raise InterfaceError("connection already closed")

    with pytest.raises(InterfaceError):
        generated_build(database_gone, fail=partial(generated_fail, DataExport, row.pk), label="")
    assert status(row) == S.RUNNING


FAULTS = {"database": OperationalError, "connection": InterfaceError, "bug": KeyError}


@shared_task(bind=True, name="tests.config.test_generated.probe_task")
def probe_task(self: Task, export_id: int, fault: str) -> None:
    def build() -> None:
        raise FAULTS[fault](PERSONAL)

    fail = partial(generated_fail, DataExport, export_id)
    run_with_retry(self, build, fail, label=f"probe {export_id}")


@pytest.mark.parametrize("fault", ["database", "connection"])
def test_a_lost_database_is_tried_again_after_each_delay_in_turn(fault):
    row = export(status=S.RUNNING)
    for tries, delay in enumerate(RETRY_DELAYS):
        with pytest.raises(Retry) as retry:
            probe_task.apply(args=[row.pk, fault], retries=tries)
        assert retry.value.when == delay
        assert status(row) == S.RUNNING


def test_after_the_last_try_the_row_is_failed_rather_than_left_running():
    row = export(status=S.RUNNING)
    probe_task.apply(args=[row.pk, "database"], retries=len(RETRY_DELAYS))
    assert (status(row), row.error) == (S.FAILED, "OperationalError")


def test_any_other_fault_fails_the_row_at_once_without_a_retry():
    row = export(status=S.RUNNING)
    probe_task.apply(args=[row.pk, "bug"])
    assert (status(row), row.error) == (S.FAILED, "KeyError")


# Every task that builds a file, and the service it calls, looked up when the task runs.
BUILD_TASKS = {
    "reporting.tasks.report_build_task": "reporting.tasks.report_build",
    "reporting.tasks.data_export_build_task": "reporting.tasks.data_export_build",
    "privacy.tasks.subject_access_build_task": "privacy.tasks.subject_access_build",
    "imports.tasks.import_check_task": "imports.tasks.import_check",
    "imports.tasks.import_run_task": "imports.tasks.import_run",
}


@pytest.mark.parametrize(("task_name", "service"), BUILD_TASKS.items())
def test_every_task_that_builds_a_file_follows_the_one_retry_policy(
    task_name, service, monkeypatch
):
    def database_gone(**ids: int) -> None:
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(service, database_gone)
    task = import_string(task_name)
    with pytest.raises(Retry) as retry:
        task.apply(args=[1000])
    assert retry.value.when == RETRY_DELAYS[0]
    task.apply(args=[1000], retries=len(RETRY_DELAYS))  # no row: nothing to fail, no error
