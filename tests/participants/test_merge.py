"""A programme lead merges two records of the same person; nothing is lost."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from config.errors import ApplicationError
from participants.journal import note_create, task_create
from participants.merge import participants_merge
from participants.models import CaseNote, Participant, Task
from participants.plan import goal_create
from participants.services import participant_create
from participants.synthetic import synthetic_fodselsnummer
from tests.factories import EnrollmentFactory, ParticipantFactory
from tests.support.visitors import recently_authenticated

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def duplicate(world):
    """The same person, registered a second time without a national ID."""
    twin = ParticipantFactory(
        municipality=world.municipality,
        first_name="Amalie",
        last_name="Testesen",
        phone="+47 400 12 345",
    )
    EnrollmentFactory(participant=twin, programme=world.programme, caseworker=world.caseworker)
    note_create(
        actor=world.caseworker,
        participant=twin,
        kind="phone",
        occurred_on=TODAY,
        text="Written on the duplicate.",
    )
    task_create(
        actor=world.caseworker,
        participant=twin,
        title="Duplicate's task",
        due_on=TODAY,
        assignee=world.caseworker,
    )
    goal_create(actor=world.caseworker, participant=twin, category="work", title="A job")
    return twin


def test_merging_moves_everything_and_hides_the_duplicate(world, client_for, duplicate):
    client_for(world.caseworker).get(reverse("participants:detail", args=[duplicate.pk]))
    keep = participants_merge(
        actor=world.programme_lead,
        keep=world.participant,
        remove=duplicate,
        reason="Same person, registered twice",
    )
    assert keep.enrollments.count() == 2
    assert CaseNote.objects.get().participant == keep
    assert Task.objects.get().participant == keep
    assert keep.goals.get().title == "A job"
    assert keep.phone == "+47 400 12 345"  # a blank filled from the duplicate
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert not Participant.objects.visible_to(world.caseworker).filter(pk=duplicate.pk).exists()
    client = client_for(world.caseworker)
    assert client.get(reverse("participants:detail", args=[duplicate.pk])).status_code == 404
    # The kept record's history shows what happened to both.
    audit = client.get(reverse("participants:audit", args=[keep.pk])).content.decode()
    assert "Same person, registered twice" in audit
    assert AccessEvent.objects.filter(participant=duplicate).exists()


def test_the_national_id_moves_to_the_kept_record_when_it_had_none(world, duplicate):
    number = synthetic_fodselsnummer(date(2004, 2, 2), 611)
    with_id = participant_create(
        actor=world.caseworker,
        municipality=world.municipality,
        first_name="Amalie",
        last_name="Testesen",
        national_id=number,
        confirmed_new=True,
    )
    EnrollmentFactory(participant=with_id, programme=world.programme)
    keep = participants_merge(
        actor=world.programme_lead, keep=world.participant, remove=with_id, reason="Same person"
    )
    assert keep.national_id_masked.startswith(number[:6])
    with_id.refresh_from_db()
    assert with_id.national_id_hash == ""


def test_two_different_national_ids_are_never_merged(world):
    first = participant_create(
        actor=world.caseworker,
        municipality=world.municipality,
        first_name="A",
        last_name="B",
        national_id=synthetic_fodselsnummer(date(2004, 2, 2), 611),
    )
    second = participant_create(
        actor=world.caseworker,
        municipality=world.municipality,
        first_name="A",
        last_name="B",
        confirmed_new=True,
        national_id=synthetic_fodselsnummer(date(2004, 2, 3), 612),
    )
    for person in (first, second):
        EnrollmentFactory(participant=person, programme=world.programme)
    with pytest.raises(ApplicationError, match="different national IDs"):
        participants_merge(actor=world.programme_lead, keep=first, remove=second, reason="x")


def test_only_a_programme_lead_merges_and_never_a_record_with_itself(world, duplicate):
    with pytest.raises(ApplicationError, match="programme lead"):
        participants_merge(
            actor=world.caseworker, keep=world.participant, remove=duplicate, reason="x"
        )
    with pytest.raises(ApplicationError, match="two different records"):
        participants_merge(actor=world.programme_lead, keep=duplicate, remove=duplicate, reason="x")
    with pytest.raises(ApplicationError, match="Say why"):
        participants_merge(
            actor=world.programme_lead, keep=world.participant, remove=duplicate, reason="  "
        )
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_the_merge_page_asks_for_the_password_again(world, client_for, duplicate):
    from django.test import Client

    from tests.factories import PASSWORD

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"login": world.programme_lead.email, "password": PASSWORD})
    response = client.get(reverse("participants:merge", args=[world.participant.pk]))
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]


def test_a_lead_merges_in_the_browser_flow(world, client_for, duplicate):
    client = recently_authenticated(client_for(world.programme_lead))
    url = reverse("participants:merge", args=[world.participant.pk])
    page = client.get(url).content.decode()
    assert "Testesen" in page
    response = client.post(url, {"other": duplicate.pk, "reason": "Registered twice"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == world.participant.pk


@pytest.mark.parametrize(
    "who", ["caseworker", "arbeidsleder", "other_caseworker", "foreign_caseworker"]
)
def test_nobody_but_a_lead_may_open_the_merge_page(world, client_for, duplicate, who):
    client = recently_authenticated(client_for(getattr(world, who)))
    url = reverse("participants:merge", args=[world.participant.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"other": duplicate.pk, "reason": "x"}).status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_a_record_out_of_scope_cannot_be_chosen(world, client_for):
    client = recently_authenticated(client_for(world.programme_lead))
    response = client.post(
        reverse("participants:merge", args=[world.participant.pk]),
        {"other": world.foreign_participant.pk, "reason": "x"},
    )
    assert "valid choice" in response.content.decode()
    world.foreign_participant.refresh_from_db()
    assert world.foreign_participant.merged_into is None


@pytest.mark.parametrize("erased", ["keep", "remove"])
def test_an_anonymised_record_is_never_merged_nor_offered(world, duplicate, erased):
    from participants.selectors import merge_candidates
    from privacy.erasure import participant_anonymise

    records = {"keep": world.participant, "remove": duplicate}
    participant_anonymise(participant=records[erased], actor=world.programme_lead, reason="Asked")
    records[erased].refresh_from_db()
    with pytest.raises(ApplicationError, match="anonymised"):
        participants_merge(
            actor=world.programme_lead,
            keep=records["keep"],
            remove=records["remove"],
            reason="Same person",
        )
    records[erased].refresh_from_db()
    assert records[erased].phone == "" and records[erased].merged_into_id is None
    other = records["remove" if erased == "keep" else "keep"]
    assert records[erased] not in merge_candidates(user=world.programme_lead, participant=other)
