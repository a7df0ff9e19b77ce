"""Disclosure control by audience: the recipient named on the grant or programme reads counts
of activities and outcomes exactly; breakdowns by personal characteristics stay protected for
every audience; a publication protects every figure."""

import random
from datetime import date, timedelta

import pytest

from accounts.disclosure import HIDDEN, is_small, merge_bands, small_mark
from config.errors import ApplicationError
from reporting.figures import AGE_BANDS, Cells, age_key, figures
from reporting.services import report_request
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date.today()
START = TODAY - timedelta(days=60)


def add_people(world, n: int, *, placed: bool = True, born: date | None = None) -> list:
    enrollments = []
    for index in range(n):
        person = f.ParticipantFactory(
            municipality=world.municipality,
            gender="female" if index % 2 else "male",
            birth_date=born or date(TODAY.year - 18 - index % 6, 3, 1),
        )
        enrollment = f.EnrollmentFactory(participant=person, programme=world.programme)
        if placed:
            f.PlacementFactory(enrollment=enrollment, worksite=world.worksite)
        enrollments.append(enrollment)
    return enrollments


def figures_for(world, **options) -> dict:
    return figures(
        programmes=[world.programme],
        start=START,
        end=TODAY,
        suppress=True,
        **options,
    )["figures"]


def test_the_recipient_reads_the_people_in_work_training_exactly(world):
    # Ten of eleven in work training: the one who is not must not blank the ten.
    add_people(world, 9)
    add_people(world, 1, placed=False)
    shown = figures_for(world, audience="recipient")
    assert (shown["participants"], shown["in_work_training"]) == (11, 10)


def test_a_publication_hides_a_count_whose_complement_is_small(world):
    add_people(world, 9)
    add_people(world, 1, placed=False)
    shown = figures_for(world, audience="publication")
    assert shown["participants"] == 11 and shown["in_work_training"] == HIDDEN


def test_the_recipient_still_reads_breakdowns_by_gender_protected(world):
    add_people(world, 2)
    shown = figures_for(world, audience="recipient")
    assert shown["participants"] == 3
    assert all(v == 0 or is_small(v) or v == HIDDEN for v in shown["reached_by_gender"].values())


def test_the_threshold_is_the_municipalitys_own(world):
    world.municipality.disclosure_threshold = 3
    world.municipality.save()
    add_people(world, 3)
    shown = figures_for(world, audience="publication", threshold=3)
    assert shown["participants"] == 4
    assert small_mark(3) == "<3"


def test_the_municipality_refuses_a_threshold_below_three(world):
    from django.db import IntegrityError, transaction

    world.municipality.disclosure_threshold = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        world.municipality.save()


def test_ages_of_ten_people_are_joined_into_bands_a_reader_can_use(world):
    world.participant.birth_date = date(TODAY.year - 20, 1, 1)
    world.participant.save()
    add_people(world, 10)  # aged 18 to 23, with the world's one person
    shown = figures_for(world, audience="recipient")["reached_by_age"]
    numbers = [v for v in shown.values() if isinstance(v, int) and v]
    assert numbers and not any(is_small(v) for v in shown.values()), shown
    assert sum(v for v in shown.values() if isinstance(v, int)) == 11


def test_joined_bands_hold_at_least_the_threshold_and_lose_nobody():
    rng = random.Random(14)
    for _ in range(500):
        counts = [(low, high, rng.choice([0, 0, 1, 2, 3, 6])) for low, high in AGE_BANDS]
        merged = merge_bands(counts, 5)
        assert sum(c for *_, c in merged) == sum(c for *_, c in counts)
        people = [c for *_, c in merged if c]
        assert len(people) <= 1 or all(c >= 5 for c in people), (counts, merged)
        spans = [(low, high) for low, high, _ in merged]
        assert spans == sorted(spans) and spans[0][0] == 0 and spans[-1][1] == AGE_BANDS[-1][1]


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_no_persons_characteristic_can_be_recovered_from_a_recipient_breakdown(threshold):
    """For every breakdown by a characteristic, with its total shown exactly (as the recipient
    reads it), each hidden cell could still hold more than one value."""
    rng = random.Random(threshold)
    cells = Cells(True, "recipient", threshold)
    for _ in range(400):
        counts = {k: rng.choice([0, 1, 2, 3, 4, 5, 7, 12]) for k in "abcd"[: rng.randint(2, 4)]}
        total = sum(counts.values())
        shown = cells.characteristic(counts, of=total)
        if total < threshold:
            assert all(v == 0 or is_small(v) or v == HIDDEN for v in shown.values())
            continue
        for key, possible in _possible(shown, total, threshold).items():
            assert len(possible) > 1, (counts, shown, key)


def _possible(shown: dict, total: int, threshold: int) -> dict[str, set[int]]:
    """Every value each hidden cell could take given the shown cells and the total."""
    from itertools import product

    hidden = [k for k, v in shown.items() if not isinstance(v, int)]
    known = sum(v for v in shown.values() if isinstance(v, int))
    withheld = not any(is_small(v) for v in shown.values())
    lowest = 0 if all(v == HIDDEN for v in shown.values()) else 1
    floor = lowest if withheld else threshold
    options: dict[str, set[int]] = {k: set() for k in hidden}
    for combo in product(range(total + 1), repeat=len(hidden)):
        fits = all(
            (1 <= c < threshold) if is_small(shown[k]) else floor <= c
            for k, c in zip(hidden, combo, strict=True)
        )
        if fits and sum(combo) + known == total:
            for key, value in zip(hidden, combo, strict=True):
                options[key].add(value)
    return options


def test_age_keys_name_their_band():
    from django.utils import translation

    from reporting.figures import category_label

    with translation.override("en"):
        assert category_label("by_age", age_key(0, 20)) == "under 21"
        assert category_label("by_age", age_key(30, 200)) == "30 and over"
        assert category_label("by_age", age_key(18, 24)) == "18–24"


def test_a_period_running_past_today_is_cut_at_today(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(
            actor=world.programme_lead,
            kind="ks",
            programme=world.programme,
            period_start=START,
            period_end=TODAY + timedelta(days=100),
        )
    run.refresh_from_db()
    period = run.snapshot["meta"]["period"]
    assert period["cut_at_today"] is True and period["end"] == TODAY.isoformat()
    assert period["requested_end"] == (TODAY + timedelta(days=100)).isoformat()
    assert run.snapshot["series"]["participants_over_time"][-1][0] <= TODAY.isoformat()


def test_a_period_that_has_not_begun_is_refused(world):
    with pytest.raises(ApplicationError, match="not begun"):
        report_request(
            actor=world.programme_lead,
            kind="ks",
            programme=world.programme,
            period_start=TODAY + timedelta(days=1),
            period_end=TODAY + timedelta(days=30),
        )


def test_months_before_the_programme_started_are_not_drawn(
    world, django_capture_on_commit_callbacks
):
    world.programme.starts_on = TODAY.replace(day=1) - timedelta(days=1)
    world.programme.save()
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(
            actor=world.programme_lead,
            kind="summary",
            programme=world.programme,
            period_start=TODAY - timedelta(days=365),
            period_end=TODAY,
        )
    run.refresh_from_db()
    months = [m for m, _ in run.snapshot["series"]["participants_over_time"]]
    assert months[0] == world.programme.starts_on.replace(day=1).isoformat()
    assert len(months) == 2


def test_a_follow_up_nobody_could_have_reached_is_not_due_rather_than_zero(world):
    shown = figures_for(world, audience="recipient")
    assert shown["follow_up_6"] is None and shown["follow_up_12"] is None


def test_documents_name_joined_age_bands_as_a_reader_would():
    from django.utils import translation

    from reporting.documents import figure_sections

    snapshot = {"figures": {"reached_by_age": {"0–20": 5, "21–24": 5, "25–29": 0, "30–200": 0}}}
    with translation.override("nb"):
        section = figure_sections(snapshot, with_charts=False)[0]
    labels = [cell.label for row in section.rows for cell in row.cells]
    assert labels == ["under 21", "21–24", "25–29", "30 og eldre"]


def test_a_group_that_all_share_a_trait_does_not_show_it(world):
    """Ten women: «female 10, male 0» would tell each one's gender; every cell is hidden, and
    every category is listed so that the hidden ones say nothing either."""
    for person in add_people(world, 9):
        person.participant.gender = "female"
        person.participant.save()
    world.participant.gender = "female"
    world.participant.birth_date = date(TODAY.year - 19, 1, 1)
    world.participant.save()
    shown = figures_for(world, audience="recipient")
    assert shown["participants"] == 10
    assert set(shown["reached_by_gender"]) >= {"female", "male", "other"}
    assert set(shown["reached_by_gender"].values()) == {HIDDEN}


def test_ages_all_in_one_band_read_all_ages(world):
    for person in add_people(world, 6, born=date(TODAY.year - 19, 1, 1)):
        assert person.participant.birth_date
    world.participant.birth_date = date(TODAY.year - 19, 2, 1)
    world.participant.save()
    assert figures_for(world, audience="recipient")["reached_by_age"] == {"0–200": 7}


def test_no_shipped_profile_breaks_a_trait_down_twice():
    from reporting.profiles import shipped_profiles, twice_broken_down

    assert all(twice_broken_down(p.figures) is None for p in shipped_profiles().values())
    assert twice_broken_down(["by_gender", "reached_by_gender"]) == "gender"
