"""The demo tells the funder's story: Lyngdal's LIM grant accounted for and its report ready,
Kristiansand's programme with enough exits and follow-ups for a KS report with content."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from participants.models import Enrollment, FollowUp
from placements.models import QualificationPath
from programs.models import Grant
from reporting.models import ReportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_lyngdals_grant_has_its_budget_costs_payments_position_and_targets(demo):
    grant = Grant.objects.get(municipality__name="Lyngdal")
    budget = sum(line.amount for line in grant.budget_lines.all())
    assert budget == Decimal("562500")
    assert grant.amount / budget == Decimal("0.8")  # the rest is the 20 % own contribution
    assert grant.costs.filter(financing="own").exists() and grant.costs.count() > 10
    assert all(grant.starts_on <= c.spent_on <= date.today() for c in grant.costs.all())
    assert grant.payments.exists() and grant.position_months.exists()
    assert dict(grant.targets.values_list("metric", "value"))["reached"] == 10


def test_four_of_lyngdals_ten_are_on_the_route_to_the_trade_certificate(demo):
    people = Enrollment.objects.filter(programme__name="En av mange")
    assert people.count() == 10
    paths = QualificationPath.objects.filter(enrollment__in=people)
    assert paths.count() == 4 and {p.track.name for p in paths} == {"Helsearbeiderfaget"}


def test_lyngdals_lim_report_is_ready_with_the_leads_words(demo):
    runs = ReportRun.objects.filter(grant__municipality__name="Lyngdal", status="ready")
    newest = runs.order_by("-pk").first()
    figures, targets = newest.snapshot["figures"], newest.snapshot["targets"]
    assert figures["participants"] == 10 and figures["in_work_training"] == 10
    assert {t["metric"]: t["status"] for t in targets}["reached"] == "met"
    assert newest.snapshot["money"]["totals"]["to_date"] != "0.00"
    assert all(part["text"] for part in newest.snapshot["narrative"])
    half_year = date(date.today().year, 8, 31)
    if half_year < date.today():
        submitted = runs.get(submitted_on__isnull=False)
        assert submitted.deadline.label == "Halvårsrapport LIM"


def test_kristiansand_has_exits_to_work_and_school_and_their_follow_ups(demo):
    exits = Enrollment.objects.filter(programme__name="Flere i arbeid", ends_on__isnull=False)
    assert exits.count() == 10
    assert exits.filter(destination__in=["work_full", "work_part", "apprenticeship"]).count() >= 5
    assert FollowUp.objects.filter(enrollment__in=exits).exclude(status="").count() >= 3


def test_loading_the_demo_mails_nobody(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert mailoutbox == []
