"""The journal: notes, confidential notes, drafts saved while typing, and tasks."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import ChangeEvent
from participants.models import CaseNote, NoteDraft, Task
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def detail(client, world) -> str:
    return client.get(reverse("participants:detail", args=[world.participant.pk])).content.decode()


def write(client, world, **overrides):
    data = {
        "kind": "meeting",
        "occurred_on": TODAY.isoformat(),
        "text": "Talked about the next placement.",
        **overrides,
    }
    return client.post(reverse("participants:note-create", args=[world.participant.pk]), data)


@pytest.fixture
def colleague(world):
    """A second caseworker in the same programme."""
    user = UserFactory(municipality=world.municipality, full_name="Cecilie Colleague")
    MembershipFactory(user=user, programme=world.programme, role="caseworker")
    return user


def test_a_note_is_saved_and_shown_in_the_journal(world, client_for, colleague):
    assert write(client_for(world.caseworker), world).status_code == 302
    assert "Talked about the next placement." in detail(client_for(colleague), world)


def test_the_change_history_records_the_note_but_not_its_text(world, client_for):
    write(client_for(world.caseworker), world, text="Very private words")
    event = ChangeEvent.objects.get(model="participants.casenote")
    assert "Very private words" not in str(event.changes)


def test_a_confidential_note_is_read_only_by_its_author_and_the_programme_lead(
    world, client_for, colleague
):
    write(client_for(world.caseworker), world, text="Secret matter", confidential="on")
    assert "Secret matter" in detail(client_for(world.caseworker), world)
    assert "Secret matter" in detail(client_for(world.programme_lead), world)
    assert "Secret matter" not in detail(client_for(colleague), world)
    note = CaseNote.objects.get()
    assert (
        client_for(colleague).get(reverse("participants:note-edit", args=[note.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker", "admin"])
def test_people_without_case_access_see_no_notes_and_cannot_write(world, client_for, who):
    write(client_for(world.caseworker), world, text="Journal entry")
    client = client_for(getattr(world, who))
    response = client.get(reverse("participants:detail", args=[world.participant.pk]))
    assert "Journal entry" not in response.content.decode()
    assert write(client, world).status_code == 404
    assert (
        client.post(
            reverse("participants:note-draft", args=[world.participant.pk]), {"text": "x"}
        ).status_code
        == 404
    )
    assert CaseNote.objects.count() == 1


def test_a_follow_up_date_creates_a_task_for_the_author(world, client_for):
    write(
        client_for(world.caseworker), world, follow_up_on=(TODAY + timedelta(days=14)).isoformat()
    )
    task = Task.objects.get()
    assert (task.assignee, task.due_on, task.note) == (
        world.caseworker,
        TODAY + timedelta(days=14),
        CaseNote.objects.get(),
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": ""}, "required"),
        ({"text": "   "}, "required"),
        ({"text": "x" * 20001}, "at most 20000"),
        ({"text": "null\x00byte"}, "not allowed"),
        ({"occurred_on": (TODAY + timedelta(days=1)).isoformat()}, "future"),
        ({"occurred_on": "not-a-date"}, "valid date"),
        ({"follow_up_on": (TODAY - timedelta(days=1)).isoformat()}, "past"),
        ({"kind": "gossip"}, "valid choice"),
    ],
)
def test_bad_notes_are_refused_and_nothing_is_lost(world, client_for, overrides, message):
    response = write(client_for(world.caseworker), world, **overrides)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert not CaseNote.objects.exists()


class TestDrafts:
    def draft_url(self, world):
        return reverse("participants:note-draft", args=[world.participant.pk])

    def test_typing_saves_a_draft_that_the_form_restores(self, world, client_for):
        client = client_for(world.caseworker)
        response = client.post(
            self.draft_url(world),
            {"text": "Half a thought", "kind": "phone", "evil": "ignored"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and "Draft saved" in response.content.decode()
        assert NoteDraft.objects.get().data == {"text": "Half a thought", "kind": "phone"}
        page = client.get(reverse("participants:note-create", args=[world.participant.pk]))
        assert "Half a thought" in page.content.decode()
        assert "has been restored" in page.content.decode()

    def test_saving_the_note_removes_the_draft(self, world, client_for):
        client = client_for(world.caseworker)
        client.post(self.draft_url(world), {"text": "Half"})
        write(client, world, text="Whole")
        assert not NoteDraft.objects.exists()

    def test_drafts_are_personal(self, world, client_for, colleague):
        client_for(world.caseworker).post(self.draft_url(world), {"text": "Mine only"})
        page = (
            client_for(colleague)
            .get(reverse("participants:note-create", args=[world.participant.pk]))
            .content.decode()
        )
        assert "Mine only" not in page


class TestEditing:
    @pytest.fixture
    def note(self, world, client_for):
        write(client_for(world.caseworker), world, text="First words")
        return CaseNote.objects.get()

    def url(self, note):
        return reverse("participants:note-edit", args=[note.pk])

    def test_the_author_corrects_a_note(self, world, client_for, note):
        response = client_for(world.caseworker).post(
            self.url(note),
            {
                "kind": "phone",
                "occurred_on": TODAY.isoformat(),
                "text": "Corrected words",
                "version": 1,
            },
        )
        assert response.status_code == 302
        note.refresh_from_db()
        assert note.text == "Corrected words" and note.kind == "phone"
        change = ChangeEvent.objects.get(model="participants.casenote", action="update")
        assert "Corrected" not in str(change.changes) and "text" in change.changes

    def test_nobody_else_may_edit(self, world, client_for, note, colleague):
        for user in (colleague, world.programme_lead, world.arbeidsleder):
            response = client_for(user).post(
                self.url(note),
                {"kind": "phone", "occurred_on": TODAY.isoformat(), "text": "Hijack", "version": 1},
            )
            assert response.status_code == 404
        note.refresh_from_db()
        assert note.text == "First words"

    def test_a_stale_edit_is_refused(self, world, client_for, note):
        client = client_for(world.caseworker)
        data = {"kind": "meeting", "occurred_on": TODAY.isoformat(), "version": 1}
        client.post(self.url(note), {**data, "text": "Tab one"})
        response = client.post(self.url(note), {**data, "text": "Tab two"})
        assert "changed in another window" in response.content.decode()
        note.refresh_from_db()
        assert note.text == "Tab one"


class TestTasks:
    def create(self, client, world, **overrides):
        data = {
            "title": "Call NAV about the contract",
            "due_on": (TODAY + timedelta(days=3)).isoformat(),
            "assignee": world.caseworker.pk,
            **overrides,
        }
        return client.post(reverse("participants:task-create", args=[world.participant.pk]), data)

    def test_a_task_is_added_done_and_reopened(self, world, client_for):
        client = client_for(world.programme_lead)
        assert self.create(client, world).status_code == 302
        task = Task.objects.get()
        assert "Call NAV about the contract" in detail(client, world)
        done = reverse("participants:task-done", args=[task.pk])
        client.post(done, {"done": "1"})
        task.refresh_from_db()
        assert task.done_at is not None and task.done_by == world.programme_lead
        client.post(done, {"done": "0"})
        task.refresh_from_db()
        assert task.done_at is None

    @pytest.mark.parametrize("field", ["other_caseworker", "foreign_caseworker", "arbeidsleder"])
    def test_a_task_cannot_go_to_someone_outside_the_case(self, world, client_for, field):
        response = self.create(
            client_for(world.caseworker), world, assignee=getattr(world, field).pk
        )
        assert "valid choice" in response.content.decode()
        assert not Task.objects.exists()

    @pytest.mark.parametrize("overrides", [{"title": ""}, {"due_on": ""}, {"due_on": "31.02"}])
    def test_an_incomplete_task_is_refused(self, world, client_for, overrides):
        response = self.create(client_for(world.caseworker), world, **overrides)
        assert response.status_code == 200
        assert not Task.objects.exists()

    def test_others_cannot_close_a_task(self, world, client_for):
        self.create(client_for(world.caseworker), world)
        task = Task.objects.get()
        for user in (world.arbeidsleder, world.other_caseworker, world.foreign_caseworker):
            response = client_for(user).post(
                reverse("participants:task-done", args=[task.pk]), {"done": "1"}
            )
            assert response.status_code == 404
        task.refresh_from_db()
        assert task.done_at is None
