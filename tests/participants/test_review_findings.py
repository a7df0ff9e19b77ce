"""Holes found in review, each pinned by a test: protected addresses, other programmes'
enrollments, tasks after access ends, races, crafted uploads, searches and confidential notes."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import ProgrammeMembership
from audit.models import ChangeEvent
from config.errors import ApplicationError
from participants.journal import note_create, task_create
from participants.merge import participants_merge
from participants.models import Participant
from participants.services import PersonData, participant_update
from participants.synthetic import synthetic_fodselsnummer
from participants.uploads import display_name, inspect_upload
from tests.factories import (
    ConsentFactory,
    EnrollmentFactory,
    MembershipFactory,
    ParticipantFactory,
    PlacementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date.today()


def page(client, url) -> str:
    return client.get(url).content.decode()


class TestProtectedAddress:
    @pytest.fixture
    def protected(self, world):
        participant_update(
            actor=world.caseworker,
            participant=world.participant,
            expected_version=1,
            person=PersonData(
                "Amalie",
                "Testesen",
                values={"address": "Hemmeligveien 7", "protected_address": True},
            ),
        )
        world.participant.refresh_from_db()
        return world.participant

    def test_the_change_history_never_shows_a_protected_address(self, world, client_for, protected):
        audit = reverse("participants:audit", args=[protected.pk])
        for user in (world.programme_lead, world.caseworker):
            assert "Hemmeligveien" not in page(client_for(user), audit)
        assert "Hemmeligveien" not in str(list(ChangeEvent.objects.values_list("changes")))

    def test_only_the_assigned_caseworker_can_lift_the_protection(
        self, world, client_for, protected
    ):
        with pytest.raises(ApplicationError, match="assigned caseworker"):
            participant_update(
                actor=world.programme_lead,
                participant=protected,
                expected_version=2,
                person=PersonData("Amalie", "Testesen", values={"protected_address": False}),
            )
        edit = reverse("participants:edit", args=[protected.pk])
        assert 'name="protected_address"' not in page(client_for(world.programme_lead), edit)
        client_for(world.programme_lead).post(
            edit, {"first_name": "Amalie", "last_name": "Testesen", "version": 2}
        )
        protected.refresh_from_db()
        assert protected.protected_address and protected.address == "Hemmeligveien 7"
        detail = reverse("participants:detail", args=[protected.pk])
        assert "Hemmeligveien" not in page(client_for(world.programme_lead), detail)

    def test_a_merge_keeps_the_protection_and_bumps_the_version(self, world, client_for):
        hidden = ParticipantFactory(
            municipality=world.municipality,
            first_name="Amalie",
            last_name="Testesen",
            address="Skjultgata 1",
            protected_address=True,
            social_assistance=True,
        )
        EnrollmentFactory(participant=hidden, programme=world.programme)
        keep = participants_merge(
            actor=world.programme_lead, keep=world.participant, remove=hidden, reason="Same person"
        )
        assert keep.protected_address and keep.social_assistance
        assert keep.version == 2
        detail = reverse("participants:detail", args=[keep.pk])
        assert "Skjultgata" not in page(client_for(world.programme_lead), detail)


def test_a_caseworker_never_sees_the_persons_other_programmes(world, client_for):
    other = EnrollmentFactory(
        participant=world.participant,
        programme=world.other_programme,
        caseworker=world.other_caseworker,
        status="paused",
    )
    PlacementFactory(enrollment=other, worksite=world.other_worksite)
    client = client_for(world.caseworker)
    for url in (
        reverse("participants:detail", args=[world.participant.pk]),
        reverse("participants:caseload"),
    ):
        text = page(client, url)
        assert "Ung i jobb" not in text and "Other Caseworker" not in text
        assert "Kjøkkenet" not in text
    # and the other programme's caseworker sees only theirs
    text = page(
        client_for(world.other_caseworker),
        reverse("participants:detail", args=[world.participant.pk]),
    )
    assert "Ung i jobb" in text and "En av mange" not in text


def test_an_arbeidsleder_sees_only_placements_at_own_worksites_in_the_list(world, client_for):
    other = EnrollmentFactory(participant=world.participant, programme=world.other_programme)
    PlacementFactory(enrollment=other, worksite=world.other_worksite)
    text = page(client_for(world.arbeidsleder), reverse("participants:caseload"))
    assert "Helsehuset" in text and "Kjøkkenet" not in text


def test_a_task_is_out_of_sight_once_its_assignee_stops_following_the_person(world, client_for):
    task = task_create(
        actor=world.caseworker,
        participant=world.participant,
        title="Ring",
        due_on=TODAY,
        assignee=world.caseworker,
    )
    ProgrammeMembership.objects.filter(user=world.caseworker).delete()
    MembershipFactory(user=world.caseworker, programme=world.other_programme)
    client = client_for(world.caseworker)
    assert "Testesen" not in page(client, "/")
    response = client.post(reverse("participants:task-done", args=[task.pk]), {"done": "1"})
    assert response.status_code == 404


def test_two_edits_racing_for_one_national_id_get_a_message_not_an_error(world, monkeypatch):
    number = synthetic_fodselsnummer(date(2003, 3, 3), 620)
    twin = ParticipantFactory(municipality=world.municipality)
    participant_update(
        actor=world.caseworker,
        participant=twin,
        expected_version=1,
        person=PersonData(twin.first_name, twin.last_name, number),
    )
    # The duplicate check passes (the other save is not visible yet); the database refuses.
    monkeypatch.setattr("participants.services._check_duplicates", lambda **kwargs: None)
    with pytest.raises(ApplicationError, match="already registered"):
        participant_update(
            actor=world.caseworker,
            participant=world.participant,
            expected_version=1,
            person=PersonData("Amalie", "Testesen", number),
        )


def test_a_crafted_office_file_is_refused_without_unpacking_it(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "a" * 5_000_000)
    with pytest.raises(ApplicationError, match="whatever its name says"):
        inspect_upload(SimpleUploadedFile("bomb.odt", buffer.getvalue()))


def test_a_name_of_symbols_only_becomes_document():
    assert display_name("★★★") == "document"
    assert display_name("../★.pdf") == "document.pdf"
    assert display_name("cv 2026.pdf") == "cv_2026.pdf"


def test_a_national_id_inside_other_text_is_searched_as_an_id_and_not_kept(world, client_for):
    number = synthetic_fodselsnummer(date(2003, 3, 3), 620)
    participant_update(
        actor=world.caseworker,
        participant=world.participant,
        expected_version=1,
        person=PersonData("Amalie", "Testesen", number),
    )
    client = client_for(world.caseworker)
    client.post(reverse("participants:caseload"), {"q": f"fnr {number}"})
    session = str(dict(client.session))
    assert number not in session and number[:6] not in session
    assert "Testesen" in page(client, reverse("participants:caseload"))


class TestConfidentialNotes:
    def test_the_history_says_only_that_a_confidential_note_exists(self, world, client_for):
        note_create(
            actor=world.caseworker,
            participant=world.participant,
            kind="home_visit",
            occurred_on=TODAY,
            text="x",
            confidential=True,
            follow_up_on=TODAY + timedelta(days=3),
        )
        event = ChangeEvent.objects.get(model="participants.casenote")
        assert set(event.changes) == {"confidential"}
        colleague = UserFactory(municipality=world.municipality)
        MembershipFactory(user=colleague, programme=world.programme, role="caseworker")
        detail = page(
            client_for(colleague), reverse("participants:detail", args=[world.participant.pk])
        )
        assert "Home visit" not in detail

    def test_a_note_the_caseworker_cannot_read_does_not_hide_the_person(self, world, client_for):
        note_create(
            actor=world.programme_lead,
            participant=world.participant,
            kind="meeting",
            occurred_on=TODAY,
            text="Lead only",
            confidential=True,
        )
        assert "No note in 30 days" in page(client_for(world.caseworker), "/")


def test_the_duplicate_warning_names_nobody_the_user_may_not_see(world, client_for):
    number = synthetic_fodselsnummer(date(2006, 5, 17), 601)
    hidden = ParticipantFactory(
        municipality=world.municipality, first_name="Skjult", last_name="Hemmeligsen"
    )
    participant_update(
        actor=world.caseworker,
        participant=hidden,
        expected_version=1,
        person=PersonData("Skjult", "Hemmeligsen", number),
    )
    response = client_for(world.other_caseworker).post(
        reverse("participants:create"),
        {
            "first_name": "Ny",
            "last_name": "Person",
            "national_id": number,
            "programme": world.other_programme.pk,
        },
    )
    main = response.content.decode().split('<main id="main"', 1)[1]
    assert "already registered" in main
    assert "Hemmeligsen" not in main and "Skjult" not in main


def test_a_person_seen_only_through_consent_disappears_with_it(world, client_for):
    stranger = ParticipantFactory(municipality=world.municipality, last_name="Samtykkesen")
    PlacementFactory(
        enrollment=EnrollmentFactory(participant=stranger, programme=world.other_programme),
        worksite=world.worksite,
    )
    client = client_for(world.arbeidsleder)
    assert "Samtykkesen" not in page(client, reverse("participants:caseload"))
    ConsentFactory(participant=stranger, recorded_by=world.caseworker)
    assert "Samtykkesen" in page(client, reverse("participants:caseload"))
    assert Participant.objects.visible_to(world.arbeidsleder).filter(pk=stranger.pk).exists()
