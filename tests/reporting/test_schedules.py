"""The reporting side of the schedule: report files expire, drafts are made before deadlines,
and the beat schedule names only tasks a worker knows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import Country
from programs.models import Grant, ReportDeadline
from reporting.housekeeping import report_files_expire
from reporting.models import ReportRun
from reporting.schedules import ks_drafts_create, lim_drafts_create
from reporting.tasks import report_files_expire_task
from tests.factories import MembershipFactory, MunicipalityFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


# --- expiry of report files -----------------------------------------------------------------------


def run_with_files(world, *, expires_in: timedelta) -> ReportRun:
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        status="ready",
        snapshot={"figures": {"recruited": "<5"}},
        expires_at=timezone.now() + expires_in,
    )
    for field in ("csv_file", "pdf_file", "xlsx_file"):
        name = default_storage.save(f"reports/test-run-{run.pk}.{field}", ContentFile(b"x"))
        setattr(run, field, name)
    run.save()
    return run


def stored(run: ReportRun) -> list[bool]:
    return [default_storage.exists(f.name) for f in (run.csv_file, run.pdf_file, run.xlsx_file)]


def test_expired_report_files_are_deleted_and_the_run_keeps_its_figures(world):
    expired = run_with_files(world, expires_in=-timedelta(minutes=1))
    names = [expired.csv_file.name, expired.pdf_file.name, expired.xlsx_file.name]

    report_files_expire_task.delay()

    assert not any(default_storage.exists(name) for name in names)
    expired.refresh_from_db()
    assert (expired.csv_file.name, expired.pdf_file.name, expired.xlsx_file.name) == ("", "", "")
    assert expired.snapshot == {"figures": {"recruited": "<5"}}
    assert expired.status == "ready"


def test_a_run_not_yet_expired_keeps_its_files(world):
    kept = run_with_files(world, expires_in=timedelta(days=1))
    report_files_expire_task.delay()
    kept.refresh_from_db()
    assert kept.csv_file.name and stored(kept) == [True, True, True]


def test_a_second_expiry_run_finds_nothing_to_do(world):
    run_with_files(world, expires_in=-timedelta(days=2))
    assert report_files_expire() == 1
    assert report_files_expire() == 0


def test_a_run_whose_files_are_already_gone_is_cleared_without_error(world):
    run = run_with_files(world, expires_in=-timedelta(days=2))
    default_storage.delete(run.pdf_file.name)  # a run stopped half-way
    assert report_files_expire() == 1
    run.refresh_from_db()
    assert run.pdf_file.name == "" and run.csv_file.name == ""


# --- monthly KS drafts ----------------------------------------------------------------------------

MARCH_FIRST = date(2026, 3, 1)


def scheduled_runs(**filters) -> list[ReportRun]:
    return list(ReportRun.objects.filter(scheduled=True, **filters).order_by("pk"))


def test_the_monthly_ks_draft_covers_last_month_for_each_programme_with_a_lead(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        assert ks_drafts_create(today=MARCH_FIRST) == 1

    (run,) = scheduled_runs()
    # «Ung i jobb» has no lead, Solvik's programme neither: no draft for them.
    assert (run.kind, run.programme, run.grant) == ("ks", world.programme, None)
    assert (run.period_start, run.period_end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (run.requested_by, run.language, run.status) == (None, "nb", "queued")
    assert len(queued) == 1  # the build is sent once the transaction commits


def test_a_swedish_programme_gets_its_draft_in_swedish(world):
    solvik = MunicipalityFactory(name="Solvik kommun", country=Country.SWEDEN)
    programme = ProgrammeFactory(municipality=solvik)
    MembershipFactory(programme=programme, role="programme_lead", user__municipality=solvik)
    ks_drafts_create(today=MARCH_FIRST)
    assert [run.language for run in scheduled_runs(programme=programme)] == ["sv"]


def test_a_programme_that_had_ended_before_last_month_gets_no_draft(world):
    world.programme.starts_on, world.programme.ends_on = date(2025, 1, 1), date(2026, 1, 31)
    world.programme.save()
    assert ks_drafts_create(today=MARCH_FIRST) == 0

    world.programme.ends_on = date(2026, 2, 28)  # ran to the end of February: its last draft
    world.programme.save()
    assert ks_drafts_create(today=MARCH_FIRST) == 1


def test_a_second_ks_run_the_same_month_makes_no_second_draft(
    world, django_capture_on_commit_callbacks
):
    ks_drafts_create(today=MARCH_FIRST)
    with django_capture_on_commit_callbacks() as queued:
        assert ks_drafts_create(today=MARCH_FIRST) == 0
    assert len(scheduled_runs()) == 1 and queued == []


# --- LIM drafts before grant deadlines ------------------------------------------------------------

JUNE_16 = date(2026, 6, 16)  # two weeks before the deadline of 30 June


def grant(world, *, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), deadlines=()):
    made = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name=f"LIM {starts_on.year} {Grant.objects.count()}",
        amount=Decimal("400000"),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    made.programmes.add(world.programme)
    for due_on in deadlines:
        ReportDeadline.objects.create(grant=made, due_on=due_on, label="Rapport")
    return made


def test_a_lim_draft_covers_from_the_previous_deadline_to_today(
    world, django_capture_on_commit_callbacks
):
    funded = grant(world, deadlines=[date(2026, 3, 31), date(2026, 6, 30), date(2026, 12, 31)])
    with django_capture_on_commit_callbacks() as queued:
        assert lim_drafts_create(today=JUNE_16) == 1

    (run,) = scheduled_runs()
    assert (run.kind, run.grant, run.programme) == ("lim", funded, None)
    assert (run.period_start, run.period_end) == (date(2026, 4, 1), JUNE_16)
    assert (run.requested_by, run.language) == (None, "nb")
    assert len(queued) == 1


def test_the_first_lim_draft_of_a_grant_starts_at_the_grant_and_ends_with_it(world):
    ended = grant(
        world, starts_on=date(2026, 2, 15), ends_on=date(2026, 6, 1), deadlines=[date(2026, 6, 30)]
    )
    lim_drafts_create(today=JUNE_16)
    (run,) = scheduled_runs(grant=ended)
    assert (run.period_start, run.period_end) == (date(2026, 2, 15), date(2026, 6, 1))


def test_no_lim_draft_is_made_for_a_deadline_that_is_not_two_weeks_away(world):
    grant(world, deadlines=[JUNE_16 + timedelta(days=13), JUNE_16 + timedelta(days=15)])
    assert lim_drafts_create(today=JUNE_16) == 0
    assert scheduled_runs() == []


def test_a_second_lim_run_the_same_day_makes_no_second_draft(world):
    grant(world, deadlines=[date(2026, 6, 30)])
    lim_drafts_create(today=JUNE_16)
    assert lim_drafts_create(today=JUNE_16) == 0
    assert len(scheduled_runs(kind="lim")) == 1


# --- the beat schedule --------------------------------------------------------------------------


def test_the_beat_schedule_names_only_tasks_a_worker_has_registered():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {
        "placements.tasks.digests_send_task",
        "participants.tasks.follow_ups_create_missing_task",
        "privacy.tasks.participants_anonymise_expired_task",
        "reporting.tasks.report_files_expire_task",
        "imports.tasks.import_files_expire_task",
        "privacy.tasks.subject_access_files_expire_task",
        "reporting.tasks.lim_drafts_create_task",
        "reporting.tasks.ks_drafts_create_task",
        "config.tasks.queued_work_resend_task",
        "summerjobs.tasks.applications_purge_unplaced_task",
        "summerjobs.tasks.offers_tend_task",
        "summerjobs.tasks.codes_expire_task",
        "summerjobs.tasks.payroll_files_expire_task",
        "summerjobs.tasks.certificate_files_expire_task",
    }
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_the_ks_draft_runs_only_on_the_first_of_the_month_and_the_digest_every_morning():
    schedule = settings.CELERY_BEAT_SCHEDULE
    ks, digest = schedule["ks-drafts"]["schedule"], schedule["needs-attention-digest"]["schedule"]
    assert ks.day_of_month == {1} and ks.hour == {5} and ks.minute == {15}
    assert digest.day_of_month == set(range(1, 32)) and (digest.hour, digest.minute) == ({6}, {30})


def test_a_swedish_municipality_gets_no_norwegian_funders_drafts(world):
    today = date.today()
    from programs.models import Grant, ReportDeadline
    from reporting.schedules import ks_drafts_create, lim_drafts_create
    from tests import factories as f

    abroad = world.foreign_municipality
    programme = f.ProgrammeFactory(municipality=abroad, name="Jobbspår")
    lead = f.UserFactory(municipality=abroad)
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    grant = Grant.objects.create(
        municipality=abroad,
        funder="Region",
        name="Regionbidrag",
        amount=1000,
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=100),
    )
    grant.programmes.add(programme)
    ReportDeadline.objects.create(grant=grant, due_on=today + timedelta(days=14), label="Rapport")
    ks_drafts_create(today=today)
    lim_drafts_create(today=today)
    assert list(ReportRun.objects.filter(programme=programme).values_list("kind", flat=True)) == [
        "summary"
    ]
    assert list(ReportRun.objects.filter(grant=grant).values_list("kind", flat=True)) == ["grant"]
