"""A report run is built after commit, once, into one file, with its figures frozen."""

from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage

from config.errors import ApplicationError
from reporting.models import ReportRun
from reporting.services import report_build, report_request

pytestmark = pytest.mark.django_db
TODAY = date.today()


def request(world, django_capture_on_commit_callbacks, **overrides):
    data = {
        "actor": world.programme_lead,
        "kind": "ks",
        "programme": world.programme,
        "period_start": TODAY - timedelta(days=90),
        "period_end": TODAY,
        **overrides,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return report_request(**data)


def test_a_requested_report_is_built_after_commit_with_frozen_figures(
    world, django_capture_on_commit_callbacks
):
    run = request(world, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert (run.status, run.progress) == ("ready", 100)
    # For the recipient a count of people recruited is exact; who they are is protected.
    assert run.snapshot["figures"]["recruited"] == 1
    # One person: every category of their gender is hidden, the empty ones too.
    assert set(run.snapshot["figures"]["by_gender"].values()) == {":"}
    assert {"female", "male", "other"} <= set(run.snapshot["figures"]["by_gender"])
    content = default_storage.open(run.csv_file.name).read().decode()
    # The long form names each figure by key and by label, one row per cell.
    assert "recruited,Rekruttert i perioden,,,,1,1,FALSE,people" in content
    assert "Testesen" not in content
    assert len(run.checksum) == 64


def test_a_report_for_publication_never_shows_one_person_as_a_number(
    world, django_capture_on_commit_callbacks
):
    run = request(world, django_capture_on_commit_callbacks, audience="publication")
    run.refresh_from_db()
    assert run.snapshot["meta"]["audience"] == "publication"
    assert run.snapshot["figures"]["recruited"] == "<5"
    assert run.snapshot["figures"]["participants"] == "<5"


def test_a_second_delivery_changes_nothing_and_adds_no_file(
    world, django_capture_on_commit_callbacks
):
    run = request(world, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    first = (run.csv_file.name, run.checksum, run.finished_at)
    assert report_build(run_id=run.pk) is False  # already ready: not built again
    run.refresh_from_db()
    assert (run.csv_file.name, run.checksum, run.finished_at) == first


def test_a_run_left_running_by_a_killed_worker_completes_once(world):
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=TODAY - timedelta(days=30),
        period_end=TODAY,
        requested_by=world.programme_lead,
        status="running",
    )
    assert report_build(run_id=run.pk) is True
    assert report_build(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == "ready" and run.csv_file.name == f"reports/run-{run.pk}.csv"


def test_a_period_with_no_data_is_a_valid_report_saying_so(
    world, django_capture_on_commit_callbacks
):
    run = request(
        world,
        django_capture_on_commit_callbacks,
        period_start=date(2010, 1, 1),
        period_end=date(2010, 12, 31),
    )
    run.refresh_from_db()
    assert (
        run.status == "ready"
        and run.snapshot["figures"]["participants"] == 0
        and run.snapshot["empty"]
    )


def test_a_period_ending_before_it_starts_is_refused(world):
    with pytest.raises(ApplicationError, match="cannot end before it starts"):
        report_request(
            actor=world.programme_lead,
            kind="ks",
            programme=world.programme,
            period_start=TODAY,
            period_end=TODAY - timedelta(days=1),
        )
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("who", ["caseworker", "other_caseworker", "foreign_caseworker"])
def test_only_a_lead_of_the_programme_requests_its_report(world, who):
    with pytest.raises(ApplicationError):
        report_request(
            actor=getattr(world, who),
            kind="ks",
            programme=world.programme,
            period_start=TODAY - timedelta(days=30),
            period_end=TODAY,
        )
    assert not ReportRun.objects.exists()


def test_a_rolled_back_request_never_builds(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        report_request(
            actor=world.programme_lead,
            kind="ks",
            programme=world.programme,
            period_start=TODAY - timedelta(days=30),
            period_end=TODAY,
        )
        raise Abort
    assert callbacks == [] and not ReportRun.objects.exists()


def test_a_build_that_fails_is_recorded_on_the_run_and_does_not_raise(world, monkeypatch):
    def broken(**kwargs):
        raise ValueError("boom")

    monkeypatch.setattr("reporting.services.figures", broken)
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=TODAY - timedelta(days=30),
        period_end=TODAY,
        requested_by=world.programme_lead,
    )
    assert report_build(run_id=run.pk) is False
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "ValueError")


def test_the_file_is_written_to_real_disk_storage_and_replaced_not_duplicated(
    world, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=TODAY - timedelta(days=30),
        period_end=TODAY,
        requested_by=world.programme_lead,
    )
    assert report_build(run_id=run.pk) is True
    ReportRun.objects.filter(pk=run.pk).update(status="running")  # delivered again
    assert report_build(run_id=run.pk) is True
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        f"run-{run.pk}.{ext}" for ext in ("csv", "pdf", "xlsx")
    ]


def test_the_file_is_written_in_the_language_the_run_asked_for(
    world, django_capture_on_commit_callbacks
):
    run = request(world, django_capture_on_commit_callbacks, language="sv")
    run.refresh_from_db()
    content = default_storage.open(run.csv_file.name).read().decode()
    assert "Rekryterade under perioden" in content and "Rekruttert" not in content


def test_unknown_means_different_things_in_different_breakdowns():
    from django.utils import translation

    from reporting.figures import category_labels

    with translation.override("en"):
        assert category_labels("by_age")["unknown"] == "Unknown"
        assert category_labels("follow_up_6")["unknown"] == "Could not be reached"
