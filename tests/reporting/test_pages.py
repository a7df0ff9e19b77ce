"""The report pages: request, watch the progress, download; only for the programme's lead."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.models import ReportRun
from tests.support.reports import request

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_the_lead_requests_watches_and_downloads(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.programme_lead)
    response = request(client, world, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("reporting:run", args=[run.pk])
    fragment = client.get(
        reverse("reporting:run", args=[run.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and "Download PDF" in fragment and "Download CSV" in fragment
    assert 'hx-trigger="every 1s"' not in fragment  # ready: polling stops
    download = client.get(reverse("reporting:download", args=[run.pk, "csv"]))
    assert download.status_code == 200
    assert "Rekruttert i perioden" in b"".join(download.streaming_content).decode()
    assert "Testesen" not in download["Content-Disposition"]


def test_a_queued_run_keeps_polling(world, client_for):
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=TODAY,
        period_end=TODAY,
        requested_by=world.programme_lead,
    )
    fragment = (
        client_for(world.programme_lead)
        .get(reverse("reporting:run", args=[run.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in fragment
    assert (
        client_for(world.programme_lead)
        .get(reverse("reporting:download", args=[run.pk, "pdf"]))
        .status_code
        == 404
    )


def test_an_expired_file_gives_a_clear_message(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.programme_lead)
    request(client, world, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    ReportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("reporting:download", args=[run.pk, "pdf"]), follow=True)
    assert "has expired" in response.content.decode()


def test_a_bad_period_is_a_form_error(world, client_for):
    response = client_for(world.programme_lead).post(
        reverse("reporting:reports"),
        {
            "report": "ks",
            "programme": world.programme.pk,
            "language": "nb",
            "period_start": TODAY.isoformat(),
            "period_end": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert "cannot end before it starts" in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("who", ["caseworker", "arbeidsleder", "admin", "foreign_caseworker"])
def test_nobody_else_reaches_the_reports(
    world, client_for, django_capture_on_commit_callbacks, who
):
    request(client_for(world.programme_lead), world, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    client = client_for(getattr(world, who))
    for url in (
        reverse("reporting:reports"),
        reverse("reporting:run", args=[run.pk]),
        reverse("reporting:download", args=[run.pk, "pdf"]),
        reverse("reporting:dashboard"),
    ):
        assert client.get(url).status_code == 404


def test_the_figures_are_shown_with_translated_labels(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.programme_lead)
    request(client, world, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    page = client.get(reverse("reporting:run", args=[run.pk])).content.decode()
    assert "Recruited, by gender" in page and "by_gender" not in page
    # Nobody has been gone six months: not due yet, shown as «…», never as a zero.
    assert "Status 6 months after exit" in page and "…" in page
