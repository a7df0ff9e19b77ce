"""Hostile input to every set-up form, sent by the season's own lead (the project's form
fuzzer, tests/config/test_fuzz_forms.py, signs in as users who have no season and so meets
only 404s here): out-of-range dates and years, huge and odd numbers, NUL bytes, overlong text,
unknown choices and other seasons' and municipalities' ids. No answer is a server error."""

import pytest
from django.urls import reverse
from hypothesis import given

from summerjobs.models import Period, PriorityTier, WorkArea, Workplace
from summerjobs.setup_forms import (
    AreaForm,
    MoveForm,
    PayRateForm,
    PeriodForm,
    PlaceForm,
    PriorityTierForm,
    SeasonCreateForm,
    SeasonForm,
    WorkplaceForm,
)
from tests.support import hostile
from tests.support.fuzz import EXAMPLES, bounded
from tests.support.hostile import Field
from tests.support.season_setup import setup_users

pytestmark = pytest.mark.django_db


def described(form_class, pools: dict) -> dict[str, Field]:
    fields = {name: hostile.field_of(f, pools) for name, f in form_class.base_fields.items()}
    for name, model in (("workplace", Workplace), ("period", Period), ("area", WorkArea)):
        if name in fields:
            fields[name] = Field("id", tuple(pools[model]))
    return fields


def forms_of(summer) -> list[tuple[str, type]]:
    season, place = summer.season.pk, summer.places[0].pk
    tier, area, period = summer.tiers[1].pk, summer.areas["Storkök"].pk, summer.periods[2].pk
    workplace = summer.places[0].workplace_id
    return [
        (reverse("summerjobs:season-create"), SeasonCreateForm),
        (reverse("summerjobs:season-edit", args=[season]), SeasonForm),
        (reverse("summerjobs:period-create", args=[season]), PeriodForm),
        (reverse("summerjobs:period-edit", args=[period]), PeriodForm),
        (reverse("summerjobs:pay-rate-create", args=[season]), PayRateForm),
        (reverse("summerjobs:area-create", args=[season]), AreaForm),
        (reverse("summerjobs:area-edit", args=[area]), AreaForm),
        (reverse("summerjobs:tier-create", args=[season]), PriorityTierForm),
        (reverse("summerjobs:tier-edit", args=[tier]), PriorityTierForm),
        (reverse("summerjobs:tier-move", args=[tier]), MoveForm),
        (reverse("summerjobs:place-create", args=[season]), PlaceForm),
        (reverse("summerjobs:place-edit", args=[place]), PlaceForm),
        (reverse("summerjobs:workplace-create"), WorkplaceForm),
        (reverse("summerjobs:workplace-edit", args=[workplace]), WorkplaceForm),
    ]


def explore(send, url: str, fields: dict[str, Field]) -> None:
    """Hypothesis's draws of the form's data."""

    @given(data=hostile.form_data(fields))
    def draw(data: dict) -> None:
        send(url, data)

    bounded(draw, examples=max(3, EXAMPLES // 2))()


def test_no_set_up_form_answers_hostile_input_with_a_server_error(world, summer, client_for):
    client = client_for(setup_users(world, summer).lead)
    pools = {
        model: list(model.objects.values_list("pk", flat=True))
        for model in (Workplace, Period, WorkArea, PriorityTier)
    }
    pools["any"] = sorted({pk for pks in pools.values() for pk in pks})
    failures = []

    def send(url: str, data: dict) -> None:
        response = client.post(url, data)
        if response.status_code >= 500:
            failures.append(f"{url} {response.status_code} {str(data)[:300]}")

    for url, form_class in forms_of(summer):
        fields = described(form_class, pools)
        for kind, extremes in hostile.EXTREMES.items():
            for extreme in extremes:
                send(url, {k: extreme if f.kind == kind else f.plain() for k, f in fields.items()})

        explore(send, url, fields)
    assert not failures, "\n".join(failures[:20])
