"""A season's set-up pages: who may open and send them, the season's own rules (made, changed,
a stale change told), its periods and its pay by age band. Work areas, tiers, places and
workplaces: test_setup_rows.py."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import ChangeEvent
from summerjobs.models import PayRate, Period, Place, Season, Workplace
from summerjobs.setup import row_seen
from tests import factories as f
from tests.support.season_setup import queries_of, setup_users
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def users(world, summer):
    return setup_users(world, summer)


@pytest.fixture
def rate(summer):
    return PayRate.objects.create(
        season=summer.season, age_from=16, age_to=17, hourly_pay=Decimal("98.00")
    )


def season_data(summer, **changes) -> dict:
    season = summer.season
    values = {
        "name": season.name,
        "kind": season.kind,
        "applications_open_at": "2027-02-01T08:00",
        "applications_close_at": "2027-03-31T23:59",
        "born_from_year": season.born_from_year,
        "born_to_year": season.born_to_year,
        "hours_per_period": "90",
        "answer_days": "7",
        "gender_balance": "on",
        "payroll_hourly_code": "TIMLON",
        "payroll_holiday_code": "SEMERS",
        "version": season.version,
    }
    return {**values, **changes}


def pages(summer, rate) -> list[str]:
    """Every set-up page that shows a form or a list, for one of each row."""
    season, period, area = summer.season.pk, summer.periods[0].pk, summer.areas["Storkök"].pk
    place, workplace = summer.places[0], summer.places[0].workplace_id
    return [
        reverse("summerjobs:season-create"),
        reverse("summerjobs:setup", args=[season]),
        reverse("summerjobs:season-edit", args=[season]),
        reverse("summerjobs:period-create", args=[season]),
        reverse("summerjobs:period-edit", args=[period]),
        reverse("summerjobs:pay-rate-create", args=[season]),
        reverse("summerjobs:pay-rate-edit", args=[rate.pk]),
        reverse("summerjobs:area-create", args=[season]),
        reverse("summerjobs:area-edit", args=[area]),
        reverse("summerjobs:tier-create", args=[season]),
        reverse("summerjobs:tier-edit", args=[summer.tiers[0].pk]),
        reverse("summerjobs:places", args=[season]),
        reverse("summerjobs:place-create", args=[season]),
        reverse("summerjobs:place-edit", args=[place.pk]),
        reverse("summerjobs:workplace-list"),
        reverse("summerjobs:workplace-create"),
        reverse("summerjobs:workplace-edit", args=[workplace]),
    ]


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "coordinator"])
def test_the_lead_and_the_coordinator_open_every_set_up_page(users, summer, rate, client_for, role):
    client = client_for(getattr(users, role))
    for url in pages(summer, rate):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["caseworker", "colleague", "foreign"])
def test_everyone_else_gets_404_on_every_set_up_page(users, summer, rate, client_for, role):
    client = client_for(users.others()[role])
    for url in pages(summer, rate):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["caseworker", "colleague", "foreign"])
def test_everyone_else_gets_404_when_sending_and_nothing_changes(
    users, summer, rate, client_for, role
):
    client = client_for(users.others()[role])
    season, period = summer.season, summer.periods[2]
    sent = {
        reverse("summerjobs:season-edit", args=[season.pk]): season_data(summer, name="Ändrad"),
        reverse("summerjobs:period-remove", args=[period.pk]): {},
        reverse("summerjobs:pay-rate-remove", args=[rate.pk]): {},
        reverse("summerjobs:area-create", args=[season.pk]): {"name": "Bibliotek"},
        reverse("summerjobs:tier-move", args=[summer.tiers[0].pk]): {"direction": "down"},
        reverse("summerjobs:tier-remove", args=[summer.tiers[2].pk]): {},
        reverse("summerjobs:place-remove", args=[summer.places[0].pk]): {},
        reverse("summerjobs:workplace-create"): {"name": "Ny arbetsplats", "kind": "unit"},
        reverse("summerjobs:season-create"): {
            **season_data(summer, name="Ny säsong"),
            "programme": season.programme_id,
        },
    }
    events = ChangeEvent.objects.count()
    for url, data in sent.items():
        assert client.post(url, data).status_code == 404, url
    assert ChangeEvent.objects.count() == events
    assert Season.objects.count() == 1 and Workplace.objects.count() == 3
    assert Period.objects.filter(pk=period.pk).exists() and summer.areas.keys() == {
        area.name for area in season.areas.all()
    }


def test_the_season_page_links_the_set_up_for_those_who_may(users, summer, client_for):
    setup = reverse("summerjobs:setup", args=[summer.season.pk])
    season = reverse("summerjobs:season", args=[summer.season.pk])
    new = reverse("summerjobs:season-create")
    seasons = reverse("summerjobs:seasons")
    for user in (users.lead, users.coordinator):
        client = client_for(user)
        assert setup in client.get(season).content.decode()
        assert new in client.get(seasons).content.decode()
    caseworker = client_for(users.caseworker)
    assert setup not in caseworker.get(season).content.decode()
    assert new not in caseworker.get(seasons).content.decode()


# --- the season -----------------------------------------------------------------------------


def test_a_lead_makes_a_season_in_the_municipalitys_time_and_it_is_in_the_history(
    users, summer, client_for
):
    data = {
        **season_data(summer, name="Feriepraktik åk 8"),
        "programme": summer.season.programme_id,
    }
    data.update(kind="feriepraktik", born_from_year=YEAR - 14, born_to_year=YEAR - 14)
    response = client_for(users.lead).post(reverse("summerjobs:season-create"), data)

    season = Season.objects.get(name="Feriepraktik åk 8")
    assert response.status_code == 302
    assert response["Location"] == reverse("summerjobs:setup", args=[season.pk])
    assert season.applications_open_at == datetime(2027, 2, 1, 8, 0, tzinfo=STOCKHOLM)
    assert season.kind == "feriepraktik" and season.gender_balance
    event = ChangeEvent.objects.get(model="summerjobs.season", object_id=str(season.pk))
    assert event.user == users.lead and event.action == "create"


def test_a_season_for_a_programme_the_user_does_not_run_is_refused_on_its_field(
    users, summer, client_for
):
    other = f.ProgrammeFactory(
        municipality=summer.season.programme.municipality, kind="feriearbete"
    )
    data = {**season_data(summer, name="Annan"), "programme": other.pk}
    response = client_for(users.coordinator).post(reverse("summerjobs:season-create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    assert not Season.objects.filter(name="Annan").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"applications_close_at": "2027-01-01T08:00"}, "applications_close_at"),
        ({"born_from_year": YEAR - 10, "born_to_year": YEAR - 19}, "born_to_year"),
        ({"applications_open_at": "0001-01-01T00:00"}, "applications_open_at"),
        ({"hours_per_period": "0"}, "hours_per_period"),
        ({"answer_days": "1000"}, "answer_days"),
        ({"kind": "sommarjobb"}, "kind"),
        ({"postcodes": "123 45, 1234"}, "postcodes"),
        ({"postcodes": "Solvik"}, "postcodes"),
        ({"payroll_hourly_code": "TIM LON"}, "payroll_hourly_code"),
    ],
)
def test_a_season_that_breaks_a_rule_is_refused_on_its_field_with_nothing_lost(
    users, summer, client_for, changes, field
):
    url = reverse("summerjobs:season-edit", args=[summer.season.pk])
    response = client_for(users.lead).post(
        url, season_data(summer, **{"name": "Nytt namn", **changes})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert response.context["form"]["name"].value() == changes.get("name", "Nytt namn")
    summer.season.refresh_from_db()
    assert summer.season.name == f"Feriearbete {YEAR}"


def test_the_postcodes_pay_codes_and_certificate_signer_are_set_on_the_seasons_page(
    users, summer, client_for
):
    url = reverse("summerjobs:season-edit", args=[summer.season.pk])
    typed = "123 45,\n124 , 12345, 98 765"
    data = season_data(
        summer,
        postcodes=typed,
        payroll_hourly_code=" 1100 ",
        certificate_signed_by="Eva Samordnare, feriesamordnare",
    )
    response = client_for(users.lead).post(url, data)
    assert response.status_code == 302
    summer.season.refresh_from_db()
    assert summer.season.postcodes == "12345, 124, 98765"
    assert summer.season.payroll_hourly_code == "1100"
    assert summer.season.certificate_signed_by == "Eva Samordnare, feriesamordnare"
    assert summer.season.admits_postcode("12499") and not summer.season.admits_postcode("12346")
    page = client_for(users.lead).get(reverse("summerjobs:setup", args=[summer.season.pk]))
    assert "12345, 124, 98765" in page.content.decode()


def test_a_second_season_of_the_same_name_is_refused(users, summer, client_for):
    data = {**season_data(summer, name=summer.season.name.upper())}
    data["programme"] = summer.season.programme_id
    response = client_for(users.lead).post(reverse("summerjobs:season-create"), data)
    assert response.context["form"].errors["name"] == [
        "The programme already has a season of that name."
    ]


def test_a_stale_season_edit_is_told_with_what_is_saved_and_not_saved(users, summer, client_for):
    url = reverse("summerjobs:season-edit", args=[summer.season.pk])
    old = summer.season.version
    first = client_for(users.coordinator).post(url, season_data(summer, answer_days="10"))
    assert first.status_code == 302

    client = client_for(users.lead)
    stale = client.post(url, season_data(summer, answer_days="5", version=old))

    summer.season.refresh_from_db()
    page = stale.content.decode()
    assert stale.status_code == 200 and summer.season.answer_days == 10
    assert "Someone else changed the season after you opened the page" in page
    assert "Saved now" in page and stale.context["saved"]
    form = stale.context["form"]
    assert form["answer_days"].value() == "5"  # what was typed is kept
    # The form is now based on what is saved: sending it again saves it.
    again = client.post(url, {**form.data.dict(), "gender_balance": "on"})
    summer.season.refresh_from_db()
    assert again.status_code == 302 and summer.season.answer_days == 5


def test_once_young_people_applied_the_years_of_birth_widen_but_do_not_narrow(
    users, summer, client_for
):
    apply(summer, born=date(YEAR - 17, 5, 5), serial=501)
    url = reverse("summerjobs:season-edit", args=[summer.season.pk])
    client = client_for(users.lead)
    first, last = summer.season.born_from_year, summer.season.born_to_year

    narrowed = client.post(url, season_data(summer, born_from_year=first + 1))
    assert "may be widened but not narrowed" in narrowed.content.decode()
    widened = client.post(url, season_data(summer, born_from_year=first - 1, born_to_year=last + 1))
    summer.season.refresh_from_db()
    assert widened.status_code == 302
    assert (summer.season.born_from_year, summer.season.born_to_year) == (first - 1, last + 1)


# --- periods --------------------------------------------------------------------------------


def period_data(number: int, start: date, end: date, **more) -> dict:
    return {"number": number, "starts_on": start.isoformat(), "ends_on": end.isoformat(), **more}


def test_a_period_is_added_and_a_period_that_overlaps_another_is_refused(users, summer, client_for):
    url = reverse("summerjobs:period-create", args=[summer.season.pk])
    client = client_for(users.lead)
    response = client.post(
        url, period_data(4, date(YEAR, 8, 17), date(YEAR, 8, 28), hours_cap="60")
    )
    assert response.status_code == 302
    assert Period.objects.get(season=summer.season, number=4).hours_cap == 60

    overlapping = client.post(url, period_data(5, date(YEAR, 7, 28), date(YEAR, 7, 31)))
    errors = overlapping.context["form"].errors
    assert "These dates overlap period 3" in errors["starts_on"][0]
    assert "cannot overlap" in errors["starts_on"][0]
    taken = client.post(url, period_data(1, date(YEAR, 9, 1), date(YEAR, 9, 5)))
    assert taken.context["form"].errors["number"]
    backwards = client.post(url, period_data(6, date(YEAR, 9, 5), date(YEAR, 9, 1)))
    assert backwards.context["form"].errors["ends_on"]
    assert summer.season.periods.count() == 4


def test_changing_a_period_into_its_neighbours_dates_is_refused(users, summer, client_for):
    period = summer.periods[1]
    url = reverse("summerjobs:period-edit", args=[period.pk])
    data = period_data(2, date(YEAR, 7, 1), date(YEAR, 7, 24), seen=row_seen(period))
    response = client_for(users.lead).post(url, data)
    assert "overlap period 1" in response.context["form"].errors["starts_on"][0]


def test_a_period_chosen_by_an_application_keeps_its_dates_and_stays(users, summer, client_for):
    apply(summer, born=date(YEAR - 17, 5, 5), serial=502)  # periods 1 and 2
    period = summer.periods[1]
    url = reverse("summerjobs:period-edit", args=[period.pk])
    client = client_for(users.coordinator)
    moved = period_data(2, date(YEAR, 7, 7), date(YEAR, 7, 25), seen=row_seen(period))
    assert "Only its hours cap can change" in client.post(url, moved).content.decode()

    capped = {
        **period_data(2, period.starts_on, period.ends_on, hours_cap="45"),
        "seen": row_seen(period),
    }
    assert client.post(url, capped).status_code == 302
    period.refresh_from_db()
    assert period.hours_cap == 45 and period.starts_on == date(YEAR, 7, 6)

    page = client.get(url).content.decode()
    assert "Young people have chosen this period, so its number and dates stay" in page
    assert reverse("summerjobs:period-remove", args=[period.pk]) not in page
    removed = client.post(reverse("summerjobs:period-remove", args=[period.pk]), follow=True)
    assert "Young people have chosen this period, so it stays." in removed.content.decode()
    assert Period.objects.filter(pk=period.pk).exists()


def test_a_period_with_places_stays_and_a_free_one_is_removed_into_the_history(
    users, summer, client_for
):
    client = client_for(users.lead)
    used = client.post(
        reverse("summerjobs:period-remove", args=[summer.periods[0].pk]), follow=True
    )
    assert "Places are offered in this period" in used.content.decode()

    free = summer.periods[2]
    response = client.post(reverse("summerjobs:period-remove", args=[free.pk]))
    assert response.status_code == 302
    assert not Period.objects.filter(pk=free.pk).exists()
    event = ChangeEvent.objects.get(model="summerjobs.period", object_id=str(free.pk))
    assert event.action == "delete" and event.changes["number"] == ["3", None]


def test_a_stale_period_edit_is_told_and_the_other_change_kept(users, summer, client_for):
    period = summer.periods[2]
    url = reverse("summerjobs:period-edit", args=[period.pk])
    seen = row_seen(period)
    client_for(users.coordinator).post(
        url, period_data(3, period.starts_on, period.ends_on, hours_cap="30", seen=seen)
    )
    response = client_for(users.lead).post(
        url, period_data(3, period.starts_on, period.ends_on, hours_cap="50", seen=seen)
    )
    period.refresh_from_db()
    assert response.status_code == 200 and period.hours_cap == 30
    assert "Someone else changed this after you opened the page" in response.content.decode()
    assert response.context["form"]["seen"].value() == row_seen(period)


def test_another_seasons_period_is_404_to_the_lead(users, summer, client_for):
    other = f.ProgrammeFactory(
        municipality=summer.season.programme.municipality, kind="feriearbete"
    )
    season = Season.objects.create(
        programme=other,
        name="Annan",
        applications_open_at=summer.season.applications_open_at,
        applications_close_at=summer.season.applications_close_at,
        born_from_year=2008,
        born_to_year=2010,
    )
    period = Period.objects.create(
        season=season, number=1, starts_on=date(YEAR, 6, 1), ends_on=date(YEAR, 6, 5)
    )
    client = client_for(users.lead)
    assert client.get(reverse("summerjobs:period-edit", args=[period.pk])).status_code == 404
    assert client.post(reverse("summerjobs:period-remove", args=[period.pk])).status_code == 404
    assert client.get(reverse("summerjobs:setup", args=[season.pk])).status_code == 404


# --- pay by age band ------------------------------------------------------------------------


def test_pay_bands_do_not_overlap_and_holiday_pay_is_shown_apart(users, summer, rate, client_for):
    url = reverse("summerjobs:pay-rate-create", args=[summer.season.pk])
    client = client_for(users.lead)
    data = {"age_from": 17, "age_to": 19, "hourly_pay": "128", "holiday_pay_percent": "12"}
    overlapping = client.post(url, data)
    assert overlapping.context["form"].errors["age_from"] == [
        "These ages overlap the band 16–17. Each age has one rate."
    ]
    assert client.post(url, {**data, "age_from": 18}).status_code == 302

    page = client.get(reverse("summerjobs:setup", args=[summer.season.pk])).content.decode()
    assert "18–19 years: 128 kr an hour" in page and "+ 12 % holiday pay" in page


def test_a_pay_rate_is_changed_and_removed(users, summer, rate, client_for):
    client = client_for(users.coordinator)
    url = reverse("summerjobs:pay-rate-edit", args=[rate.pk])
    data = {"age_from": 16, "age_to": 16, "hourly_pay": "99.50", "holiday_pay_percent": "13"}
    assert client.post(url, {**data, "seen": row_seen(rate)}).status_code == 302
    rate.refresh_from_db()
    assert (rate.age_to, rate.hourly_pay, rate.holiday_pay_percent) == (16, Decimal("99.50"), 13)
    assert client.post(reverse("summerjobs:pay-rate-remove", args=[rate.pk])).status_code == 302
    assert not PayRate.objects.exists()


def test_the_set_up_page_speaks_swedish_to_a_swedish_lead(users, summer, rate, client):
    client.force_login(users.lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get(reverse("summerjobs:setup", args=[summer.season.pk])).content.decode()
    assert "+ 12 % semesterersättning" in page
    assert "Förtursgrupper" in page and "Arbetsområden" in page
    assert "holiday pay" not in page and "Work areas" not in page


# --- query counts ---------------------------------------------------------------------------


def grow(summer, n: int) -> None:
    """n more periods, pay bands, work areas, tiers, workplaces and places."""
    season = summer.season
    workplaces = Workplace.objects.bulk_create(
        Workplace(municipality=season.programme.municipality, name=f"Arbetsplats {k}", kind="unit")
        for k in range(n)
    )
    for k in range(n):
        period = Period.objects.create(
            season=season,
            number=10 + k,
            starts_on=date(YEAR, 9, 1 + k),
            ends_on=date(YEAR, 9, 1 + k),
        )
        area = season.areas.create(name=f"Område {k}")
        season.tiers.create(name=f"Grupp {k}", position=10 + k)
        PayRate.objects.create(season=season, age_from=20 + k % 5, age_to=20 + k % 5, hourly_pay=1)
        Place.objects.create(workplace=workplaces[k], period=period, area=area, slots=2)


@pytest.mark.parametrize("name", ["setup", "places", "workplaces"])
def test_the_list_pages_cost_the_same_queries_for_few_or_many_rows(users, summer, client_for, name):
    client = client_for(users.lead)
    url = (
        reverse("summerjobs:workplace-list")
        if name == "workplaces"
        else reverse(f"summerjobs:{name}", args=[summer.season.pk])
    )
    few = queries_of(client, url)
    grow(summer, 5)
    assert queries_of(client, url) == few <= 12
