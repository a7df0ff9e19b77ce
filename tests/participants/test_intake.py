"""Intake: a caseworker registers a person with a national ID and enrolls them."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audit.models import AccessEvent
from participants import national_id as nid
from participants.models import Enrollment, Participant
from participants.synthetic import synthetic_fodselsnummer, synthetic_personnummer
from tests.factories import CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

URL = "/participants/new/"
NUMBER = synthetic_fodselsnummer(date(2006, 5, 17), 601)


def intake(client, world, **overrides):
    data = {
        "first_name": "Ny",
        "last_name": "Deltaker",
        "national_id": NUMBER,
        "programme": world.programme.pk,
        "caseworker": world.caseworker.pk,
        "referral_source": "nav",
        "gender": "female",
        "phone": "+47 400 00 123",
        "language_level": "B1",
        **overrides,
    }
    return client.post(URL, data)


def test_a_caseworker_registers_and_enrolls_a_person(world, client_for):
    response = intake(client_for(world.caseworker), world)
    person = Participant.objects.get(last_name="Deltaker")
    assert response.status_code == 302 and response["Location"].endswith(f"/{person.pk}/")
    assert person.birth_date == date(2006, 5, 17)  # from the national ID
    enrollment = Enrollment.objects.get(participant=person)
    assert (
        enrollment.programme,
        enrollment.caseworker,
        enrollment.status,
        enrollment.referral_source,
    ) == (world.programme, world.caseworker, "intake", "nav")
    assert [c.status for c in enrollment.status_changes.all()] == ["intake"]


def test_the_national_id_is_never_stored_in_the_clear(world, client_for):
    intake(client_for(world.caseworker), world)
    person = Participant.objects.get(last_name="Deltaker")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM participants_participant WHERE id = %s", [person.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert NUMBER not in row and NUMBER[6:] not in row
    assert nid.decrypt(person.national_id_encrypted) == NUMBER
    assert person.national_id_hash == nid.lookup_hash(NUMBER)


def test_the_page_shows_the_number_masked_and_the_full_number_only_on_request(world, client_for):
    intake(client_for(world.caseworker), world)
    person = Participant.objects.get(last_name="Deltaker")
    client = client_for(world.programme_lead)
    page = client.get(reverse("participants:detail", args=[person.pk])).content.decode()
    assert NUMBER[:6] in page and NUMBER not in page
    shown = client.post(reverse("participants:national-id", args=[person.pk]))
    assert NUMBER in shown.content.decode()
    assert (
        AccessEvent.objects.filter(
            participant=person, action="reveal", user=world.programme_lead
        ).count()
        == 1
    )


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
def test_nobody_else_can_reveal_the_number(world, client_for, who):
    intake(client_for(world.caseworker), world)
    person = Participant.objects.get(last_name="Deltaker")
    response = client_for(getattr(world, who)).post(
        reverse("participants:national-id", args=[person.pk])
    )
    assert response.status_code == 404
    assert NUMBER not in response.content.decode()
    assert not AccessEvent.objects.filter(action="reveal").exists()


def test_revealing_needs_a_post(world, client_for):
    intake(client_for(world.caseworker), world)
    person = Participant.objects.get(last_name="Deltaker")
    url = reverse("participants:national-id", args=[person.pk])
    assert client_for(world.caseworker).get(url).status_code == 405


def test_the_same_national_id_twice_is_refused_and_points_to_the_record(world, client_for):
    client = client_for(world.caseworker)
    intake(client, world)
    response = intake(client, world, first_name="Another", last_name="Name", confirmed_new="on")
    page = response.content.decode()
    assert response.status_code == 200
    assert "already registered in the municipality" in page
    existing = Participant.objects.get(last_name="Deltaker")
    assert reverse("participants:detail", args=[existing.pk]) in page
    assert Participant.objects.filter(national_id_hash=existing.national_id_hash).count() == 1


def test_a_duplicate_the_user_may_not_see_is_named_but_not_shown(world, client_for):
    intake(client_for(world.caseworker), world)
    response = intake(
        client_for(world.other_caseworker), world, programme=world.other_programme.pk, caseworker=""
    )
    page = response.content.decode()
    assert "already registered" in page and "programme you do not follow" in page
    warning = page.split('<main id="main"', 1)[1].split('<form method="post" class="form', 1)[0]
    assert "already registered" in warning and "Deltaker" not in warning  # names nobody


def test_a_similar_name_with_the_same_birth_date_warns_and_can_be_confirmed(world, client_for):
    client = client_for(world.caseworker)
    intake(client, world, national_id="", birth_date="2006-05-17")
    response = intake(
        client,
        world,
        national_id="",
        birth_date="2006-05-17",
        first_name="Nye",
        last_name="Deltakar",
    )
    assert response.status_code == 200 and "similar name" in response.content.decode()
    assert Participant.objects.filter(birth_date=date(2006, 5, 17)).count() == 1
    response = intake(
        client,
        world,
        national_id="",
        birth_date="2006-05-17",
        first_name="Nye",
        last_name="Deltakar",
        confirmed_new="on",
    )
    assert response.status_code == 302
    assert Participant.objects.filter(birth_date=date(2006, 5, 17)).count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"national_id": "12345678901"}, "not a valid date of birth"),
        ({"national_id": "1705061234"}, "has 11 digits; this one has 10"),
        ({"national_id": synthetic_personnummer(date(2006, 5, 17), 321)}, "Swedish personnummer"),
        (
            {"national_id": "", "birth_date": (date.today() + timedelta(days=2)).isoformat()},
            "future",
        ),
        ({"national_id": "", "birth_date": "1901-01-01"}, "100 years"),
        ({"birth_date": "2006-05-18"}, "does not match"),
        ({"first_name": ""}, "required"),
        ({"email": "not-an-address"}, "valid email"),
        ({"gender": "robot"}, "valid choice"),
        ({"programme": "999999"}, "valid choice"),
    ],
)
def test_bad_intake_input_gets_a_clear_message_and_registers_nobody(
    world, client_for, overrides, message
):
    response = intake(client_for(world.caseworker), world, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Participant.objects.filter(last_name="Deltaker").exists()


def test_a_programme_or_cohort_the_user_does_not_belong_to_is_refused(world, client_for):
    client = client_for(world.caseworker)
    foreign = ProgrammeFactory(municipality=world.foreign_municipality)
    for programme in (world.other_programme, foreign):
        response = intake(client, world, programme=programme.pk)
        assert "valid choice" in response.content.decode()
    other_cohort = CohortFactory(programme=world.other_programme)
    response = intake(client, world, cohort=other_cohort.pk)
    assert (
        "valid choice" in response.content.decode()
        or "does not belong" in response.content.decode()
    )
    assert not Participant.objects.filter(last_name="Deltaker").exists()


def test_enrolling_twice_in_the_same_cohort_is_refused(world):
    from config.errors import ApplicationError
    from participants.services import enrollment_create

    cohort = CohortFactory(programme=world.programme)
    enrollment_create(
        actor=world.caseworker,
        participant=world.participant,
        programme=world.programme,
        cohort=cohort,
    )
    with pytest.raises(ApplicationError, match="already enrolled"):
        enrollment_create(
            actor=world.caseworker,
            participant=world.participant,
            programme=world.programme,
            cohort=cohort,
        )


@pytest.mark.parametrize("who", ["arbeidsleder", "admin"])
def test_intake_is_for_caseworkers_and_programme_leads(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(URL).status_code == 404
    assert intake(client, world).status_code == 404


def test_the_foreign_caseworker_is_offered_only_their_own_programmes(world, client_for):
    page = client_for(world.foreign_caseworker).get(URL).content.decode()
    assert "En av mange" not in page and "Feriearbete" in page


def test_a_swedish_caseworker_registers_a_personnummer(world, client_for):
    number = synthetic_personnummer(date(2009, 2, 3), 412)
    client = client_for(world.foreign_caseworker)
    programme = world.foreign_participant.enrollments.get().programme
    response = client.post(
        URL,
        {
            "first_name": "Ny",
            "last_name": "Deltagare",
            "national_id": f"{number[2:8]}-{number[8:]}",
            "programme": programme.pk,
        },
    )
    assert response.status_code == 302
    assert Participant.objects.get(last_name="Deltagare").birth_date == date(2009, 2, 3)


class TestProtectedAddress:
    @pytest.fixture
    def protected(self, world):
        world.participant.protected_address = True
        world.participant.address = "Hemmeligveien 7"
        world.participant.save()
        return world.participant

    def test_only_the_assigned_caseworker_sees_it(self, world, client_for, protected):
        url = reverse("participants:detail", args=[protected.pk])
        assert "Hemmeligveien" in client_for(world.caseworker).get(url).content.decode()
        lead_page = client_for(world.programme_lead).get(url).content.decode()
        assert "Hemmeligveien" not in lead_page and "Protected address" in lead_page
        assert "Hemmeligveien" not in client_for(world.arbeidsleder).get(url).content.decode()

    def test_the_lead_cannot_read_or_overwrite_it_through_the_edit_form(
        self, world, client_for, protected
    ):
        client = client_for(world.programme_lead)
        url = reverse("participants:edit", args=[protected.pk])
        assert "Hemmeligveien" not in client.get(url).content.decode()
        client.post(
            url,
            {
                "first_name": "Amalie",
                "last_name": "Testesen",
                "version": 1,
                "address": "Overwritten 1",
                "protected_address": "on",
            },
        )
        protected.refresh_from_db()
        assert protected.address == "Hemmeligveien 7"


def test_rotating_keys_keeps_every_number_readable(world, client_for, settings):
    intake(client_for(world.caseworker), world)
    person = Participant.objects.get(last_name="Deltaker")
    old_token = person.national_id_encrypted
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["a-brand-new-key", *settings.FOTFESTE_NATIONAL_ID_KEYS]
    call_command("rotate_national_id_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    person.refresh_from_db()
    assert person.national_id_encrypted != old_token
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["a-brand-new-key"]
    assert nid.decrypt(person.national_id_encrypted) == NUMBER


class TestEnrollAgain:
    def url(self, world):
        return reverse("participants:enroll", args=[world.participant.pk])

    def test_a_registered_person_is_enrolled_in_a_new_cohort(self, world, client_for):
        cohort = CohortFactory(programme=world.programme)
        response = client_for(world.caseworker).post(
            self.url(world),
            {
                "programme": world.programme.pk,
                "cohort": cohort.pk,
                "caseworker": world.caseworker.pk,
                "referral_source": "school",
            },
        )
        assert response.status_code == 302
        assert world.participant.enrollments.filter(cohort=cohort, status="referred").exists()

    def test_the_same_cohort_twice_is_refused(self, world, client_for):
        cohort = CohortFactory(programme=world.programme)
        client = client_for(world.caseworker)
        data = {"programme": world.programme.pk, "cohort": cohort.pk}
        client.post(self.url(world), data)
        response = client.post(self.url(world), data)
        assert "already enrolled in this cohort" in response.content.decode()
        assert world.participant.enrollments.filter(cohort=cohort).count() == 1

    def test_a_cohort_of_another_programme_is_refused(self, world, client_for):
        from tests.factories import MembershipFactory

        MembershipFactory(user=world.caseworker, programme=world.other_programme)
        cohort = CohortFactory(programme=world.other_programme)
        response = client_for(world.caseworker).post(
            self.url(world), {"programme": world.programme.pk, "cohort": cohort.pk}
        )
        assert "does not belong to this programme" in response.content.decode()

    @pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
    def test_others_cannot_enroll_the_person(self, world, client_for, who):
        response = client_for(getattr(world, who)).post(
            self.url(world), {"programme": world.programme.pk}
        )
        assert response.status_code == 404
        assert world.participant.enrollments.count() == 1


def test_the_intake_form_is_in_sections_with_required_fields_marked(world, client_for):
    page = client_for(world.caseworker).get(URL).content.decode()
    legends = [part.split("</legend>", 1)[0] for part in page.split("<legend>")[1:]]
    assert legends[:4] == ["Person", "Contact", "Background", "Programme"]
    assert 'name="first_name"' in page.split("<legend>Contact")[0]
    assert 'name="programme"' in page.split("<legend>Programme")[1]
    first_name = page.split('name="first_name"', 1)[1].split(">", 1)[0]
    assert 'aria-required="true"' in first_name
    label = page.split('<label for="id_first_name">', 1)[1].split("</label>", 1)[0]
    assert "*" in label and "(required)" in label
    phone = page.split('<label for="id_phone">', 1)[1].split("</label>", 1)[0]
    assert "*" not in phone


def test_the_duplicate_confirmation_shows_only_after_a_warning(world, client_for):
    client = client_for(world.caseworker)
    assert 'name="confirmed_new"' not in client.get(URL).content.decode()
    intake(client, world, national_id="", birth_date="2006-05-17")
    page = intake(
        client, world, national_id="", birth_date="2006-05-17", first_name="Nye"
    ).content.decode()
    assert "similar name" in page and 'name="confirmed_new"' in page
    other_error = intake(client, world, national_id="12345").content.decode()
    assert "this one has 5" in other_error and 'name="confirmed_new"' not in other_error
