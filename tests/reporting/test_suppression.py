"""No single person can be recovered from a suppressed breakdown."""

from itertools import product

import pytest

from reporting.suppression import SMALL, suppress_breakdown, suppress_count


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, SMALL), (4, SMALL), (5, 5), (37, 37)])
def test_counts_from_one_to_four_are_hidden(value, shown):
    assert suppress_count(value) == shown


def test_a_single_hidden_cell_next_to_a_shown_total_hides_one_more():
    shown = suppress_breakdown({"female": 3, "male": 7, "other": 12}, total=22)
    assert shown == {"female": SMALL, "male": SMALL, "other": 12}


def test_without_a_total_one_hidden_cell_is_enough():
    assert suppress_breakdown({"female": 3, "male": 7}) == {"female": SMALL, "male": 7}


def _bounds(shown: dict, total: int) -> dict[str, set[int]]:
    """Every value each hidden cell could take, given the shown cells and the total."""
    hidden = [k for k, v in shown.items() if v == SMALL]
    known = sum(v for v in shown.values() if v != SMALL)
    options = {k: set() for k in hidden}
    for combo in product(range(0, total + 1), repeat=len(hidden)):
        if sum(combo) + known == total and all(c >= 1 for c in combo):
            for key, value in zip(hidden, combo, strict=True):
                options[key].add(value)
    return options


@pytest.mark.parametrize(
    "cells",
    [
        {"a": 1, "b": 9, "c": 20},
        {"a": 2, "b": 3, "c": 30},
        {"a": 4, "b": 5},
        {"a": 1, "b": 1, "c": 1, "d": 40},
        {"a": 6, "b": 2, "c": 6},
    ],
)
def test_no_hidden_cell_can_be_recovered_from_the_total(cells):
    total = sum(cells.values())
    shown = suppress_breakdown(cells, total=total)
    for key, possible in _bounds(shown, total).items():
        assert len(possible) > 1, (key, shown)


def test_no_hidden_cell_can_be_recovered_in_300_random_breakdowns():
    import random

    rng = random.Random(2026)
    for _ in range(300):
        cells = {
            f"c{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15]) for i in range(rng.randint(2, 4))
        }
        total = sum(cells.values())
        if total < 5:  # the total is hidden itself: nothing to subtract from
            continue
        shown = suppress_breakdown(cells, total=total)
        for key, possible in _bounds(shown, total).items():
            assert len(possible) > 1, (cells, shown, key)
