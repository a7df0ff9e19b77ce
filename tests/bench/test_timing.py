"""The Server-Timing header of the benchmark's settings: the access-event write, timed."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from audit.services import access_record
from bench.load import server_timing as parse
from bench.timing import server_timing

pytestmark = pytest.mark.django_db


def respond_with(view):
    return server_timing(view)(RequestFactory().get("/"))


def test_a_page_that_records_an_access_event_reports_the_time_of_the_write(world):
    def page(request):
        access_record(user=world.caseworker, participant=world.participant, page="test")
        return HttpResponse("ok")

    timing = parse(respond_with(page)["Server-Timing"])

    assert timing["audit"] > 0
    assert timing["app"] >= timing["audit"]


def test_a_page_that_only_reads_reports_no_audit_time(world):
    def page(request):
        list(type(world.participant).objects.all())
        return HttpResponse("ok")

    header = respond_with(page)["Server-Timing"]

    assert parse(header)["audit"] == 0
    assert parse(header)["app"] > 0
    assert 'desc="1 queries"' in header


def test_a_missing_header_reads_as_no_time():
    assert parse(None) == {"app": 0.0, "audit": 0.0}
