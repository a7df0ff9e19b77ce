"""The staff's summer-job pages: the seasons, a season, and the lottery run from the browser;
for the season's programme's staff only, run by its leads."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from summerjobs.models import Allocation, LotteryRun
from tests import factories as f
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db

SEASONS = reverse("summerjobs:seasons")


@pytest.fixture
def lead(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="programme_lead")
    return user


@pytest.fixture
def applicants(summer):
    areas = [summer.areas["Vaktmästeri"].pk, summer.areas["Fritidshem"].pk]
    periods = [p.pk for p in summer.periods]
    return [
        apply(
            summer,
            born=date(YEAR - 17, 2, 1 + n),
            serial=300 + n,
            area_ids=areas,
            period_ids=periods,
            last_name=f"Sökande{n}",
        )
        for n in range(5)
    ]


def season_url(summer) -> str:
    return reverse("summerjobs:season", kwargs={"pk": summer.season.pk})


def test_a_lead_runs_a_dry_run_and_sees_who_would_get_which_place(
    lead, summer, applicants, client_for
):
    client = client_for(lead)
    page = client.get(season_url(summer)).content.decode()
    assert "Run the lottery" in page and "Vaktmästeri" in page

    response = client.post(season_url(summer), {"seed": "42"})

    run = LotteryRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "summerjobs:run", kwargs={"pk": run.pk}
    )
    assert run.dry_run and run.seed == 42 and run.run_by == lead
    shown = client.get(response["Location"]).content.decode()
    placed = len(run.result["assignments"])
    assert placed == 3  # two at the Vaktmästeri, one at the Fritidshem
    assert shown.count("Sökande") == 5  # the three placed and the two on the reserve list
    assert "Dry run of the lottery" in shown
    assert not Allocation.objects.exists()


def test_a_run_for_real_gives_the_places_once(lead, summer, applicants, client_for):
    client = client_for(lead)
    client.post(season_url(summer), {"seed": "7", "for_real": "on"})
    again = client.post(season_url(summer), {"seed": "8", "for_real": "on"})

    assert again.status_code == 200
    assert "already been run" in again.content.decode()
    assert LotteryRun.objects.filter(dry_run=False).count() == 1
    assert Allocation.objects.count() == 5


@pytest.mark.parametrize("seed", ["-1", "abc", "", str(2**63)])
def test_a_seed_that_is_not_a_whole_number_in_range_is_refused_on_its_field(
    lead, summer, client_for, seed
):
    response = client_for(lead).post(season_url(summer), {"seed": seed})
    assert response.status_code == 200
    assert 'id="id_seed_error"' in response.content.decode()
    assert not LotteryRun.objects.exists()


def test_a_caseworker_of_the_programme_sees_the_season_but_cannot_run_the_lottery(
    world, summer, applicants, client_for
):
    client = client_for(world.foreign_caseworker)
    assert summer.season.name in client.get(SEASONS).content.decode()
    page = client.get(season_url(summer)).content.decode()
    assert "Vaktmästeri" in page and "Run the lottery" not in page
    assert client.post(season_url(summer), {"seed": "1"}).status_code == 404
    assert not LotteryRun.objects.exists()


def test_staff_of_the_municipality_outside_the_programme_get_404_and_an_empty_list(
    world, summer, lead, applicants, client_for
):
    run = LotteryRun.objects.create(
        season=summer.season, seed=1, algorithm_version=1, inputs_digest="x", result={}
    )
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(
        user=colleague,
        programme=f.ProgrammeFactory(municipality=world.foreign_municipality),
        role="programme_lead",
    )
    client = client_for(colleague)
    assert summer.season.name not in client.get(SEASONS).content.decode()
    assert client.get(season_url(summer)).status_code == 404
    assert client.post(season_url(summer), {"seed": "1"}).status_code == 404
    assert client.get(reverse("summerjobs:run", kwargs={"pk": run.pk})).status_code == 404


def test_another_municipality_gets_404_and_no_summer_jobs_in_its_menu(
    world, summer, lead, client_for
):
    client = client_for(world.programme_lead)
    assert client.get(season_url(summer)).status_code == 404
    assert summer.season.name not in client.get(SEASONS).content.decode()
    assert reverse("summerjobs:seasons") not in client.get("/").content.decode()
    assert reverse("summerjobs:seasons") in client_for(lead).get("/").content.decode()


def test_an_arbeidsleder_gets_404(world, summer, client_for):
    assert client_for(world.foreign_arbeidsleder).get(season_url(summer)).status_code == 404


def test_the_run_page_costs_the_same_queries_for_five_or_fifty_young_people(
    lead, summer, applicants, client_for
):
    client = client_for(lead)

    def queries() -> int:
        client.post(season_url(summer), {"seed": "3"})
        url = reverse("summerjobs:run", kwargs={"pk": LotteryRun.objects.latest("pk").pk})
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(45):
        apply(summer, born=date(YEAR - 18, 3, 1 + n % 28), serial=400 + n, last_name=f"Fler{n}")
    assert queries() == few <= 12


def applications_url(summer) -> str:
    return reverse("summerjobs:applications", kwargs={"pk": summer.season.pk})


def tier_url(application) -> str:
    return reverse("summerjobs:tier", kwargs={"pk": application.pk})


def test_a_lead_sets_a_sensitive_tier_and_the_change_is_logged(
    lead, summer, applicants, client_for
):
    from audit.models import ChangeEvent

    application = applicants[0]
    client = client_for(lead)
    assert "Sökande0" in client.get(applications_url(summer)).content.decode()

    prefix = str(application.pk)
    response = client.post(
        tier_url(application),
        {f"{prefix}-tier": summer.tiers[0].pk, f"{prefix}-version": application.version},
    )

    application.refresh_from_db()
    assert response.status_code == 302 and application.tier == summer.tiers[0]
    event = ChangeEvent.objects.get(model="summerjobs.application", object_id=str(application.pk))
    assert event.user == lead and event.changes["tier"][1] == summer.tiers[0].name


def test_a_stale_tier_change_is_refused_and_the_other_change_kept(
    lead, summer, applicants, client_for
):
    application = applicants[1]
    client = client_for(lead)
    prefix = str(application.pk)
    old = application.version
    client.post(
        tier_url(application), {f"{prefix}-tier": summer.tiers[1].pk, f"{prefix}-version": old}
    )
    response = client.post(
        tier_url(application),
        {f"{prefix}-tier": summer.tiers[0].pk, f"{prefix}-version": old},
        follow=True,
    )

    application.refresh_from_db()
    assert application.tier == summer.tiers[1]
    assert "Someone else changed this application" in response.content.decode()


def test_a_tier_of_another_season_or_a_broken_form_changes_nothing(
    lead, summer, applicants, client_for
):
    from summerjobs.models import PriorityTier, Season

    other = Season.objects.create(
        programme=summer.season.programme,
        name="Annan",
        applications_open_at=summer.season.applications_open_at,
        applications_close_at=summer.season.applications_close_at,
        born_from_year=2000,
        born_to_year=2010,
    )
    foreign = PriorityTier.objects.create(season=other, position=0, name="Annan grupp")
    application = applicants[2]
    client = client_for(lead)
    prefix = str(application.pk)
    for data in (
        {f"{prefix}-tier": foreign.pk, f"{prefix}-version": application.version},
        {f"{prefix}-tier": "x"},
        {},
    ):
        assert client.post(tier_url(application), data).status_code == 302
    application.refresh_from_db()
    assert application.tier is None


def test_only_leads_set_tiers_and_others_get_404(world, summer, lead, applicants, client_for):
    application = applicants[3]
    prefix = str(application.pk)
    data = {f"{prefix}-tier": summer.tiers[0].pk, f"{prefix}-version": application.version}
    caseworker = client_for(world.foreign_caseworker)
    page = caseworker.get(applications_url(summer)).content.decode()
    assert "Sökande3" in page and tier_url(application) not in page
    assert caseworker.post(tier_url(application), data).status_code == 404
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(
        user=colleague,
        programme=f.ProgrammeFactory(municipality=world.foreign_municipality),
        role="programme_lead",
    )
    for user in (colleague, world.programme_lead):
        client = client_for(user)
        assert client.get(applications_url(summer)).status_code == 404
        assert client.post(tier_url(application), data).status_code == 404
    application.refresh_from_db()
    assert application.tier is None


def test_the_applications_page_costs_the_same_queries_for_five_or_fifty(
    lead, summer, applicants, client_for
):
    client = client_for(lead)

    def queries() -> int:
        client.get(applications_url(summer))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(applications_url(summer)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(45):
        apply(summer, born=date(YEAR - 18, 3, 1 + n % 28), serial=500 + n, last_name=f"Fler{n}")
    assert queries() == few <= 12


@pytest.fixture
def coordinator(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Kim Feriesamordnare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="summer_coordinator")
    return user


def test_a_coordinator_runs_the_lottery_and_sets_priority_but_sees_no_case_data(
    world, summer, coordinator, applicants, client_for
):
    client = client_for(coordinator)
    assert reverse("summerjobs:seasons") in client.get("/").content.decode()
    assert client.post(season_url(summer), {"seed": "9"}).status_code == 302
    application = applicants[4]
    prefix = str(application.pk)
    client.post(
        tier_url(application),
        {f"{prefix}-tier": summer.tiers[1].pk, f"{prefix}-version": application.version},
    )
    application.refresh_from_db()
    assert application.tier == summer.tiers[1]
    # The programme's participants are case data: not the coordinator's.
    assert client.get(reverse("participants:caseload")).status_code == 404
    assert (
        client.get(
            reverse("participants:detail", kwargs={"pk": world.foreign_participant.pk})
        ).status_code
        == 404
    )
    from participants.models import Participant

    assert not Participant.objects.visible_to(coordinator).exists()


def test_only_those_who_set_the_tiers_see_them_the_programmes_caseworker_sees_none(
    world, summer, lead, applicants, client_for
):
    application = applicants[2]
    application.tier = summer.tiers[0]  # a sensitive ground
    application.save(update_fields=["tier"])
    assert client_for(lead).post(season_url(summer), {"seed": 7}).status_code == 302
    run = LotteryRun.objects.get()
    pages = [
        applications_url(summer),
        season_url(summer),
        reverse("summerjobs:run", kwargs={"pk": run.pk}),
    ]
    caseworker, lead_client = client_for(world.foreign_caseworker), client_for(lead)
    for url in pages:
        seen = caseworker.get(url)
        assert seen.status_code == 200
        assert summer.tiers[0].name not in seen.content.decode(), url
        assert "Priority tier" not in seen.content.decode(), url
        assert summer.tiers[0].name in lead_client.get(url).content.decode(), url
