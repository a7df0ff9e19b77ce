"""Retention and erasure: a person past their programme's retention period, or whose
programme lead erases them on request, is anonymised; nothing that names them remains in the
database, the stored files or the logs, and the figures stay."""

import hashlib
import json
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, ChangeEvent
from config.errors import ApplicationError
from participants.consents import consent_record, document_upload
from participants.journal import draft_save, note_create, task_create
from participants.merge import participants_merge
from participants.models import CaseNote, Consent, Document, Enrollment, FollowUp, Participant
from participants.plan import goal_create, milestone_add
from participants.services import (
    PersonData,
    add_months,
    enrollment_change_status,
    participant_intake,
    participant_update,
)
from participants.synthetic import synthetic_fodselsnummer
from placements.models import ProgressEntry, QualificationPath
from placements.progress import progress_reply, progress_write
from placements.qualification import path_create
from placements.services import placement_create, placement_end
from privacy.erasure import (
    BLOT,
    DELETE,
    REDACT,
    TREATMENTS,
    blot,
    participant_anonymise,
    participants_anonymise_expired,
)
from privacy.tasks import participants_anonymise_expired_task
from programs.models import EnrollmentStatus, Programme, QualificationTrack
from reporting.figures import figures
from reporting.models import ReportKind, ReportRun, RunStatus
from reporting.services import report_snapshot
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    MembershipFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.support.leftovers import database_holds, files_hold
from tests.support.visitors import recently_authenticated

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

# Distinctive, invented values that appear nowhere else in the test world.
FIRST, LAST = "Zorblatt", "Quixendorf"
PHONE, OLD_PHONE = "+47 912 34 567", "+47 987 65 432"
EMAIL = "zorblatt.q@example.test"
NATIONAL_ID = synthetic_fodselsnummer(date(2005, 3, 14), 512)
PDF = b"%PDF-1.4\n"


def erase_url(person) -> str:
    return reverse("privacy:erase", args=[person.pk])


def erase(client, person, **overrides):
    data = {"reason": "The person asked to be erased.", "confirm": "on", **overrides}
    return client.post(erase_url(person), data)


def lead_client(world, client_for):
    return recently_authenticated(client_for(world.programme_lead))


# --- every model that refers to a participant is handled -------------------------------------


def _refers_to_participant() -> set[type[models.Model]]:
    """Every model with a chain of foreign keys that ends at a participant."""
    found = {Participant}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models(include_auto_created=True):
            if model in found:
                continue
            if any(
                f.many_to_one or f.one_to_one
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model in found
            ):
                found.add(model)
                grew = True
    return found


def _text_columns(model) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField)
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, kinds) and not f.choices and not f.is_relation
    ]


def _ends_at_participant(model, path: str) -> bool:
    for name in path.split("__"):
        if name == "pk":
            break
        model = model._meta.get_field(name).related_model
    return model is Participant


def test_every_model_that_refers_to_a_participant_is_declared_with_a_path_to_the_person():
    declared = {label: apps.get_model(label) for label in TREATMENTS}
    assert set(declared.values()) == _refers_to_participant()
    for label, model in declared.items():
        assert _ends_at_participant(model, TREATMENTS[label].person), label


def test_every_text_column_of_a_kept_model_is_emptied_or_declared_a_code():
    for label, treatment in TREATMENTS.items():
        if treatment.action == DELETE:
            continue
        handled = {*treatment.blank, *treatment.codes}
        if treatment.action == REDACT:
            handled.add("changes")
        left = set(_text_columns(apps.get_model(label))) - handled
        assert not left, f"{label}: {sorted(left)} would keep what they hold"


# --- the completeness test --------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Stored files in a real folder, so that the test can read every byte left behind."""
    folder = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


def _record_everything(world) -> Participant:
    """The person, with their names and numbers on every field and in the free text of every
    kind of record: history, notes, a draft, tasks, plan, documents, consent evidence,
    placement, progress, qualification path, a merged duplicate and a report's narrative."""
    cw, lead = world.caseworker, world.programme_lead
    person = participant_intake(
        actor=cw,
        municipality=world.municipality,
        person=PersonData(
            FIRST,
            LAST,
            NATIONAL_ID,
            {
                "phone": OLD_PHONE,
                "email": EMAIL,
                "address": f"{LAST}veien 12",
                "postcode": "4580",
                "city": f"{FIRST}by",
                "languages": f"{LAST}ish",
                "gender": "female",
                "education_level": "primary",
                "neet_status": "neet_seeking",
                "nav_innsatsgruppe": "standard",
                "social_assistance": True,
            },
        ),
        programme=world.programme,
        caseworker=cw,
    )
    person = participant_update(
        actor=cw,
        participant=person,
        expected_version=person.version,
        person=PersonData(FIRST, LAST, "", {"phone": PHONE, "email": EMAIL}),
    )
    says = f"{FIRST} {LAST} ({NATIONAL_ID}, {PHONE}, {EMAIL})"
    note_create(
        actor=cw,
        participant=person,
        kind="meeting",
        occurred_on=TODAY,
        text=f"Met {says}.",
        follow_up_on=TODAY + timedelta(days=3),
    )
    draft_save(actor=cw, participant=person, data={"text": f"Draft about {says}"})
    task_create(
        actor=cw, participant=person, title=f"Call {FIRST} on 91234567", due_on=TODAY, assignee=cw
    )
    goal = goal_create(actor=cw, participant=person, category="work", title=f"{FIRST}'s job")
    milestone_add(actor=cw, goal=goal, title=f"CV for {LAST}")
    document_upload(
        actor=cw,
        participant=person,
        category="cv",
        upload=SimpleUploadedFile(f"{LAST}-cv.pdf", PDF + says.encode()),
    )
    consent_record(
        actor=cw,
        participant=person,
        purpose="share_worksite",
        given_on=TODAY,
        recipient=f"{FIRST}'s mother",
        evidence=SimpleUploadedFile("consent.pdf", PDF + f"Signed: {says}".encode()),
    )
    enrollment = person.enrollments.get()
    enrollment_change_status(
        actor=cw, enrollment=enrollment, expected_version=enrollment.version, status="active"
    )
    placement = placement_create(
        actor=cw,
        enrollment=enrollment,
        worksite=world.worksite,
        type="arbeidstrening",
        field="helse_omsorg",
        starts_on=TODAY - timedelta(days=10),
        nav_agreement=f"NAV-{LAST}",
    )
    entry = progress_write(
        actor=world.arbeidsleder, placement=placement, text=f"{FIRST} was on time.", cooperation=4
    )
    progress_reply(actor=cw, entry=entry, text=f"Thanks, I will tell {FIRST}.")
    placement.refresh_from_db()
    placement_end(
        actor=cw,
        placement=placement,
        expected_version=placement.version,
        ends_on=TODAY,
        status="stopped",
        stop_reason=f"{FIRST} {LAST} moved",
    )
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    path_create(
        actor=cw, enrollment=enrollment, track=track, route="mfy", training_office=f"{LAST} AS"
    )
    twin = ParticipantFactory(
        municipality=world.municipality, first_name=FIRST, last_name=LAST, phone=PHONE
    )
    EnrollmentFactory(participant=twin, programme=world.programme)
    participants_merge(actor=lead, keep=person, remove=twin, reason=f"{FIRST} twice, {PHONE}")
    ReportRun.objects.create(
        kind=ReportKind.SUMMARY,
        programme=world.programme,
        period_start=date(TODAY.year, 1, 1),
        period_end=TODAY,
        narrative_activities=f"{FIRST} {LAST} got a job; call {PHONE[4:]} for a quote.",
        narrative_cooperation=f"NAV found {LAST} a place.",
        # The frozen document holds the lead's words too.
        snapshot={"narrative": [{"key": "cooperation", "text": f"NAV found {LAST} a place."}]},
    )
    return Participant.objects.get(pk=person.pk)


def _needles(person: Participant) -> dict[str, str]:
    return {
        "first name": FIRST,
        "last name": LAST,
        "national ID": NATIONAL_ID,
        "masked national ID": person.national_id_masked,
        "encrypted national ID": person.national_id_encrypted,
        "national ID hash": person.national_id_hash,
        "phone": PHONE,
        "phone digits": "91234567",
        "old phone": OLD_PHONE,
        "e-mail": EMAIL,
    }


def _logs_hold(caplog, needles: dict[str, str]) -> set[str]:
    text = (caplog.text + " ".join(repr(r.args) for r in caplog.records)).lower()
    return {k for k, n in needles.items() if n.lower() in text}


def test_after_erasure_no_name_or_number_remains_in_the_database_the_files_or_the_logs(
    world, client_for, media, caplog
):
    caplog.set_level(logging.DEBUG)
    person = _record_everything(world)
    client_for(world.caseworker).get(reverse("participants:detail", args=[person.pk]))
    needles = _needles(person)
    # The search finds what is there: every needle is in the database, and the files hold
    # the person's words, before anything is erased.
    assert {k.split(" in ")[0] for k in database_holds(needles)} == set(needles)
    assert {k.split(" in ")[0] for k in files_hold(media, needles)} >= {"first name", "phone"}

    reason = f"{FIRST} {LAST} asked by phone ({PHONE[4:]}) to be erased"
    response = erase(lead_client(world, client_for), person, reason=reason)

    assert response.status_code == 302
    assert database_holds(needles) == set()
    assert files_hold(media, needles) == set()
    assert not [p for p in media.rglob("*") if p.is_file()]
    assert _logs_hold(caplog, needles) == set()
    # What happened is recorded, with the reason, without the person in it.
    recorded = ChangeEvent.objects.filter(participant=person, changes__has_key="anonymised")
    assert recorded.get(user=world.programme_lead).changes["anonymised"][1] == (
        f"{BLOT} asked by phone ({BLOT}) to be erased"
    )


def test_the_erased_person_is_shown_as_anonymised_and_their_old_details_to_nobody(
    world, client_for, media
):
    person = _record_everything(world)
    erase(lead_client(world, client_for), person)
    for user in (world.programme_lead, world.caseworker):
        page = client_for(user).get(reverse("participants:detail", args=[person.pk]))
        text = page.content.decode()
        assert f"Anonymised #{person.pk}" in text and "Anonymised on" in text
        assert FIRST not in text and LAST not in text and "2005-03-14" not in text
        audit = client_for(user).get(reverse("participants:audit", args=[person.pk]))
        assert "values removed" in audit.content.decode() and FIRST not in audit.content.decode()
    person.refresh_from_db()
    assert person.birth_date == date(2005, 7, 1) and person.gender == "female"
    assert (person.education_level, person.neet_status) == ("primary", "neet_seeking")
    assert (person.nav_innsatsgruppe, person.social_assistance) == ("", False)
    # The kinds and dates of what happened stay; their words do not.
    note = CaseNote.objects.get(participant=person)
    assert (note.kind, note.occurred_on, note.text) == ("meeting", TODAY, "–")
    assert ProgressEntry.objects.get().cooperation == 4
    assert not Document.objects.exists()
    assert QualificationPath.objects.get().route == "mfy"
    twin = Participant.objects.get(merged_into=person)
    assert twin.anonymised_at is not None and twin.phone == ""


# --- the erasure page: who may, re-authentication, reason -------------------------------------


def test_the_programme_lead_erases_the_person_and_their_open_enrollment_ends(world, client_for):
    client = lead_client(world, client_for)
    detail = reverse("participants:detail", args=[world.participant.pk])
    assert erase_url(world.participant) in client.get(detail).content.decode()
    caseworker_page = client_for(world.caseworker).get(detail).content.decode()
    assert erase_url(world.participant) not in caseworker_page
    page = client.get(erase_url(world.participant))
    assert page.status_code == 200 and "What is kept" in page.content.decode()
    response = erase(client, world.participant)
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:detail", args=[world.participant.pk])
    world.participant.refresh_from_db()
    assert world.participant.anonymised_at is not None
    assert world.participant.first_name == "Anonymised"
    assert world.participant.last_name == f"#{world.participant.pk}"
    enrollment = Enrollment.objects.get(participant=world.participant)
    assert (enrollment.status, enrollment.ends_on) == (EnrollmentStatus.WITHDRAWN, TODAY)
    assert (enrollment.exit_reason, enrollment.destination) == ("other", "unknown")
    # Nobody will follow up a person who is no longer known, and nothing is left waiting:
    # the placement stops, the consent to share with the worksite ends with it.
    assert set(FollowUp.objects.values_list("status", "recorded_on")) == {("unknown", None)}
    world.placement.refresh_from_db()
    assert (world.placement.status, world.placement.ends_on) == ("stopped", TODAY)
    consents = Consent.objects.filter(participant=world.participant)
    assert set(consents.values_list("withdrawn_on", flat=True)) == {TODAY}
    assert not Participant.objects.visible_to(world.arbeidsleder).exists()
    shown = client.get(response["Location"]).content.decode()
    assert "The person has been anonymised." in shown
    assert f"Anonymised #{world.participant.pk}" in shown and "Amalie" not in shown


@pytest.fixture
def other_lead(world):
    lead = UserFactory(municipality=world.municipality, full_name="Other Lead")
    MembershipFactory(user=lead, programme=world.other_programme, role="programme_lead")
    return lead


@pytest.fixture
def caseworker_leading_elsewhere(world):
    """A caseworker of the person's programme who leads another one: a lead, but not the
    person's."""
    MembershipFactory(user=world.caseworker, programme=world.other_programme, role="programme_lead")
    return world.caseworker


@pytest.mark.parametrize(
    "who",
    [
        "caseworker",
        "caseworker_leading_elsewhere",
        "arbeidsleder",
        "other_lead",
        "other_caseworker",
        "admin",
        "foreign_caseworker",
    ],
)
def test_nobody_but_a_lead_of_the_persons_programme_reaches_the_erasure_page(
    world, client_for, request, who
):
    user = request.getfixturevalue(who) if who.endswith(("_lead", "_elsewhere")) else None
    client = recently_authenticated(client_for(user or getattr(world, who)))
    assert client.get(erase_url(world.participant)).status_code == 404
    assert erase(client, world.participant).status_code == 404
    world.participant.refresh_from_db()
    assert world.participant.anonymised_at is None and world.participant.first_name == "Amalie"


def test_out_of_scope_users_get_404_before_being_asked_for_their_password(world, client_for):
    assert client_for(world.other_caseworker).get(erase_url(world.participant)).status_code == 404
    foreign = client_for(world.foreign_caseworker)
    assert foreign.get(erase_url(world.participant)).status_code == 404


def test_the_erasure_page_asks_for_the_password_again(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"login": world.programme_lead.email, "password": PASSWORD})
    for response in (client.get(erase_url(world.participant)), erase(client, world.participant)):
        assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    world.participant.refresh_from_db()
    assert world.participant.anonymised_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "This field is required."),
        ({"reason": "   "}, "This field is required."),
        ({"confirm": ""}, "Tick the box to confirm."),
        ({"reason": "x" * 501}, "at most 500 characters"),
    ],
)
def test_a_reason_and_a_confirmation_are_required(world, client_for, data, message):
    response = erase(lead_client(world, client_for), world.participant, **data)
    assert response.status_code == 200 and message in response.content.decode()
    world.participant.refresh_from_db()
    assert world.participant.anonymised_at is None


def test_the_service_refuses_a_missing_reason_and_a_second_erasure(world):
    with pytest.raises(ApplicationError, match="reason"):
        participant_anonymise(participant=world.participant, actor=world.programme_lead, reason=" ")
    participant_anonymise(participant=world.participant, actor=world.programme_lead, reason="Asked")
    with pytest.raises(ApplicationError, match="already been anonymised"):
        participant_anonymise(participant=world.participant, actor=world.programme_lead, reason="x")
    with pytest.raises(ApplicationError, match="already been anonymised"):
        participant_anonymise(participant=world.participant, reason="x")


def test_a_person_still_enrolled_in_a_programme_the_lead_does_not_lead_is_not_erased(
    world, client_for
):
    EnrollmentFactory(participant=world.participant, programme=world.other_programme)
    client = lead_client(world, client_for)
    page = client.get(erase_url(world.participant)).content.decode()
    assert "still enrolled in another programme" in page and 'name="reason"' not in page
    response = erase(client, world.participant)
    assert "still enrolled in another programme" in response.content.decode()
    world.participant.refresh_from_db()
    assert world.participant.anonymised_at is None


def test_an_ended_enrollment_in_another_programme_does_not_stop_the_erasure(world, client_for):
    EnrollmentFactory(
        participant=world.participant,
        programme=world.other_programme,
        status=EnrollmentStatus.COMPLETED,
        ends_on=TODAY - timedelta(days=5),
        exit_reason="job",
        destination="work_full",
    )
    assert erase(lead_client(world, client_for), world.participant).status_code == 302
    other = Enrollment.objects.get(programme=world.other_programme)
    assert (other.status, other.exit_reason, other.destination) == ("completed", "job", "work_full")


# --- the change history ----------------------------------------------------------------------


def test_the_persons_change_history_is_redacted_once_and_the_database_refuses_a_second_edit(
    world,
):
    participant_update(
        actor=world.caseworker,
        participant=world.participant,
        expected_version=world.participant.version,
        person=PersonData("Amalie", "Testesen", "", {"phone": PHONE}),
    )
    AccessEvent.objects.create(user=world.caseworker, participant=world.participant, page="x")
    before = ChangeEvent.objects.get(participant=world.participant)
    participant_anonymise(participant=world.participant, actor=world.programme_lead, reason="Asked")
    redacted = ChangeEvent.objects.get(pk=before.pk)
    assert redacted.redacted_at is not None
    assert redacted.changes == {"phone": [None, None]}
    assert (redacted.user, redacted.model, redacted.action) == (
        before.user,
        before.model,
        before.action,
    )
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_changeevent SET changes = %s, redacted_at = CURRENT_TIMESTAMP "
            "WHERE id = %s",
            [json.dumps({"phone": [PHONE, PHONE]}), before.pk],
        )
    assert ChangeEvent.objects.get(pk=before.pk).changes == {"phone": [None, None]}
    # Who looked is kept: it holds ids only.
    assert AccessEvent.objects.filter(participant=world.participant).count() == 1
    done = ChangeEvent.objects.get(participant=world.participant, redacted_at__isnull=True)
    assert done.changes == {"anonymised": [None, "Asked"]} and done.user == world.programme_lead


# --- reports keep their figures --------------------------------------------------------------


def _live_figures(run) -> dict:
    """The exact figures of the run's programme and period, as the dashboard computes them."""
    return figures(
        programmes=[run.programme],
        start=run.period_start,
        end=run.period_end,
        suppress=False,
    )["figures"]


def test_frozen_report_figures_do_not_change_and_the_person_is_still_counted(world):
    # Aged 22 or 23 at the end of the period, whether born in March or on 1 July: the same band.
    world.participant.birth_date = date(TODAY.year - 23, 3, 14)
    world.participant.gender = "female"
    world.participant.save()
    run = ReportRun.objects.create(
        kind=ReportKind.SUMMARY,
        programme=world.programme,
        period_start=date(TODAY.year - 1, 1, 1),
        period_end=TODAY,
        status=RunStatus.READY,
    )
    snapshot = report_snapshot(run)
    checksum = hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
    ReportRun.objects.filter(pk=run.pk).update(snapshot=snapshot, checksum=checksum)
    live = _live_figures(run)
    assert live["participants"] == 1 and live["by_gender"] == {"female": 1, "male": 0, "other": 0}

    participant_anonymise(participant=world.participant, actor=world.programme_lead, reason="Asked")

    run.refresh_from_db()
    assert (run.snapshot, run.checksum) == (json.loads(json.dumps(snapshot)), checksum)
    after = _live_figures(run)
    assert after["participants"] == 1 and after["by_gender"] == live["by_gender"]
    assert after["by_age"] == live["by_age"]


# --- the nightly job --------------------------------------------------------------------------


def _exited(world, months_ago: int, programme=None, **person) -> Participant:
    participant = ParticipantFactory(municipality=world.municipality, **person)
    ends_on = add_months(TODAY, -months_ago)
    EnrollmentFactory(
        participant=participant,
        programme=programme or world.programme,
        status=EnrollmentStatus.COMPLETED,
        starts_on=ends_on - timedelta(days=200),
        ends_on=ends_on,
        exit_reason="job",
        destination="work_full",
    )
    return participant


def test_the_nightly_job_anonymises_only_people_past_the_longest_retention_and_is_idempotent(
    world,
):
    long_kept = ProgrammeFactory(municipality=world.municipality, retention_months=120)
    due = _exited(world, 61)
    recent = _exited(world, 59)
    also_elsewhere = _exited(world, 61)
    EnrollmentFactory(
        participant=also_elsewhere,
        programme=long_kept,
        status=EnrollmentStatus.WITHDRAWN,
        starts_on=add_months(TODAY, -70),
        ends_on=add_months(TODAY, -61),
    )
    still_active = _exited(world, 61)
    EnrollmentFactory(participant=still_active, programme=world.other_programme)
    no_exit_date = ParticipantFactory(municipality=world.municipality)
    EnrollmentFactory(participant=no_exit_date, status=EnrollmentStatus.COMPLETED, ends_on=None)
    shorter = _exited(world, 13, programme=ProgrammeFactory(municipality=world.municipality))
    Programme.objects.filter(pk=shorter.enrollments.get().programme_id).update(retention_months=12)

    assert participants_anonymise_expired() == 2
    anonymised = set(
        Participant.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)
    )
    assert anonymised == {due.pk, shorter.pk}
    stamp = Participant.objects.get(pk=due.pk).anonymised_at
    # A second run, and the task beat sends, find nobody and change nothing.
    assert participants_anonymise_expired() == 0
    participants_anonymise_expired_task()
    assert Participant.objects.get(pk=due.pk).anonymised_at == stamp
    done = ChangeEvent.objects.filter(participant=due, changes__has_key="anonymised")
    assert done.count() == 1 and done.get().user is None
    assert world.participant.pk not in anonymised and recent.pk not in anonymised


def test_the_nightly_job_reads_in_batches_and_never_misses_a_person_behind_others(
    world, monkeypatch
):
    monkeypatch.setattr("privacy.erasure.RETENTION_BATCH", 2)
    waiting = [_exited(world, 30) for _ in range(3)]  # exited, but within 60 months
    due = _exited(world, 61)
    assert participants_anonymise_expired() == 1
    assert Participant.objects.get(pk=due.pk).anonymised_at is not None
    assert not Participant.objects.filter(
        pk__in=[p.pk for p in waiting], anonymised_at__isnull=False
    ).exists()


def test_the_beat_runs_the_retention_job_at_half_past_one(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == "privacy.tasks.participants_anonymise_expired_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {30})


# --- the retention period on the programme set-up page ---------------------------------------


def test_the_lead_sets_the_retention_period_and_a_period_out_of_bounds_is_refused(
    world, client_for
):
    client = client_for(world.programme_lead)
    url = reverse("programs:edit", args=[world.programme.pk])
    assert 'name="retention_months" value="60"' in client.get(url).content.decode()
    data = {"name": "En av mange", "kind": "inn_i_jobb", "version": 1}
    for bad, message in (("6", "greater than or equal to 12"), ("999", "less than or equal")):
        response = client.post(url, {**data, "retention_months": bad})
        assert message in response.content.decode()
    assert client.post(url, {**data, "retention_months": "84"}).status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.retention_months == 84
    changed = ChangeEvent.objects.get(changes__has_key="retention_months")
    assert changed.changes["retention_months"] == ["60", "84"]
    # Left empty, the period stays as it is.
    client.post(url, {**data, "version": 2, "retention_months": ""})
    world.programme.refresh_from_db()
    assert world.programme.retention_months == 84
    setup = client.get(reverse("programs:setup")).content.decode()
    assert "records kept 84 months after exit" in setup


def test_the_retention_period_cannot_be_stored_outside_its_bounds(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=world.programme.pk).update(retention_months=3)


# --- blotting names out of free text ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Zorblatt called",
        "zorblatt QUIXENDORF called",
        "call 912 34 567",
        "call +47 91234567",
        "call 912-34-567",
        f"id {NATIONAL_ID[:6]} {NATIONAL_ID[6:]}",
        f"write to {EMAIL}",
    ],
)
def test_names_and_numbers_are_blotted_out_however_they_are_written(text):
    out = blot(text, [FIRST, LAST, PHONE, NATIONAL_ID, EMAIL])
    assert BLOT in out
    assert not any(n.lower() in out.lower() for n in (FIRST, LAST, "912", NATIONAL_ID, EMAIL))


def test_blotting_leaves_other_words_alone():
    assert blot("Zorblattson and 9123 met", [FIRST, PHONE]) == "Zorblattson and 9123 met"
