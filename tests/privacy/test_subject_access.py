"""The right of access (GDPR art. 15): a programme lead exports everything held on one person,
and only that person, as JSON, PDF and a ZIP with the stored files."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessEvent, ChangeEvent
from audit.subject_access import ApplicantAccessExport, ExportStatus, SubjectAccessExport
from participants import national_id as nid
from participants.models import (
    CaseNote,
    Document,
    EnrollmentStatusChange,
    FollowUp,
    Goal,
    Milestone,
    NoteDraft,
    Participant,
    Task,
)
from participants.synthetic import synthetic_fodselsnummer
from placements.models import (
    AttendanceMonth,
    AttendanceRecord,
    ModuleProgress,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
)
from privacy import subject_access as sa
from programs.models import Module, QualificationTrack
from reporting.pdf import StaticOnlyFetcher
from summerjobs import subject as applicant_subject
from summerjobs.models import Allocation, Application, Choice, HoursEntry, Offer, Override
from tests.factories import (
    PASSWORD,
    ConsentFactory,
    EnrollmentFactory,
    MembershipFactory,
    ParticipantFactory,
    PlacementFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.support.visitors import recently_authenticated

pytestmark = pytest.mark.django_db
TODAY = date.today()
NUMBER = synthetic_fodselsnummer(date(2004, 3, 9), 512)
TYPED_HTML = '<img src="http://127.0.0.1:9/track.png"><b>bold</b> <script>alert(1)</script>'


# --- which models refer to a participant, found by introspection ---------------------------


def _relations(model) -> list:
    return [
        f.related_model
        for f in model._meta.get_fields()
        if f.concrete
        and f.is_relation
        and f.related_model is not None
        and (f.many_to_one or f.one_to_one or f.many_to_many)
    ]


def models_referring_to_participants(levels: int = 6, root=Participant) -> set:
    """Every model with a chain of foreign keys (or one-to-one or many-to-many fields) of at
    most ``levels`` steps to ``participants.Participant`` (or to ``root``)."""
    found = {root}
    for _level in range(levels):
        grown = found | {
            model
            for model in apps.get_models()
            if any(related in found for related in _relations(model))
        }
        if grown == found:
            break
        found = grown
    return found


def test_the_introspection_follows_chains_of_foreign_keys_and_nothing_else():
    referring = models_referring_to_participants()
    # Four steps: reply → entry → placement → enrollment → person.
    assert ProgressReply in referring and ModuleProgress in referring
    assert AccessEvent in referring and SubjectAccessExport in referring
    assert QualificationTrack not in referring and apps.get_model("accounts.User") not in referring


def test_every_model_that_refers_to_a_participant_is_in_the_export():
    missing = {m._meta.label for m in models_referring_to_participants() - sa.COVERED_MODELS}
    assert not missing, f"add a Section for these models in privacy/subject_access: {missing}"


def test_every_model_that_refers_to_a_summer_job_application_is_in_the_applicants_export():
    """A young person who applied for a summer job is not a participant: what is held on them
    is declared in summerjobs.subject.PARTS, and their change history and access log are
    found by the application's key."""
    referring = models_referring_to_participants(root=Application)
    assert {Choice, Allocation, Override, Offer, HoursEntry, ApplicantAccessExport} <= referring
    missing = {m._meta.label for m in referring - applicant_subject.COVERED_MODELS}
    assert not missing, f"add a Part for these models in summerjobs/subject.py: {missing}"
    assert {AccessEvent, ChangeEvent} <= applicant_subject.COVERED_MODELS


def test_every_section_reaches_the_participant_through_its_lookup():
    for section in sa.SECTIONS:
        model = section.model
        for name in section.lookup.split("__"):
            if name != "pk":
                model = model._meta.get_field(name).related_model
        assert model is Participant, section.key
    assert len({s.key for s in sa.SECTIONS}) == len(sa.SECTIONS)


# --- one row of every kind ----------------------------------------------------------------


def one_of_everything(world, person, marker: str) -> dict:
    """A row of every kind that refers to ``person``, each holding ``marker`` where it has
    text; returns {section key: [ids]}."""
    cw, al = world.caseworker, world.arbeidsleder
    merged = ParticipantFactory(
        municipality=world.municipality, first_name=f"{marker}Twin", merged_into=person
    )
    enrollment = EnrollmentFactory(participant=person, programme=world.programme, caseworker=cw)
    placement = PlacementFactory(enrollment=enrollment, worksite=world.worksite, supervisor=al)
    entry = ProgressEntry.objects.create(placement=placement, author=al, text=f"{marker} entry")
    track, _ = QualificationTrack.objects.get_or_create(name="Helsearbeiderfaget")
    module, _ = Module.objects.get_or_create(track=track, number=1, name="Grunnmodul")
    path = QualificationPath.objects.create(enrollment=enrollment, track=track, route="mfy")
    goal = Goal.objects.create(participant=person, category="work", title=f"{marker} goal")
    note = CaseNote.objects.create(
        participant=person,
        author=cw,
        kind="meeting",
        occurred_on=TODAY,
        text=f"{marker} confidential note {TYPED_HTML}",
        confidential=True,
    )
    document = Document.objects.create(
        participant=person,
        category="cv",
        file=default_storage.save(
            f"documents/{marker}.pdf", ContentFile(b"%PDF-" + marker.encode())
        ),
        display_name=f"{marker} cv.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=cw,
    )
    rows = {
        "person": [person],
        "merged_records": [merged],
        "consents": [ConsentFactory(participant=person, recorded_by=cw, recipient=marker)],
        "enrollments": [enrollment],
        "enrollment_status_changes": [
            EnrollmentStatusChange.objects.create(enrollment=enrollment, status="active", by=cw)
        ],
        "follow_ups": [FollowUp.objects.create(enrollment=enrollment, months=6, due_on=TODAY)],
        "placements": [placement],
        "attendance": [
            AttendanceRecord.objects.create(
                placement=placement, date=TODAY, status="present", recorded_by=al
            )
        ],
        # Added up by the database from the day above.
        "attendance_months": list(AttendanceMonth.objects.filter(placement=placement)),
        "progress_entries": [entry],
        "progress_replies": [
            ProgressReply.objects.create(entry=entry, author=cw, text=f"{marker} reply")
        ],
        "qualification_paths": [path],
        "module_progress": [ModuleProgress.objects.create(path=path, module=module)],
        "goals": [goal],
        "milestones": [Milestone.objects.create(goal=goal, title=f"{marker} milestone")],
        "tasks": [
            Task.objects.create(
                participant=person, title=f"{marker} task", due_on=TODAY, assignee=cw
            )
        ],
        "case_notes": [note],
        "note_drafts": [
            NoteDraft.objects.create(
                author=cw, participant=person, data={"text": f"{marker} draft"}
            )
        ],
        "documents": [document],
        "access_events": [
            AccessEvent.objects.create(user=cw, participant=merged, action="view", page="x:y")
        ],
        "change_events": [
            ChangeEvent.objects.create(
                user=cw,
                participant=person,
                model="participants.participant",
                object_id=str(person.pk),
                action="update",
                changes={"phone": [None, f"{marker}-phone"]},
            )
        ],
        "access_exports": [
            SubjectAccessExport.objects.create(
                participant=person, requested_by=world.programme_lead
            )
        ],
    }
    return {key: [obj.pk for obj in objs] for key, objs in rows.items()}


@pytest.fixture
def subject(world):
    person = world.participant
    person.national_id_encrypted = nid.encrypt(NUMBER)
    person.national_id_masked = nid.mask(NUMBER)
    person.birth_date = date(2004, 3, 9)
    person.save()
    return one_of_everything(world, person, "SUBJECTTEXT")


@pytest.fixture
def other(world):
    """Someone else in the same programme, with a row of every kind."""
    person = ParticipantFactory(
        municipality=world.municipality, first_name="Bodil", last_name="Annensen"
    )
    return one_of_everything(world, person, "OTHERTEXT")


def export_of(world):
    return sa.participant_access_export(actor=world.programme_lead, participant=world.participant)


def ids_in(data: dict, key: str) -> set:
    rows = [data[key]] if key == "person" else data[key]
    return {row["id"] for row in rows}


def test_the_export_holds_a_row_of_every_kind_and_none_of_anyone_elses(world, subject, other):
    covered = {s.model for s in sa.SECTIONS if subject.get(s.key)}
    assert covered >= models_referring_to_participants(), "make a row of the new kind above"
    data = sa.export_data(export_of(world))
    for key, ids in subject.items():
        assert set(ids) <= ids_in(data, key), key
        assert not set(other[key]) & ids_in(data, key), key
    text = sa.render_json(export_of(world)).decode()
    assert "SUBJECTTEXT" in text
    assert "OTHERTEXT" not in text and "Annensen" not in text and "Bodil" not in text


def test_the_json_has_stable_keys_iso_dates_the_full_national_id_and_staff_by_name(world, subject):
    data = json.loads(sa.render_json(export_of(world)))
    person = data["person"]
    assert data["format"] == "fotfeste.subject-access.v1"
    assert person["national_id"] == NUMBER and person["birth_date"] == "2004-03-09"
    assert "national_id_hash" not in person and "version" not in person
    note = data["case_notes"][0]
    assert note["confidential"] is True and note["occurred_on"] == TODAY.isoformat()
    assert note["author"] == "Kari Caseworker" and world.caseworker.email not in json.dumps(data)
    assert data["note_drafts"][0]["data"] == {"text": "SUBJECTTEXT draft"}
    assert data["progress_replies"][0]["entry_id"] == subject["progress_entries"][0]
    document = data["documents"][0]
    assert document["file"] == f"files/document-{document['id']}.pdf"
    assert data["merged_records"][0]["merged_into_id"] == world.participant.pk
    assert timezone.datetime.fromisoformat(data["generated_at"])


def test_the_zip_holds_the_json_the_pdf_and_the_stored_files_under_neutral_names(world, subject):
    export = export_of(world)
    with sa.render_zip(export, pdf=b"%PDF-x", data=sa.render_json(export)) as archive:
        zipped = zipfile.ZipFile(io.BytesIO(archive.read()))
    document = subject["documents"][0]
    pk = world.participant.pk
    assert sorted(zipped.namelist()) == sorted(
        [f"subject-access-{pk}.json", f"subject-access-{pk}.pdf", f"files/document-{document}.pdf"]
    )
    assert zipped.read(f"files/document-{document}.pdf") == b"%PDF-SUBJECTTEXT"


def test_the_pdf_shows_typed_html_as_text_and_fetches_nothing(world, subject, monkeypatch):
    fetched = []
    original = StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording)
    export = export_of(world)
    html = sa.render_html(export)
    assert "&lt;img src=&quot;http://127.0.0.1:9/track.png&quot;&gt;" in html
    assert "<img" not in html and "<script" not in html and "<b>bold" not in html
    assert sa.render_pdf(export).startswith(b"%PDF")
    assert fetched == []


def test_the_pdf_reads_in_the_leads_language_with_names_dates_and_labels(world, subject):
    with translation.override("nb"):
        html = sa.render_html(export_of(world))
    assert "Personopplysninger" in html and "Hvem har sett på disse opplysningene" in html
    assert "Kari Caseworker" in html and NUMBER in html
    assert TODAY.strftime("%d.%m.%Y") in html  # a bokmål date
    assert "Bodil" not in html and "OTHERTEXT" not in html


def test_a_chain_of_merged_records_is_followed(world, subject):
    first = Participant.objects.get(pk=subject["merged_records"][0])
    older = ParticipantFactory(municipality=world.municipality, merged_into=first)
    CaseNote.objects.create(
        participant=older, author=world.caseworker, kind="phone", occurred_on=TODAY, text="old"
    )
    data = sa.export_data(export_of(world))
    assert {first.pk, older.pk} <= ids_in(data, "merged_records")
    assert "old" in {note["text"] for note in data["case_notes"]}


# --- pages ----------------------------------------------------------------------------------


def page(world):
    return reverse("privacy:subject-access", args=[world.participant.pk])


@pytest.fixture
def lead_client(world, client_for):
    return recently_authenticated(client_for(world.programme_lead))


@pytest.fixture
def outsiders(world):
    """Everyone who may not: the caseworker of the same programme, a lead of another
    programme in the municipality, an arbeidsleder, the admin, and another municipality's
    caseworker and programme lead."""
    other_lead = UserFactory(municipality=world.municipality)
    MembershipFactory(user=other_lead, programme=world.other_programme, role="programme_lead")
    foreign_lead = UserFactory(municipality=world.foreign_municipality)
    MembershipFactory(
        user=foreign_lead,
        programme=ProgrammeFactory(municipality=world.foreign_municipality),
        role="programme_lead",
    )
    return [
        world.caseworker,
        other_lead,
        world.arbeidsleder,
        world.admin,
        world.foreign_caseworker,
        foreign_lead,
    ]


def make_export(lead_client, world, captured) -> SubjectAccessExport:
    with captured(execute=True):
        response = lead_client.post(page(world))
    assert response.status_code == 303
    return SubjectAccessExport.objects.get()


def test_the_lead_asks_watches_and_downloads_the_three_files(
    world, subject, lead_client, django_capture_on_commit_callbacks
):
    SubjectAccessExport.objects.all().delete()
    response = lead_client.get(page(world))
    assert response.status_code == 200 and "right of access" in response.content.decode()
    export = make_export(lead_client, world, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY
    assert export.expires_at > timezone.now() + timedelta(days=sa.FILES_KEPT_DAYS - 1)
    for name in (export.pdf_file.name, export.json_file.name, export.zip_file.name):
        assert name.startswith(f"subject-access/export-{export.pk}.")
    status = lead_client.get(reverse("privacy:subject-access-status", args=[export.pk]))
    assert "Download PDF" in status.content.decode() and "hx-trigger" not in status.content.decode()
    for fmt, starts in (("pdf", b"%PDF"), ("json", b"{"), ("zip", b"PK")):
        response = lead_client.get(reverse("privacy:subject-access-file", args=[export.pk, fmt]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(starts)
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"] == (
            f'attachment; filename="fotfeste-subject-access-{export.pk}.{fmt}"'
        )
    data = json.loads(export.json_file.open("rb").read())
    assert data["person"]["national_id"] == NUMBER


def test_asking_and_each_download_are_in_the_access_log_and_the_export_shows_the_asking(
    world, lead_client, django_capture_on_commit_callbacks
):
    export = make_export(lead_client, world, django_capture_on_commit_callbacks)
    asked = AccessEvent.objects.get(action="export", user=world.programme_lead)
    assert asked.participant == world.participant and asked.page == "privacy:subject-access"
    data = json.loads(export.json_file.open("rb").read())
    assert asked.pk in {row["id"] for row in data["access_events"]}
    assert export.pk in {row["id"] for row in data["access_exports"]}
    lead_client.get(reverse("privacy:subject-access-file", args=[export.pk, "json"]))
    assert AccessEvent.objects.filter(
        action="export", page="privacy:subject-access-file", participant=world.participant
    ).exists()


def test_the_page_and_the_files_ask_for_the_password_again(
    world, client_for, lead_client, django_capture_on_commit_callbacks
):
    export = make_export(lead_client, world, django_capture_on_commit_callbacks)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"login": world.programme_lead.email, "password": PASSWORD})
    events = AccessEvent.objects.count()
    for url in (page(world), reverse("privacy:subject-access-file", args=[export.pk, "pdf"])):
        response = client.get(url)
        assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    response = client.post(page(world))
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    assert SubjectAccessExport.objects.count() == 1 and AccessEvent.objects.count() == events


def test_nobody_but_a_lead_of_the_persons_programme_reaches_the_export(
    world, client_for, outsiders, lead_client, django_capture_on_commit_callbacks
):
    export = make_export(lead_client, world, django_capture_on_commit_callbacks)
    urls = [
        page(world),
        reverse("privacy:subject-access-status", args=[export.pk]),
        *[reverse("privacy:subject-access-file", args=[export.pk, f]) for f in sa.FORMATS],
    ]
    for user in outsiders:
        for fresh in (False, True):
            client = client_for(user)
            if fresh:
                recently_authenticated(client)
            for url in urls:
                assert client.get(url).status_code == 404, (user.full_name, url)
            assert client.post(page(world)).status_code == 404, user.full_name
    assert SubjectAccessExport.objects.count() == 1


def test_another_lead_of_the_programme_cannot_open_my_export(
    world, client_for, lead_client, django_capture_on_commit_callbacks
):
    export = make_export(lead_client, world, django_capture_on_commit_callbacks)
    colleague = UserFactory(municipality=world.municipality)
    MembershipFactory(user=colleague, programme=world.programme, role="programme_lead")
    client = recently_authenticated(client_for(colleague))
    assert client.get(page(world)).status_code == 200
    url = reverse("privacy:subject-access-file", args=[export.pk, "pdf"])
    assert client.get(url).status_code == 404


def test_an_unknown_format_is_404(world, lead_client, django_capture_on_commit_callbacks):
    export = make_export(lead_client, world, django_capture_on_commit_callbacks)
    for fmt in ("exe", "pdf.zip", "..", "PDF"):
        url = f"/participants/subject-access/{export.pk}/{fmt}/"
        assert lead_client.get(url).status_code == 404


def test_asking_twice_while_one_is_being_made_makes_one(world, lead_client):
    lead_client.post(page(world))
    lead_client.post(page(world))
    assert SubjectAccessExport.objects.get().status == ExportStatus.QUEUED
    status = lead_client.get(
        reverse("privacy:subject-access-status", args=[SubjectAccessExport.objects.get().pk])
    )
    assert "hx-trigger" in status.content.decode()  # it keeps polling


def test_expired_files_are_deleted_and_the_link_says_so(
    world, lead_client, django_capture_on_commit_callbacks
):
    export = make_export(lead_client, world, django_capture_on_commit_callbacks)
    stored = export.zip_file.name
    assert sa.subject_access_files_expire(now=timezone.now()) == 0
    assert sa.subject_access_files_expire(now=export.expires_at + timedelta(seconds=1)) == 1
    export.refresh_from_db()
    assert not default_storage.exists(stored) and not export.zip_file
    assert sa.subject_access_files_expire(now=export.expires_at + timedelta(days=1)) == 0
    response = lead_client.get(
        reverse("privacy:subject-access-file", args=[export.pk, "zip"]), follow=True
    )
    assert "have been deleted" in response.content.decode()


def test_building_twice_makes_one_set_of_files(world):
    export = SubjectAccessExport.objects.create(
        participant=world.participant, requested_by=world.programme_lead
    )
    assert sa.subject_access_build(export_id=export.pk) is True
    assert sa.subject_access_build(export_id=export.pk) is False
    names = default_storage.listdir("subject-access")[1]
    mine = {name for name in names if name.startswith(f"export-{export.pk}")}
    assert mine == {f"export-{export.pk}.{fmt}" for fmt in sa.FORMATS}


def test_a_number_no_key_reads_fails_the_export_without_leaving_files(world, settings):
    world.participant.national_id_encrypted = nid.encrypt(NUMBER)
    world.participant.save()
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["another-key-entirely"]
    export = SubjectAccessExport.objects.create(
        participant=world.participant, requested_by=world.programme_lead
    )
    assert sa.subject_access_build(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error == "ApplicationError"
    assert not default_storage.exists(f"subject-access/export-{export.pk}.json")


def test_the_button_is_on_the_page_for_the_lead_only_and_costs_no_query(world, client_for):
    url = reverse("participants:detail", args=[world.participant.pk])
    export_url = page(world)
    lead = client_for(world.programme_lead)
    lead.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert export_url in lead.get(url).content.decode()
    assert len(queries) <= 12
    assert export_url not in client_for(world.caseworker).get(url).content.decode()
    # A lead of another programme who is the person's caseworker here is not their lead.
    MembershipFactory(user=world.caseworker, programme=world.other_programme, role="programme_lead")
    assert export_url not in client_for(world.caseworker).get(url).content.decode()


def test_files_of_a_person_anonymised_while_they_were_built_are_not_kept(world):
    export = SubjectAccessExport.objects.create(
        participant=world.participant,
        requested_by=world.programme_lead,
        created_at=timezone.now() - timedelta(minutes=1),
    )
    Participant.objects.filter(pk=world.participant.pk).update(anonymised_at=timezone.now())
    assert sa.subject_access_build(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.pdf_file
    assert not default_storage.exists(f"subject-access/export-{export.pk}.pdf")
    # Asked for afterwards, the export is of what was kept.
    later = SubjectAccessExport.objects.create(
        participant=world.participant, requested_by=world.programme_lead
    )
    assert sa.subject_access_build(export_id=later.pk) is True
