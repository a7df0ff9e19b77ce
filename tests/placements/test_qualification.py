"""The road to a fagbrev: paths, MFY module sign-offs, deadlines, a cohort's progress."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from participants.services import add_months
from placements.models import ModuleProgress, QualificationPath
from placements.qualification import module_sign_off, path_create
from programs.models import Module, QualificationTrack
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def track():
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    for number in range(1, 6):
        Module.objects.create(track=track, number=number, name=f"MFY modul {number}")
    return track


@pytest.fixture
def path(world, track):
    return path_create(
        actor=world.caseworker,
        enrollment=world.enrollment,
        track=track,
        route="mfy",
        contract_starts_on=TODAY - timedelta(days=30),
        contract_ends_on=TODAY + timedelta(days=200),
    )


def sign(client, path, module, result="passed", confirm=True):
    data = {"module": module.pk, "result": result}
    if confirm:
        data["confirm"] = "1"
    return client.post(reverse("placements:module-sign-off", args=[path.pk]), data, follow=True)


def test_a_path_is_registered_with_the_deadline_three_months_before_the_contract_ends(
    world, client_for, track
):
    end = TODAY + timedelta(days=200)
    response = client_for(world.caseworker).post(
        reverse("placements:path-create", args=[world.participant.pk]),
        {
            "enrollment": world.enrollment.pk,
            "track": track.pk,
            "route": "mfy",
            "contract_starts_on": TODAY.isoformat(),
            "contract_ends_on": end.isoformat(),
        },
    )
    assert response.status_code == 302
    assert QualificationPath.objects.get().registration_deadline == add_months(end, -3)


def test_a_contract_ending_before_it_starts_is_refused(world, client_for, track):
    response = client_for(world.caseworker).post(
        reverse("placements:path-create", args=[world.participant.pk]),
        {
            "enrollment": world.enrollment.pk,
            "track": track.pk,
            "route": "mfy",
            "contract_starts_on": TODAY.isoformat(),
            "contract_ends_on": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert "cannot end before it starts" in response.content.decode()
    assert not QualificationPath.objects.exists()


def test_the_arbeidsleder_signs_off_a_module_and_the_progress_bar_moves(
    world, client_for, path, track
):
    module = track.modules.get(number=1)
    response = sign(client_for(world.arbeidsleder), path, module)
    assert "has been signed off" in response.content.decode()
    progress = ModuleProgress.objects.get()
    assert (progress.result, progress.signed_off_by) == ("passed", world.arbeidsleder)
    fragment = (
        client_for(world.caseworker)
        .get(
            reverse("placements:qualification", args=[world.participant.pk]), HTTP_HX_REQUEST="true"
        )
        .content.decode()
    )
    assert 'value="1"' in fragment and "1 of 5 modules passed" in fragment


def test_a_module_is_signed_off_once_but_may_be_retaken_after_not_passing(world, path, track):
    from config.errors import ApplicationError

    first, second = track.modules.get(number=1), track.modules.get(number=2)
    module_sign_off(actor=world.arbeidsleder, path=path, module=first, result="passed")
    with pytest.raises(ApplicationError, match="already been signed off"):
        module_sign_off(actor=world.caseworker, path=path, module=first, result="passed")
    module_sign_off(actor=world.arbeidsleder, path=path, module=second, result="not_passed")
    with pytest.raises(ApplicationError, match="already been signed off"):
        module_sign_off(actor=world.arbeidsleder, path=path, module=second, result="not_passed")
    module_sign_off(actor=world.arbeidsleder, path=path, module=second, result="passed")
    assert ModuleProgress.objects.filter(result="passed").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"module": "abc", "result": "passed"},
        {"module": "99999999999999999999", "result": "passed"},
        {"result": "passed"},
        {"module": "1", "result": "maybe"},
    ],
)
def test_bad_sign_offs_give_a_message(world, client_for, path, data):
    response = client_for(world.arbeidsleder).post(
        reverse("placements:module-sign-off", args=[path.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert not ModuleProgress.objects.filter(result="passed").exists()


def test_a_module_of_another_trade_is_refused(world, client_for, path):
    other = QualificationTrack.objects.create(name="Kokkfaget")
    module = Module.objects.create(track=other, number=1, name="Råvarer")
    response = sign(client_for(world.caseworker), path, module)
    assert "does not belong to this trade" in response.content.decode()


@pytest.mark.parametrize(
    "who",
    [
        "other_arbeidsleder",
        "other_caseworker",
        "foreign_arbeidsleder",
        "foreign_caseworker",
        "admin",
    ],
)
def test_nobody_else_sees_or_signs_off(world, client_for, path, track, who):
    client = client_for(getattr(world, who))
    assert sign(client, path, track.modules.first()).status_code == 404
    assert (
        client.get(reverse("placements:qualification", args=[world.participant.pk])).status_code
        == 404
    )
    assert not ModuleProgress.objects.exists()


def test_a_coming_registration_deadline_needs_attention(world, client_for, track):
    path_create(
        actor=world.caseworker,
        enrollment=world.enrollment,
        track=track,
        route="mfy",
        contract_ends_on=TODAY + timedelta(days=100),
    )
    page = client_for(world.caseworker).get("/").content.decode()
    assert "Fagprøve registration" in page and "register by" in page and "Testesen" in page


class TestCohort:
    @pytest.fixture
    def cohort(self, world, path, track):
        cohort = CohortFactory(programme=world.programme, name="Høst 2026")
        world.enrollment.cohort = cohort
        world.enrollment.save()
        module_sign_off(
            actor=world.arbeidsleder, path=path, module=track.modules.get(number=1), result="passed"
        )
        return cohort

    def test_the_programme_lead_sees_the_cohorts_module_progress(self, world, client_for, cohort):
        page = (
            client_for(world.programme_lead)
            .get(reverse("placements:cohort-modules", args=[cohort.pk]))
            .content.decode()
        )
        assert "Helsearbeiderfaget" in page and "Testesen" in page and "1/5" in page
        home = client_for(world.programme_lead).get("/").content.decode()
        assert reverse("placements:cohort-modules", args=[cohort.pk]) in home

    @pytest.mark.parametrize(
        "who", ["other_caseworker", "arbeidsleder", "foreign_caseworker", "admin"]
    )
    def test_others_get_404(self, world, client_for, cohort, who):
        response = client_for(getattr(world, who)).get(
            reverse("placements:cohort-modules", args=[cohort.pk])
        )
        assert response.status_code == 404


class TestFagprove:
    def url(self, path):
        return reverse("placements:fagprove", args=[path.pk])

    def test_the_date_and_result_are_recorded_and_the_deadline_warning_stops(
        self, world, client_for, track
    ):
        path = path_create(
            actor=world.caseworker,
            enrollment=world.enrollment,
            track=track,
            route="mfy",
            contract_ends_on=TODAY + timedelta(days=100),
        )
        client = client_for(world.caseworker)
        client.post(self.url(path), {"fagprove_on": (TODAY + timedelta(days=20)).isoformat()})
        assert "register by" not in client.get("/").content.decode()
        response = client.post(
            self.url(path),
            {"fagprove_on": (TODAY + timedelta(days=20)).isoformat(), "fagprove_result": "passed"},
        )
        assert "before the fagprøve" in response.content.decode()
        client.post(
            self.url(path),
            {"fagprove_on": TODAY.isoformat(), "fagprove_result": "passed", "confirm": "1"},
        )
        path.refresh_from_db()
        assert (path.fagprove_on, path.fagprove_result) == (TODAY, "passed")

    @pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
    def test_only_the_caseworker_side_records_it(self, world, client_for, path, who):
        response = client_for(getattr(world, who)).post(
            self.url(path), {"fagprove_on": TODAY.isoformat(), "fagprove_result": "passed"}
        )
        assert response.status_code == 404
        path.refresh_from_db()
        assert path.fagprove_result == ""
