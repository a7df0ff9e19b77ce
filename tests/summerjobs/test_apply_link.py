"""The private link in the receipt: the young person sees and changes their application until
the deadline (not the personnummer), withdraws it, and after the deadline sees it read-only. A
link nobody was sent is a page not found; a change based on an old version is told, not saved."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from summerjobs.models import Application, ApplicationStatus, Season
from summerjobs.services import ApplicationChange, application_update
from tests.support.summerjobs import YEAR, apply_and_confirm, change_data

pytestmark = pytest.mark.django_db

SEVENTEEN = date(YEAR - 17, 1, 20)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def applied(summer, client) -> tuple[Application, str]:
    link = apply_and_confirm(client, summer, born=SEVENTEEN, serial=81)
    return Application.objects.get(), link


def test_the_link_shows_the_application_with_the_personnummer_masked(summer, client, applied):
    application, link = applied
    page = text(client.get(link))
    assert application.national_id_masked in page
    assert application.national_id_masked[:8] in page and "national_id" not in page
    assert 'name="email"' in page and 'value="ung81@test.example.org"' in page


def test_the_young_person_changes_contact_wishes_periods_and_text(summer, client, applied):
    application, link = applied
    response = client.post(link, change_data(summer, application))
    assert response.status_code == 302 and response["Location"] == f"{link}?saved=1"
    application.refresh_from_db()
    assert application.phone == "070-999 99 99" and application.school == "Nya skolan"
    assert [c.area.name for c in application.choices.order_by("rank")] == [
        "Storkök",
        "Fritidshem",
        "Äldreomsorg",
    ]
    assert list(application.periods.all()) == [summer.periods[1]]
    assert application.version == 2
    assert "sparade" in text(client.get(response["Location"]))  # "Dina ändringar är sparade."


def test_a_change_is_held_to_the_seasons_rules_and_keeps_what_was_typed(summer, client, applied):
    application, link = applied
    response = client.post(link, change_data(summer, application, guardian_email=""))
    page = text(response)
    assert 'id="id_guardian_email_error"' in page
    assert "Nu vill jag laga mat." in page
    application.refresh_from_db()
    assert application.guardian_email and application.version == 1


def test_a_change_based_on_an_old_version_is_told_and_not_saved(summer, client, applied):
    application, link = applied
    old = application.version
    application_update(
        application=application,
        expected_version=old,
        change=ApplicationChange(
            email=application.email,
            postcode="123 45",
            area_ids=[summer.areas["Vaktmästeri"].pk],
            period_ids=[summer.periods[0].pk],
            guardian_name="X",
            guardian_email="x@test.example.org",
            guardian_phone="1",
        ),
    )
    response = client.post(link, change_data(summer, application, version=old))
    assert response.status_code == 409 and 'role="alert"' in text(response)
    assert "Nu vill jag laga mat." in text(response)
    assert f'name="version" value="{old + 1}"' in text(response)
    application.refresh_from_db()
    assert application.school != "Nya skolan" and application.version == old + 1


def test_the_young_person_withdraws_the_application(summer, client, applied):
    application, link = applied
    response = client.post(f"{link}withdraw/", {"version": application.version})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    page = text(client.get(link))
    assert 'name="email"' not in page and "withdraw/" not in page


def test_a_withdrawal_based_on_an_old_version_is_told(summer, client, applied):
    application, link = applied
    response = client.post(f"{link}withdraw/", {"version": application.version + 5})
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_after_the_deadline_the_link_shows_the_application_read_only(summer, client, applied):
    application, link = applied
    Season.objects.filter(pk=summer.season.pk).update(
        applications_close_at=timezone.now() - timedelta(minutes=1)
    )
    page = text(client.get(link))
    assert application.national_id_masked in page and 'name="email"' not in page
    assert "Ansökningstiden gick ut" in page
    response = client.post(link, change_data(summer, application))
    assert response.status_code == 200 and 'name="email"' not in text(response)
    client.post(f"{link}withdraw/", {"version": application.version})
    application.refresh_from_db()
    assert application.school == "Solviks skola" and application.status == "submitted"


def test_a_forged_link_or_an_applications_id_is_not_found(summer, client, applied):
    application, link = applied
    forged = link[:-6] + "AAAAA/"
    assert client.get(forged).status_code == 404
    assert client.get(f"/apply/a/{application.pk}/").status_code == 404
    assert client.post(f"{forged}withdraw/", {"version": 1}).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_each_link_opens_only_its_own_application(summer, client, applied):
    first, first_link = applied
    second_link = apply_and_confirm(client, summer, born=SEVENTEEN, serial=82)
    second = Application.objects.exclude(pk=first.pk).get()
    assert second_link != first_link
    page = text(client.get(second_link))
    assert second.email in page and first.email not in page
    client.post(second_link, change_data(summer, first, version=second.version))
    first.refresh_from_db()
    assert first.school == "Solviks skola" and first.version == 1
