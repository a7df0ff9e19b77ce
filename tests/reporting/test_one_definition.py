"""One definition per figure: the dashboard, the LIM report, the KS report and the programme
summary give the same number for the same period and population."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from participants.models import FollowUp
from placements.models import QualificationPath
from programs.models import Grant, QualificationTrack
from reporting.selectors import dashboard_figures
from reporting.services import report_request
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date.today()
START = TODAY - timedelta(days=200)
HEADLINES = [
    "participants",
    "new",
    "recruited",
    "continuing",
    "in_work_training",
    "in_ordinary_employment",
    "started_qualification_route",
    "exits",
    "in_work_or_education_at_exit",
    "outcomes",
    "activities",
    "qualification_routes",
    "placement_hours",
    "attendance_rate",
    "follow_up_6",
]


@pytest.fixture
def population(world):
    """Fourteen people: new and continuing, placed or not, some gone to work or school, two on
    a route to a trade certificate, one followed up six months after leaving."""
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    destinations = ["work_full", "education", "measure", "work_part", "other"]
    for index in range(13):
        person = f.ParticipantFactory(municipality=world.municipality)
        enrollment = f.EnrollmentFactory(
            participant=person,
            programme=world.programme,
            starts_on=START + timedelta(days=20) if index % 3 else START - timedelta(days=90),
        )
        if index < 5:
            enrollment.ends_on = TODAY - timedelta(days=10 + index)
            enrollment.destination = destinations[index]
            enrollment.status = "completed"
            enrollment.save()
        if index % 4:
            f.PlacementFactory(enrollment=enrollment, worksite=world.worksite)
        if index in (6, 7):
            QualificationPath.objects.create(
                enrollment=enrollment, track=track, route="mfy", contract_starts_on=TODAY
            )
    old = f.EnrollmentFactory(
        participant=f.ParticipantFactory(municipality=world.municipality),
        programme=world.programme,
        starts_on=START - timedelta(days=400),
        ends_on=START - timedelta(days=190),
        destination="work_full",
        status="completed",
    )
    FollowUp.objects.create(
        enrollment=old,
        months=6,
        due_on=TODAY - timedelta(days=5),
        status="work",
        recorded_on=TODAY - timedelta(days=3),
    )
    grant = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name="LIM",
        amount=Decimal("450000"),
        starts_on=START - timedelta(days=30),
        ends_on=TODAY + timedelta(days=100),
    )
    grant.programmes.add(world.programme)
    return grant


def build(world, captured, **values):
    data = {
        "actor": world.programme_lead,
        "period_start": START,
        "period_end": TODAY,
        "programme": world.programme,
        **values,
    }
    with captured(execute=True):
        run = report_request(**data)
    run.refresh_from_db()
    assert run.status == "ready", run.error
    return run.snapshot["figures"]


def test_every_output_gives_each_figure_the_same_number(
    world, population, django_capture_on_commit_callbacks
):
    board = dashboard_figures(
        programme=world.programme, cohort=None, period_start=START, period_end=TODAY
    )["figures"]
    outputs = {
        "lim": build(
            world, django_capture_on_commit_callbacks, kind="lim", grant=population, programme=None
        ),
        "ks": build(world, django_capture_on_commit_callbacks, kind="ks"),
        "summary": build(world, django_capture_on_commit_callbacks, kind="summary"),
    }
    compared = 0
    for key in HEADLINES:
        values = [board[key]] if key in board else []
        values += [shown[key] for shown in outputs.values() if key in shown]
        assert all(v == values[0] for v in values), (key, values)
        compared += len(values) > 1
    assert compared >= 12
    # and the figures say something: this population is not all zeros
    assert board["participants"] == 14 and board["exits"] == 5
    assert board["in_work_or_education_at_exit"] == 3 and board["started_qualification_route"] == 2
    assert board["in_ordinary_employment"] == 2
