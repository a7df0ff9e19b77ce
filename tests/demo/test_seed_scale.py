"""seed_scale: a small synthetic city that keeps every rule the services keep."""

import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Municipality, User, WorksiteSupervisor
from audit.models import AccessEvent
from audit.services import access_record
from demo.scale.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES
from demo.scale.removal import municipality_remove
from participants import national_id as nid
from participants.models import Consent, Enrollment, Participant
from participants.services import EXIT_STATUSES, TRANSITIONS, add_months
from participants.vocabularies import ConsentPurpose
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    Placement,
    PlacementStatus,
    QualificationPath,
)
from programs.models import QualificationTrack
from tests.support.visitors import english_visitor, sign_in

pytestmark = pytest.mark.django_db

PEOPLE = 60
# The tests that only read share one city, built once for the module.
SHARED = "Fjordvik"
NAMED = {
    "caseworker": "veileder1@fjordvik.scale.example.org",
    "lead": "programleder1@fjordvik.scale.example.org",
    "arbeidsleder": "arbeidsleder1@fjordvik.scale.example.org",
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", participants=PEOPLE, seed=7, force=True, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker) -> Iterator[Municipality]:
    with django_db_blocker.unblock():
        trades_before = set(QualificationTrack.objects.values_list("pk", flat=True))
        seed(municipality_name=SHARED)
        municipality = Municipality.objects.get(name=SHARED)
    yield municipality
    # Built outside the tests' transactions: leave the database as the other modules expect
    # it, without the city and without the trades the seed added (names are unique).
    with django_db_blocker.unblock():
        municipality_remove(municipality)
        QualificationTrack.objects.exclude(pk__in=trades_before).delete()


def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_scale", participants=PEOPLE, stdout=StringIO())
    assert not Municipality.objects.filter(name="Nordvik").exists()


def test_it_builds_the_city_and_reports_counts_and_sign_ins(settings):
    output = seed()

    city = Municipality.objects.get(name="Nordvik")
    assert Participant.objects.filter(municipality=city).count() == PEOPLE
    assert Enrollment.objects.filter(participant__municipality=city).count() == PEOPLE
    assert city.worksites.count() == 3
    assert AttendanceRecord.objects.filter(placement__worksite__municipality=city).count() > 3000
    assert re.search(rf"participants\.Participant\s+{PEOPLE}\n", output)
    for role in ("veileder1", "programleder1", "arbeidsleder1"):
        assert f"{role}@scale.example.org" in output


def test_every_attendance_record_is_on_a_scheduled_day_of_its_placement(city):
    yesterday = timezone.localdate() - timedelta(days=1)
    supervisors = set(WorksiteSupervisor.objects.values_list("user_id", "worksite_id"))
    records = AttendanceRecord.objects.filter(placement__worksite__municipality=city).values_list(
        "date", "recorded_by_id", "placement__starts_on", "placement__ends_on",
        "placement__schedule_days", "placement__status", "placement__worksite_id",
    )  # fmt: skip

    for day, by, starts_on, ends_on, days, status, site in records:
        assert starts_on <= day <= min(ends_on or yesterday, yesterday)
        assert str(day.weekday()) in days
        assert status != PlacementStatus.PLANNED
        assert (by, site) in supervisors


def test_enrollment_statuses_agree_with_exits_history_and_placements(city):
    today = timezone.localdate()
    enrollments = Enrollment.objects.filter(participant__municipality=city).prefetch_related(
        "status_changes", "placements", "follow_ups"
    )
    for e in enrollments:
        history = [change.status for change in e.status_changes.all()]
        assert history[0] == "referred" and history[-1] == e.status
        assert all(b in TRANSITIONS[a] for a, b in pairwise(history))
        exited = e.status in EXIT_STATUSES
        assert (e.ends_on is not None) == bool(e.exit_reason) == bool(e.destination) == exited
        assert not exited or e.starts_on <= e.ends_on <= today
        assert {f.months for f in e.follow_ups.all()} == ({6, 12} if exited else set())
        for placement in e.placements.all():
            assert placement.starts_on >= e.starts_on
            assert not exited or placement.ends_on <= e.ends_on
            current = placement.status in (PlacementStatus.PLANNED, PlacementStatus.ACTIVE)
            assert not current or e.status in ("intake", "active")
            assert placement.status != PlacementStatus.STOPPED or placement.stop_reason


def test_national_ids_decrypt_and_the_keyed_hash_finds_each_person(city):
    people = list(Participant.objects.filter(municipality=city))

    for person in people:
        number = nid.parse(nid.decrypt(person.national_id_encrypted), country="NO")
        assert number.synthetic and number.birth_date == person.birth_date
        assert person.national_id_masked == number.masked
        found = Participant.objects.filter(national_id_hash=nid.lookup_hash(number.value))
        assert list(found) == [person]


def test_a_persons_first_name_goes_with_their_gender(city):
    people = Participant.objects.filter(municipality=city)
    for gender, names in (("female", FEMALE_FIRST_NAMES), ("male", MALE_FIRST_NAMES)):
        assert set(people.filter(gender=gender).values_list("first_name", flat=True)) <= set(names)


def test_modules_are_signed_off_by_the_arbeidsleder_of_the_placement(city):
    paths = QualificationPath.objects.filter(enrollment__participant__municipality=city)
    for path in paths:
        assert path.registration_deadline == add_months(path.contract_ends_on, -3)
    progress = ModuleProgress.objects.filter(path__in=paths, result="passed")
    for row in progress.select_related("path__enrollment"):
        placement = row.path.enrollment.placements.get()
        assert row.signed_off_by_id == placement.supervisor_id
        assert row.signed_off_on <= timezone.localdate()


def test_the_named_users_sign_in_with_the_demo_password(city):
    for email in NAMED.values():
        response = sign_in(english_visitor(), email, settings.FOTFESTE_DEMO_PASSWORD)
        assert response.status_code == 302, email


def test_the_named_arbeidsleder_sees_everyone_currently_placed_at_the_worksite(city):
    arbeidsleder = User.objects.get(email=NAMED["arbeidsleder"])
    site = arbeidsleder.supervised_worksites.get().worksite
    placed = Placement.objects.current().filter(worksite=site)

    assert placed.count() >= 5
    assert set(placed.values_list("schedule_days", flat=True)) == {"01234"}
    visible = Participant.objects.visible_to(arbeidsleder)
    assert set(visible) == {p.enrollment.participant for p in placed}
    assert (
        Consent.objects.in_force()
        .filter(participant__in=visible, purpose=ConsentPurpose.SHARE_WORKSITE)
        .count()
        == placed.count()
    )


def test_the_named_caseworker_has_open_cases(city):
    caseworker = User.objects.get(email=NAMED["caseworker"])
    open_cases = Enrollment.objects.filter(caseworker=caseworker).exclude(status__in=EXIT_STATUSES)
    assert open_cases.exists()


def test_a_second_run_without_replace_refuses_and_changes_nothing(city):
    before = Participant.objects.count()

    with pytest.raises(CommandError, match="--replace"):
        seed(municipality_name=SHARED)

    assert Participant.objects.count() == before


def test_replace_rebuilds_the_city_and_leaves_other_municipalities_alone(world):
    AttendanceRecord.objects.create(
        placement=world.placement, date=world.placement.starts_on, status="present",
        recorded_by=world.arbeidsleder,
    )  # fmt: skip
    others = _rows_outside("Nordvik")
    seed()
    first = set(Participant.objects.filter(municipality__name="Nordvik").values_list("pk"))

    seed(replace=True)

    again = set(Participant.objects.filter(municipality__name="Nordvik").values_list("pk"))
    assert len(again) == PEOPLE and not first & again
    assert _rows_outside("Nordvik") == others


def test_replace_refuses_while_audit_rows_refer_to_the_city(city):
    person = Participant.objects.filter(municipality=city).first()
    caseworker = User.objects.get(email=NAMED["caseworker"])
    access_record(user=caseworker, participant=person, page="participants:detail")

    with pytest.raises(CommandError, match="1 access events"):
        seed(replace=True, municipality_name=SHARED)

    assert Participant.objects.filter(pk=person.pk).exists()
    assert AccessEvent.objects.count() == 1


def test_replace_refuses_a_municipality_it_did_not_build(world):
    with pytest.raises(CommandError, match="not built by seed_scale"):
        seed(replace=True, municipality_name=world.municipality.name)

    assert Participant.objects.filter(pk=world.participant.pk).exists()


def test_the_same_seed_builds_the_same_people():
    seed()
    seed(municipality_name="Sørvik")

    def people(name: str) -> list:
        return list(
            Participant.objects.filter(municipality__name=name)
            .order_by("pk")
            .values_list("first_name", "last_name", "birth_date", "national_id_masked")
        )

    assert people("Nordvik") == people("Sørvik")
    assert User.objects.filter(email="veileder1@sorvik.scale.example.org").exists()


def _rows_outside(name: str) -> dict:
    """Primary keys of every row of another municipality, per model."""
    return {
        model.__name__: set(model.objects.exclude(**{path: name}).values_list("pk", flat=True))
        for model, path in (
            (Municipality, "name"),
            (User, "municipality__name"),
            (Participant, "municipality__name"),
            (Enrollment, "participant__municipality__name"),
            (Placement, "worksite__municipality__name"),
            (AttendanceRecord, "placement__worksite__municipality__name"),
            (Consent, "participant__municipality__name"),
        )
    }
