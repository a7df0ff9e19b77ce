"""The season's lottery from the services and the shell: tiers first, wishes and ages kept,
the same seed the same result, a dry run that allocates nothing, one run for real."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from config.errors import ApplicationError
from summerjobs.models import Allocation, Application, LotteryRun
from summerjobs.services import lottery_run
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicants(summer):
    """Eight 17-year-olds who all want Vaktmästeri first (two places) and Äldreomsorg second
    (18 and over only); then Fritidshem (period 2)."""
    areas = [summer.areas[name].pk for name in ("Vaktmästeri", "Äldreomsorg", "Fritidshem")]
    periods = [period.pk for period in summer.periods]
    return [
        apply(
            summer,
            born=date(YEAR - 17, 1, 1 + n),
            serial=100 + n,
            area_ids=areas,
            period_ids=periods,
        )
        for n in range(8)
    ]


def allocate_json(summer, seed: int, *extra: str) -> dict:
    out = io.StringIO()
    call_command(
        "summerjobs_allocate",
        "--season",
        str(summer.season.pk),
        "--seed",
        str(seed),
        "--json",
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_a_dry_run_shows_the_allocation_and_allocates_nothing(summer, applicants):
    result = allocate_json(summer, 7, "--dry-run")

    placed = {row["applicant"]: row["place"] for row in result["assignments"]}
    assert result["dry_run"] is True
    assert (
        len(placed) == 3
    )  # two at the Vaktmästeri, one at the Fritidshem; none under 18 in Äldreomsorg
    assert summer.places[2].pk not in placed.values()
    assert len(result["reserve"]) == 5
    assert set(placed) | set(result["reserve"]) == {a.pk for a in applicants}
    assert not Allocation.objects.exists()
    assert LotteryRun.objects.get().dry_run


def test_the_same_seed_gives_the_same_result_and_the_json_names_nobody(summer, applicants):
    first, again = (
        allocate_json(summer, 2026, "--dry-run"),
        allocate_json(summer, 2026, "--dry-run"),
    )
    other = allocate_json(summer, 2027, "--dry-run")

    def drawn(result):
        return result["assignments"], result["reserve"], result["inputs_digest"]

    assert drawn(first) == drawn(again)
    assert first["order"] != other["order"]
    text = json.dumps(first)
    for application in Application.objects.all():
        assert application.last_name not in text and application.email not in text
        assert application.national_id_masked[:6] not in text


def test_a_higher_tier_is_served_before_the_lottery_of_the_rest(summer, applicants):
    first = allocate_json(summer, 5, "--dry-run")
    chosen = first["reserve"][-2:]  # drawn last of all without priority
    Application.objects.filter(pk__in=chosen).update(tier=summer.tiers[0])

    result = allocate_json(summer, 5, "--dry-run")

    placed = {row["applicant"]: row["place"] for row in result["assignments"]}
    assert {placed[pk] for pk in chosen} == {summer.places[0].pk}  # both get the first wish
    assert result["inputs_digest"] != first["inputs_digest"]


def test_a_run_for_real_records_places_and_reserve_positions_once(summer, applicants):
    run = lottery_run(season=summer.season, seed=11, dry_run=False, actor=None)

    placed = Allocation.objects.filter(run=run, place__isnull=False)
    reserve = Allocation.objects.filter(run=run, reserve_position__isnull=False)
    assert placed.count() == 3 and reserve.count() == 5
    assert sorted(reserve.values_list("reserve_position", flat=True)) == [1, 2, 3, 4, 5]
    assert set(placed.values_list("choice_rank", flat=True)) <= {1, 3}
    with pytest.raises(ApplicationError) as caught:
        lottery_run(season=summer.season, seed=12, dry_run=False, actor=None)
    assert caught.value.code == "already_run"
    assert Allocation.objects.count() == 8


def test_the_shell_says_what_is_wrong_without_a_traceback(summer):
    with pytest.raises(CommandError, match="No season"):
        call_command("summerjobs_allocate", "--season", "999999", "--seed", "1")
    lottery_run(season=summer.season, seed=1, dry_run=False, actor=None)
    with pytest.raises(CommandError, match="already been run"):
        call_command(
            "summerjobs_allocate",
            "--season",
            str(summer.season.pk),
            "--seed",
            "2",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError):
        call_command(
            "summerjobs_allocate", "--season", str(summer.season.pk), "--seed", "-1", "--dry-run"
        )


def test_the_draw_is_read_in_the_same_few_queries_however_many_applied(
    summer, django_assert_max_num_queries
):
    from summerjobs.selectors import lottery_draw

    for n in range(12):
        apply(summer, born=date(YEAR - 17, 1, 1 + n), serial=800 + n)
    with django_assert_max_num_queries(5):
        draw = lottery_draw(season=summer.season, seed=1)
    assert len(draw.applicants) == 12 and all(a.areas for a in draw.applicants)
