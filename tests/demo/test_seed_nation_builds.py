"""seed_scale's national world, built: the city exactly as it is built alone, a run that fails
or is refused, and the sizes and options. CI runs this file on SQLite and on PostgreSQL (where
the rows go in with COPY)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from accounts.models import (
    Municipality,
    ProgrammeMembership,
    User,
    WorksiteSupervisor,
)
from demo.scale import email_domain, work
from demo.scale.nation import towns
from participants.models import (
    CaseNote,
    Consent,
    Enrollment,
    EnrollmentStatusChange,
    FollowUp,
    Goal,
    Milestone,
    Participant,
    Task,
)
from placements.models import (
    AttendanceMonth,
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    QualificationPath,
    Worksite,
    WorksiteCapacity,
)
from programs.models import Cohort, Grant, Programme, ReportDeadline

pytestmark = pytest.mark.django_db

CITY, PEOPLE, TOTAL, SEED = "Nordvik", 60, 200, 7


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", seed=SEED, force=True, stdout=out, **options)
    return out.getvalue()


def seed_nation(**options) -> str:
    return seed(participants=PEOPLE, municipalities=3, total=TOTAL, **options)


def test_the_city_is_the_same_as_the_city_built_alone():
    seed_nation()
    in_the_nation = city_rows(CITY)

    seed(participants=PEOPLE, replace=True)

    assert city_rows(CITY) == in_the_nation
    assert Municipality.objects.count() == 3


def test_a_national_run_refuses_before_writing_when_one_municipality_exists():
    seed(participants=PEOPLE, municipality_name="Elvedal")
    before = Participant.objects.count()

    with pytest.raises(CommandError, match="Elvedal"):
        seed_nation()

    assert Participant.objects.count() == before
    assert not Municipality.objects.filter(name=CITY).exists()


def test_a_municipality_that_fails_leaves_nothing_of_itself(monkeypatch):
    """The second municipality fails at its last step: the city before it is whole, and
    nothing of the second is left."""
    attendance_create = work.attendance_create
    calls = []

    def fail_the_second(world, placed):
        calls.append(world.municipality.name)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return attendance_create(world, placed)

    monkeypatch.setattr(work, "attendance_create", fail_the_second)

    with pytest.raises(RuntimeError):
        seed_nation()

    assert list(Municipality.objects.values_list("name", flat=True)) == [CITY]
    assert Participant.objects.count() == PEOPLE
    assert not User.objects.filter(email__endswith=email_domain("Elvedal")).exists()
    assert AttendanceRecord.objects.exists()


def test_sizes_vary_and_add_up_for_a_national_world():
    planned = towns(name=CITY, participants=10_000, seed=2026, municipalities=30, total=100_000)

    sizes = [town.participants for town in planned]
    assert sum(sizes) == 100_000 and sizes[0] == 10_000 and len(set(sizes)) == 30
    assert min(sizes[1:]) > 1000 and max(sizes[1:]) < 15_000
    assert [town.country for town in planned].count("SE") == 4


def test_the_options_say_what_is_wrong():
    with pytest.raises(CommandError, match="--total"):
        seed(participants=PEOPLE, total=TOTAL)
    with pytest.raises(CommandError, match="fewer than one"):
        seed(participants=PEOPLE, municipalities=5, total=PEOPLE + 2)
    with pytest.raises(CommandError, match="At most"):
        seed(participants=PEOPLE, municipalities=99, total=100_000)


# --- the city's rows, as a build makes them -------------------------------------------------

# Each model the build writes, and its path to the municipality's name.
CITY_MODELS: tuple[tuple[type[models.Model], str], ...] = (
    (Municipality, "name"),
    (Programme, "municipality__name"),
    (Cohort, "programme__municipality__name"),
    (Worksite, "municipality__name"),
    (User, "municipality__name"),
    (ProgrammeMembership, "user__municipality__name"),
    (WorksiteSupervisor, "user__municipality__name"),
    (Grant, "municipality__name"),
    (Grant.programmes.through, "grant__municipality__name"),
    (ReportDeadline, "grant__municipality__name"),
    (WorksiteCapacity, "worksite__municipality__name"),
    (Participant, "municipality__name"),
    (Enrollment, "participant__municipality__name"),
    (EnrollmentStatusChange, "enrollment__participant__municipality__name"),
    (Consent, "participant__municipality__name"),
    (FollowUp, "enrollment__participant__municipality__name"),
    (CaseNote, "participant__municipality__name"),
    (Task, "participant__municipality__name"),
    (Goal, "participant__municipality__name"),
    (Milestone, "goal__participant__municipality__name"),
    (Placement, "worksite__municipality__name"),
    (ProgressEntry, "placement__worksite__municipality__name"),
    (QualificationPath, "enrollment__participant__municipality__name"),
    (ModuleProgress, "path__enrollment__participant__municipality__name"),
    (AttendanceRecord, "placement__worksite__municipality__name"),
)
# Values that differ between two builds by construction: a fresh IV for every encryption, a
# fresh salt for the password, the moment the account was made.
DIFFERENT_EVERY_TIME = {"national_id_encrypted", "password", "date_joined", "last_login"}


def city_rows(name: str) -> dict[str, list[tuple]]:
    """Every row the build wrote for the city, in the order written, with each key and each
    reference to the city's own rows counted from the first of its table (two builds of the
    same city differ only by where their keys start)."""
    firsts = {
        model: model.objects.filter(**{path: name}).aggregate(first=models.Min("pk"))["first"]
        for model, path in CITY_MODELS
    }
    found = {}
    for model, path in CITY_MODELS:
        columns = [f for f in model._meta.concrete_fields if _compared(f)]
        rows = model.objects.filter(**{path: name}).order_by("pk")
        found[model._meta.label] = [
            tuple(_relative(f, getattr(row, f.attname), firsts) for f in columns) for row in rows
        ]
    placements = Placement.objects.filter(worksite__municipality__name=name)
    found["sums"] = sorted(
        (_relative_to(Placement, row.placement_id, firsts), row.month, row.days, row.hours)
        for row in AttendanceMonth.objects.filter(placement_id__in=placements.values("pk"))
    )
    return found


def _compared(field) -> bool:
    made_now = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return (
        not made_now
        and field.default is not timezone.now
        and (field.name not in DIFFERENT_EVERY_TIME)
    )


def _relative(field, value, firsts: dict):
    if field.name == "nav_agreement" and value:  # NAV-<year>-<the enrollment's key>
        prefix, key = value.rsplit("-", 1)
        return f"{prefix}-{_relative_to(Enrollment, int(key), firsts)}"
    if field.primary_key:
        return _relative_to(field.model, value, firsts)
    if field.is_relation:
        return _relative_to(field.related_model, value, firsts)
    return value


def _relative_to(model, value, firsts: dict):
    first = firsts.get(model)
    return value if value is None or first is None else value - first


def test_the_comparison_sees_a_changed_day():
    seed(participants=PEOPLE)
    before = city_rows(CITY)
    day = AttendanceRecord.objects.order_by("pk").first()
    AttendanceRecord.objects.filter(pk=day.pk).update(hours=Decimal("1.25"))

    assert city_rows(CITY) != before
