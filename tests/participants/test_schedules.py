"""The participant-side scheduled jobs: the daily "needs attention" e-mail and the + 6 / + 12
month follow-ups of exited enrollments."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participants.journal import task_create
from participants.models import DigestSent, FollowUp, Task
from participants.services import add_months
from participants.tasks import follow_ups_create_missing_task
from placements.attendance import missing_days
from placements.digest import digests_send
from placements.tasks import digests_send_task
from tests.factories import (
    ConsentFactory,
    EnrollmentFactory,
    MembershipFactory,
    ParticipantFactory,
    PlacementFactory,
    SupervisorFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def mails_to(outbox, user) -> list:
    return [mail for mail in outbox if mail.to == [user.email]]


def only_mail_to(outbox, user):
    mails = mails_to(outbox, user)
    assert len(mails) == 1, [m.to for m in outbox]
    return mails[0]


def overdue_task(world, participant=None):
    return task_create(
        actor=world.caseworker,
        participant=participant or world.participant,
        title="Ring NAV om tiltaksplass",
        due_on=TODAY - timedelta(days=1),
        assignee=world.caseworker,
    )


# --- the daily digest ---------------------------------------------------------------------------


def test_a_caseworker_hears_how_many_things_wait_with_a_link_and_no_names(world, mailoutbox):
    world.participant.phone = "+47 912 34 567"
    world.participant.national_id_masked = "010190*****"
    world.participant.save()
    overdue_task(world)

    digests_send_task.delay()

    mail = only_mail_to(mailoutbox, world.caseworker)
    text = mail.subject + mail.body
    # In the municipality's language (Lyngdal: bokmål), counts under the home page's headings.
    assert "Trenger oppmerksomhet" in mail.body
    assert "Oppgaver med frist denne uken: 1" in mail.body
    assert "Ingen notater på 30 dager: 1" in mail.body
    assert f"{settings.FOTFESTE_SITE_URL.rstrip('/')}/\n" in mail.body
    for personal in ("Amalie", "Testesen", "912 34 567", "010190", "Ring NAV"):
        assert personal not in text


def test_an_arbeidsleder_hears_how_many_attendance_days_nobody_recorded(world, mailoutbox):
    expected = len(missing_days(world.placement, set(), TODAY))
    assert expected > 1  # the placement began two weeks ago and nothing is recorded

    digests_send()

    mail = only_mail_to(mailoutbox, world.arbeidsleder)
    assert f"{expected} dager mangler (1 person)" in mail.body
    assert "/worksites/attendance/week/" in mail.body
    assert "Amalie" not in mail.body and "Testesen" not in mail.body


def test_a_second_run_the_same_day_sends_nothing(world, mailoutbox):
    overdue_task(world)
    # The caseworker, the arbeidsleder and Solvik's arbeidsleder (a placement nobody records).
    assert digests_send() == 3
    sent = len(mailoutbox)

    assert digests_send() == 0
    digests_send_task.delay()

    assert len(mailoutbox) == sent
    assert DigestSent.objects.filter(day=TODAY).count() == 3


def test_the_next_day_the_digest_is_sent_again(world, mailoutbox):
    digests_send(day=TODAY - timedelta(days=1))
    digests_send(day=TODAY)
    assert len(mails_to(mailoutbox, world.caseworker)) == 2


def test_users_with_nothing_waiting_get_no_mail(world, mailoutbox):
    digests_send()

    # A caseworker without people, an arbeidsleder of an empty worksite, a lead and an admin.
    for user in (world.other_caseworker, world.other_arbeidsleder, world.programme_lead):
        assert mails_to(mailoutbox, user) == []
    assert mails_to(mailoutbox, world.admin) == []
    assert not DigestSent.objects.filter(user=world.other_caseworker).exists()


def test_an_inactive_caseworker_gets_no_mail(world, mailoutbox):
    world.caseworker.is_active = False
    world.caseworker.save()
    digests_send()
    assert mails_to(mailoutbox, world.caseworker) == []


def test_an_arbeidsleder_hears_nothing_of_a_person_whose_consent_was_withdrawn(world, mailoutbox):
    world.participant.consents.update(withdrawn_on=TODAY - timedelta(days=1))
    digests_send()
    assert mails_to(mailoutbox, world.arbeidsleder) == []


def test_a_user_of_another_municipality_never_gets_counts_of_this_one(world, mailoutbox):
    # Wrongly given a role in Lyngdal: a programme membership, a person and a task there, and
    # Lyngdal's worksite to supervise. None of it may reach the Solvik users' mail.
    intruder = world.foreign_caseworker
    MembershipFactory(user=intruder, programme=world.programme, role="caseworker")
    neighbour = ParticipantFactory(municipality=world.municipality)
    EnrollmentFactory(participant=neighbour, programme=world.programme, caseworker=intruder)
    Task.objects.create(
        participant=neighbour, title="x", due_on=TODAY, assignee=intruder, created_by=intruder
    )
    SupervisorFactory(user=world.foreign_arbeidsleder, worksite=world.worksite)
    # Their own Solvik person: one quiet person, one placement nobody records.
    world.foreign_participant.enrollments.update(caseworker=intruder)
    foreign_placement = world.foreign_participant.enrollments.get().placements.get()
    own_missing = len(missing_days(foreign_placement, set(), TODAY))

    digests_send()

    caseworker_mail = only_mail_to(mailoutbox, intruder)
    assert "Behöver uppmärksamhet" in caseworker_mail.body  # Solvik's language
    assert "Ingen anteckning på 30 dagar: 1" in caseworker_mail.body
    assert "Uppgifter" not in caseworker_mail.body  # the Lyngdal task is not counted
    supervisor_mail = only_mail_to(mailoutbox, world.foreign_arbeidsleder)
    assert f"{own_missing} dagar saknas (1 person)" in supervisor_mail.body


def test_the_digest_costs_the_same_queries_whatever_the_number_of_people(world, mailoutbox):
    def run(day) -> int:
        with CaptureQueriesContext(connection) as queries:
            digests_send(day=day)
        return len(queries)

    overdue_task(world)
    few = run(TODAY - timedelta(days=1))
    mailoutbox.clear()
    for _ in range(8):
        person = ParticipantFactory(municipality=world.municipality)
        enrollment = EnrollmentFactory(
            participant=person, programme=world.programme, caseworker=world.caseworker
        )
        ConsentFactory(
            participant=person, recorded_by=world.caseworker, expires_on=TODAY + timedelta(days=5)
        )
        PlacementFactory(enrollment=enrollment, worksite=world.worksite)
        overdue_task(world, participant=person)
    many = run(TODAY)
    body = only_mail_to(mailoutbox, world.caseworker).body
    assert "Oppgaver med frist denne uken: 9" in body
    assert "Samtykker som utløper: 8" in body
    assert many == few


# --- follow-ups at + 6 and + 12 months ------------------------------------------------------------


def exited(world, status: str = "completed", ends_on: date | None = date(2025, 8, 31)):
    enrollment = EnrollmentFactory(
        participant=ParticipantFactory(municipality=world.municipality),
        programme=world.programme,
        status=status,
        starts_on=date(2025, 1, 6),
    )
    enrollment.ends_on = ends_on
    enrollment.save()
    return enrollment


def due_dates(enrollment) -> dict[int, date]:
    return {f.months: f.due_on for f in FollowUp.objects.filter(enrollment=enrollment)}


def test_exited_enrollments_without_follow_ups_get_them_at_six_and_twelve_months(world):
    completed = exited(world)
    withdrawn = exited(world, status="withdrawn", ends_on=date(2026, 1, 31))

    follow_ups_create_missing_task.delay()

    assert due_dates(completed) == {6: date(2026, 2, 28), 12: date(2026, 8, 31)}
    assert due_dates(withdrawn) == {
        6: add_months(date(2026, 1, 31), 6),
        12: add_months(date(2026, 1, 31), 12),
    }


def test_enrollments_still_running_or_without_an_exit_date_get_no_follow_ups(world):
    no_date = exited(world, ends_on=None)
    follow_ups_create_missing_task.delay()
    assert due_dates(world.enrollment) == {} and due_dates(no_date) == {}


def test_a_missing_follow_up_is_added_and_a_recorded_one_is_left_as_it_is(world):
    enrollment = exited(world)
    recorded = FollowUp.objects.create(
        enrollment=enrollment, months=6, due_on=date(2026, 3, 1), status="work", source="nav"
    )
    follow_ups_create_missing_task.delay()
    recorded.refresh_from_db()
    assert (recorded.due_on, recorded.status) == (date(2026, 3, 1), "work")
    assert due_dates(enrollment) == {6: date(2026, 3, 1), 12: date(2026, 8, 31)}


def test_a_second_night_creates_no_follow_ups(world):
    from participants.services import follow_ups_create_missing

    exited(world)
    exited(world, status="withdrawn")
    assert follow_ups_create_missing() == 2
    assert FollowUp.objects.count() == 4

    assert follow_ups_create_missing() == 0
    follow_ups_create_missing_task.delay()
    assert FollowUp.objects.count() == 4


def test_a_programme_lead_hears_of_funder_reports_overdue_and_due(world, mailoutbox):
    from programs.models import Grant, ReportDeadline

    grant = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name="LIM-tilskudd",
        amount=1000,
        starts_on=TODAY - timedelta(days=200),
        ends_on=TODAY + timedelta(days=200),
    )
    grant.programmes.add(world.programme)
    for days, label in ((-3, "Halvårsrapport"), (10, "Kvartalsrapport"), (40, "Sluttrapport")):
        ReportDeadline.objects.create(grant=grant, due_on=TODAY + timedelta(days=days), label=label)
    ReportDeadline.objects.create(
        grant=grant, due_on=TODAY - timedelta(days=30), label="Levert", submitted_on=TODAY
    )

    digests_send_task.delay()

    mail = only_mail_to(mailoutbox, world.programme_lead)
    assert "1 rapport på overtid" in mail.body and "1 rapport med frist innen to uker" in mail.body
    assert "/reports/" in mail.body and "Halvårsrapport" not in mail.body
