"""No single person can be recovered from a suppressed breakdown (accounts/disclosure.py)."""

from itertools import product

import pytest

from accounts.disclosure import (
    HIDDEN,
    SMALL,
    marks_explained,
    suppress_breakdown,
    suppress_characteristic,
    suppress_count,
)


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, SMALL), (4, SMALL), (5, 5), (37, 37)])
def test_counts_from_one_to_four_are_hidden(value, shown):
    assert suppress_count(value) == shown


def test_a_single_hidden_cell_next_to_a_shown_total_hides_one_more():
    shown = suppress_breakdown({"female": 3, "male": 7, "other": 12}, total=22)
    assert shown == {"female": SMALL, "male": HIDDEN, "other": 12}


def test_a_hidden_cell_is_read_as_at_least_five_and_still_protects_the_small_one():
    # Five women and one man of six: «:» and «<5» would say 5 and 1, so more is hidden.
    shown = suppress_breakdown({"female": 5, "male": 1, "other": 6}, total=12)
    assert all(len(v) > 1 for v in _bounds(shown, 12).values()), shown


def test_a_cell_hidden_for_a_total_is_never_passed_off_as_small():
    shown = suppress_breakdown({"female": 11, "unknown": 1}, total=12)
    assert shown == {"female": HIDDEN, "unknown": SMALL}


def test_small_cells_that_only_one_sum_allows_are_blurred():
    # Two cells of 4 and a total of 8: «<5» and «<5» would say both are 4.
    shown = suppress_breakdown({"a": 4, "b": 4}, total=8)
    assert _bounds(shown, 8)["a"] != {4}


def test_without_a_total_one_hidden_cell_is_enough():
    assert suppress_breakdown({"female": 3, "male": 7}) == {"female": SMALL, "male": 7}


def _bounds(shown: dict, total: int) -> dict[str, set[int]]:
    """Every value each hidden cell could take, given the shown cells and the total, and
    what the marks tell a reader: «<5» is 1–4, «:» at least 5 (a smaller count would read
    «<5») unless no «<5» is left, when the whole breakdown was withheld."""
    hidden = [k for k, v in shown.items() if not isinstance(v, int)]
    withheld = SMALL not in shown.values()
    known = sum(v for v in shown.values() if isinstance(v, int))
    options = {k: set() for k in hidden}
    for combo in product(range(0, total + 1), repeat=len(hidden)):
        fits = all(
            (1 <= c <= 4) if shown[k] == SMALL else ((1 if withheld else 5) <= c)
            for k, c in zip(hidden, combo, strict=True)
        )
        if sum(combo) + known == total and fits:
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
        {"a": 1, "b": 5, "c": 20},
        {"a": 4, "b": 4},
        {"a": 3, "b": 0, "c": 9},
        {"female": 5, "male": 1},
        {"a": 1, "b": 5, "c": 6, "d": 30},
    ],
)
def test_no_hidden_cell_can_be_recovered_from_the_total(cells):
    total = sum(cells.values())
    shown = suppress_breakdown(cells, total=total)
    for key, possible in _bounds(shown, total).items():
        assert len(possible) > 1, (key, shown)


def test_no_hidden_cell_can_be_recovered_in_1000_random_breakdowns():
    import random

    rng = random.Random(2026)
    for _ in range(1000):
        cells = {
            f"c{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 15]) for i in range(rng.randint(2, 5))
        }
        total = sum(cells.values())
        if total < 5:  # the total is hidden itself: nothing to subtract from
            continue
        shown = suppress_breakdown(cells, total=total)
        for key, possible in _bounds(shown, total).items():
            assert len(possible) > 1, (cells, shown, key)


def test_a_breakdown_of_a_hidden_count_is_hidden_whole():
    from reporting.figures import Cells

    cells = Cells(True)
    split = cells.breakdown({"new": 13, "continuing": 3}, total=16)
    assert split == {"continuing": SMALL, "new": HIDDEN}
    by_gender = cells.characteristic({"f": 6, "m": 7}, of=split["new"])
    assert by_gender == {"f": HIDDEN, "m": HIDDEN}  # 6 + 7 would give 13, and 16 − 13 = 3


@pytest.mark.parametrize(("part", "whole", "shown"), [(10, 12, HIDDEN), (7, 12, 7), (12, 12, 12)])
def test_a_part_is_hidden_when_the_rest_of_its_whole_is_small(part, whole, shown):
    from reporting.figures import Cells

    assert Cells(True).part(part, of=whole) == shown


def test_a_cell_hidden_for_another_tables_sake_is_protected_like_a_secondary_one():
    # «female» is hidden because of a row elsewhere: the total would give it away, so the
    # smallest other cell goes too.
    shown = suppress_breakdown(
        {"female": 9, "male": 12, "other": 30}, total=51, hide=frozenset({"female"})
    )
    assert shown == {"female": HIDDEN, "male": HIDDEN, "other": 30}


def test_a_characteristic_everyone_shares_or_too_few_have_is_hidden_whole():
    assert suppress_characteristic({"female": 0, "male": 12}) == {"female": HIDDEN, "male": HIDDEN}
    assert suppress_characteristic({"female": 2, "male": 2}) == {"female": HIDDEN, "male": HIDDEN}
    assert suppress_characteristic({"female": 3, "male": 12, "other": 6}) == {
        "female": SMALL,
        "male": 12,
        "other": HIDDEN,
    }


def test_the_marks_are_explained_with_the_threshold():
    marks = dict(marks_explained(7))
    assert set(marks) == {"<7", HIDDEN}
    assert "6" in marks["<7"]
