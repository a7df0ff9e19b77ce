"""A report's life after it is built: the narrative of a draft, submission (then frozen), a
correction as a new version, and the lead's own profiles."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import ChangeEvent
from config.errors import ApplicationError
from reporting.models import FunderProfile, ReportRun
from reporting.services import profile_save, report_build, report_request
from reporting.submission import report_correct, report_narrative_update, report_submit
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def built(world, django_capture_on_commit_callbacks):
    def make(**overrides) -> ReportRun:
        data = {
            "actor": world.programme_lead,
            "kind": "ks",
            "programme": world.programme,
            "period_start": TODAY - timedelta(days=60),
            "period_end": TODAY,
            **overrides,
        }
        with django_capture_on_commit_callbacks(execute=True):
            run = report_request(**data)
        run.refresh_from_db()
        assert run.status == "ready", run.error
        return run

    return make


def submit(world, run, **overrides) -> ReportRun:
    values = {"submitted_on": TODAY, "submitted_to": "KS", **overrides}
    return report_submit(actor=world.programme_lead, run=run, **values)


def test_a_submitted_report_is_frozen_and_its_files_are_kept(world, built):
    run = submit(world, built())
    assert (run.submitted_on, run.submitted_to, run.expires_at) == (TODAY, "KS", None)
    assert ChangeEvent.objects.filter(object_id=str(run.pk), action="update").exists()
    ReportRun.objects.filter(pk=run.pk).update(status="running")  # delivered again
    assert report_build(run_id=run.pk) is False  # never built again
    with pytest.raises(ApplicationError, match="submitted on"):
        submit(world, ReportRun.objects.get(pk=run.pk))


def test_the_narrative_of_a_submitted_report_cannot_be_changed(world, built):
    run = submit(world, built(narrative_activities="Samlinger hver uke."))
    with pytest.raises(ApplicationError, match="correction"):
        report_narrative_update(
            actor=world.programme_lead,
            run=run,
            expected_checksum=run.checksum,
            narrative_activities="Noe annet.",
        )
    run.refresh_from_db()
    assert run.narrative_activities == "Samlinger hver uke."


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"submitted_to": "  "}, "whom"),
        ({"submitted_on": TODAY + timedelta(days=1)}, "today or earlier"),
        ({"submitted_on": TODAY - timedelta(days=400)}, "before it was built"),
    ],
)
def test_a_submission_needs_a_recipient_and_a_day_that_has_been(world, built, values, message):
    run = built()
    with pytest.raises(ApplicationError, match=message):
        submit(world, run, **values)
    run.refresh_from_db()
    assert run.submitted_on is None


def test_a_report_still_being_built_cannot_be_submitted(world):
    run = ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=TODAY - timedelta(days=30),
        period_end=TODAY,
        requested_by=world.programme_lead,
    )
    with pytest.raises(ApplicationError, match="ready"):
        submit(world, run)


def test_a_stale_narrative_edit_is_told_and_loses_nothing(world, built):
    run = built(narrative_activities="Først.")
    with pytest.raises(ApplicationError, match="Somebody else"):
        report_narrative_update(
            actor=world.programme_lead,
            run=run,
            expected_checksum="0" * 64,
            narrative_activities="Sist.",
        )
    run.refresh_from_db()
    assert run.narrative_activities == "Først."


def test_a_draft_narrative_is_saved_and_the_report_built_again_with_it(
    world, built, django_capture_on_commit_callbacks
):
    run = built()
    with django_capture_on_commit_callbacks(execute=True):
        report_narrative_update(
            actor=world.programme_lead,
            run=run,
            expected_checksum=run.checksum,
            narrative_cooperation="Møter med NAV hver måned.",
        )
    run.refresh_from_db()
    assert run.status == "ready"
    sections = {part["key"]: part["text"] for part in run.snapshot["narrative"]}
    assert sections["cooperation"] == "Møter med NAV hver måned."


def test_a_correction_is_a_new_version_that_lists_what_changed(world, built):
    for gender in ["female"] * 6 + ["male"] * 6:
        person = f.ParticipantFactory(municipality=world.municipality, gender=gender)
        f.EnrollmentFactory(participant=person, programme=world.programme)
    run = submit(world, built())
    person = f.ParticipantFactory(municipality=world.municipality, gender="male")
    f.EnrollmentFactory(participant=person, programme=world.programme)
    with pytest.raises(ApplicationError, match="submitted"):
        report_correct(actor=world.programme_lead, run=built())
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        correction = report_correct(actor=world.programme_lead, run=run)
    correction.refresh_from_db()
    assert (correction.edition, correction.corrects, correction.status) == (2, run, "ready")
    assert correction.snapshot["meta"]["corrects"]["version"] == 1
    changed = {c["figure"]: c for c in correction.snapshot["changes"] if c["category"] is None}
    assert (changed["participants"]["before"], changed["participants"]["after"]) == (13, 14)
    # A breakdown by gender changed too: said, but never cell by cell.
    gender = [c for c in correction.snapshot["changes"] if c["figure"] == "by_gender"]
    assert gender == [{"figure": "by_gender", "category": None, "before": None, "after": None}]
    with pytest.raises(ApplicationError, match="newest"):
        report_correct(actor=world.programme_lead, run=run)


def test_only_a_lead_of_the_programme_submits_its_report(world, built):
    run = built()
    for actor in (world.caseworker, world.foreign_caseworker):
        with pytest.raises(ApplicationError):
            report_submit(actor=actor, run=run, submitted_on=TODAY, submitted_to="KS")


@pytest.mark.parametrize("action", ["submit", "narrative", "correct"])
def test_the_run_pages_are_a_404_outside_the_lead(world, built, client_for, action):
    run = built()
    for user in (world.caseworker, world.foreign_caseworker, world.other_caseworker):
        response = client_for(user).post(
            reverse(f"reporting:{action}", args=[run.pk]),
            {"submitted_on": TODAY.isoformat(), "submitted_to": "KS"},
        )
        assert response.status_code == 404
    run.refresh_from_db()
    assert run.submitted_on is None and run.status == "ready"


def test_the_lead_submits_through_the_page_and_then_sees_it_frozen(world, built, client_for):
    run = built()
    client = client_for(world.programme_lead)
    page = client.get(reverse("reporting:run", args=[run.pk])).content.decode()
    assert "Mark as submitted" in page and 'id="narrative"' in page
    bad = client.post(reverse("reporting:submit", args=[run.pk]), {"submitted_to": "KS"})
    assert bad.status_code == 200 and "This field is required" in bad.content.decode()
    response = client.post(
        reverse("reporting:submit", args=[run.pk]),
        {"submitted_on": TODAY.isoformat(), "submitted_to": "KS"},
    )
    assert response.status_code == 302
    page = client.get(reverse("reporting:run", args=[run.pk])).content.decode()
    assert "Submitted to KS" in page and 'id="narrative"' not in page
    assert "Make a correction" in page


def test_a_lead_makes_a_profile_for_another_funder_and_builds_a_report_from_it(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.programme_lead)
    empty = client.post(
        reverse("reporting:profiles"), {"name": "Bufdir", "funder": "Bufdir", "kind": "summary"}
    )
    assert "Choose at least one figure" in empty.content.decode()
    both = client.post(
        reverse("reporting:profiles"),
        {
            "name": "Bufdir",
            "funder": "Bufdir",
            "kind": "summary",
            "figures": ["participants", "by_gender", "reached_by_gender"],
        },
    )
    assert "not both" in both.content.decode() and not FunderProfile.objects.exists()
    client.post(
        reverse("reporting:profiles"),
        {
            "name": "Bufdir",
            "funder": "Bufdir",
            "kind": "summary",
            "figures": ["participants", "in_work_training"],
            "narrative": ["activities"],
        },
    )
    profile = FunderProfile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reporting:reports"),
            {
                "report": f"custom-{profile.pk}",
                "programme": world.programme.pk,
                "language": "nb",
                "period_start": (TODAY - timedelta(days=30)).isoformat(),
                "period_end": TODAY.isoformat(),
            },
        )
    run = ReportRun.objects.get()
    assert (run.kind, run.profile) == ("summary", profile)
    assert list(run.snapshot["figures"]) == ["participants", "in_work_training"]
    assert run.snapshot["meta"]["profile"]["funder"] == "Bufdir"


def test_profiles_are_a_404_for_staff_who_lead_nothing(world, client_for):
    for user in (world.caseworker, world.arbeidsleder, world.foreign_caseworker):
        assert client_for(user).get(reverse("reporting:profiles")).status_code == 404


def test_another_municipalitys_profile_cannot_be_used(world):
    foreign_programme = f.ProgrammeFactory(municipality=world.foreign_municipality)
    foreign_lead = f.UserFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(user=foreign_lead, programme=foreign_programme, role="programme_lead")
    theirs = profile_save(
        actor=foreign_lead,
        name="Region",
        funder="Regionen",
        kind="summary",
        figures=["participants"],
        narrative=[],
    )
    with pytest.raises(ApplicationError, match="profiles"):
        report_request(
            actor=world.programme_lead,
            kind="summary",
            profile=theirs,
            programme=world.programme,
            period_start=TODAY - timedelta(days=10),
            period_end=TODAY,
        )


def test_a_grant_report_submitted_for_a_deadline_marks_the_deadline_submitted(
    world, built, client_for
):
    from programs.models import Grant, ReportDeadline

    grant = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name="LIM",
        amount=100,
        starts_on=TODAY - timedelta(days=100),
        ends_on=TODAY + timedelta(days=100),
    )
    grant.programmes.add(world.programme)
    deadline = ReportDeadline.objects.create(grant=grant, due_on=TODAY, label="Halvår")
    other = ReportDeadline.objects.create(
        grant=Grant.objects.create(
            municipality=world.municipality,
            funder="X",
            name="Other",
            amount=1,
            starts_on=TODAY - timedelta(days=10),
            ends_on=TODAY,
        ),
        due_on=TODAY,
        label="Other",
    )
    run = built(kind="lim", grant=grant, programme=None)
    assert run.snapshot["deadlines"] == [
        {"label": "Halvår", "due_on": TODAY.isoformat(), "status": "due", "submitted_on": None}
    ]
    assert run.snapshot["money"]["currency"] == "NOK"
    with pytest.raises(ApplicationError, match="deadline of this report's grant"):
        submit(world, run, deadline=other)
    submit(world, run, deadline=deadline, submitted_to="Agder fylkeskommune")
    deadline.refresh_from_db()
    assert (deadline.submitted_on, deadline.submitted_to) == (TODAY, "Agder fylkeskommune")


def test_a_report_whose_files_expired_cannot_be_submitted(world, built):
    from django.utils import timezone

    run = built()
    ReportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now() - timedelta(days=1))
    run.refresh_from_db()
    with pytest.raises(ApplicationError, match="expired"):
        submit(world, run)


def test_the_nightly_expiry_leaves_a_submitted_reports_files(world, built):
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from reporting.housekeeping import report_files_expire

    run = submit(world, built())
    later = timezone.now() + timedelta(days=400)
    assert report_files_expire(now=later) == 0
    run.refresh_from_db()
    assert run.pdf_file and default_storage.exists(run.pdf_file.name)


def test_a_submitted_reports_files_lose_an_erased_persons_name(world, built):
    """A submitted report keeps its files for good, so erasing the person writes them again
    without the name in the lead's words; the figures stay as they were."""
    from django.core.files.storage import default_storage

    from privacy.erasure import participant_anonymise
    from reporting.pdf import render_document

    name = world.participant.last_name
    run = submit(world, built(narrative_activities=f"{name} fikk jobb i renhold."))
    figures = run.snapshot["figures"]

    def document_text() -> str:
        run.refresh_from_db()
        pages = render_document(run, run.snapshot).pages
        return " ".join(
            box.text
            for page in pages
            for box in _boxes(page._page_box)
            if getattr(box, "text", None)
        )

    assert name in document_text()
    before = default_storage.open(run.pdf_file.name).read()
    participant_anonymise(participant=world.participant, actor=world.programme_lead, reason="Asked")
    assert name not in document_text()
    assert default_storage.open(run.pdf_file.name).read() != before
    assert run.snapshot["figures"] == figures and run.submitted_on == TODAY


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def test_the_run_page_lists_every_version_in_a_fixed_number_of_queries(world, built, client_for):
    from django.db import connection
    from django.test import TestCase
    from django.test.utils import CaptureQueriesContext

    from reporting.selectors import report_versions

    run = submit(world, built())
    chain = [run]
    for _ in range(3):
        with TestCase.captureOnCommitCallbacks(execute=True):
            correction = report_correct(actor=world.programme_lead, run=chain[-1])
        correction.refresh_from_db()
        chain.append(submit(world, correction))
    with CaptureQueriesContext(connection) as queries:
        versions = report_versions(run=chain[1])
    assert [v.edition for v in versions] == [1, 2, 3, 4] and len(queries) == 1
    page = client_for(world.programme_lead).get(reverse("reporting:run", args=[chain[2].pk]))
    assert page.content.decode().count("Version ") >= 4


def test_a_swedish_lead_is_offered_no_norwegian_funders_report(world, client_for):
    from tests import factories as f

    abroad = world.foreign_municipality
    programme = f.ProgrammeFactory(municipality=abroad, name="Jobbspår")
    lead = f.UserFactory(municipality=abroad)
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    page = client_for(lead).get(reverse("reporting:reports")).content.decode()
    assert 'value="summary"' in page and 'value="ks"' not in page and 'value="lim"' not in page
    with pytest.raises(ApplicationError, match="Norwegian"):
        report_request(
            actor=lead,
            kind="ks",
            programme=programme,
            period_start=TODAY - timedelta(days=10),
            period_end=TODAY,
        )
