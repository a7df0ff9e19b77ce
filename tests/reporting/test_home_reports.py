"""The programme lead's home page: funder reports overdue or due, and targets as the newest
report froze them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from programs.models import Grant, ReportDeadline, Target
from reporting.services import report_request

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def grant(world):
    grant = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name="LIM-tilskudd",
        amount=1000,
        starts_on=TODAY - timedelta(days=200),
        ends_on=TODAY + timedelta(days=165),
    )
    grant.programmes.add(world.programme)
    ReportDeadline.objects.create(grant=grant, due_on=TODAY - timedelta(days=3), label="Halvår")
    ReportDeadline.objects.create(grant=grant, due_on=TODAY + timedelta(days=60), label="Slutt")
    Target.objects.create(grant=grant, metric="reached", value=10)
    return grant


def test_the_lead_sees_an_overdue_report_and_the_targets_of_the_newest_report(
    world, grant, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_request(
            actor=world.programme_lead,
            kind="lim",
            grant=grant,
            period_start=grant.starts_on,
            period_end=TODAY,
        )
    page = client_for(world.programme_lead).get(reverse("home")).content.decode()
    card = page[page.index('id="funder-reports"') :]
    assert "Halvår" in card and "Overdue" in card and "Slutt" not in card
    assert "Targets: LIM-tilskudd" in card and "People reached" in card
    row = card[card.index("People reached") : card.index("</tr>", card.index("People reached"))]
    assert ">10<" in row and ">1<" in row and "Behind" in row  # 1 of 10, 55 % of the time gone


def test_a_report_submitted_for_the_deadline_leaves_the_home_page(world, grant, client_for):
    ReportDeadline.objects.filter(label="Halvår").update(submitted_on=TODAY)
    page = client_for(world.programme_lead).get(reverse("home")).content.decode()
    assert "Halvår" not in page and "No report is overdue" in page


def test_nobody_but_the_lead_sees_the_grants_deadlines(world, grant, client_for):
    for user in (world.caseworker, world.foreign_caseworker, world.admin):
        page = client_for(user).get(reverse("home")).content.decode()
        assert "Halvår" not in page and 'id="funder-reports"' not in page


def test_a_lead_of_only_one_of_the_grants_programmes_is_not_told_of_its_deadlines(
    world, grant, client_for
):
    from tests import factories as f

    grant.programmes.add(world.other_programme)
    # A caseworker there, and a lead elsewhere: still not a lead of every funded programme.
    f.MembershipFactory(user=world.programme_lead, programme=world.other_programme)
    page = client_for(world.programme_lead).get(reverse("home")).content.decode()
    assert "Halvår" not in page
