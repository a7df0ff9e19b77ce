"""The programme dashboard: the report's figures live and exact, only for the programme's lead,
filtered by cohort and period; and every report download is recorded."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import AppendOnlyError
from reporting.models import ReportDownload, ReportRun
from reporting.services import report_request
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date.today()


def board(client, **params):
    response = client.get(reverse("reporting:dashboard"), params)
    assert response.status_code == 200
    return response


def test_the_lead_sees_exact_counts_and_the_charts(world, client_for):
    response = board(client_for(world.programme_lead))
    page = response.content.decode()
    assert response.context["board"]["figures"]["participants"] == 1  # exact, not «<5»
    # Only charts with something to show are drawn: one person this year, per month.
    assert page.count("<svg") >= 1 and "Participants per month" in page
    assert world.participant.last_name not in page


def test_a_cohort_narrows_the_figures(world, client_for):
    cohort = f.CohortFactory(programme=world.programme)
    for _ in range(3):
        f.EnrollmentFactory(
            participant=f.ParticipantFactory(municipality=world.municipality),
            programme=world.programme,
            cohort=cohort,
        )
    client = client_for(world.programme_lead)
    assert board(client).context["board"]["figures"]["participants"] == 4
    narrowed = board(
        client,
        programme=world.programme.pk,
        cohort=cohort.pk,
        period_start=(TODAY - timedelta(days=365)).isoformat(),
        period_end=TODAY.isoformat(),
    )
    assert narrowed.context["board"]["figures"]["participants"] == 3


def test_a_programme_the_lead_does_not_lead_is_not_shown(world, client_for):
    other = f.EnrollmentFactory(
        participant=f.ParticipantFactory(municipality=world.municipality),
        programme=world.other_programme,
    )
    response = board(
        client_for(world.programme_lead),
        programme=other.programme.pk,
        period_start=TODAY.isoformat(),
        period_end=TODAY.isoformat(),
    )
    assert response.context["choice"]["programme"] == world.programme
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"period_start": "2026-05-01", "period_end": "2026-04-01"},
        {"period_start": "not a date", "period_end": "2026-04-01"},
        {"programme": "99999999999999999999", "period_start": "2026-01-01"},
        {"cohort": "-1"},
    ],
)
def test_bad_filters_are_explained_and_the_default_is_shown(world, client_for, params):
    response = board(
        client_for(world.programme_lead), **{"programme": world.programme.pk, **params}
    )
    assert response.context["form"].errors
    assert response.context["board"] is not None


def test_a_download_is_recorded_and_the_record_cannot_be_changed(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(
            actor=world.programme_lead,
            kind="summary",
            programme=world.programme,
            period_start=TODAY - timedelta(days=30),
            period_end=TODAY,
        )
    client = client_for(world.programme_lead)
    for fmt, kind in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml"), ("csv", "text/csv")):
        response = client.get(reverse("reporting:download", args=[run.pk, fmt]))
        assert response.status_code == 200 and kind in response["Content-Type"]
        assert response["Content-Disposition"].endswith(f'-{run.pk}.{fmt}"')
        assert response["Cache-Control"] == "no-store"
    downloads = list(ReportDownload.objects.filter(run=run).values_list("user", "format"))
    assert sorted(downloads) == sorted((world.programme_lead.pk, x) for x in ("pdf", "xlsx", "csv"))
    with pytest.raises(AppendOnlyError):
        ReportDownload.objects.filter(run=run).delete()


def test_an_unknown_format_is_not_found_and_not_recorded(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(
            actor=world.programme_lead,
            kind="ks",
            programme=world.programme,
            period_start=TODAY - timedelta(days=30),
            period_end=TODAY,
        )
    client = client_for(world.programme_lead)
    assert client.get(reverse("reporting:download", args=[run.pk, "docx"])).status_code == 404
    assert not ReportDownload.objects.exists()


def test_the_lead_asks_for_the_lim_report_of_a_grant_through_the_page(
    world, client_for, django_capture_on_commit_callbacks
):
    from programs.models import Grant

    grant = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name="LIM",
        amount=1000,
        starts_on=TODAY - timedelta(days=100),
        ends_on=TODAY + timedelta(days=100),
    )
    grant.programmes.add(world.programme)
    foreign = Grant.objects.create(
        municipality=world.foreign_municipality,
        funder="Länsstyrelsen",
        name="Other",
        amount=1,
        starts_on=TODAY - timedelta(days=100),
        ends_on=TODAY,
    )
    client = client_for(world.programme_lead)
    data = {
        "report": "lim",
        "language": "sv",
        "period_start": (TODAY - timedelta(days=90)).isoformat(),
        "period_end": TODAY.isoformat(),
        "narrative_activities": "<img src=http://127.0.0.1:9/x.png>",
    }
    refused = client.post(reverse("reporting:reports"), {**data, "grant": foreign.pk})
    assert "Select a valid choice" in refused.content.decode()
    missing = client.post(reverse("reporting:reports"), data)
    assert "Choose the grant" in missing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:reports"), {**data, "grant": grant.pk})
    run = ReportRun.objects.get()
    assert (run.kind, run.grant, run.programme, run.language) == ("lim", grant, None, "sv")
    assert run.narrative_activities == "<img src=http://127.0.0.1:9/x.png>"
    page = client.get(reverse("reporting:run", args=[run.pk])).content.decode()
    assert "&lt;img src=http://127.0.0.1:9/x.png&gt;" in page and "<img src" not in page


def test_the_dashboard_shows_the_programmes_targets_live(world, client_for):
    from programs.models import Target

    world.programme.target_participants = 12
    world.programme.save()
    Target.objects.create(programme=world.programme, metric="started_qualification_route", value=3)
    page = board(client_for(world.programme_lead)).content.decode()
    card = page[page.index('id="targets"') :]
    assert "People reached" in card and ">12<" in card and ">1<" in card
    assert "Started a qualification route" in card and ">3<" in card
