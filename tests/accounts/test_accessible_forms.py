"""allauth's pages, rendered by Django's forms, tie each field's help text and errors to the
field, for screen readers."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def described_by(page: str) -> list[tuple[str, list[str]]]:
    """(input id, the ids it is described by) for every input that names any."""
    found = []
    for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", page):
        ids = re.search(r'aria-describedby="([^"]*)"', tag)
        if ids:
            found.append((re.search(r'\sid="([^"]+)"', tag).group(1), ids.group(1).split()))
    return found


def ids_in(page: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page))


def test_every_description_on_the_password_page_exists(world, client_for):
    page = client_for(world.caseworker).get(reverse("account_change_password")).content.decode()
    assert ("id_password1", ["id_password1_helptext"]) in described_by(page)
    for _, ids in described_by(page):
        assert set(ids) <= ids_in(page)


def test_a_field_with_an_error_is_marked_and_says_why(world, client_for):
    client = client_for(world.caseworker)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "Ny-passord-2026!", "password2": "Annet-2026!"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    invalid = re.findall(r'<input\b[^>]*aria-invalid="true"[^>]*>', page)
    assert invalid
    for _, ids in described_by(page):
        assert set(ids) <= ids_in(page)
    for tag in invalid:
        own = re.search(r'\sid="([^"]+)"', tag).group(1)
        assert f"{own}_error" in dict(described_by(page))[own]
        block = page.split(f'id="{own}_error"', 1)[1].split("</ul>", 1)[0]
        assert "<li>" in block
