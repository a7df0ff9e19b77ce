"""A young person's application: checked against the season's rules, kept with the
personnummer encrypted, refused with a clear message when something is wrong."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.errors import ApplicationError
from participants import national_id as nid
from participants.synthetic import synthetic_fodselsnummer
from summerjobs.models import Application, Period, Season, WorkArea
from summerjobs.offered import season_offer
from summerjobs.services import MAX_CHOICES, application_submit
from tests.support.summerjobs import YEAR, application_input, apply

pytestmark = pytest.mark.django_db

SEVENTEEN = date(YEAR - 17, 1, 20)  # 17 when the first period starts
ADULT = date(YEAR - 19, 2, 3)


def refused(summer, **changes) -> ApplicationError:
    born = changes.pop("born", SEVENTEEN)
    with pytest.raises(ApplicationError) as caught:
        apply(summer, born=born, serial=11, **changes)
    assert not Application.objects.exists()
    return caught.value


def test_an_application_keeps_the_personnummer_encrypted_and_the_wishes_in_rank_order(summer):
    areas = [summer.areas["Fritidshem"].pk, summer.areas["Vaktmästeri"].pk]
    application = apply(summer, born=SEVENTEEN, serial=12, area_ids=areas)

    application.refresh_from_db()
    number = nid.parse(
        application_input(summer, born=SEVENTEEN, serial=12).national_id, country="SE"
    )
    assert number.value not in application.national_id_encrypted
    assert nid.decrypt(application.national_id_encrypted) == number.value
    assert application.national_id_masked == number.masked
    assert application.birth_date == SEVENTEEN
    assert [c.area_id for c in application.choices.order_by("rank")] == areas
    assert set(application.periods.all()) == set(summer.periods[:2])


def test_an_invalid_personnummer_is_refused_on_its_field(summer):
    error = refused(summer, national_id="20070120-1234")
    assert error.field == "national_id"


def test_a_norwegian_fodselsnummer_is_not_a_personnummer(summer):
    error = refused(summer, national_id=synthetic_fodselsnummer(SEVENTEEN, 401))
    assert error.field == "national_id"


@pytest.mark.parametrize("born", [date(YEAR - 15, 1, 1), date(YEAR - 20, 12, 31)])
def test_someone_born_outside_the_seasons_years_is_refused_with_the_years(summer, born):
    error = refused(summer, born=born)
    assert error.code == "age"
    assert str(YEAR - 19) in str(error.message) and str(YEAR - 16) in str(error.message)


def test_a_second_application_of_the_same_person_is_refused_and_the_first_kept(summer):
    first = apply(summer, born=SEVENTEEN, serial=13)
    with pytest.raises(ApplicationError) as caught:
        apply(summer, born=SEVENTEEN, serial=13, first_name="Annan", email="annan@test.example.org")
    assert caught.value.code == "duplicate"
    assert list(Application.objects.values_list("pk", "first_name")) == [(first.pk, "Testförnamn")]


def test_under_18_a_guardian_must_be_named_and_an_adult_needs_none(summer):
    assert refused(summer, guardian_email="").field == "guardian_email"
    assert refused(summer, guardian_name=" ").field == "guardian_name"
    assert refused(summer, guardian_phone="").field == "guardian_phone"
    none = {"guardian_email": "", "guardian_name": "", "guardian_phone": ""}
    assert apply(summer, born=ADULT, serial=14, **none).pk


def test_an_application_outside_the_window_is_refused(summer):
    Season.objects.filter(pk=summer.season.pk).update(
        applications_close_at=timezone.now() - timedelta(minutes=1)
    )
    summer.season.refresh_from_db()
    assert refused(summer).code == "closed"


def test_wishes_must_be_the_seasons_areas_each_once_and_not_too_many(summer):
    other = Season.objects.create(
        programme=summer.season.programme,
        name="Another",
        applications_open_at=summer.season.applications_open_at,
        applications_close_at=summer.season.applications_close_at,
        born_from_year=YEAR - 19,
        born_to_year=YEAR - 16,
    )
    foreign = WorkArea.objects.create(season=other, name="Annat").pk
    mine = summer.areas["Vaktmästeri"].pk
    many = [
        WorkArea.objects.create(season=summer.season, name=f"A{n}").pk
        for n in range(MAX_CHOICES + 1)
    ]
    assert refused(summer, area_ids=[foreign]).field == "areas"
    assert refused(summer, area_ids=[mine, mine]).field == "areas"
    assert refused(summer, area_ids=[]).field == "areas"
    assert refused(summer, area_ids=many).field == "areas"


def test_periods_must_be_the_seasons_and_at_least_one(summer):
    assert refused(summer, period_ids=[]).field == "periods"
    assert refused(summer, period_ids=[summer.periods[0].pk + 1000]).field == "periods"


def test_a_gender_not_offered_is_refused(summer):
    assert refused(summer, gender="robot").field == "gender"


def test_the_same_person_may_apply_in_another_season(summer):
    apply(summer, born=SEVENTEEN, serial=15)
    other = Season.objects.create(
        programme=summer.season.programme,
        name="Next",
        applications_open_at=summer.season.applications_open_at,
        applications_close_at=summer.season.applications_close_at,
        born_from_year=YEAR - 19,
        born_to_year=YEAR - 16,
    )
    area = WorkArea.objects.create(season=other, name="Vaktmästeri")
    period = Period.objects.create(
        season=other, number=1, starts_on=date(YEAR, 6, 15), ends_on=date(YEAR, 7, 3)
    )
    data = application_input(
        summer, born=SEVENTEEN, serial=15, area_ids=[area.pk], period_ids=[period.pk]
    )
    assert application_submit(season=other, data=data).season == other
    assert Application.objects.count() == 2


def test_only_the_programmes_leads_may_set_a_tier_through_the_service(world, summer):
    from summerjobs.services import application_set_tier

    application = apply(summer, born=SEVENTEEN, serial=16)
    with pytest.raises(ApplicationError) as caught:
        application_set_tier(
            actor=world.foreign_caseworker,
            application=application,
            tier=summer.tiers[0],
            expected_version=application.version,
        )
    assert caught.value.code == "forbidden"
    application.refresh_from_db()
    assert application.tier is None


def test_an_application_made_at_a_given_time_is_dated_then(summer):
    at = summer.season.applications_open_at + timedelta(hours=1)
    application = application_submit(
        season=summer.season, data=application_input(summer, born=SEVENTEEN, serial=17), at=at
    )
    application.refresh_from_db()
    assert application.created_at == at


def test_the_seasons_offer_is_read_in_one_query_and_kept_only_when_asked(
    summer, django_assert_num_queries
):
    other = WorkArea.objects.create(season=summer.season, name="Kansli")
    fresh = Season.objects.get(pk=summer.season.pk)
    with django_assert_num_queries(1):
        read = season_offer(fresh, keep=True)
    assert read.period_starts == {period.pk: period.starts_on for period in summer.periods}
    assert [(p.number, p.starts_on, p.ends_on) for p in read.periods] == [
        (p.number, p.starts_on, p.ends_on) for p in summer.periods
    ]
    assert read.area_ids == {area.pk for area in summer.areas.values()} | {other.pk}
    assert [area.name for area in read.areas] == list(
        WorkArea.objects.filter(season=summer.season).values_list("name", flat=True)
    )  # the model's order of names
    with django_assert_num_queries(0):
        assert season_offer(fresh) is read  # the view's one read, shared by the rules' check
    # Not kept, a season object sees what staff add later.
    longer = Season.objects.get(pk=summer.season.pk)
    assert season_offer(longer) == read
    added = WorkArea.objects.create(season=summer.season, name="Bibliotek")
    assert added.pk in season_offer(longer).area_ids
