"""Importing people: the dry run writes nothing, the import writes everyone or no one, with
the history an intake through the page leaves."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeEvent
from imports.models import ImportRun, ImportStatus
from imports.services import import_files_expire
from participants import national_id as nid
from participants.models import Enrollment, EnrollmentStatusChange, Participant
from participants.services import PersonData, participant_intake
from programs.models import EnrollmentStatus
from tests import factories as f
from tests.support.imports import national_id, person, table, workbook

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Participant.objects.count(),
        Enrollment.objects.count(),
        EnrollmentStatusChange.objects.count(),
        ChangeEvent.objects.count(),
    )


def test_a_dry_run_reports_the_rows_and_writes_nothing(world, send):
    before = counts()
    response, run = send(table([person(1), person(2), person(3)]))
    assert response["Location"] == reverse("imports:detail", args=[run.pk])
    assert (run.status, run.rows_total, run.problems) == (ImportStatus.READY, 3, [])
    assert counts() == before


def test_the_import_registers_and_enrolls_everyone_with_the_intake_history(world, send, start):
    cohort = f.CohortFactory(programme=world.programme, name="Høst 2026")
    rows = [
        person(1, cohort="høst 2026", caseworker=world.caseworker.email.upper()),
        person(2, referral_source="nav", social_assistance="ja", protected_address="nei"),
    ]
    _, run = send(table(rows))
    start(run)
    assert (run.status, run.rows_created, run.confirmed_by) == (
        ImportStatus.DONE,
        2,
        world.programme_lead,
    )
    first = Participant.objects.get(national_id_hash=nid.lookup_hash(national_id(1)))
    enrollment = first.enrollments.get()
    assert (enrollment.programme, enrollment.cohort, enrollment.caseworker) == (
        world.programme,
        cohort,
        world.caseworker,
    )
    assert enrollment.status == EnrollmentStatus.INTAKE
    assert enrollment.starts_on == timezone.localdate()
    assert enrollment.status_changes.get().by == world.programme_lead
    assert nid.decrypt(first.national_id_encrypted) == national_id(1)
    second = Participant.objects.get(national_id_hash=nid.lookup_hash(national_id(2)))
    assert (second.social_assistance, second.protected_address) == (True, False)
    events = ChangeEvent.objects.filter(participant=first).order_by("pk")
    assert [(e.model, e.action, e.user) for e in events] == [
        ("participants.participant", "create", world.programme_lead),
        ("participants.enrollment", "create", world.programme_lead),
    ]
    assert events[0].changes["national_id_masked"] == [None, first.national_id_masked]
    assert national_id(1) not in str(events[0].changes)


def test_the_file_has_a_neutral_name_and_is_deleted_after_the_import(world, send, start):
    _, run = send(table([person(1)]), name="Ola Nordmann 01019012345.csv")
    run.refresh_from_db()
    assert run.file.name == f"imports/import-{run.pk}.csv"
    assert default_storage.exists(run.file.name)
    stored = run.file.name
    start(run)
    assert run.status == ImportStatus.DONE
    assert run.file.name == "" and not default_storage.exists(stored)


def test_a_file_with_errors_is_deleted_at_once(world, send):
    _, run = send(table([person(1, birth_date="17.05.2004")]))
    run.refresh_from_db()
    assert run.status == ImportStatus.INVALID
    assert run.file.name == "" and not default_storage.exists(f"imports/import-{run.pk}.csv")


def test_a_national_id_already_registered_is_an_error_at_its_row(world, send):
    participant_intake(
        actor=world.caseworker,
        municipality=world.municipality,
        person=PersonData("Eva", "Registrert", national_id(2)),
        programme=world.programme,
    )
    _, run = send(table([person(1), person(2)]))
    run.refresh_from_db()
    assert run.status == ImportStatus.INVALID
    assert run.problems == [
        {
            "line": 3,
            "field": "national_id",
            "message": "A person with this national ID is already registered in the municipality.",
            "warning": False,
        }
    ]


def test_a_national_id_repeated_in_the_file_names_the_first_row(world, send):
    _, run = send(table([person(1), person(2), person(3, national_id=national_id(1))]))
    run.refresh_from_db()
    assert [(p["line"], p["field"], p["message"]) for p in run.problems] == [
        (4, "national_id", "The same national ID is on row 2.")
    ]


def test_a_similar_person_is_a_warning_that_must_be_confirmed(world, send, start):
    born = world.participant
    born.birth_date = timezone.localdate().replace(year=2003)
    born.save()
    similar = {
        "first_name": "Amalie",
        "last_name": "Testesen",
        "birth_date": born.birth_date.isoformat(),
    }
    _, run = send(table([person(1), similar]))
    run.refresh_from_db()
    assert run.status == ImportStatus.READY and run.warning_count == 1
    assert run.problems[0]["line"] == 3 and run.problems[0]["warning"]
    page = start(run).content.decode()
    assert run.status == ImportStatus.READY
    assert "confirm that the rows should be imported anyway" in page
    start(run, confirmed=True)
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 2)


def test_a_row_that_breaks_after_the_dry_run_imports_nothing(world, send, start):
    _, run = send(table([person(n) for n in range(1, 30)]))
    run.refresh_from_db()
    assert run.status == ImportStatus.READY
    # Somebody registers one of the people by hand before the import is started.
    participant_intake(
        actor=world.caseworker,
        municipality=world.municipality,
        person=PersonData("Eva", "Imellom", national_id(17)),
        programme=world.programme,
    )
    before = counts()
    start(run)
    assert (run.status, run.rows_created) == (ImportStatus.FAILED, 0)
    assert [(p["line"], p["field"]) for p in run.errors] == [(18, "national_id")]
    assert counts() == before
    assert run.file.name == ""


def test_a_cohort_or_caseworker_of_another_programme_is_not_found(world, send):
    other_cohort = f.CohortFactory(programme=world.other_programme, name="Vår")
    rows = [
        person(1, cohort=other_cohort.name),
        person(2, caseworker=world.other_caseworker.email),
        person(3, caseworker=world.foreign_caseworker.email),
    ]
    _, run = send(table(rows))
    run.refresh_from_db()
    assert [(p["line"], p["field"], p["message"]) for p in run.problems] == [
        (2, "cohort", "The programme has no cohort by this name."),
        (3, "caseworker", "Choose a caseworker in this programme."),
        (4, "caseworker", "Nobody in your municipality has this e-mail address."),
    ]


def test_a_spreadsheet_gives_back_leading_zeros_and_reads_dates(world, send, start):
    from datetime import date

    from participants.synthetic import synthetic_fodselsnummer

    early = synthetic_fodselsnummer(date(2005, 1, 3), 512)  # born on the 3rd: starts with 0
    cells = ["Kari", "Nullsen", int(early), date(2005, 1, 3), "female", 41234567]
    values = [*cells, "", "", 150, "Oslo", False]
    _, run = send(workbook([values]), name="people.xlsx")
    run.refresh_from_db()
    assert run.status == ImportStatus.READY, run.problems
    start(run)
    person_ = Participant.objects.get(last_name="Nullsen")
    assert (person_.national_id_masked[:6], person_.postcode, person_.phone) == (
        early[:6],
        "0150",
        "41234567",
    )


def test_a_swedish_municipality_imports_personnummer_without_the_nav_column(
    world, send, start, client_for
):
    from datetime import date

    from participants.synthetic import synthetic_personnummer

    lead = f.UserFactory(municipality=world.foreign_municipality)
    programme = f.ProgrammeFactory(municipality=world.foreign_municipality, name="Jobbspår")
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    number = synthetic_personnummer(date(2008, 6, 1), 123)
    rows = [{"first_name": "Elsa", "last_name": "Svensson", "national_id": number}]
    _, run = send(table(rows, country="SE"), user=lead, programme=programme)
    run.refresh_from_db()
    assert run.status == ImportStatus.READY, run.problems
    start(run, user=lead)
    assert Participant.objects.get(last_name="Svensson").municipality == world.foreign_municipality
    _, wrong = send(table(rows, country="NO"), user=lead, programme=programme)
    wrong.refresh_from_db()
    assert "Columns not in the template, or repeated: P." in wrong.problems[0]["message"]


def test_an_expired_file_is_deleted_and_cannot_be_imported(world, send, start):
    _, run = send(table([person(1)]))
    stored = f"imports/import-{run.pk}.csv"
    ImportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = start(run).content.decode()
    assert "The file has expired. Upload it again." in page
    assert import_files_expire() == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.EXPIRED and not default_storage.exists(stored)
    assert import_files_expire() == 0
    assert Participant.objects.filter(last_name__startswith="Importsen").count() == 0


def test_a_second_click_on_import_imports_once(world, send, start):
    _, run = send(table([person(1), person(2)]))
    start(run)
    page = start(run).content.decode()
    assert "This file cannot be imported: look at its status." in page
    assert Participant.objects.filter(last_name__startswith="Importsen").count() == 2
