"""An anonymised record holds figures only: nothing more is recorded about the person, through
the services, the pages or the API, and the pages offer no way to try."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeEvent
from config.errors import ApplicationError
from participants.consents import consent_record, consent_withdraw, document_upload
from participants.journal import draft_save, note_create, note_update, task_create, task_set_done
from participants.models import CaseNote, Consent, FollowUp, Goal, Participant, Task
from participants.plan import goal_create, goal_update, milestone_add, milestone_set_done
from participants.services import (
    PersonData,
    enrollment_change_status,
    enrollment_create,
    follow_up_record,
    participant_update,
)
from placements.attendance import attendance_record
from placements.models import ProgressEntry, QualificationPath
from placements.progress import progress_reply, progress_write
from placements.qualification import fagprove_record, module_sign_off, path_create
from placements.services import placement_create, placement_end
from privacy.erasure import participant_anonymise
from programs.models import Module, QualificationTrack
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
REFUSAL = "This record has been anonymised"


@pytest.fixture
def anonymised(world):
    """Everything a caseworker and an arbeidsleder record about a person, then the nightly
    retention job's anonymisation (no actor: the enrollment is left as it was)."""
    person, cw = world.participant, world.caseworker
    note = note_create(actor=cw, participant=person, kind="meeting", occurred_on=TODAY, text="Hi")
    goal = goal_create(actor=cw, participant=person, category="education", title="Vg2")
    milestone = milestone_add(actor=cw, goal=goal, title="Apply")
    task = task_create(actor=cw, participant=person, title="Call", due_on=TODAY, assignee=cw)
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    module = Module.objects.create(track=track, number=1, name="Kommunikasjon")
    path = path_create(actor=cw, enrollment=world.enrollment, track=track, route="mfy")
    entry = progress_write(actor=world.arbeidsleder, placement=world.placement, text="Good")
    FollowUp.objects.create(enrollment=world.enrollment, months=6, due_on=TODAY - timedelta(days=1))
    participant_anonymise(participant=person, reason="Retention period passed")
    person.refresh_from_db()
    world.placement.refresh_from_db()
    return {
        "person": person,
        "note": CaseNote.objects.get(pk=note.pk),
        "goal": Goal.objects.get(pk=goal.pk),
        "milestone": goal.milestones.get(pk=milestone.pk),
        "task_pk": task.pk,
        "path": QualificationPath.objects.get(pk=path.pk),
        "module": module,
        "entry": ProgressEntry.objects.get(pk=entry.pk),
    }


def _writes(world, a) -> dict:
    """Every service that records something about a person, as it would be called."""
    person, cw, lead, enrollment = a["person"], world.caseworker, world.programme_lead, None
    enrollment = person.enrollments.get()
    consent = Consent.objects.filter(participant=person).first()
    follow_up = FollowUp.objects.get(enrollment=enrollment)
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    return {
        "participant_update": lambda: participant_update(
            actor=cw,
            participant=person,
            expected_version=person.version,
            person=PersonData(first_name="Back", last_name="Again"),
        ),
        "enrollment_create": lambda: enrollment_create(
            actor=lead, participant=person, programme=world.programme
        ),
        "enrollment_change_status": lambda: enrollment_change_status(
            actor=cw, enrollment=enrollment, expected_version=enrollment.version, status="paused"
        ),
        "follow_up_record": lambda: follow_up_record(
            actor=cw,
            follow_up=follow_up,
            expected_version=follow_up.version,
            status="work",
            source="participant",
            verified=False,
        ),
        "note_create": lambda: note_create(
            actor=cw, participant=person, kind="meeting", occurred_on=TODAY, text="New"
        ),
        "note_update": lambda: note_update(
            actor=cw,
            note=a["note"],
            expected_version=a["note"].version,
            kind="meeting",
            occurred_on=TODAY,
            text="Changed",
            confidential=False,
        ),
        "draft_save": lambda: draft_save(actor=cw, participant=person, data={"text": "Typing"}),
        "task_create": lambda: task_create(
            actor=cw, participant=person, title="New", due_on=TODAY, assignee=cw
        ),
        "goal_create": lambda: goal_create(
            actor=cw, participant=person, category="education", title="New"
        ),
        "goal_update": lambda: goal_update(
            actor=cw,
            goal=a["goal"],
            expected_version=a["goal"].version,
            category="education",
            title="New",
            target_on=None,
            status="reached",
        ),
        "milestone_add": lambda: milestone_add(actor=cw, goal=a["goal"], title="New"),
        "milestone_set_done": lambda: milestone_set_done(
            actor=cw, milestone=a["milestone"], done=True
        ),
        "document_upload": lambda: document_upload(
            actor=cw, participant=person, category="plan", upload=pdf
        ),
        "consent_record": lambda: consent_record(
            actor=cw, participant=person, purpose="share_worksite", given_on=TODAY
        ),
        "consent_withdraw": lambda: consent_withdraw(
            actor=cw, consent=consent, expected_version=consent.version
        ),
        "placement_create": lambda: placement_create(
            actor=cw,
            enrollment=enrollment,
            worksite=world.worksite,
            type="arbeidstrening",
            field="health_care",
            starts_on=TODAY,
        ),
        "placement_end": lambda: placement_end(
            actor=cw,
            placement=world.placement,
            expected_version=world.placement.version,
            ends_on=TODAY,
            status="ended",
        ),
        "attendance_record": lambda: attendance_record(
            actor=world.arbeidsleder, placement=world.placement, day=TODAY, status="present"
        ),
        "progress_write": lambda: progress_write(
            actor=world.arbeidsleder, placement=world.placement, text="More"
        ),
        "progress_reply": lambda: progress_reply(actor=cw, entry=a["entry"], text="Thanks"),
        "path_create": lambda: path_create(
            actor=cw, enrollment=enrollment, track=a["path"].track, route="lærling"
        ),
        "module_sign_off": lambda: module_sign_off(
            actor=world.arbeidsleder, path=a["path"], module=a["module"], result="passed"
        ),
        "fagprove_record": lambda: fagprove_record(actor=cw, path=a["path"], fagprove_on=TODAY),
    }


WRITES = [
    "participant_update",
    "enrollment_create",
    "enrollment_change_status",
    "follow_up_record",
    "note_create",
    "note_update",
    "draft_save",
    "task_create",
    "goal_create",
    "goal_update",
    "milestone_add",
    "milestone_set_done",
    "document_upload",
    "consent_record",
    "consent_withdraw",
    "placement_create",
    "placement_end",
    "attendance_record",
    "progress_write",
    "progress_reply",
    "path_create",
    "module_sign_off",
    "fagprove_record",
]


def test_the_list_names_every_write_the_fixture_can_call(world, anonymised):
    assert sorted(_writes(world, anonymised)) == sorted(WRITES)


@pytest.mark.parametrize("write", WRITES)
def test_no_service_records_anything_more_about_an_anonymised_person(world, anonymised, write):
    history = ChangeEvent.objects.count()
    with pytest.raises(ApplicationError, match=REFUSAL):
        _writes(world, anonymised)[write]()
    assert ChangeEvent.objects.count() == history
    person = Participant.objects.get(pk=anonymised["person"].pk)
    assert person.first_name == "Anonymised" and person.version == anonymised["person"].version


def test_a_task_reopened_after_the_erasure_is_refused_too(world):
    """Tasks are deleted by the erasure; one held in a form from before is refused, not
    re-created."""
    cw = world.caseworker
    task = task_create(
        actor=cw, participant=world.participant, title="x", due_on=TODAY, assignee=cw
    )
    participant_anonymise(participant=world.participant, reason="Retention period passed")
    with pytest.raises(ApplicationError, match=REFUSAL):
        task_set_done(actor=cw, task=task, done=True)
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_record_anonymised_after_it_was_loaded_is_refused(world):
    """The check asks the database: a copy loaded before the erasure does not slip through."""
    loaded = Participant.objects.get(pk=world.participant.pk)
    participant_anonymise(participant=world.participant, reason="Retention period passed")
    with pytest.raises(ApplicationError, match=REFUSAL):
        note_create(
            actor=world.caseworker, participant=loaded, kind="meeting", occurred_on=TODAY, text="x"
        )


def test_another_persons_record_is_still_changed_as_usual(world, anonymised):
    other = EnrollmentFactory(programme=world.programme, caseworker=world.caseworker).participant
    note = note_create(
        actor=world.caseworker, participant=other, kind="meeting", occurred_on=TODAY, text="Hi"
    )
    assert note.participant_id == other.pk


def test_the_persons_page_offers_nothing_to_change(world, anonymised, client_for):
    person = anonymised["person"]
    for user in (world.caseworker, world.programme_lead):
        text = client_for(user).get(reverse("participants:detail", args=[person.pk])).text
        assert "Anonymised on" in text
        for offered in (
            reverse("participants:edit", args=[person.pk]),
            reverse("participants:note-create", args=[person.pk]),
            reverse("participants:task-create", args=[person.pk]),
            reverse("participants:enroll", args=[person.pk]),
            reverse("participants:consent-create", args=[person.pk]),
            reverse("participants:document-upload", args=[person.pk]),
            reverse("participants:merge", args=[person.pk]),
            reverse("privacy:erase", args=[person.pk]),
            reverse("placements:placement-create", args=[person.pk]),
            reverse("participants:note-edit", args=[anonymised["note"].pk]),
        ):
            assert offered not in text
        fragments = [
            client_for(user).get(reverse(name, args=[person.pk]), HTTP_HX_REQUEST="true").text
            for name in ("participants:plan", "placements:qualification", "placements:progress")
        ]
        assert reverse("participants:goal-create", args=[person.pk]) not in fragments[0]
        assert reverse("participants:goal-edit", args=[anonymised["goal"].pk]) not in fragments[0]
        assert reverse("placements:fagprove", args=[anonymised["path"].pk]) not in fragments[1]
        assert (
            reverse("placements:module-sign-off", args=[anonymised["path"].pk])
            not in (fragments[1])
        )
        assert (
            reverse("placements:progress-reply", args=[anonymised["entry"].pk])
            not in (fragments[2])
        )


def test_a_note_posted_to_the_page_gets_a_clear_message_and_nothing_is_saved(
    world, anonymised, client_for
):
    person = anonymised["person"]
    notes = CaseNote.objects.count()
    answer = client_for(world.caseworker).post(
        reverse("participants:note-create", args=[person.pk]),
        {"kind": "meeting", "occurred_on": TODAY.isoformat(), "text": "Still here?"},
    )
    assert answer.status_code == 200
    assert REFUSAL in answer.text
    assert CaseNote.objects.count() == notes


def test_the_api_answers_400_in_its_error_format_and_changes_nothing(world, anonymised, client_for):
    person = anonymised["person"]
    client = client_for(world.caseworker)
    url = f"/api/participants/{person.pk}/"
    etag = client.get(url).headers["ETag"]
    answer = client.patch(
        url, {"phone": "+47 400 00 000"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert answer.status_code == 400, answer.text
    assert REFUSAL in answer.text
    person.refresh_from_db()
    assert person.phone == ""
    notes = client.post(
        "/api/notes/",
        {
            "participant": person.pk,
            "kind": "meeting",
            "occurred_on": TODAY.isoformat(),
            "text": "x",
        },
        content_type="application/json",
    )
    assert notes.status_code == 400 and REFUSAL in notes.text


def test_one_click_actions_on_an_anonymised_record_say_why_and_change_nothing(
    world, anonymised, client_for
):
    """The buttons are gone; a request sent anyway (an old tab) gets the message, not an
    error page."""
    path, history = anonymised["path"], ChangeEvent.objects.count()
    posts = [
        (world.caseworker, reverse("participants:milestone-done", args=[anonymised["milestone"].pk]), {"done": "1"}),  # noqa: E501
        (world.caseworker, reverse("placements:progress-reply", args=[anonymised["entry"].pk]), {"text": "Hi"}),  # noqa: E501
        (world.caseworker, reverse("placements:module-sign-off", args=[path.pk]), {"module": anonymised["module"].pk, "result": "passed"}),  # noqa: E501
    ]  # fmt: skip
    for user, url, data in posts:
        answer = client_for(user).post(url, data, follow=True)
        assert answer.status_code == 200, url
        assert REFUSAL in answer.text, url
    assert ChangeEvent.objects.count() == history
    assert not anonymised["milestone"].__class__.objects.filter(done_on__isnull=False).exists()


def test_a_task_marked_done_from_an_old_tab_gets_the_message(world, client_for):
    cw = world.caseworker
    task = task_create(
        actor=cw, participant=world.participant, title="x", due_on=TODAY, assignee=cw
    )
    # Only the mark, not the whole erasure (which deletes the task): the page that still shows
    # the button was loaded before.
    Participant.objects.filter(pk=world.participant.pk).update(anonymised_at=timezone.now())
    answer = client_for(cw).post(
        reverse("participants:task-done", args=[task.pk]), {"done": "1"}, follow=True
    )
    assert answer.status_code == 200 and REFUSAL in answer.text
    assert Task.objects.get(pk=task.pk).done_at is None
