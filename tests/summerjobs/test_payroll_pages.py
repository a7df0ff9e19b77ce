"""The season's payroll page: what is ready before the button, a new file for a pay date, the
files with their progress and totals, downloads after a recent password and recorded; for the
programme's leads and coordinators only (404 for its caseworkers, other programmes and other
municipalities); bad input refused on the form; a fixed number of queries."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from summerjobs.models import PayrollBatch, PayrollDownload
from summerjobs.payroll import payroll_batch_build, payroll_batch_request
from tests import factories as f
from tests.support.payroll import (
    TODAY,
    at_the_park,
    attest,
    born_aged,
    csv_of,
    paxml_of,
    paxml_problems,
    pay_by_age,
    work,
)
from tests.support.visitors import recently_authenticated

pytestmark = pytest.mark.django_db
PAY_DATE = TODAY + timedelta(days=10)


@pytest.fixture
def lead(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="programme_lead")
    return user


@pytest.fixture
def coordinator(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Sara Samordnare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="summer_coordinator")
    return user


@pytest.fixture
def worked(summer, lead):
    rates = pay_by_age(summer)
    offers = at_the_park(summer, lead, {"16": born_aged(16), "18": born_aged(18)})
    work(offers["16"], 3)
    work(offers["18"], 4, ends=time(16, 30))
    attest(offers["16"])
    attest(offers["18"])
    return {**offers, "rates": rates}


def page_of(summer) -> str:
    return reverse("summerjobs:payroll", kwargs={"pk": summer.season.pk})


def file_of(batch, fmt: str) -> str:
    return reverse("summerjobs:payroll_file", kwargs={"pk": batch.pk, "fmt": fmt})


def made(client, summer, captured, pay_date=PAY_DATE):
    with captured(execute=True):
        return client.post(page_of(summer), {"pay_date": pay_date.isoformat()})


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_page_says_what_is_ready_before_the_button(worked, lead, summer, client_for):
    page = client_for(lead).get(page_of(summer)).content.decode()
    assert "2 young people, 54.5 hours ready for payroll" in page
    assert "7,057.12 kr with holiday pay" in page
    assert "TIMLON" in page and "SEMERS" in page


def test_a_lead_makes_a_file_and_downloads_both_after_the_password(
    worked, lead, summer, client_for, django_capture_on_commit_callbacks
):
    client = client_for(lead)
    response = made(client, summer, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == page_of(summer)
    batch = PayrollBatch.objects.get()
    page = client.get(page_of(summer)).content.decode()
    assert "7,057.12 kr" in page and "No attested hours are waiting for payroll." in page
    asked = client.get(file_of(batch, "xml"))
    assert asked.status_code == 302 and "reauthenticate" in asked["Location"]
    recently_authenticated(client)
    xml = client.get(file_of(batch, "xml"))
    assert xml.status_code == 200 and xml["Cache-Control"] == "no-store"
    assert xml["Content-Disposition"].endswith(f'filename="fotfeste-payroll-{batch.pk}.xml"')
    assert paxml_problems(paxml_of(content(xml))) == []
    rows = csv_of(content(client.get(file_of(batch, "csv"))))
    # In the lead's language, Swedish: Lön, Semesterersättning.
    paid = sum(Decimal(r["Lön"]) + Decimal(r["Semesterersättning"]) for r in rows)
    assert f"{paid:,.2f} kr" in page
    assert list(PayrollDownload.objects.values_list("user", "file_format")) == [
        (lead.pk, "csv"),
        (lead.pk, "xml"),
    ]
    assert "Downloaded by Lena Projektledare" in client.get(page_of(summer)).content.decode()
    # Each young person in the file has the downloads in their access log.
    young = {str(worked[k].allocation.application_id) for k in ("16", "18")}
    events = AccessEvent.objects.filter(model="summerjobs.application", action="export")
    assert sorted(events.values_list("object_id", flat=True)) == sorted([*young, *young])
    assert set(events.values_list("user", "page")) == {(lead.pk, "summerjobs:payroll_file")}


def test_a_coordinator_makes_and_downloads_them_too(
    worked, coordinator, summer, client_for, django_capture_on_commit_callbacks
):
    client = recently_authenticated(client_for(coordinator))
    assert made(client, summer, django_capture_on_commit_callbacks).status_code == 302
    batch = PayrollBatch.objects.get()
    assert client.get(file_of(batch, "csv")).status_code == 200


def test_the_season_page_links_the_payroll_page_for_its_leads_only(
    world, worked, lead, summer, client_for
):
    season = reverse("summerjobs:season", kwargs={"pk": summer.season.pk})
    assert page_of(summer) in client_for(lead).get(season).content.decode()
    assert page_of(summer) not in client_for(world.foreign_caseworker).get(season).content.decode()


def test_nobody_else_reaches_the_page_or_the_files(world, worked, lead, summer, client_for):
    batch = payroll_batch_request(actor=lead, season=summer.season, pay_date=PAY_DATE)
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    other = f.ProgrammeFactory(municipality=world.foreign_municipality, name="Jobbspår")
    f.MembershipFactory(user=colleague, programme=other, role="programme_lead")
    # The programme's caseworker, a lead of another programme, another municipality's lead.
    for user in (world.foreign_caseworker, colleague, world.programme_lead):
        client = recently_authenticated(client_for(user))
        assert client.get(page_of(summer)).status_code == 404, user
        assert client.post(page_of(summer), {"pay_date": PAY_DATE}).status_code == 404
        assert client.get(file_of(batch, "xml")).status_code == 404
    assert PayrollBatch.objects.count() == 1 and not PayrollDownload.objects.exists()


def test_a_pay_date_far_off_is_a_form_error_and_nothing_is_made(
    worked, lead, summer, client_for, django_capture_on_commit_callbacks
):
    client = client_for(lead)
    for day in (TODAY - timedelta(days=60), TODAY + timedelta(days=400)):
        response = made(client, summer, django_capture_on_commit_callbacks, pay_date=day)
        assert response.status_code == 200 and "Choose a pay date on" in response.content.decode()
    response = client.post(page_of(summer), {"pay_date": "31.02.2026"})
    assert response.status_code == 200 and "Enter a valid date." in response.content.decode()
    assert not PayrollBatch.objects.exists()


def test_an_age_without_pay_is_named_before_the_button_and_refused(
    worked, lead, summer, client_for, django_capture_on_commit_callbacks
):
    worked["rates"]["18"].delete()
    client = client_for(lead)
    page = client.get(page_of(summer)).content.decode()
    assert "Testförnamn Ung18 (18 years)" in page and "Ung16 (" not in page
    response = made(client, summer, django_capture_on_commit_callbacks)
    assert "Testförnamn Ung18 (18)" in response.content.decode()
    assert not PayrollBatch.objects.exists()


def test_the_page_polls_while_a_file_is_being_made(worked, lead, summer, client_for):
    PayrollBatch.objects.create(season=summer.season, pay_date=PAY_DATE, requested_by=lead)
    client = client_for(lead)
    page = client.get(page_of(summer)).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    part = client.get(page_of(summer), HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<section class="card" id="payroll-batches"')


def test_the_page_costs_a_fixed_number_of_queries(
    summer, lead, client_for, django_assert_max_num_queries
):
    pay_by_age(summer)
    people = {f"p{n}": born_aged(16 + n % 4, days=30 + n) for n in range(6)}
    offers = at_the_park(summer, lead, people)
    rows = list(offers.values())
    for n, offer in enumerate(rows):
        work(offer, 1 + n % 3)
    for paid in (rows[:2], rows[2:3]):  # two files made, with downloads
        for offer in paid:
            attest(offer)
        batch = payroll_batch_request(actor=lead, season=summer.season, pay_date=PAY_DATE)
        payroll_batch_build(batch_id=batch.pk)
        PayrollDownload.objects.create(batch=batch, user=lead, file_format="xml")
    for offer in rows[3:]:
        attest(offer)
    client = client_for(lead)
    client.get(page_of(summer))
    with django_assert_max_num_queries(12):
        page = client.get(page_of(summer)).content.decode()
    assert "3 young people" in page


def test_the_admin_sets_the_payroll_codes_and_each_workplaces_cost_centre(world, summer, client):
    admin = f.UserFactory(municipality=world.foreign_municipality, is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    season = client.get(reverse("admin:summerjobs_season_change", args=[summer.season.pk]))
    for name in ("payroll_hourly_code", "payroll_holiday_code", "payroll_employer_id"):
        assert f'name="{name}"' in season.content.decode(), name
    workplace = summer.places[0].workplace
    page = client.get(reverse("admin:summerjobs_workplace_change", args=[workplace.pk]))
    assert (
        'name="cost_centre"' in page.content.decode() and 'maxlength="10"' in page.content.decode()
    )
