"""seed_scale's national world, read: other municipalities around the city, Norwegian and
Swedish, each with its own staff, each seeing only its own people, and attendance sums that add
up. One world is built for the module. CI runs this file on SQLite and on PostgreSQL (where the
rows go in with COPY); test_seed_nation_builds.py has the tests that build their own."""

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Country, Municipality, User
from demo.scale import email_domain
from demo.scale.removal import municipality_remove
from participants import national_id as nid
from participants.models import Participant
from placements.models import (
    PLACEMENT_TYPE_COUNTRY,
    ROUTE_COUNTRY,
    AttendanceMonth,
    AttendanceRecord,
    AttendanceStatus,
    Placement,
    QualificationPath,
)
from programs.models import PROGRAMME_KIND_COUNTRY, Programme, QualificationTrack

pytestmark = pytest.mark.django_db

CITY, PEOPLE, TOTAL = "Nordvik", 60, 200
TOWNS = [CITY, "Elvedal", "Tallsjö"]


@pytest.fixture(scope="module")
def nation(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The city of 60 people and two others, 200 people in all; its output."""
    with django_db_blocker.unblock():
        trades_before = set(QualificationTrack.objects.values_list("pk", flat=True))
        out = StringIO()
        call_command(
            "seed_scale", participants=PEOPLE, municipalities=3, total=TOTAL, seed=7,
            force=True, stdout=out,
        )  # fmt: skip
    yield out.getvalue()
    # Built outside the tests' transactions: leave the database as the other modules expect it.
    with django_db_blocker.unblock():
        for town in Municipality.objects.filter(name__in=TOWNS):
            municipality_remove(town)
        QualificationTrack.objects.exclude(pk__in=trades_before).delete()


def test_the_municipalities_share_the_people_and_each_has_its_own_staff_domain(nation):
    built = {m.name: m for m in Municipality.objects.filter(name__in=TOWNS).order_by("pk")}
    assert list(built) == TOWNS
    assert built["Tallsjö"].country == Country.SWEDEN
    sizes = {name: Participant.objects.filter(municipality=m).count() for name, m in built.items()}
    assert sizes[CITY] == PEOPLE and sum(sizes.values()) == TOTAL
    assert email_domain("Tallsjö") == "tallsjo.scale.example.org"
    for name, town in built.items():
        domain = email_domain(name)
        emails = User.objects.filter(municipality=town).values_list("email", flat=True)
        assert emails and all(email.endswith(f"@{domain}") for email in emails)
        assert f"@{domain}" in nation


def test_each_municipalitys_staff_see_only_their_own_people(nation):
    for user in User.objects.filter(municipality__name__in=TOWNS).select_related("municipality"):
        visible = Participant.objects.visible_to(user)
        assert not visible.exclude(municipality=user.municipality).exists(), user.email
    for town in Municipality.objects.filter(name__in=TOWNS):
        caseworker = User.objects.get(municipality=town, email__startswith="veileder1@")
        assert Participant.objects.visible_to(caseworker).exists(), town.name


def test_the_attendance_sums_are_those_of_the_days_in_every_municipality(nation):
    placements = Placement.objects.filter(worksite__municipality__name__in=TOWNS)
    kept = {
        (row.placement_id, row.month): (row.days, row.attended, row.hours, row.attended_unhoured)
        for row in AttendanceMonth.objects.filter(placement_id__in=placements.values("pk"))
    }
    counted: dict = {}
    for day in AttendanceRecord.objects.filter(placement__in=placements):
        key = (day.placement_id, day.date.replace(day=1))
        days, attended, hours, unhoured = counted.get(key, (0, 0, Decimal(0), 0))
        came = day.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
        counted[key] = (
            days + 1,
            attended + came,
            hours + (day.hours or 0 if came else 0),
            unhoured + (came and day.hours is None),
        )
    assert kept == counted
    summed = placements.filter(pk__in={placement for placement, _ in kept})
    assert set(summed.values_list("worksite__municipality__name", flat=True)) == set(TOWNS)


def test_a_swedish_municipality_uses_swedish_programmes_placements_and_numbers(nation):
    town = Municipality.objects.get(name="Tallsjö")
    people = Participant.objects.filter(municipality=town)

    kinds = Programme.objects.filter(municipality=town).values_list("kind", flat=True)
    types = Placement.objects.filter(worksite__municipality=town).values_list("type", flat=True)
    routes = QualificationPath.objects.filter(enrollment__participant__in=people)
    assert kinds and types and routes
    assert all(PROGRAMME_KIND_COUNTRY.get(kind, "SE") == "SE" for kind in kinds)
    assert all(PLACEMENT_TYPE_COUNTRY.get(kind, "SE") == "SE" for kind in types)
    assert all(ROUTE_COUNTRY[path.route] == "SE" for path in routes)
    assert {path.track.country for path in routes} <= {"SE"}
    for person in people:
        number = nid.parse(nid.decrypt(person.national_id_encrypted), country="SE")
        assert number.synthetic and number.birth_date == person.birth_date
        assert person.nav_innsatsgruppe == ""


def test_no_national_id_is_given_twice_in_the_whole_world(nation):
    people = Participant.objects.filter(municipality__name__in=TOWNS)
    hashes = Counter(people.values_list("national_id_hash", flat=True))
    assert len(hashes) == TOTAL and max(hashes.values()) == 1
