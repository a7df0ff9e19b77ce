"""Reports, exports and the dashboard read the replica (make test-replica), reports and exports
through the task path a worker runs: the LIM report's figures, PDF and spreadsheets, a
programme's export and the dashboard's figures are read there, equal what the primary holds,
count a change made the moment before, and are built from the primary when the replica is
away."""

import logging
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from reporting.exports import data_export_request
from reporting.models import DataExport, ReportRun
from reporting.selectors import dashboard_figures
from reporting.services import report_request, report_snapshot
from tests import factories as f
from tests.support.grants import make_grant
from tests.support.replica import (
    MARKS,
    queries_on_both,
    replay_paused,
    replica_stopped,  # noqa: F401 (a fixture)
    statements,
)

pytestmark = MARKS

TODAY = date.today()
ENROLLMENTS = "participants_enrollment"


@pytest.fixture
def grant(world):
    """A LIM grant over the world's programme, with a few more people in it."""
    for number in range(6):
        person = f.ParticipantFactory(municipality=world.municipality, last_name=f"Replika{number}")
        enrollment = f.EnrollmentFactory(participant=person, programme=world.programme)
        f.PlacementFactory(enrollment=enrollment, worksite=world.worksite)
    return make_grant(world, starts_on=TODAY - timedelta(days=200), ends_on=TODAY + timedelta(200))


def lim_report(world, grant) -> ReportRun:
    """Asked for as the lead asks; built by the report task when the request commits (in
    process, as the embedded default runs it), then read back."""
    run = report_request(
        actor=world.programme_lead,
        kind="lim",
        grant=grant,
        period_start=TODAY - timedelta(days=90),
        period_end=TODAY,
    )
    return ReportRun.objects.get(pk=run.pk)


def figures_on_the_primary(run: ReportRun) -> dict:
    snapshot = report_snapshot(run)
    return {key: snapshot[key] for key in ("figures", "series", "targets", "money")}


def frozen(run: ReportRun) -> dict:
    return {key: run.snapshot[key] for key in ("figures", "series", "targets", "money")}


def reads(captured, table: str = ENROLLMENTS) -> list[str]:
    return [sql for sql in statements(captured) if sql.startswith("SELECT") and table in sql]


def writes(captured) -> list[str]:
    return [sql for sql in statements(captured) if sql.startswith(("INSERT", "UPDATE", "DELETE"))]


def test_a_lim_report_is_read_on_the_replica_and_equals_the_primary_s_figures(world, grant):
    with queries_on_both() as (primary, replica):
        run = lim_report(world, grant)
    assert run.status == "ready", run.error
    assert reads(replica) and reads(primary) == []
    assert writes(replica) == []
    # Claimed, moved along and finished on the primary.
    assert len([sql for sql in writes(primary) if "reporting_reportrun" in sql]) >= 3
    assert frozen(run) == figures_on_the_primary(run)
    assert run.snapshot["figures"]["participants"] == 7
    assert default_storage.open(run.pdf_file.name).read().startswith(b"%PDF")


def test_a_report_asked_for_right_after_a_change_counts_it_while_the_replica_lags(
    world, grant, settings, caplog
):
    settings.FOTFESTE_REPLICA_MAX_WAIT_SECONDS = 0.3
    with replay_paused():
        person = f.ParticipantFactory(municipality=world.municipality, last_name="Sist")
        f.EnrollmentFactory(participant=person, programme=world.programme)
        with (
            caplog.at_level(logging.WARNING, logger="config.replica"),
            queries_on_both() as (primary, replica),
        ):
            run = lim_report(world, grant)
    assert run.status == "ready", run.error
    assert run.snapshot["figures"]["participants"] == 8
    assert reads(replica) == [] and reads(primary)
    assert "reading from the primary" in caplog.text


def test_a_programme_export_is_read_on_the_replica(world, grant):
    with queries_on_both() as (primary, replica):
        export = data_export_request(
            actor=world.programme_lead,
            kind="programme",
            file_format="csv",
            programme=world.programme,
        )
    export = DataExport.objects.get(pk=export.pk)
    assert export.status == "ready", export.error
    assert reads(replica) and reads(primary) == []
    assert writes(replica) == []
    content = default_storage.open(export.file.name).read().decode()
    assert export.rows == 7 and all(f"Replika{n}" in content for n in range(6))
    # Everyone in the file is recorded as exported, on the primary.
    assert any(sql.startswith("INSERT") and "audit_accessevent" in sql for sql in writes(primary))


def test_the_dashboard_s_figures_are_read_on_the_replica(world, grant, client_for):
    client = client_for(world.programme_lead)
    with queries_on_both() as (primary, replica):
        response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    assert reads(replica) and reads(primary) == []
    board = response.context["board"]
    on_the_primary = dashboard_figures(**response.context["choice"])
    assert board["figures"] == on_the_primary["figures"]
    assert board["figures"]["participants"] == 7


@pytest.mark.usefixtures("replica_stopped")
def test_with_the_replica_stopped_the_report_is_built_from_the_primary(world, grant, caplog):
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        run = lim_report(world, grant)
    assert run.status == "ready", run.error
    assert frozen(run) == figures_on_the_primary(run)
    assert "the replica could not be asked (OperationalError)" in caplog.text
