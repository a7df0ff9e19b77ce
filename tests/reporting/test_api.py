"""Report runs in the API: the runs a lead sees on the reports page, asking for a new one through
the same service, and where a ready run's files are (the scoped download page, never the
bytes)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from programs.services import grant_save
from reporting.models import ReportRun
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory
from tests.support.api import Api, ids, is_error, queries

pytestmark = pytest.mark.django_db
TODAY = date.today()
NOT_LEADS = ["caseworker", "other_lead", "arbeidsleder", "admin", "foreign_caseworker"]


@pytest.fixture
def api(client_for):
    return lambda user: Api(client_for(user))


@pytest.fixture
def other_lead(world):
    user = UserFactory(municipality=world.municipality, full_name="Other Lead")
    MembershipFactory(user=user, programme=world.other_programme, role="programme_lead")
    return user


def user_of(world, other_lead, who):
    return other_lead if who == "other_lead" else getattr(world, who)


def a_run(world, **fields) -> ReportRun:
    return ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=TODAY.replace(month=1, day=1),
        period_end=TODAY,
        requested_by=world.programme_lead,
        **fields,
    )


def ready(world, **fields) -> ReportRun:
    return a_run(
        world,
        status="ready",
        progress=100,
        pdf_file="reports/run-1.pdf",
        xlsx_file="reports/run-1.xlsx",
        snapshot={"figures": {"recruited": 12}},
        checksum="0" * 64,
        expires_at=timezone.now() + timedelta(days=30),
        **fields,
    )


def a_grant(world, programmes):
    return grant_save(
        actor=world.programme_lead,
        municipality=world.municipality,
        programmes=programmes,
        funder="Agder fylkeskommune",
        name="LIM",
        amount=Decimal("1000"),
        starts_on=TODAY - timedelta(days=100),
        ends_on=TODAY + timedelta(days=100),
    )


def request_data(world, **overrides) -> dict:
    return {
        "kind": "ks",
        "programme": world.programme.pk,
        "period_start": TODAY.replace(month=1, day=1).isoformat(),
        "period_end": TODAY.isoformat(),
        "language": "en",
        **overrides,
    }


class TestRunScope:
    def test_the_lead_sees_the_programmes_runs(self, world, api):
        run = ready(world)
        client = api(world.programme_lead)
        assert ids(client.get("/api/report-runs/")) == {run.pk}
        body = client.get(f"/api/report-runs/{run.pk}/").json()
        assert body["subject_name"] == "En av mange" and body["status"] == "ready"
        assert response_has_etag(client, run)

    @pytest.mark.parametrize("who", NOT_LEADS)
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, other_lead, who):
        run = ready(world)
        client = api(user_of(world, other_lead, who))
        is_error(client.get(f"/api/report-runs/{run.pk}/"), 404)
        assert ids(client.get("/api/report-runs/")) == set()

    def test_a_grants_runs_are_only_for_a_lead_of_all_its_programmes(self, world, api, other_lead):
        MembershipFactory(
            user=world.programme_lead, programme=world.other_programme, role="programme_lead"
        )
        grant = a_grant(world, [world.programme, world.other_programme])
        run = ReportRun.objects.create(
            kind="lim", grant=grant, period_start=TODAY, period_end=TODAY
        )
        assert ids(api(world.programme_lead).get("/api/report-runs/")) == {run.pk}
        is_error(api(other_lead).get(f"/api/report-runs/{run.pk}/"), 404)

    def test_filters_narrow_the_list(self, world, api):
        run = ready(world)
        queued = a_run(world)
        client = api(world.programme_lead)
        assert ids(client.get("/api/report-runs/", status="ready")) == {run.pk}
        assert ids(client.get("/api/report-runs/", kind="lim")) == set()
        newest = client.get("/api/report-runs/", ordering="newest").json()["results"]
        assert [r["id"] for r in newest] == [queued.pk, run.pk]

    @pytest.mark.parametrize(
        "params",
        [{"status": "done"}, {"programme": "x"}, {"grant": "-3"}, {"ordering": "checksum"}],
    )
    def test_a_bad_filter_is_a_400(self, world, api, params):
        is_error(api(world.programme_lead).get("/api/report-runs/", **params), 400)


def response_has_etag(client, run) -> bool:
    return bool(client.get(f"/api/report-runs/{run.pk}/")["ETag"])


class TestDownloads:
    def test_a_ready_run_names_the_download_pages_and_holds_no_file_or_figures(self, world, api):
        run = ready(world)
        body = api(world.programme_lead).get(f"/api/report-runs/{run.pk}/").json()
        assert body["downloads"] == [
            {"format": "pdf", "url": f"http://testserver/reports/{run.pk}/download/pdf/"},
            {"format": "xlsx", "url": f"http://testserver/reports/{run.pk}/download/xlsx/"},
        ]
        assert "snapshot" not in body and "recruited" not in str(body)
        assert not {"pdf_file", "xlsx_file", "csv_file"} & set(body)

    def test_the_download_page_is_the_scoped_one(self, world, api, client_for):
        run = ready(world)
        url = api(world.programme_lead).get(f"/api/report-runs/{run.pk}/").json()["downloads"][0]
        response = client_for(world.caseworker).get(url["url"].removeprefix("http://testserver"))
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": "running"},
            {"status": "failed", "error": "OperationalError"},
            {"status": "ready", "expires_at": timezone.now() - timedelta(days=1)},
        ],
        ids=["running", "failed", "expired"],
    )
    def test_a_run_without_files_to_take_names_none(self, world, api, fields):
        run = a_run(world, pdf_file="reports/run-1.pdf", **fields)
        body = api(world.programme_lead).get(f"/api/report-runs/{run.pk}/").json()
        assert body["downloads"] == []


class TestRequestingAReport:
    def test_a_lead_asks_for_a_report_and_the_build_is_queued_after_commit(
        self, world, api, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = api(world.programme_lead).post("/api/report-runs/", request_data(world))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "queued" and body["downloads"] == []
        assert body["requested_by"] == world.programme_lead.pk and body["language"] == "en"
        assert len(callbacks) == 1

    def test_the_report_is_in_the_language_of_the_request_unless_one_is_chosen(self, world, api):
        client = api(world.programme_lead)
        data = request_data(world)
        del data["language"]
        assert client.post("/api/report-runs/", data).json()["language"] == "en"
        chosen = client.post("/api/report-runs/", {**data, "language": "sv"}).json()
        assert chosen["language"] == "sv"

    def test_a_lim_report_is_for_a_grant_whose_programmes_the_lead_all_leads(
        self, world, api, other_lead
    ):
        grant = a_grant(world, [world.programme])
        client = api(world.programme_lead)
        lim = request_data(world, kind="lim", programme=None, grant=grant.pk)
        assert client.post("/api/report-runs/", lim).status_code == 201
        grant.programmes.add(world.other_programme)
        assert "grant" in is_error(client.post("/api/report-runs/", lim), 400)["fields"]

    @pytest.mark.parametrize("who", ["caseworker", "arbeidsleder", "admin"])
    def test_who_leads_no_programme_cannot_ask(self, world, api, who):
        is_error(api(getattr(world, who)).post("/api/report-runs/", request_data(world)), 403)
        assert not ReportRun.objects.exists()

    def test_a_programme_one_does_not_lead_does_not_exist_for_the_request(
        self, world, api, other_lead
    ):
        foreign = ProgrammeFactory(municipality=world.foreign_municipality)
        for programme in (world.other_programme, foreign):
            response = api(world.programme_lead).post(
                "/api/report-runs/", request_data(world, programme=programme.pk)
            )
            assert "programme" in is_error(response, 400)["fields"]
        assert not ReportRun.objects.exists()

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"kind": "gossip"}, "kind"),
            ({"programme": None}, "programme"),
            ({"period_start": "2026-01-10", "period_end": "2026-01-01"}, "period_end"),
            ({"period_start": "1066-10-14"}, "period_start"),
            ({"period_end": "not a date"}, "period_end"),
            ({"language": "de"}, "language"),
            ({"narrative_activities": "x" * 5001}, "narrative_activities"),
            ({"narrative_activities": ["list"]}, "narrative_activities"),
            ({"status": "ready"}, "status"),
            ({"programme": 99999999999999999999}, "programme"),
        ],
    )
    def test_bad_requests_are_refused_naming_the_field(self, world, api, overrides, field):
        response = api(world.programme_lead).post(
            "/api/report-runs/", request_data(world, **overrides)
        )
        assert field in is_error(response, 400)["fields"]
        assert not ReportRun.objects.exists()

    def test_a_run_cannot_be_changed(self, world, api):
        run = ready(world)
        response = api(world.programme_lead).patch(
            f"/api/report-runs/{run.pk}/", {"status": "queued"}, **{"If-Match": '"x"'}
        )
        is_error(response, 405)


def test_the_list_costs_the_same_queries_for_one_run_as_for_many(world, client_for):
    client = client_for(world.programme_lead)
    grant = a_grant(world, [world.programme])
    ready(world)
    few = queries(client, "/api/report-runs/")
    for _ in range(6):
        ready(world)
        ReportRun.objects.create(kind="lim", grant=grant, period_start=TODAY, period_end=TODAY)
    assert len(ids(client.get("/api/report-runs/"))) == 13
    many = queries(client, "/api/report-runs/")
    assert many == few
    assert many <= 12
