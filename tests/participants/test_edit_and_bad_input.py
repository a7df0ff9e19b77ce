import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EnrollmentFactory, ParticipantFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def edit(client, participant, **data):
    return client.post(reverse("participants:edit", args=[participant.pk]), data)


def test_a_second_edit_based_on_an_old_version_is_refused_and_shows_what_changed(world, client_for):
    first, second = client_for(world.caseworker), client_for(world.programme_lead)
    assert (
        edit(
            first, world.participant, first_name="Amalia", last_name="Testesen", version=1
        ).status_code
        == 302
    )
    response = edit(second, world.participant, first_name="Amelie", last_name="Testesen", version=1)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Somebody else saved changes to this person" in page and "Amalia" in page
    world.participant.refresh_from_db()
    assert world.participant.first_name == "Amalia"  # the first save was not overwritten
    # The form now carries the current version, so saving again is a deliberate choice.
    assert 'name="version" value="2"' in page


@pytest.mark.parametrize(
    "data",
    [
        {"first_name": "", "last_name": "X", "version": 1},
        {"first_name": "A", "last_name": "X" * 101, "version": 1},
        {"first_name": "A", "last_name": "X", "version": "abc"},
        {"first_name": "A", "last_name": "X", "version": 99999999999999999999},
        {"first_name": "A\x00B", "last_name": "X", "version": 1},
        {"first_name": "   ", "last_name": "X", "version": 1},
    ],
)
def test_bad_edits_get_a_form_error_and_change_nothing(world, client_for, data):
    response = edit(client_for(world.caseworker), world.participant, **data)
    assert response.status_code == 200
    assert 'class="error' in response.content.decode()  # the form's error markup
    world.participant.refresh_from_db()
    assert (world.participant.first_name, world.participant.version) == ("Amalie", 1)


@pytest.mark.parametrize(
    "path",
    [
        "/participants/0/",
        "/participants/99999999999999999999/",
        "/participants/-1/",
        "/participants/abc/",
        "/worksites/99999999999999999999/",
        "/participants/%00/",
    ],
)
def test_malformed_or_unknown_ids_are_404(world, client_for, path):
    assert client_for(world.caseworker).get(path).status_code == 404


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", "%00"])
def test_a_malformed_page_number_shows_a_real_page(world, client_for, page):
    response = client_for(world.caseworker).get(f"/participants/?page={page}")
    assert response.status_code == 200
    assert "Testesen" in response.content.decode()


def test_a_search_with_a_nul_byte_is_harmless(world, client_for):
    client = client_for(world.caseworker)
    response = client.post(reverse("participants:caseload"), {"q": "Ama\x00lie"}, follow=True)
    assert response.status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(reverse("participants:detail", args=[world.participant.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _caseload_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("participants:caseload")).status_code == 200
    return len(queries)


def test_the_caseload_costs_the_same_queries_for_one_row_or_a_full_page(world, client_for):
    client = client_for(world.caseworker)
    client.get(reverse("participants:caseload"))  # session and role caches warm
    with_one = _caseload_queries(client)
    for _ in range(30):
        person = ParticipantFactory(municipality=world.municipality)
        PlacementFactory(
            enrollment=EnrollmentFactory(
                participant=person, programme=world.programme, caseworker=world.caseworker
            ),
            worksite=world.worksite,
        )
    with_a_page = _caseload_queries(client)
    assert with_one == with_a_page
    assert with_a_page <= 12


def test_the_participant_page_costs_a_fixed_number_of_queries(world, client_for):
    """Every kind of row the page shows grows; the number of queries does not."""
    from datetime import date, timedelta

    from participants.journal import note_create, task_create
    from participants.models import Document, FollowUp
    from tests.factories import ConsentFactory

    client = client_for(world.caseworker)
    url = reverse("participants:detail", args=[world.participant.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    today = date.today()
    for n in range(5):
        enrollment = EnrollmentFactory(participant=world.participant, programme=world.programme)
        PlacementFactory(enrollment=enrollment, worksite=world.worksite)
        FollowUp.objects.create(enrollment=enrollment, months=6, due_on=today)
        note_create(
            actor=world.caseworker,
            participant=world.participant,
            kind="phone",
            occurred_on=today,
            text=f"Note {n}",
        )
        task_create(
            actor=world.caseworker,
            participant=world.participant,
            title=f"Task {n}",
            due_on=today + timedelta(days=n),
            assignee=world.caseworker,
        )
        ConsentFactory(
            participant=world.participant, recorded_by=world.caseworker, purpose="share_nav"
        )
        Document.objects.create(
            participant=world.participant,
            category="cv",
            file=f"documents/x{n}.pdf",
            display_name=f"cv{n}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=world.caseworker,
        )
        client.get(url)  # more access events too
    with CaptureQueriesContext(connection) as after:
        assert "Note 4" in client.get(url).content.decode()
    assert len(before) == len(after) <= 12
