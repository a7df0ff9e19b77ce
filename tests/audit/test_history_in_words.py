"""The change history reads in people's words: translated labels, choice labels, formatted
dates, an upload as «CV uploaded (PDF, 4.8 KB)» — never field names, model names or raw
sizes."""

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from participants.consents import document_upload
from participants.plan import goal_create, milestone_add
from participants.services import enrollment_change_status
from placements.services import placement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    pdf = SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n" + b"x" * 4925, "application/pdf")
    document_upload(
        actor=world.caseworker, participant=world.participant, category="cv", upload=pdf
    )
    goal = goal_create(
        actor=world.caseworker,
        participant=world.participant,
        category="work",
        title="Get a summer job",
        target_on=date(2026, 6, 1),
    )
    milestone_add(actor=world.caseworker, goal=goal, title="Send the CV")
    enrollment_change_status(
        actor=world.caseworker, enrollment=world.enrollment, expected_version=1, status="paused"
    )
    return world


def audit_page(world, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.caseworker)
    url = reverse("participants:audit", args=[world.participant.pk])
    return client.get(url).content.decode()


def test_the_history_reads_in_english_words(history):
    page = audit_page(history, "en")
    assert "CV uploaded (PDF, 4.8\xa0KB)" in page
    assert "Goal added" in page and "Goal: Get a summer job" in page
    assert "Target date: 06/01/2026" in page
    assert "Milestone added" in page
    assert "Status: <del>Active</del> → <ins>Paused</ins>" in page
    for internal in ("content type", "content_type", "goal:", "Size:", "4934", "participants."):
        assert internal not in page


def test_the_history_reads_in_norwegian_words(history):
    page = audit_page(history, "nb")
    assert "CV lastet opp (PDF, 4,8\xa0KB)" in page
    assert "Mål lagt til" in page and "Mål: Get a summer job" in page
    assert "MålDato" not in page and "01.06.2026" in page
    assert "Status: <del>Aktiv</del> → <ins>På pause</ins>" in page
    for internal in ("content type", "størrelse", "4934", "goal:"):
        assert internal not in page


def test_what_an_exit_closed_reads_as_counts_and_left_open():
    from audit.history import history_entry
    from audit.models import ChangeEvent

    event = ChangeEvent(
        model="participants.enrollment",
        action="update",
        changes={
            "status": ["active", "completed"],
            "ends_on": [None, "2026-11-30"],
            "exit_goals": [None, "2"],
            "exit_tasks": [None, "kept"],
        },
    )
    entry = history_entry(event)
    rows = {row.label: (row.old, row.new, row.only_new) for row in entry.rows}
    assert entry.headline == "Enrollment changed"
    assert rows["Status"] == ("Active", "Completed", False)
    assert rows["Ends on"] == ("–", "11/30/2026", False)
    assert rows["Open goals closed"][1:] == ("2", True)
    assert rows["Open tasks marked done"][1:] == ("No, left open", True)


@pytest.mark.parametrize(
    ("language", "days"),
    [("en", "Mon, Tue, Thu"), ("nb", "man, tir, tor")],
)
def test_a_placements_schedule_reads_as_weekdays(world, language, days):
    placement_create(
        actor=world.caseworker,
        enrollment=world.enrollment,
        worksite=world.worksite,
        type="arbeidstrening",
        field="renhold",
        starts_on=date(2026, 1, 5),
        schedule_days="013",
    )
    page = audit_page(world, language)
    assert days in page
    assert "013" not in page
