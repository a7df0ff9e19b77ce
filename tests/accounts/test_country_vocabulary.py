"""Each country's choice lists, routes and words: what a form offers, what a service accepts,
which card a person's page shows, and what the national ID is called."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Country
from config.errors import ApplicationError
from imports.columns import columns_for
from participants.national_id import national_id_help, national_id_label
from placements.models import PlacementType, QualificationPath, Route
from placements.qualification import fagprove_record, path_create
from placements.services import placement_start
from programs.models import ProgrammeKind, QualificationTrack
from tests.countries import norway, sweden
from tests.support.api import Api, is_error, placement_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def no(db):
    return norway()


@pytest.fixture
def se(db):
    return sweden()


def page(user, url: str):
    client = Client()
    client.force_login(user)
    return client.get(url)


def options(response, name: str) -> list[str]:
    """The values a <select name=…> offers, the empty one left out."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v]


def test_each_country_has_its_own_placement_types_and_routes():
    assert [v for v, _ in PlacementType.for_country(Country.SWEDEN)] == [
        "arbetstraning",
        "praktik",
        "lonebidrag",
        "extratjanst",
        "nystartsjobb",
        "jobbspar",
        "feriearbete",
        "ordinary",
    ]
    assert [v for v, _ in PlacementType.for_country(Country.NORWAY)] == [
        "arbeidstrening",
        "aft",
        "praksis",
        "laerling",
        "laerekandidat",
        "fagbrev_paa_jobb",
        "lonnstilskudd",
        "ordinary",
    ]
    assert [v for v, _ in Route.for_country(Country.SWEDEN)] == ["vo_utbildning"]
    assert [v for v, _ in Route.for_country(Country.NORWAY)] == [
        "laerling",
        "laerekandidat",
        "praksiskandidat",
        "fagbrev_paa_jobb",
        "mfy",
    ]
    swedish_kinds = {v for v, _ in ProgrammeKind.for_country(Country.SWEDEN)}
    assert {"feriearbete", "jobbspar", "vo_utbildning"} <= swedish_kinds
    assert not {"inn_i_jobb", "kvp"} & swedish_kinds
    # The platform's operators, who belong to no country, see every value.
    assert len(PlacementType.for_country(None)) == len(PlacementType.choices)


def test_the_placement_form_offers_the_municipalitys_types(no, se):
    swedish = page(
        se.users["caseworker"],
        reverse("placements:placement-create", args=[se.things["on_path"].pk]),
    )
    norwegian = page(
        no.users["caseworker"],
        reverse("placements:placement-create", args=[no.things["on_path"].pk]),
    )

    assert options(swedish, "type") == [v for v, _ in PlacementType.for_country("SE")]
    assert "Lönebidrag" in swedish.content.decode()
    assert options(norwegian, "type") == [v for v, _ in PlacementType.for_country("NO")]
    assert "Lønnstilskudd" in norwegian.content.decode()


def test_a_placement_of_the_other_countrys_type_is_refused(se):
    person = se.things["on_path"]
    enrollment = person.enrollments.get()
    placement = enrollment.placements.get()
    with pytest.raises(ApplicationError) as refused:
        placement_start(
            actor=se.users["caseworker"],
            enrollment=enrollment,
            worksite=placement.worksite,
            type=PlacementType.TRAINEE_CANDIDATE,
            field="helse_omsorg",
            starts_on=TODAY + timedelta(days=200),
            schedule_days="5",
        )
    assert refused.value.field == "type"


def test_a_posted_type_of_the_other_country_is_a_form_error_not_a_server_error(se):
    person = se.things["on_path"]
    client = Client()
    client.force_login(se.users["caseworker"])
    url = reverse("placements:placement-create", args=[person.pk])
    response = client.post(
        url,
        {
            "enrollment": person.enrollments.get().pk,
            "worksite": person.enrollments.get().placements.get().worksite_id,
            "type": "laerekandidat",
            "field": "helse_omsorg",
            "starts_on": (TODAY + timedelta(days=200)).isoformat(),
            "schedule_days": ["5"],
            "hours_per_day": "6",
            "percentage": "100",
        },
    )
    assert response.status_code == 200
    assert person.enrollments.get().placements.count() == 1
    assert "type" in response.context["form"].errors


def test_the_path_form_offers_the_swedish_route_and_tracks_without_a_vg3_exam(no, se):
    swedish = page(
        se.users["caseworker"], reverse("placements:path-create", args=[se.things["on_path"].pk])
    )
    html = swedish.content.decode()

    assert options(swedish, "route") == ["vo_utbildning"]
    swedish_tracks = QualificationTrack.objects.filter(country="SE")
    assert options(swedish, "track") == [str(t.pk) for t in swedish_tracks]
    assert 'name="vg3_exam_on"' not in html
    assert "Helsearbeiderfaget" not in html
    norwegian = page(
        no.users["caseworker"], reverse("placements:path-create", args=[no.things["on_path"].pk])
    )
    assert "mfy" in options(norwegian, "route")
    assert 'name="vg3_exam_on"' in norwegian.content.decode()


def test_a_route_or_trade_of_the_other_country_is_refused(no, se):
    enrollment = se.things["on_path"].enrollments.get()
    norwegian_track = QualificationTrack.objects.get(country="NO")
    swedish_track = QualificationTrack.objects.get(country="SE")
    with pytest.raises(ApplicationError) as wrong_route:
        path_create(
            actor=se.users["caseworker"], enrollment=enrollment, track=swedish_track, route="mfy"
        )
    with pytest.raises(ApplicationError) as wrong_track:
        path_create(
            actor=se.users["caseworker"],
            enrollment=enrollment,
            track=norwegian_track,
            route="vo_utbildning",
        )
    assert (wrong_route.value.field, wrong_track.value.field) == ("route", "track")


def test_the_swedish_route_has_no_fagprove_and_no_registration_deadline(se):
    path = QualificationPath.objects.get(route="vo_utbildning")
    assert path.contract_ends_on and path.registration_deadline is None
    with pytest.raises(ApplicationError):
        fagprove_record(actor=se.users["caseworker"], path=path, fagprove_on=TODAY)
    assert (
        page(se.users["caseworker"], reverse("placements:fagprove", args=[path.pk])).status_code
        == 404
    )
    card = page(
        se.users["caseworker"],
        reverse("placements:qualification", args=[path.enrollment.participant_id]),
    ).content.decode()
    assert "Vård- och omsorgsutbildning till undersköterska" in card
    assert "Yrkesprov" not in card


def test_a_summer_job_person_is_offered_no_road_to_a_trade(se):
    person = se.things["summer_job"]
    caseworker = se.users["caseworker"]
    detail = page(caseworker, reverse("participants:detail", args=[person.pk])).content.decode()

    assert 'id="qualification"' not in detail
    assert (
        page(caseworker, reverse("placements:qualification", args=[person.pk])).status_code == 404
    )
    on_path = se.things["on_path"]
    assert (
        'id="qualification"'
        in page(caseworker, reverse("participants:detail", args=[on_path.pk])).content.decode()
    )


def test_a_swedish_municipality_without_a_swedish_trade_shows_no_card(se):
    QualificationPath.objects.all().delete()
    QualificationTrack.objects.filter(country="SE").delete()
    person = se.things["on_path"]

    detail = page(se.users["caseworker"], reverse("participants:detail", args=[person.pk]))

    assert 'id="qualification"' not in detail.content.decode()


def test_a_norwegian_person_sees_the_road_to_a_fagbrev(no):
    person = no.things["exited"]
    detail = page(no.users["caseworker"], reverse("participants:detail", args=[person.pk]))
    assert "Veien til fagbrev" in detail.content.decode()


def test_the_national_id_is_named_as_the_country_names_it(no, se):
    assert national_id_label("NO") == "Fødselsnummer or D-number"
    assert national_id_label("SE") == "Personnummer or samordningsnummer"
    assert "11 digits" in national_id_help("NO")
    assert "YYYYMMDD-NNNN" in national_id_help("SE")
    swedish = page(se.users["caseworker"], reverse("participants:create")).content.decode()
    norwegian = page(no.users["caseworker"], reverse("participants:create")).content.decode()
    assert "Personnummer eller samordningsnummer: ÅÅÅÅMMDD-NNNN" in swedish
    assert "Nivå i svenska" in swedish and "Fødselsnummer" not in swedish
    assert "Fødselsnummer eller D-nummer: 11 siffer" in norwegian
    assert "Nivå i norsk" in norwegian and "personnummer" not in norwegian


def test_the_referral_source_names_the_countrys_employment_service(no, se):
    swedish = page(
        se.users["caseworker"], reverse("participants:detail", args=[se.things["on_path"].pk])
    ).content.decode()
    norwegian = page(
        no.users["caseworker"], reverse("participants:detail", args=[no.things["on_path"].pk])
    ).content.decode()
    assert "Arbetsförmedlingen" in swedish and "NAV" not in swedish
    assert "NAV" in norwegian and "Arbetsförmedlingen" not in norwegian


def test_the_import_template_lists_the_countrys_own_placement_types():
    def codes(country):
        column = next(c for c in columns_for("placements", country=country) if c.name == "type")
        return [code for code, _ in column.codes]

    assert "lonebidrag" in codes("SE") and "laerekandidat" not in codes("SE")
    assert "laerekandidat" in codes("NO") and "feriearbete" not in codes("NO")


def test_the_programme_form_offers_the_countrys_kinds(se):
    lead = se.users["lead"]
    programme = se.things["programme"]
    response = page(lead, reverse("programs:edit", args=[programme.pk]))
    assert set(options(response, "kind")) == {v for v, _ in ProgrammeKind.for_country("SE")}


def test_the_api_refuses_a_placement_type_of_the_other_country(world, client_for):
    client = Api(client_for(world.caseworker))
    data = placement_data(world, type=PlacementType.SUMMER_JOB)

    body = is_error(client.post("/api/placements/", data), 400)

    assert "type" in body["fields"]
    assert world.enrollment.placements.count() == 1
