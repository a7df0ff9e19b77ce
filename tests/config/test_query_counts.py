"""Pages added for the work side and reports: the number of queries does not grow with rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placements.models import AttendanceRecord
from placements.progress import progress_reply, progress_write
from placements.qualification import module_sign_off, path_create
from programs.models import Module, QualificationTrack
from reporting.models import ReportRun
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MembershipFactory,
    ParticipantFactory,
    PlacementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date.today()


def count(client, url, **headers) -> int:
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def grow(world, n: int) -> None:
    """n more of every kind of row these pages list."""
    track, _ = QualificationTrack.objects.get_or_create(name="Helsearbeiderfaget")
    modules = [
        Module.objects.get_or_create(track=track, number=k, defaults={"name": f"M{k}"})[0]
        for k in range(1, 6)
    ]
    for i in range(n):
        entry = progress_write(
            actor=world.arbeidsleder, placement=world.placement, text=f"Entry {i}", punctuality=4
        )
        progress_reply(actor=world.caseworker, entry=entry, text="Thanks")
        path = path_create(
            actor=world.caseworker,
            enrollment=world.enrollment,
            track=track,
            route="mfy",
            contract_ends_on=TODAY + timedelta(days=300),
        )
        module_sign_off(actor=world.arbeidsleder, path=path, module=modules[0], result="passed")
        CohortFactory(programme=world.programme)
        MembershipFactory(
            user=UserFactory(municipality=world.municipality), programme=world.programme
        )
        ReportRun.objects.create(
            kind="ks",
            programme=world.programme,
            period_start=TODAY,
            period_end=TODAY,
            requested_by=world.programme_lead,
        )
        placement = PlacementFactory(
            enrollment=EnrollmentFactory(
                participant=ParticipantFactory(municipality=world.municipality),
                programme=world.programme,
            ),
            worksite=world.worksite,
        )
        AttendanceRecord.objects.create(
            placement=placement, date=TODAY, status="present", recorded_by=world.arbeidsleder
        )


@pytest.mark.parametrize(
    ("who", "url_name", "htmx"),
    [
        ("caseworker", "placements:progress", True),
        ("caseworker", "placements:qualification", True),
        ("programme_lead", "programs:setup", False),
        ("programme_lead", "reporting:reports", False),
        ("programme_lead", "reporting:dashboard", False),
        ("admin", "accounts:users", False),
    ],
)
def test_the_query_count_is_fixed_and_within_the_bar(world, client_for, who, url_name, htmx):
    needs_pk = url_name.startswith("placements:")
    url = reverse(url_name, args=[world.participant.pk] if needs_pk else [])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client = client_for(getattr(world, who))
    grow(world, 1)
    few = count(client, url, **headers)
    grow(world, 8)
    many = count(client, url, **headers)
    assert few == many <= 12, (few, many)
