"""The programme lead sets up programmes, cohorts, members and grants."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import ProgrammeMembership
from programs.models import Cohort, Grant, ReportDeadline
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
SETUP = reverse("programs:setup")


def grant_data(world, **overrides):
    return {
        "funder": "Agder fylkeskommune",
        "name": "LIM 2026",
        "amount": "450000",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "own_contribution_percent": "20",
        "funded_position_share": "0.5",
        "programmes": [world.programme.pk],
        **overrides,
    }


def test_the_lead_sees_programmes_cohorts_people_and_grants(world, client_for):
    page = client_for(world.programme_lead).get(SETUP).content.decode()
    assert "En av mange" in page and "Kari Caseworker" in page and "Ung i jobb" not in page


def test_the_lead_edits_the_programme_and_a_stale_edit_is_refused(world, client_for):
    client = client_for(world.programme_lead)
    url = reverse("programs:edit", args=[world.programme.pk])
    data = {"name": "En av mange", "kind": "inn_i_jobb", "target_participants": "12", "version": 1}
    assert client.post(url, data).status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.target_participants == 12
    stale = client.post(url, {**data, "target_participants": "99"})
    assert "Somebody else changed this programme" in stale.content.decode()


def test_a_programme_cannot_end_before_it_starts_or_take_another_name(world, client_for):
    client = client_for(world.programme_lead)
    url = reverse("programs:edit", args=[world.programme.pk])
    data = {"name": "En av mange", "kind": "inn_i_jobb", "version": 1}
    response = client.post(url, {**data, "starts_on": "2026-05-01", "ends_on": "2026-01-01"})
    assert "end cannot be before the start" in response.content.decode()
    response = client.post(url, {**data, "name": "ung i jobb"})
    assert "already has a programme by this name" in response.content.decode()


def test_cohorts_are_added_and_bad_ones_refused(world, client_for):
    client = client_for(world.programme_lead)
    url = reverse("programs:cohort-create", args=[world.programme.pk])
    client.post(url, {"name": "Vår 2027", "capacity": "10"})
    assert Cohort.objects.filter(name="Vår 2027", capacity=10).exists()
    for bad in ({"name": "Vår 2027"}, {"name": "X", "capacity": "-1"}, {"name": ""}):
        response = client.post(url, bad, follow=True)
        assert response.status_code == 200
    assert Cohort.objects.count() == 1


def test_members_are_added_and_removed(world, client_for):
    newcomer = UserFactory(municipality=world.municipality, full_name="New Colleague")
    client = client_for(world.programme_lead)
    client.post(
        reverse("programs:member-add", args=[world.programme.pk]),
        {"user": newcomer.pk, "role": "caseworker"},
    )
    membership = ProgrammeMembership.objects.get(user=newcomer)
    client.post(reverse("programs:member-remove", args=[membership.pk]))
    assert not ProgrammeMembership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("whose", ["other_caseworker", "foreign_caseworker"])
def test_a_lead_cannot_remove_a_membership_of_a_programme_they_do_not_lead(
    world, client_for, whose
):
    membership = ProgrammeMembership.objects.get(user=getattr(world, whose))
    response = client_for(world.programme_lead).post(
        reverse("programs:member-remove", args=[membership.pk])
    )
    assert response.status_code == 404
    assert ProgrammeMembership.objects.filter(pk=membership.pk).exists()


def test_a_lead_cannot_remove_themself(world, client_for):
    membership = ProgrammeMembership.objects.get(
        user=world.programme_lead, programme=world.programme
    )
    response = client_for(world.programme_lead).post(
        reverse("programs:member-remove", args=[membership.pk]), follow=True
    )
    assert "cannot remove yourself" in response.content.decode()
    assert ProgrammeMembership.objects.filter(pk=membership.pk).exists()


def test_someone_from_another_municipality_cannot_be_added(world, client_for):
    response = client_for(world.programme_lead).post(
        reverse("programs:member-add", args=[world.programme.pk]),
        {"user": world.foreign_caseworker.pk, "role": "caseworker"},
        follow=True,
    )
    assert "valid choice" in response.content.decode()
    assert not ProgrammeMembership.objects.filter(
        user=world.foreign_caseworker, programme=world.programme
    ).exists()


def test_a_grant_with_deadlines_is_registered(world, client_for):
    client = client_for(world.programme_lead)
    assert client.post(reverse("programs:grant-create"), grant_data(world)).status_code == 302
    grant = Grant.objects.get()
    assert str(grant.funded_position_share) == "0.50"
    assert list(grant.programmes.all()) == [world.programme]
    client.post(
        reverse("programs:deadline-add", args=[grant.pk]),
        {"label": "Sluttrapport", "due_on": "2027-02-15"},
    )
    assert ReportDeadline.objects.get().due_on == date(2027, 2, 15)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": "2025-01-01"}, "end cannot be before the start"),
        ({"amount": "-5"}, "greater than or equal to 0"),
        ({"own_contribution_percent": "150"}, "less than or equal to 100"),
        ({"programmes": []}, "required"),
    ],
)
def test_bad_grants_are_refused(world, client_for, overrides, message):
    response = client_for(world.programme_lead).post(
        reverse("programs:grant-create"), grant_data(world, **overrides)
    )
    assert message in response.content.decode()
    assert not Grant.objects.exists()


def test_a_grant_cannot_fund_a_programme_the_lead_does_not_lead(world, client_for):
    response = client_for(world.programme_lead).post(
        reverse("programs:grant-create"), grant_data(world, programmes=[world.other_programme.pk])
    )
    assert "valid choice" in response.content.decode()
    foreign = ProgrammeFactory(municipality=world.foreign_municipality)
    response = client_for(world.programme_lead).post(
        reverse("programs:grant-create"), grant_data(world, programmes=[foreign.pk])
    )
    assert "valid choice" in response.content.decode()
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    "who", ["caseworker", "arbeidsleder", "admin", "other_caseworker", "foreign_caseworker"]
)
def test_only_programme_leads_set_up(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(SETUP).status_code == 404
    assert (
        client.post(
            reverse("programs:cohort-create", args=[world.programme.pk]), {"name": "X"}
        ).status_code
        == 404
    )
    assert client.post(reverse("programs:grant-create"), grant_data(world)).status_code == 404
    assert not Cohort.objects.exists() and not Grant.objects.exists()


def test_a_lead_of_another_municipality_gets_404_on_our_programme_and_grant(world, client_for):
    from tests.factories import MembershipFactory

    client_for(world.programme_lead).post(reverse("programs:grant-create"), grant_data(world))
    grant = Grant.objects.get()
    foreign_lead = UserFactory(municipality=world.foreign_municipality)
    MembershipFactory(
        user=foreign_lead,
        programme=ProgrammeFactory(municipality=world.foreign_municipality),
        role="programme_lead",
    )
    client = client_for(foreign_lead)
    assert client.get(reverse("programs:edit", args=[world.programme.pk])).status_code == 404
    assert client.get(reverse("programs:grant", args=[grant.pk])).status_code == 404
    assert "LIM 2026" not in client.get(SETUP).content.decode()


@pytest.mark.parametrize("who", ["programme_lead", "caseworker", "arbeidsleder", "admin", None])
def test_only_the_programmes_lead_passes_the_lead_check(world, who):
    """One answer to "is this the user's to lead?"; nobody (a job, a deleted requester) is
    refused with the message, not a crash."""
    from config.errors import ApplicationError
    from programs.selectors import led_programmes
    from programs.services import check_leads

    actor = getattr(world, who) if who else None
    if who == "programme_lead":
        check_leads(actor=actor, programme=world.programme)
        assert list(led_programmes(actor)) == [world.programme]
        return
    with pytest.raises(ApplicationError, match="Only the programme's lead"):
        check_leads(actor=actor, programme=world.programme)
    assert not led_programmes(actor).exists()
