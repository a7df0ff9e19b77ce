"""At work: the workplace's own link (sent by the staff, shared by its handledare), the day's
hours on a phone checked against the rules for minors and the period's cap, the attestation
that locks a young person's period, and the staff's corrections after it."""

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessEvent, AppendOnlyError
from config.errors import ApplicationError
from summerjobs import hours as rules
from summerjobs.models import (
    Allocation,
    Attestation,
    HoursEntry,
    Offer,
    Period,
    Place,
    WorkplaceLook,
)
from summerjobs.offers import offer_accept, offer_guardian_answer, offers_create
from summerjobs.prestart import prestart_next_of_kin
from summerjobs.services import lottery_run
from summerjobs.work import DayInput, hours_record, period_attest, period_hours
from tests import factories as f
from tests.support.summerjobs import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client_en):
    """The public pages in English (tests/summerjobs/conftest.py)."""
    return client_en


TODAY = timezone.localdate()
START = TODAY - timedelta(days=13)  # a period of two weeks, over yesterday
END = TODAY - timedelta(days=1)


def years_before(day: date, years: int, days: int = 0) -> date:
    return day.replace(year=day.year - years) - timedelta(days=days)


@pytest.fixture
def lead(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="programme_lead")
    return user


@pytest.fixture
def at_work(summer, lead):
    """Period 1 over yesterday; at the Parkförvaltningen's Vaktmästeri (two places) a 17-year-old
    and a 19-year-old whose offers are settled, and a third who has not answered, at the
    Äldreboendet's place."""
    Period.objects.filter(pk=summer.periods[0].pk).update(starts_on=START, ends_on=END)
    summer.season.born_from_year, summer.season.born_to_year = START.year - 19, START.year - 16
    summer.season.save()
    area = [summer.areas["Vaktmästeri"].pk]
    minor = apply(summer, born=years_before(START, 17, 30), serial=11, area_ids=area)
    adult = apply(summer, born=years_before(START, 19, 30), serial=12, area_ids=area)
    waiting = apply(summer, born=years_before(START, 19, 60), serial=13, area_ids=area)
    run = lottery_run(season=summer.season, seed=1, dry_run=False, actor=None)
    park, home = summer.places[0], summer.places[2]
    for person, place in ((minor, park), (adult, park), (waiting, home)):
        Allocation.objects.filter(run=run, application=person).update(
            place=place, reserve_position=None
        )
    offers_create(run=run, actor=lead)
    for person in (minor, adult):
        offer = Offer.objects.get(allocation__application=person)
        offer_accept(offer=offer, expected_version=offer.version)
        if offer.guardian_needed:
            offer_guardian_answer(offer=offer, expected_version=offer.version, confirm=True)
    park.workplace.contact_email = "park@solvik.example.org"
    park.workplace.save()
    return {
        "minor": Offer.objects.get(allocation__application=minor),
        "adult": Offer.objects.get(allocation__application=adult),
        "waiting": Offer.objects.get(allocation__application=waiting),
        "park": park,
    }


@pytest.fixture
def link(at_work, summer, lead, client_for):
    """The workplace's link as the lead sends it, and the address it went to."""
    client = client_for(lead)
    url = reverse(
        "summerjobs:workplace_link",
        kwargs={"pk": summer.season.pk, "workplace": at_work["park"].workplace.pk},
    )
    assert client.post(url).status_code == 302
    [message] = [m for m in mail.outbox if "park@solvik.example.org" in m.to]
    return re.search(r"https?://[^/\s]+(/apply/w/[^\s]+/)", message.body).group(1)


def day_post(offer: Offer, **values) -> dict:
    data = {"name": "Hanna Handledare"}
    data.update({f"{offer.pk}-{key}": value for key, value in values.items()})
    return data


def test_the_workplace_sees_those_who_took_its_places_and_nobody_else(link, at_work, client):
    page = client.get(link).content.decode()
    minor, adult, waiting = (
        at_work[k].allocation.application for k in ("minor", "adult", "waiting")
    )
    assert minor.last_name in page and adult.last_name in page
    assert waiting.last_name not in page
    for secret in (minor.national_id_masked, minor.email, minor.guardian_email, "socialtjänsten"):
        assert secret not in page


def test_a_handledare_records_the_day_on_a_phone_and_the_period_adds_up(link, at_work, client):
    adult = at_work["adult"]
    url = f"{link}day/{END.isoformat()}/"
    response = client.post(
        url, day_post(adult, starts_at="08:00", ends_at="15:30", break_minutes=30)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = HoursEntry.objects.get(offer=adult)
    assert (entry.hours, entry.entered_by_name) == (Decimal("7.00"), "Hanna Handledare")
    assert "7 of 90 hours" in client.get(link).content.decode()
    # The same day again replaces it; the first entry is kept.
    client.post(url, day_post(adult, starts_at="08:00", ends_at="12:00", break_minutes=0))
    assert period_hours(adult) == Decimal(4) and HoursEntry.objects.filter(offer=adult).count() == 2


def test_a_minor_may_not_work_nine_hours_or_before_six_and_nothing_is_saved(link, at_work, client):
    minor = at_work["minor"]
    url = f"{link}day/{END.isoformat()}/"
    for values, words in (
        ({"starts_at": "07:00", "ends_at": "16:00", "break_minutes": 30}, "at most 8 hours a day"),
        (
            {"starts_at": "05:30", "ends_at": "10:00", "break_minutes": 0},
            "only between 06:00 and 22:00",
        ),
        ({"starts_at": "15:00", "ends_at": "09:00", "break_minutes": 0}, "end after it starts"),
    ):
        response = client.post(url, day_post(minor, **values))
        assert response.status_code == 400
        assert words in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_a_minors_week_stops_at_forty_hours():
    limits = rules.minor_limits(17)
    day = {"starts": time(8), "ends": time(16, 30), "break_minutes": 30, "hours": Decimal(8)}
    rules.check_minor(limits, **day, week_hours=Decimal(32))
    with pytest.raises(ApplicationError, match="40"):
        rules.check_minor(limits, **day, week_hours=Decimal("32.5"))


def test_a_minors_day_of_more_than_four_and_a_half_hours_has_a_half_hour_break(
    link, at_work, client
):
    limits = rules.minor_limits(16)
    short = {"starts": time(8), "ends": time(12, 30), "hours": Decimal("4.5"), "week_hours": 0}
    rules.check_minor(limits, **short, break_minutes=0)  # four and a half hours: no break needed
    long = {"starts": time(8), "ends": time(13), "week_hours": Decimal(0)}
    with pytest.raises(ApplicationError) as refused:
        rules.check_minor(limits, **long, hours=Decimal("4.75"), break_minutes=15)
    assert refused.value.field == "break_minutes"
    rules.check_minor(limits, **long, hours=Decimal("4.5"), break_minutes=30)

    url = f"{link}day/{END.isoformat()}/"
    values = {"starts_at": "08:00", "ends_at": "14:00", "break_minutes": 0}
    response = client.post(url, day_post(at_work["minor"], **values))
    assert response.status_code == 400 and "at least 30 minutes" in response.content.decode()
    assert client.post(url, day_post(at_work["adult"], **values)).status_code == 302
    assert list(HoursEntry.objects.values_list("offer", flat=True)) == [at_work["adult"].pk]


def test_the_limits_follow_the_age_on_the_day():
    assert rules.minor_limits(15) == rules.UNDER_16
    assert rules.minor_limits(16) == rules.minor_limits(17) == rules.UNDER_18
    assert rules.minor_limits(18) is None
    assert rules.worked_hours(time(8), time(12, 45), 15) == Decimal("4.50")
    assert rules.week_of(date(2027, 6, 17)) == (date(2027, 6, 14), date(2027, 6, 20))


def test_an_adult_may_work_longer_but_not_past_the_periods_cap(at_work):
    adult = at_work["adult"]
    days = [START + timedelta(days=n) for n in range(12)]
    for day in days[:10]:
        hours_record(
            offer=adult, data=DayInput(day=day, starts_at=time(7), ends_at=time(16)), by_name="H"
        )
    assert period_hours(adult) == Decimal(90)
    with pytest.raises(ApplicationError, match="more than the 90"):
        hours_record(offer=adult, data=DayInput(day=days[10], starts_at=time(8), ends_at=time(9)))


def test_an_absence_counts_no_hours(link, at_work, client):
    minor = at_work["minor"]
    client.post(f"{link}day/{END.isoformat()}/", day_post(minor, absence="sick"))
    entry = HoursEntry.objects.get(offer=minor)
    assert (entry.hours, entry.absence, entry.starts_at) == (Decimal(0), "sick", None)


def test_hours_are_for_the_days_of_the_period_up_to_today(at_work):
    adult = at_work["adult"]
    for day in (START - timedelta(days=1), TODAY + timedelta(days=1)):
        with pytest.raises(ApplicationError):
            hours_record(offer=adult, data=DayInput(day=day, starts_at=time(8), ends_at=time(9)))
    with pytest.raises(ApplicationError, match="not taken the job"):
        hours_record(offer=at_work["waiting"], data=DayInput(day=END, absence="sick"))


def test_the_attestation_locks_the_period_and_staff_correct_it_with_a_reason(
    link, at_work, client, lead
):
    adult = at_work["adult"]
    hours_record(offer=adult, data=DayInput(day=END, starts_at=time(8), ends_at=time(14)))
    url = f"{link}attest/{adult.pk}/"
    assert client.post(url, {"name": "Hanna Handledare"}).status_code == 302
    attestation = Attestation.objects.get(offer=adult)
    assert (attestation.hours, attestation.attested_by_name) == (Decimal(6), "Hanna Handledare")
    assert "attested by Hanna Handledare" in client.get(url).content.decode()

    response = client.post(f"{link}day/{END.isoformat()}/", day_post(adult, absence="sick"))
    assert response.status_code == 400 and "attested" in response.content.decode()
    with pytest.raises(ApplicationError, match="why"):
        hours_record(offer=adult, data=DayInput(day=END, absence="sick"), actor=lead)
    hours_record(
        offer=adult,
        data=DayInput(day=END, absence="sick"),
        actor=lead,
        reason="Var sjuk, enligt läkarintyg",
    )
    assert period_hours(adult) == 0 and Attestation.objects.get(offer=adult).hours == 6
    with pytest.raises(ApplicationError, match="already attested"):
        period_attest(offer=adult, by_name="Någon Annan")


def test_a_period_is_attested_from_its_last_day_on(at_work):
    with pytest.raises(ApplicationError, match="last day"):
        period_attest(offer=at_work["adult"], by_name="Hanna", today=START)


def test_a_new_link_replaces_the_old_and_others_are_not_found(
    link, at_work, summer, lead, client_for, client
):
    client_for(lead).post(
        reverse(
            "summerjobs:workplace_link",
            kwargs={"pk": summer.season.pk, "workplace": at_work["park"].workplace.pk},
        )
    )
    assert client.get(link).status_code == 404
    for url in ("/apply/w/nothing/", f"/apply/w/nothing/day/{END.isoformat()}/"):
        assert client.get(url).status_code == 404


def test_a_young_person_of_another_workplace_or_a_bad_day_is_not_found(link, at_work, client):
    assert client.get(f"{link}attest/{at_work['waiting'].pk}/").status_code == 404
    for day in ("2027-02-30", "0001-01-01", "9999-12-31", "idag"):
        assert client.get(f"{link}day/{day}/").status_code == 404, day
    response = client.post(
        f"{link}day/{END.isoformat()}/", day_post(at_work["adult"], starts_at="kl 8")
    )
    assert response.status_code == 400 and not HoursEntry.objects.exists()


def test_only_the_programmes_leads_send_links_and_others_do_not_see_the_page(
    world, at_work, summer, client_for
):
    url = reverse(
        "summerjobs:workplace_link",
        kwargs={"pk": summer.season.pk, "workplace": at_work["park"].workplace.pk},
    )
    page = reverse("summerjobs:workplaces", kwargs={"pk": summer.season.pk})
    caseworker = client_for(world.foreign_caseworker)  # the programme's: sees, does not send
    assert caseworker.get(page).status_code == 200
    assert caseworker.post(url).status_code == 404
    for outsider in (world.caseworker, world.programme_lead):  # another municipality
        assert client_for(outsider).get(page).status_code == 404
        assert client_for(outsider).post(url).status_code == 404
    assert not mail.outbox or all("park@" not in m.to[0] for m in mail.outbox)


def test_the_workplace_page_has_a_place_on_the_season(at_work, summer, lead, client_for):
    client = client_for(lead)
    season_page = client.get(reverse("summerjobs:season", kwargs={"pk": summer.season.pk}))
    assert (
        reverse("summerjobs:workplaces", kwargs={"pk": summer.season.pk})
        in season_page.content.decode()
    )
    page = client.get(reverse("summerjobs:workplaces", kwargs={"pk": summer.season.pk}))
    assert "Parkförvaltningen" in page.content.decode()
    assert Place.objects.filter(workplace__name="Parkförvaltningen").exists()


def test_staff_see_every_entry_and_correct_an_attested_day_with_a_reason(
    world, at_work, lead, client_for
):
    adult = at_work["adult"]
    hours_record(
        offer=adult, data=DayInput(day=END, starts_at=time(8), ends_at=time(14)), by_name="Hanna"
    )
    period_attest(offer=adult, by_name="Hanna Handledare")
    url = reverse("summerjobs:offer_hours", kwargs={"pk": adult.pk})
    client = client_for(lead)
    day = {"day": END.isoformat(), "starts_at": "08:00", "ends_at": "12:00", "break_minutes": 0}

    refused = client.post(url, day)
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    saved = client.post(url, {**day, "reason": "Gick hem vid lunch, enligt handledaren"})
    assert saved.status_code == 302
    page = client.get(url).content.decode()
    assert "Gick hem vid lunch" in page and "replaced" in page and "Lena Projektledare" in page
    assert period_hours(adult) == 4

    caseworker = client_for(world.foreign_caseworker)  # sees, does not correct
    assert caseworker.get(url).status_code == 200
    assert caseworker.post(url, {**day, "reason": "x" * 10}).status_code == 404
    for outsider in (world.caseworker, world.programme_lead):
        assert client_for(outsider).get(url).status_code == 404
    assert period_hours(adult) == 4


def test_the_workplace_page_takes_as_many_queries_for_one_day_of_hours_as_for_many(
    link, at_work, client
):
    adult, minor = at_work["adult"], at_work["minor"]
    hours_record(offer=adult, data=DayInput(day=END, starts_at=time(8), ends_at=time(12)))
    with CaptureQueriesContext(connection) as few:
        client.get(link)
    for n in range(2, 6):
        day = END - timedelta(days=n)
        for offer in (adult, minor):
            hours_record(offer=offer, data=DayInput(day=day, starts_at=time(8), ends_at=time(12)))
    with CaptureQueriesContext(connection) as more:
        page = client.get(link).content.decode()
    assert "20 of 90 hours" in page and "16 of 90 hours" in page
    assert len(more) == len(few) <= 12


def test_a_handledare_opens_one_young_persons_contact_and_next_of_kin_and_it_is_recorded(
    link, at_work, lead, client
):
    minor = at_work["minor"]
    prestart_next_of_kin(
        offer=minor, name="Maja Anhörig", phone="070-555 12 34", expected_version=1, actor=lead
    )
    person = minor.allocation.application
    person.phone = "070-222 33 44"
    person.save(update_fields=["phone"])
    overview = client.get(link).content.decode()
    assert f"{link}people/{minor.pk}/" in overview
    assert person.phone not in overview  # contact details only one person at a time

    page = client.get(f"{link}people/{minor.pk}/").content.decode()
    assert person.phone in page and person.email in page
    assert "Maja Anhörig" in page and "070-555 12 34" in page
    hidden = [person.national_id_masked, person.guardian_email, person.guardian_phone]
    assert all(hidden)
    assert not [value for value in hidden if value in page]
    [look] = WorkplaceLook.objects.all()
    assert look.application_key == person.pk
    assert (look.workplace_key, look.workplace_name) == (
        at_work["park"].workplace.pk,
        at_work["park"].workplace.name,
    )
    assert client.get(f"{link}people/{at_work['adult'].pk}/").status_code == 200
    empty = client.get(f"{link}people/{at_work['adult'].pk}/").content.decode()
    assert "No next of kin recorded yet" in empty
    assert WorkplaceLook.objects.count() == 3


def test_the_contact_of_someone_not_at_the_workplace_is_not_found_and_nothing_is_recorded(
    link, at_work, summer, lead, client_for, client
):
    assert client.get(f"{link}people/{at_work['waiting'].pk}/").status_code == 404
    assert client.get(f"{link}people/999999/").status_code == 404
    new = reverse(
        "summerjobs:workplace_link",
        kwargs={"pk": summer.season.pk, "workplace": at_work["park"].workplace.pk},
    )
    assert client_for(lead).post(new).status_code == 302  # the old link stops working
    assert client.get(f"{link}people/{at_work['adult'].pk}/").status_code == 404
    assert not WorkplaceLook.objects.exists()
    with pytest.raises(AppendOnlyError):
        WorkplaceLook.objects.create(
            workplace_key=1, workplace_name="x", application_key=1
        ).delete()


def test_each_staff_page_about_one_young_person_is_an_access_event_on_their_application(
    world, at_work, lead, client_for
):
    offer = at_work["adult"]
    pages = [
        reverse("summerjobs:prestart", kwargs={"pk": offer.pk}),
        reverse("summerjobs:offer_hours", kwargs={"pk": offer.pk}),
        reverse("summerjobs:offer_answer", kwargs={"pk": offer.pk}),
        reverse("summerjobs:override", kwargs={"pk": offer.allocation_id}),
    ]
    for url in pages:
        assert client_for(lead).get(url).status_code == 200, url
    events = AccessEvent.objects.filter(
        model="summerjobs.application", object_id=str(offer.allocation.application_id)
    )
    assert sorted(e.page for e in events) == sorted(
        ["summerjobs:prestart", "summerjobs:offer_hours", "summerjobs:offer_answer",
         "summerjobs:override"]
    )  # fmt: skip
    assert {e.user for e in events} == {lead} and {e.action for e in events} == {"view"}
    for outsider in (world.caseworker, world.programme_lead):  # another municipality
        for url in pages:
            assert client_for(outsider).get(url).status_code == 404
    assert events.count() == 4


# --- a minor's weekly rest: 36 hours off in a row in each calendar week ------------------------


def test_a_minors_week_leaves_thirty_six_hours_off_in_a_row_from_monday_to_sunday():
    monday = date(2027, 6, 14)
    saturday = monday + timedelta(days=5)
    weekdays = [(monday + timedelta(days=n), time(8), time(14, 30)) for n in range(5)]
    assert rules.longest_rest(monday, weekdays) == timedelta(hours=57, minutes=30)
    assert rules.longest_rest(monday, []) == timedelta(days=7)
    rules.check_weekly_rest(monday, [*weekdays, (saturday, time(8), time(12))])  # 36 h exactly
    with pytest.raises(ApplicationError) as refused:
        rules.check_weekly_rest(monday, [*weekdays, (saturday, time(8), time(12, 30))])
    assert refused.value.field == "starts_at"
    with translation.override("en"):
        assert "35.5 hours" in str(refused.value.message)
    # The rest lies inside the week: Tuesday to Saturday leaves 30 and 32 hours at its ends.
    tuesday_on = [(monday + timedelta(days=n), time(6), time(16)) for n in range(1, 6)]
    assert rules.longest_rest(monday, tuesday_on) == timedelta(hours=32)


def first_whole_week() -> date:
    """The Monday of the first calendar week wholly in the period (START to END)."""
    return START + timedelta(days=(7 - START.weekday()) % 7)


def work_day(offer: Offer, day: date, starts: time, ends: time, **more) -> HoursEntry:
    data = DayInput(
        day=day, starts_at=starts, ends_at=ends, break_minutes=30 if ends > time(13) else 0
    )
    return hours_record(offer=offer, data=data, by_name="Hanna Handledare", **more)


def test_a_minors_day_that_leaves_no_weekly_rest_is_refused_and_a_new_entry_counts(at_work, lead):
    minor, adult = at_work["minor"], at_work["adult"]
    monday = first_whole_week()
    saturday, sunday = monday + timedelta(days=5), monday + timedelta(days=6)
    for offer in (minor, adult):
        for n in range(5):
            work_day(offer, monday + timedelta(days=n), time(8), time(14, 30))
    work_day(minor, saturday, time(8), time(12))  # from 12:00 to Monday: 36 hours
    with pytest.raises(ApplicationError) as refused:
        work_day(minor, saturday, time(8), time(12, 30))  # 35.5
    assert refused.value.field == "starts_at"
    with pytest.raises(ApplicationError):
        work_day(minor, sunday, time(10), time(12))
    assert HoursEntry.objects.filter(offer=minor).count() == 6
    # Saturday recorded again as a day off ill: the newest entry counts, so Sunday fits.
    hours_record(offer=minor, data=DayInput(day=saturday, absence="sick"), by_name="H")
    work_day(minor, sunday, time(10), time(12))
    # A staff correction of Saturday back to work would leave at most 22 hours: refused.
    with pytest.raises(ApplicationError, match="time off in a row"):
        work_day(minor, saturday, time(8), time(12), actor=lead)
    # Adults: seven days in a row.
    for day in (saturday, sunday):
        work_day(adult, day, time(8), time(14, 30))
    assert period_hours(adult) == 42


def test_the_workplace_is_told_of_the_weekly_rest_and_nothing_is_saved(link, at_work, client):
    minor = at_work["minor"]
    monday = first_whole_week()
    for n in range(6):
        work_day(minor, monday + timedelta(days=n), time(8), time(12))
    url = f"{link}day/{(monday + timedelta(days=6)).isoformat()}/"
    response = client.post(url, day_post(minor, starts_at="08:00", ends_at="10:00"))
    assert response.status_code == 400
    assert "longest time off in a row this week" in response.content.decode()
    assert HoursEntry.objects.filter(offer=minor).count() == 6
