"""A season's figures: exact counts of a hand-built season on its page (the tiers only for
those who see the priority grounds), in a fixed number of queries; the CSV and XLSX that leave
Fotfeste with small cells suppressed, a download after a recent password and recorded; 404 for
anyone who does not see the season; bad input told in words. The figures frozen before the
applications of the unplaced are deleted, and read from then on, the same as before it."""

import csv
import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from audit.models import AccessAction, AccessEvent
from summerjobs.figures import (
    Breakdown,
    Row,
    figures_protected,
    season_figures,
    season_figures_live,
)
from summerjobs.figures_files import figures_xlsx
from summerjobs.figures_frozen import season_figures_freeze
from summerjobs.models import (
    Allocation,
    Application,
    ApplicationStatus,
    FrozenFigures,
    Offer,
    OfferStatus,
)
from summerjobs.services import applications_purge_unplaced
from tests import factories as f
from tests.support.payroll import pay_by_age
from tests.support.summerjobs import YEAR, after_the_season, apply, run_placing, summer_staff
from tests.support.visitors import recently_authenticated

pytestmark = pytest.mark.django_db


def born(age: int) -> date:
    """Born in January: ``age`` on the first period's first day (15 June)."""
    return date(YEAR - age, 1, 10)


@pytest.fixture
def lead(summer):
    return summer_staff(summer, role="programme_lead", name="Lena Projektledare")


@pytest.fixture
def season(summer):
    """Seven applicants standing and one withdrawn; a run for real; five offers: two settled,
    one waiting for a guardian, one declined, one lapsed."""
    pay_by_age(summer)  # the age bands 16, 17 and 18–19
    tiers, areas, p = summer.tiers, summer.areas, summer.periods
    park, club, home = summer.places

    def applicant(serial, age, gender, tier, area, **more):
        application = apply(
            summer,
            born=born(age),
            serial=serial,
            gender=gender,
            area_ids=[areas[area].pk],
            **more,
        )
        application.tier = tier
        application.save(update_fields=["tier"])
        return application

    people = {
        "a1": applicant(1, 16, "female", tiers[0], "Vaktmästeri"),
        "a2": applicant(2, 17, "female", tiers[1], "Fritidshem"),
        "a3": applicant(3, 18, "male", tiers[1], "Äldreomsorg"),
        "a4": applicant(4, 16, "male", tiers[2], "Vaktmästeri"),
        "a5": applicant(5, 19, "other", tiers[2], "Fritidshem"),
        "a6": applicant(6, 17, "female", None, "Vaktmästeri"),
        "a7": applicant(7, 17, "male", tiers[2], "Vaktmästeri"),
        "a8": applicant(8, 18, "female", tiers[2], "Storkök", period_ids=[p[2].pk]),
    }
    people["a7"].status = ApplicationStatus.WITHDRAWN
    people["a7"].save(update_fields=["status"])
    run = run_placing(
        summer,
        [
            (people["a1"], park),
            (people["a2"], club),
            (people["a3"], home),
            (people["a4"], park),
            (people["a6"], park),
            (people["a5"], None),
            (people["a8"], None),
        ],
    )
    now = timezone.now()
    for key, place, status, guardian, confirmed in (
        ("a1", park, OfferStatus.ACCEPTED, True, now),
        ("a2", club, OfferStatus.ACCEPTED, True, None),
        ("a3", home, OfferStatus.ACCEPTED, False, None),
        ("a4", park, OfferStatus.DECLINED, True, None),
        ("a6", park, OfferStatus.LAPSED, True, None),
    ):
        Offer.objects.create(
            allocation=Allocation.objects.get(run=run, application=people[key]),
            place=place,
            status=status,
            guardian_needed=guardian,
            guardian_confirmed_at=confirmed,
            answer_by=now + timedelta(days=7),
        )
    return summer.season


def table(figures, key: str) -> dict[str, tuple]:
    breakdown = next(b for b in figures.breakdowns if b.key == key)
    return {
        row.label: (row.applicants, row.placed, row.not_placed, row.share) for row in breakdown.rows
    }


def test_the_figures_of_a_hand_built_season_are_exact(season):
    figures = season_figures(season=season, with_tiers=True)
    assert (figures.applicants, figures.withdrawn, figures.offered) == (7, 1, 5)
    assert (figures.placed, figures.not_placed, figures.share) == (2, 5, 28.6)
    assert (figures.declined, figures.lapsed) == (1, 1)
    assert figures.reference_date == date(YEAR, 6, 15)
    assert table(figures, "gender") == {
        "Girl": (4, 1, 3, 25.0),
        "Boy": (2, 1, 1, 50.0),
        "Other or not stated": (1, 0, 1, 0.0),
    }
    assert table(figures, "age") == {
        "16": (2, 1, 1, 50.0),
        "17": (2, 0, 2, 0.0),
        "18–19": (3, 1, 2, 33.3),
    }
    assert table(figures, "tier") == {
        "Känd av socialtjänsten": (1, 1, 0, 100.0),
        "Första ansökan": (2, 1, 1, 50.0),
        "Alla": (3, 0, 3, 0.0),
        "No tier set": (1, 0, 1, 0.0),
    }
    # Applicants by their first wish, the placed by their place's area and period.
    assert table(figures, "area") == {
        "Fritidshem": (2, 0, None, None),
        "Storkök": (1, 0, None, None),
        "Vaktmästeri": (3, 1, None, None),
        "Äldreomsorg": (1, 1, None, None),
    }
    assert table(figures, "period") == {
        "Period 1": (6, 2, None, None),
        "Period 2": (6, 0, None, None),
        "Period 3": (1, 0, None, None),
    }


def test_the_queries_stay_the_same_as_applicants_grow(summer):
    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            season_figures(season=summer.season, with_tiers=True)
        return len(seen)

    for serial in range(3):
        apply(summer, born=born(17), serial=serial)
    few = queries()
    for serial in range(3, 12):
        apply(summer, born=born(16 + serial % 4), serial=serial)
    run_placing(summer, [])
    assert queries() == few <= 8  # seven, and one to look for frozen figures


def gender_of(counts: dict[str, tuple[int, int]]) -> Breakdown:
    rows = [
        Row(key, key, applied, placed, applied - placed, round(100 * placed / applied, 1))
        for key, (applied, placed) in counts.items()
    ]
    return Breakdown("gender", "Gender", rows)


def figures_with(season, breakdown: Breakdown):
    figures = season_figures(season=season, with_tiers=True)
    applicants = sum(row.applicants for row in breakdown.rows)
    placed = sum(row.placed for row in breakdown.rows)
    figures = replace(
        figures,
        applicants=applicants,
        placed=placed,
        breakdowns=[breakdown, *figures.breakdowns[3:]],
    )
    return figures_protected(figures, threshold=5)


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [
        tuple(cell for cell in row if cell is not None) for row in sheet.iter_rows(values_only=True)
    ]


def test_a_small_cell_and_the_cells_that_would_give_it_away_are_hidden_in_the_xlsx(season):
    # Four girls not placed: «<5»; the boys' not placed would give it away from the total
    # (9), and the girls' placed from their applicants: both «:», then the boys' placed.
    figures = figures_with(season, gender_of({"female": (10, 6), "male": (12, 7)}))
    rows = sheet_rows(figures_xlsx(figures))
    assert ("female", 10, ":", "<5", ":") in rows
    assert ("male", 12, ":", ":", ":") in rows
    assert ("In all", 22, 13, 9, 59.1) in rows
    assert any("hidden so that a small count cannot be worked out" in str(r) for r in rows)


def test_a_breakdown_of_large_cells_leaves_the_file_as_it_is(season):
    figures = figures_with(season, gender_of({"female": (20, 12), "male": (15, 7)}))
    rows = sheet_rows(figures_xlsx(figures))
    assert ("female", 20, 12, 8, 60.0) in rows and ("male", 15, 7, 8, 46.7) in rows


def page_of(season) -> str:
    return reverse("summerjobs:figures", kwargs={"pk": season.pk})


def file_of(season, fmt: str) -> str:
    return reverse("summerjobs:figures_file", kwargs={"pk": season.pk}) + f"?format={fmt}"


def test_the_xlsx_download_asks_for_a_password_is_recorded_and_adds_up(season, lead, client_for):
    client = client_for(lead)
    asked = client.get(file_of(season, "xlsx"))
    assert asked.status_code == 302 and "reauthenticate" in asked["Location"]
    recently_authenticated(client)
    response = client.get(file_of(season, "xlsx"))
    assert response.status_code == 200
    assert f'filename="fotfeste-season-figures-{season.pk}.xlsx"' in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    areas = rows[rows.index(("Work area", "Applicants", "Placed")) + 1 :][:4]
    assert sum(r[1] for r in areas) == 7 and sum(r[2] for r in areas) == 2
    assert ("Applicants", 7) in rows and ("Placed", 2) in rows
    # Seven people: every breakdown by a personal characteristic is protected.
    girls = next(r for r in rows if r[:1] == ("Girl",))
    assert all(value in ("<5", ":") for value in girls[1:])
    event = AccessEvent.objects.get()
    assert (event.user, event.model, event.object_id) == (lead, "summerjobs.season", str(season.pk))
    assert event.action == AccessAction.EXPORT


def test_the_csv_opens_in_swedish_excel(season, lead, client_for):
    client = recently_authenticated(client_for(lead))
    content = client.get(file_of(season, "csv")).content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [season.name] and ["Applicants", "7"] in rows
    assert ["Share of the applicants placed (%)", "28.6"] in rows


def test_a_wrong_format_is_told_and_nothing_is_recorded(season, lead, client_for):
    client = recently_authenticated(client_for(lead))
    response = client.get(file_of(season, "pdf"), follow=True)
    assert response.status_code == 200 and "Choose CSV or XLSX." in response.content.decode()
    assert client.get(file_of(season, "")).status_code == 302
    assert not AccessEvent.objects.exists()


def test_an_unknown_season_is_not_found(season, lead, client_for):
    client = recently_authenticated(client_for(lead))
    missing = season.pk + 1000
    assert client.get(reverse("summerjobs:figures", kwargs={"pk": missing})).status_code == 404
    file = reverse("summerjobs:figures_file", kwargs={"pk": missing}) + "?format=csv"
    assert client.get(file).status_code == 404


def test_the_tiers_are_for_those_who_see_the_priority_grounds(world, season, lead, client_for):
    coordinator = summer_staff_of(season, "summer_coordinator")
    for user in (lead, coordinator):
        page = client_for(user).get(page_of(season)).content.decode()
        assert "Känd av socialtjänsten" in page and file_of(season, "csv") in page
    # The programme's caseworker sees the season and its figures, not the tiers or the files.
    client = recently_authenticated(client_for(world.foreign_caseworker))
    page = client.get(page_of(season)).content.decode()
    assert "Gender" in page and "Känd av socialtjänsten" not in page
    assert "Priority tier" not in page and file_of(season, "csv") not in page
    assert client.get(file_of(season, "csv")).status_code == 404


def summer_staff_of(season, role: str):
    user = f.UserFactory(municipality=season.programme.municipality)
    f.MembershipFactory(user=user, programme=season.programme, role=role)
    return user


def test_nobody_else_sees_the_figures(world, season, client_for):
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    other = f.ProgrammeFactory(municipality=world.foreign_municipality, name="Jobbspår")
    f.MembershipFactory(user=colleague, programme=other, role="programme_lead")
    # A lead of another programme of the municipality; another municipality's lead.
    for user in (colleague, world.programme_lead):
        client = recently_authenticated(client_for(user))
        assert client.get(page_of(season)).status_code == 404, user
        assert client.get(file_of(season, "xlsx")).status_code == 404, user
        season_page = reverse("summerjobs:seasons")
        assert season.name not in client.get(season_page).content.decode()
    assert not AccessEvent.objects.exists()


def test_the_season_page_links_its_figures(season, lead, client_for):
    page = client_for(lead).get(reverse("summerjobs:season", kwargs={"pk": season.pk}))
    assert page_of(season) in page.content.decode()


def test_an_age_outside_the_pay_bands_is_a_band_of_its_own(summer):
    pay_by_age(summer)
    # Turns 16 after the first day: 15 on 15 June.
    apply(summer, born=date(YEAR - 16, 8, 1), serial=1)
    apply(summer, born=born(17), serial=2)
    figures = season_figures(season=summer.season, with_tiers=False)
    assert [b.key for b in figures.breakdowns] == ["gender", "age", "area", "period"]
    ages = table(figures, "age")
    assert list(ages) == ["15", "16", "17", "18–19"]
    assert ages["15"][0] == ages["17"][0] == 1


# --- frozen before the applications of the unplaced go ------------------------------------------


def every_table(figures) -> dict:
    totals = (figures.applicants, figures.placed, figures.not_placed, figures.share)
    more = (figures.withdrawn, figures.offered, figures.declined, figures.lapsed)
    tables = {b.key: (b.title, b.note, table(figures, b.key)) for b in figures.breakdowns}
    return {"totals": totals, "more": more, "reference": figures.reference_date, **tables}


def test_the_figures_after_the_purge_are_the_figures_before_it(season, summer):
    before = season_figures(season=season, with_tiers=True)
    assert before.frozen_at is None
    # The two on the reserve list and the one who withdrew go.
    assert applications_purge_unplaced(today=after_the_season(summer, 1)) == 3
    assert Application.objects.filter(season=season).count() == 5
    live = season_figures_live(season=season, with_tiers=True)
    assert (live.applicants, live.withdrawn) == (5, 0)  # what the rows left would say
    after = season_figures(season=season, with_tiers=True)
    assert after.frozen_at is not None
    assert every_table(after) == every_table(before)
    assert (after.applicants, after.placed, after.share) == (7, 2, 28.6)
    without = season_figures(season=season, with_tiers=False)
    assert [b.key for b in without.breakdowns] == ["gender", "age", "area", "period"]


def test_a_second_purge_does_not_freeze_again_from_what_is_left(season, summer):
    applications_purge_unplaced(today=after_the_season(summer, 1))
    kept = FrozenFigures.objects.get(season=season)
    assert applications_purge_unplaced(today=after_the_season(summer, 30)) == 0
    assert not season_figures_freeze(season_id=season.pk)
    again = FrozenFigures.objects.get(season=season)
    assert (again.pk, again.frozen_at, again.counts) == (kept.pk, kept.frozen_at, kept.counts)
    assert again.counts["applicants"] == 7


def test_nothing_is_frozen_before_the_seasons_time(season, summer):
    assert applications_purge_unplaced(today=after_the_season(summer, -1)) == 0
    assert not FrozenFigures.objects.exists()


def test_the_frozen_figures_speak_the_readers_language(season, summer):
    applications_purge_unplaced(today=after_the_season(summer, 1))
    with translation.override("sv"):
        girl, no_tier, period = (
            translation.gettext("Girl"),
            translation.gettext("No tier set"),
            (translation.gettext("Period %(number)s") % {"number": 1}),
        )
        figures = season_figures(season=season, with_tiers=True)
    assert girl != "Girl" and girl in table(figures, "gender")
    assert no_tier in table(figures, "tier") and period in table(figures, "period")
    assert "Känd av socialtjänsten" in table(figures, "tier")  # a tier's own name is kept


def test_the_file_of_frozen_figures_is_suppressed_and_says_when(season, summer, lead, client_for):
    applications_purge_unplaced(today=after_the_season(summer, 1))
    client = recently_authenticated(client_for(lead))
    rows = sheet_rows(client.get(file_of(season, "xlsx")).content)
    assert ("Applicants", 7) in rows and ("Placed", 2) in rows
    assert ("Share of the applicants placed (%)", 28.6) in rows
    assert any(row[:1] == ("Figures frozen on",) for row in rows)
    girls = next(r for r in rows if r[:1] == ("Girl",))
    assert all(value in ("<5", ":") for value in girls[1:])
    lines = list(
        csv.reader(
            io.StringIO(client.get(file_of(season, "csv")).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert ["Applicants", "7"] in lines


def test_the_page_says_the_figures_are_frozen_and_when(season, summer, lead, client_for):
    page = client_for(lead).get(page_of(season)).content.decode()
    assert "Frozen on" not in page
    applications_purge_unplaced(today=after_the_season(summer, 1))
    page = client_for(lead).get(page_of(season)).content.decode()
    assert "Frozen on" in page and "28.6 %" in page


def test_the_pages_queries_stay_the_same_as_applicants_grow_live_and_frozen(
    summer, lead, client_for
):
    client = client_for(lead)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(page_of(summer.season)).status_code == 200
        return len(seen)

    for serial in range(3):
        apply(summer, born=born(17), serial=serial)
    queries()  # the session's first reads
    few = queries()
    for serial in range(3, 12):
        apply(summer, born=born(16 + serial % 4), serial=serial)
    run_placing(summer, [])
    assert queries() == few
    season_figures_freeze(season_id=summer.season.pk)
    frozen = queries()
    apply(summer, born=born(17), serial=40)
    assert queries() == frozen < few
