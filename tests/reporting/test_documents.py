"""The LIM report, the KS report and the programme summary as documents: figures, PDF, XLSX,
CSV, the narrative as plain text, and nothing fetched from outside."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import ProgrammeRole
from config.errors import ApplicationError
from placements.models import AttendanceRecord
from programs.models import Grant
from reporting.models import ReportRun
from reporting.pdf import StaticOnlyFetcher, report_html
from reporting.services import report_request
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date.today()
START = TODAY - timedelta(days=60)


@pytest.fixture
def grant(world):
    grant = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name="LIM-tilskudd",
        amount=Decimal("450000"),
        starts_on=START,
        ends_on=TODAY + timedelta(days=300),
        own_contribution_percent=Decimal("20"),
        funded_position_share=Decimal("0.5"),
    )
    grant.programmes.add(world.programme)
    return grant


def people(world, n: int, *, started: date) -> list:
    """``n`` more people in the programme, each placed, with two days of attendance."""
    enrollments = []
    for _ in range(n):
        participant = f.ParticipantFactory(municipality=world.municipality, gender="female")
        enrollment = f.EnrollmentFactory(
            participant=participant, programme=world.programme, starts_on=started
        )
        placement = f.PlacementFactory(enrollment=enrollment, worksite=world.worksite)
        for days, status in ((3, "present"), (2, "unexcused")):
            AttendanceRecord.objects.create(
                placement=placement,
                date=TODAY - timedelta(days=days),
                status=status,
                recorded_by=world.arbeidsleder,
            )
        enrollments.append(enrollment)
    return enrollments


def build(world, captured, **values):
    data = {
        "actor": world.programme_lead,
        "kind": "ks",
        "programme": world.programme,
        "period_start": START,
        "period_end": TODAY,
        "language": "en",
        **values,
    }
    with captured(execute=True):
        run = report_request(**data)
    run.refresh_from_db()
    assert run.status == "ready", run.error
    return run


def test_the_lim_report_counts_new_and_continuing_people_hours_and_attendance(
    world, grant, django_capture_on_commit_callbacks
):
    people(world, 6, started=START + timedelta(days=5))
    people(world, 5, started=START - timedelta(days=200))
    run = build(world, django_capture_on_commit_callbacks, kind="lim", grant=grant, programme=None)
    figures = run.snapshot["figures"]
    # world.participant started 30 days ago: seven new in all, five continuing.
    assert (figures["participants"], figures["new"], figures["continuing"]) == (12, 7, 5)
    assert figures["attendance_rate"] == 50.0  # one day present, one absent, each person
    # One day present each, no hours written down: the placement's hours per day count.
    assert figures["placement_hours"] == 11 * world.placement.hours_per_day
    # Eleven women and one not stated: the total would give the one away, so «:» hides 11.
    assert figures["reached_by_gender"] == {"female": ":", "male": 0, "other": 0, "unknown": "<5"}
    assert run.snapshot["meta"]["grant"]["funder"] == "Agder fylkeskommune"


def test_a_breakdown_with_one_small_cell_hides_a_second_so_the_total_cannot_reveal_it(
    world, grant, django_capture_on_commit_callbacks
):
    people(world, 9, started=START + timedelta(days=5))
    run = build(world, django_capture_on_commit_callbacks, kind="lim", grant=grant, programme=None)
    # Nine women and world.participant, whose gender is not stated: ten in all.
    assert run.snapshot["figures"]["participants"] == 10
    assert run.snapshot["figures"]["reached_by_gender"] == {
        "female": ":",
        "male": 0,
        "other": 0,
        "unknown": "<5",
    }


def test_every_file_is_written_and_the_spreadsheet_opens_with_the_figures(
    world, django_capture_on_commit_callbacks
):
    people(world, 6, started=START + timedelta(days=5))
    run = build(world, django_capture_on_commit_callbacks, kind="summary")
    assert default_storage.open(run.pdf_file.name).read(5) == b"%PDF-"
    book = load_workbook(io.BytesIO(default_storage.open(run.xlsx_file.name).read()))
    rows = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert ("Participants in the period", 7) in rows
    months = book["Per month"]
    assert months.max_row == len(run.snapshot["series"]["participants_over_time"]) + 1


def test_a_name_that_looks_like_a_formula_is_neutralised_in_the_spreadsheet_and_csv(
    world, django_capture_on_commit_callbacks
):
    world.programme.name = '=HYPERLINK("http://evil.example")'
    world.programme.save()
    run = build(world, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(default_storage.open(run.xlsx_file.name).read()))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert not any(str(c).startswith("=") for c in cells)
    text = default_storage.open(run.csv_file.name).read().decode("utf-8-sig")
    assert not any(c.startswith("=") for row in csv.reader(io.StringIO(text)) for c in row)


def test_a_narrative_with_html_is_shown_as_text_and_nothing_is_fetched(
    world, grant, django_capture_on_commit_callbacks, monkeypatch
):
    fetched = []
    original = StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording)
    typed = '<img src="http://127.0.0.1:9/track.png"><b>bold</b> <script>alert(1)</script>'
    run = build(
        world,
        django_capture_on_commit_callbacks,
        kind="lim",
        grant=grant,
        programme=None,
        narrative_activities=typed,
    )
    assert fetched == []
    html = report_html(run, run.snapshot)
    assert "&lt;img src=&quot;http://127.0.0.1:9/track.png&quot;&gt;" in html
    assert "<img" not in html and "<script" not in html


def test_the_fetcher_refuses_the_web_and_files_outside_the_static_folders(tmp_path):
    fetcher = StaticOnlyFetcher()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for reports")
    for url in ("http://127.0.0.1:9/x.png", "https://example.org/a.css", secret.as_uri()):
        with pytest.raises(ValueError, match="own static files"):
            fetcher.fetch(url)


def test_the_fetcher_loads_the_projects_own_static_file(settings):
    from pathlib import Path

    css = Path(settings.BASE_DIR, "static", "css", "fotfeste.css").resolve()
    response = StaticOnlyFetcher().fetch(css.as_uri())
    try:
        assert b".card" in response.read()
    finally:
        response.close()


def test_the_pdf_has_a_table_of_contents_and_the_period_on_its_pages(
    world, grant, django_capture_on_commit_callbacks
):
    run = build(world, django_capture_on_commit_callbacks, kind="lim", grant=grant, programme=None)
    with translation.override("en"):
        html = report_html(run, run.snapshot)
    assert 'class="toc"' in html and 'href="#money"' in html and 'id="outcomes"' in html
    assert "counter(pages)" in html and "<svg" in html


def test_a_period_with_nobody_gives_a_valid_report_saying_so(
    world, django_capture_on_commit_callbacks
):
    run = build(
        world,
        django_capture_on_commit_callbacks,
        period_start=date(2011, 1, 1),
        period_end=date(2011, 6, 30),
    )
    assert run.snapshot["empty"] is True and run.snapshot["figures"]["participants"] == 0
    assert "every figure is zero" in report_html(run, run.snapshot)


def test_a_grant_of_another_municipality_is_refused(world, django_capture_on_commit_callbacks):
    foreign = Grant.objects.create(
        municipality=world.foreign_municipality,
        funder="Länsstyrelsen",
        name="Other",
        amount=1,
        starts_on=START,
        ends_on=TODAY,
    )
    with pytest.raises(ApplicationError):
        report_request(
            actor=world.programme_lead,
            kind="lim",
            grant=foreign,
            period_start=START,
            period_end=TODAY,
        )
    assert not ReportRun.objects.exists()


def test_the_requester_gets_a_mail_with_a_link_and_no_figures_or_names(
    world, django_capture_on_commit_callbacks
):
    people(world, 6, started=START + timedelta(days=5))
    run = build(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.programme_lead.email]
    assert f"/reports/{run.pk}/" in message.body
    assert world.participant.last_name not in message.body
    assert "<5" not in message.body and "Participants in the period" not in message.body


def test_a_scheduled_draft_is_mailed_to_the_programmes_leads(
    world, django_capture_on_commit_callbacks
):
    second = f.UserFactory(municipality=world.municipality)
    f.MembershipFactory(user=second, programme=world.programme, role=ProgrammeRole.PROGRAMME_LEAD)
    with django_capture_on_commit_callbacks(execute=True):
        report_request(
            actor=None,
            kind="ks",
            programme=world.programme,
            period_start=START,
            period_end=TODAY,
            scheduled=True,
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.programme_lead.email, second.email]
    )


def test_one_person_is_counted_once_however_many_placements_or_programmes(
    world, grant, django_capture_on_commit_callbacks
):
    grant.programmes.add(world.other_programme)
    f.MembershipFactory(
        user=world.programme_lead, programme=world.other_programme, role="programme_lead"
    )
    f.EnrollmentFactory(participant=world.participant, programme=world.other_programme)
    f.PlacementFactory(enrollment=world.enrollment, worksite=world.worksite)  # a second one
    from reporting.figures import figures

    data = figures(
        programmes=[world.programme, world.other_programme],
        start=START,
        end=TODAY,
        suppress=False,
    )["figures"]
    assert data["participants"] == 1
    assert data["activities"] == {"arbeidstrening": 1}


def test_a_lead_of_only_one_funded_programme_cannot_report_on_the_grant(
    world, grant, client_for, django_capture_on_commit_callbacks
):
    grant.programmes.add(world.other_programme)  # led by nobody here
    with pytest.raises(ApplicationError, match="every programme"):
        report_request(
            actor=world.programme_lead,
            kind="lim",
            grant=grant,
            period_start=START,
            period_end=TODAY,
        )
    run = ReportRun.objects.create(
        kind="lim",
        grant=grant,
        period_start=START,
        period_end=TODAY,
        requested_by=None,
        scheduled=True,
    )
    from django.urls import reverse

    client = client_for(world.programme_lead)
    assert client.get(reverse("reporting:run", args=[run.pk])).status_code == 404
    assert grant.name not in client.get(reverse("reporting:reports")).content.decode()


def test_new_and_continuing_are_suppressed_together_with_the_total(
    world, django_capture_on_commit_callbacks
):
    people(world, 8, started=START + timedelta(days=5))  # nine new with world.participant
    people(world, 3, started=START - timedelta(days=100))  # three continuing
    run = build(world, django_capture_on_commit_callbacks, kind="summary", audience="publication")
    figures = run.snapshot["figures"]
    assert figures["participants"] == 12 and figures["continuing"] == "<5"
    assert figures["recruited"] == ":"  # 12 − 9 would give the three away


def test_hours_are_withheld_for_publication_when_fewer_than_five_people_worked_them(
    world, grant, django_capture_on_commit_callbacks
):
    people(world, 2, started=START + timedelta(days=5))
    values = {"kind": "lim", "grant": grant, "programme": None}
    run = build(world, django_capture_on_commit_callbacks, audience="publication", **values)
    assert run.snapshot["figures"]["placement_hours"] == ":"
    assert run.snapshot["figures"]["attendance_rate"] == ":"
    # Hours and attendance are activities: the recipient reads them exactly.
    exact = build(world, django_capture_on_commit_callbacks, **values)
    assert exact.snapshot["figures"]["placement_hours"] > 0
    assert 0 < exact.snapshot["figures"]["attendance_rate"] < 100


def test_a_follow_up_recorded_in_the_period_counts_though_the_exit_was_earlier(world):
    from participants.models import FollowUp
    from reporting.figures import figures

    world.enrollment.starts_on = date(2024, 1, 1)
    world.enrollment.ends_on = date(2024, 3, 1)
    world.enrollment.status = "completed"
    world.enrollment.save()
    FollowUp.objects.create(
        enrollment=world.enrollment,
        months=6,
        due_on=date(2024, 9, 1),
        status="work",
        recorded_on=date(2024, 10, 2),
    )
    data = figures(
        programmes=[world.programme],
        start=date(2024, 10, 1),
        end=date(2024, 10, 31),
        suppress=False,
    )["figures"]
    assert data["follow_up_6"] == {"work": 1}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(9999, 1, 1), date(9999, 12, 31)),
        (date(1900, 1, 1), date(1900, 2, 1)),
        (date(2001, 1, 1), date(2026, 1, 1)),
    ],
)
def test_a_period_out_of_range_is_refused_and_never_a_server_error(world, client_for, start, end):
    from django.urls import reverse

    with pytest.raises(ApplicationError):
        report_request(
            actor=world.programme_lead,
            kind="ks",
            programme=world.programme,
            period_start=start,
            period_end=end,
        )
    response = client_for(world.programme_lead).get(
        reverse("reporting:dashboard"),
        {"programme": world.programme.pk, "period_start": start, "period_end": end},
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_a_file_gone_from_storage_gives_a_clear_message_not_an_error(
    world, client_for, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    run = build(world, django_capture_on_commit_callbacks)
    default_storage.delete(run.pdf_file.name)
    response = client_for(world.programme_lead).get(
        reverse("reporting:download", args=[run.pk, "pdf"]), follow=True
    )
    assert response.status_code == 200 and "not there any more" in response.content.decode()


def test_a_failed_build_leaves_no_file_behind(world, monkeypatch):
    from reporting import services
    from reporting.services import report_build

    store = services.file_store

    def full_disk_at_the_spreadsheet(name: str, content: bytes) -> str:
        if name.endswith(".xlsx"):
            raise OSError("disk full")
        return store(name, content)

    monkeypatch.setattr(services, "file_store", full_disk_at_the_spreadsheet)
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=START,
        period_end=TODAY,
        requested_by=world.programme_lead,
    )
    assert report_build(run_id=run.pk) is False
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "OSError")
    assert not default_storage.exists(f"reports/run-{run.pk}.pdf")  # stored, then removed


def test_a_build_whose_database_stays_away_is_failed_after_the_last_retry(world, monkeypatch):
    from django.db import OperationalError

    from config.generated import RETRY_DELAYS
    from reporting import tasks

    def database_gone(*, run_id):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(tasks, "report_build", database_gone)
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=START,
        period_end=TODAY,
        requested_by=world.programme_lead,
        status="running",
    )
    from celery.exceptions import Retry

    with pytest.raises(Retry):
        tasks.report_build_task.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == "running"  # a passing outage: tried again later
    tasks.report_build_task.apply(args=[run.pk], retries=len(RETRY_DELAYS))
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "OperationalError")


def test_a_lost_connection_is_left_to_the_task_to_retry_not_recorded_as_failed(world, monkeypatch):
    from django.db import InterfaceError

    from reporting.services import report_build

    def connection_closed(run):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("reporting.services.report_snapshot", connection_closed)
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=START,
        period_end=TODAY,
        requested_by=world.programme_lead,
    )
    with pytest.raises(InterfaceError):
        report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "running"  # the task retries; the claim takes it again
