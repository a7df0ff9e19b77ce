"""Evaluations: the young person's through their offer's link and the handledare's through the
workplace's link, from the period's first day until the season closes, one answer each that a
stale page cannot overwrite; bad scores refused on the form; the season's summaries for its
staff (the young people's own texts for its coordinators only), 404 for everyone else, in as
many queries for one answer as for many; and the answers in the applicant's right-of-access
export and blanked by their erasure."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.errors import ApplicationError
from privacy.applicant_access.render import pdf_context
from summerjobs.evaluations import (
    evaluation_summary,
    season_closes_on,
    supervisor_evaluation_save,
    youth_evaluation_save,
)
from summerjobs.models import Period, SupervisorEvaluation, YouthEvaluation
from summerjobs.payroll import payroll_batch_request
from summerjobs.subject import applicant_anonymise, applicant_get, applicant_records
from summerjobs.work import workplace_access_create
from tests.support.after import offer_link, staff, worked, workplace_link
from tests.support.payroll import TODAY, at_the_park, attest, born_aged, pay_by_age, work

pytestmark = pytest.mark.django_db
YOUTH = {"learned": "4", "welcomed": "5", "field_interest": "3", "supported": "4"}
SUPERVISOR = {"punctuality": "5", "cooperation": "4", "initiative": "3"}


@pytest.fixture
def lead(world, summer):
    return staff(world, summer, "programme_lead", "Lena Projektledare")


@pytest.fixture
def coordinator(world, summer):
    return staff(world, summer, "summer_coordinator", "Sara Samordnare")


@pytest.fixture
def offers(summer, lead):
    return worked(summer, lead)


def youth_post(**changes):
    return {**YOUTH, "text": "Roligt, men ibland lite att göra.", "version": "0", **changes}


def test_a_young_person_answers_once_and_changes_the_answer(offers, client_en):
    url = offer_link(offers["16"]) + "evaluation/"
    assert "Tell us what the summer job was like" in client_en.get(url).content.decode()
    response = client_en.post(url, youth_post())
    assert response.status_code == 302
    saved = YouthEvaluation.objects.get(offer=offers["16"])
    assert (saved.learned, saved.welcomed, saved.version) == (4, 5, 1)
    client_en.post(url, youth_post(learned="2", version="1"))
    saved.refresh_from_db()
    assert (saved.learned, saved.version) == (2, 2)
    assert YouthEvaluation.objects.count() == 1


def test_an_answer_from_a_page_opened_before_another_save_is_told_not_applied(offers, client_en):
    url = offer_link(offers["16"]) + "evaluation/"
    client_en.post(url, youth_post())
    response = client_en.post(url, youth_post(learned="1", text="Från en gammal flik"))
    page = response.content.decode()
    assert response.status_code == 409 and "Somebody saved this evaluation" in page
    assert "Från en gammal flik" in page  # what was typed is kept
    assert YouthEvaluation.objects.get().learned == 4


@pytest.mark.parametrize("score", ["0", "6", "7", "x", ""])
def test_a_score_outside_1_to_5_is_refused_and_nothing_is_saved(offers, client_en, score):
    url = offer_link(offers["16"]) + "evaluation/"
    response = client_en.post(url, youth_post(welcomed=score))
    assert response.status_code == 400
    assert "Choose a number from 1 to 5." in response.content.decode()
    assert not YouthEvaluation.objects.exists()
    with pytest.raises(ApplicationError, match="from 1 to 5"):
        youth_evaluation_save(offer=offers["16"], data={**YOUTH, "learned": 9}, expected_version=0)


def test_no_evaluation_before_the_period_begins_or_after_the_season_closes(offers, client_en):
    offer = offers["18"]
    period = offer.place.period
    start, end = period.starts_on, period.ends_on
    url = offer_link(offer) + "evaluation/"
    tomorrow = timezone.localdate() + timedelta(days=1)
    Period.objects.filter(pk=period.pk).update(starts_on=tomorrow, ends_on=tomorrow)
    assert "opens on the first day" in client_en.get(url).content.decode()
    response = client_en.post(url, youth_post())
    assert response.status_code == 409 and not YouthEvaluation.objects.exists()
    Period.objects.filter(pk=period.pk).update(starts_on=start, ends_on=end)
    closes = season_closes_on(period.season)
    with pytest.raises(ApplicationError, match="season is over"):
        youth_evaluation_save(
            offer=offer,
            data={**{k: int(v) for k, v in YOUTH.items()}},
            expected_version=0,
            today=closes + timedelta(days=1),
        )


def test_the_handledare_evaluates_the_young_people_at_their_own_workplace(offers, lead, client_en):
    offer = offers["16"]
    link = workplace_link(offer, lead)
    assert "Evaluation" in client_en.get(link).content.decode()
    url = f"{link}evaluate/{offer.pk}/"
    data = {**SUPERVISOR, "statement": "Noggrann och trevlig.", "printable": "on"}
    response = client_en.post(url, {**data, "name": "Hanna Handledare", "version": "0"})
    assert response.status_code == 302
    saved = SupervisorEvaluation.objects.get(offer=offer)
    assert (saved.punctuality, saved.printable, saved.by_name) == (5, True, "Hanna Handledare")
    # A stale second save is told.
    response = client_en.post(url, {**data, "name": "Hasse", "version": "0"})
    assert response.status_code == 409 and SupervisorEvaluation.objects.get().by_name != "Hasse"


def test_another_workplaces_link_cannot_evaluate_someone_not_at_it(offers, lead, summer, client_en):
    other = summer.places[2].workplace
    link, _sent = workplace_access_create(actor=lead, workplace=other, season=summer.season)
    other_link = "/apply/" + link.split("/apply/", 1)[1]
    url = f"{other_link}evaluate/{offers['16'].pk}/"
    assert client_en.get(url).status_code == 404
    data = {**SUPERVISOR, "name": "Fel Person", "version": "0"}
    assert client_en.post(url, data).status_code == 404
    assert not SupervisorEvaluation.objects.exists()


def test_a_printable_tick_without_a_statement_prints_nothing(offers):
    saved = supervisor_evaluation_save(
        offer=offers["16"],
        data={"punctuality": 3, "cooperation": 3, "initiative": 3, "printable": True},
        by_name="Hanna Handledare",
        expected_version=0,
    )
    assert saved.printable is False


def answered(offers):
    for n, offer in enumerate(offers.values()):
        attest(offer)
        youth_evaluation_save(
            offer=offer,
            data={**{k: int(v) for k, v in YOUTH.items()}, "learned": 3 + n, "text": f"Text {n}"},
            expected_version=0,
        )
    supervisor_evaluation_save(
        offer=offers["16"],
        data={"punctuality": 5, "cooperation": 4, "initiative": 2, "statement": "Punktlig."},
        by_name="Hanna Handledare",
        expected_version=0,
    )


def test_the_season_summary_counts_and_averages(offers, summer):
    answered(offers)
    summary = evaluation_summary(season=summer.season, with_texts=False)
    assert (summary.worked, summary.youth_count, summary.supervisor_count) == (2, 2, 1)
    assert summary.youth[0].average == 3.5 and summary.youth[0].answered == 2
    assert summary.supervisor[2].average == 2
    assert summary.youth_texts == [] and [e.statement for e in summary.statements] == ["Punktlig."]


def test_coordinators_read_the_young_peoples_texts_and_others_only_the_figures(
    world, offers, summer, lead, coordinator, client_for
):
    answered(offers)
    url = reverse("summerjobs:evaluations", args=[summer.season.pk])
    page = client_for(coordinator).get(url).content.decode()
    assert "Text 0" in page and "Punktlig." in page and "3.5" in page
    for user in (lead, world.foreign_caseworker):
        page = client_for(user).get(url).content.decode()
        assert "Text 0" not in page and "Punktlig." in page
    for user in (world.foreign_arbeidsleder, world.caseworker):
        assert client_for(user).get(url).status_code == 404


def test_the_answers_are_in_the_applicants_export_and_their_erasure_blanks_the_texts(
    offers, summer, lead, django_capture_on_commit_callbacks
):
    answered(offers)
    pay_by_age(summer)
    with django_capture_on_commit_callbacks(execute=True):  # paid: erasure may go ahead
        payroll_batch_request(actor=lead, season=summer.season, pay_date=TODAY)
    offer = offers["16"]
    applicant = applicant_get(user=lead, pk=offer.allocation.application_id)
    sections = pdf_context(applicant_records(actor=lead, applicant=applicant))["sections"]
    keys = {section["key"]: section for section in sections}
    assert keys["youth_evaluations"]["rows"] and keys["supervisor_evaluations"]["rows"]
    applicant_anonymise(
        actor=lead, applicant=applicant, reason="Begäran", scrub=lambda text, _ids: text
    )
    youth, supervisor = YouthEvaluation.objects.get(offer=offer), SupervisorEvaluation.objects.get()
    assert (youth.text, youth.learned) == ("", 3)
    assert (supervisor.statement, supervisor.printable) == ("", False)


def test_the_summary_page_takes_as_many_queries_for_one_answer_as_for_many(
    summer, lead, coordinator, client_for
):
    """Five young people at the park: first one answers and is evaluated, then all five; the
    coordinator's page (the young people's texts too) reads them in the same queries."""
    ages = {f"p{n}": born_aged(16 + n % 4) for n in range(5)}
    offers = list(at_the_park(summer, lead, ages).values())
    for offer in offers:
        work(offer, 2)
        attest(offer)

    def evaluate(offer, n: int) -> None:
        scores = {k: int(v) for k, v in YOUTH.items()}
        youth_evaluation_save(offer=offer, data={**scores, "text": f"Text {n}"}, expected_version=0)
        supervisor_evaluation_save(
            offer=offer,
            data={"punctuality": 4, "cooperation": 4, "initiative": 4, "statement": f"Omdöme {n}"},
            by_name="Hanna Handledare",
            expected_version=0,
        )

    client = client_for(coordinator)
    url = reverse("summerjobs:evaluations", args=[summer.season.pk])

    def queries(shown: int) -> int:
        with CaptureQueriesContext(connection) as seen:
            page = client.get(url).content.decode()
        assert page.count("Omdöme ") == page.count("Text ") == shown
        return len(seen)

    evaluate(offers[0], 0)
    client.get(url)  # the session and the user's roles, cached after the first page
    one = queries(1)
    for n, offer in enumerate(offers[1:], start=1):
        evaluate(offer, n)
    assert queries(5) == one <= 8
