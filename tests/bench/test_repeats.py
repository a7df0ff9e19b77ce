"""Figures measured in repeats: the median is the figure, the spread is shown, and the bar is
judged on the median alone, whatever the single repeats or their mean would say."""

import math

import pytest

from bench.figures import Bar, Figure
from bench.stats import Repeats, per_repeat_ratios


def judged(*ratios: float, limit: float = 3.0) -> bool | None:
    values = Repeats(tuple(10.0 * r for r in ratios))
    return Figure.over("p", "page", values, "ms", Repeats(ratios), bar=Bar(limit)).passed


def test_the_median_is_the_middle_repeat_and_the_spread_its_extremes():
    repeats = Repeats((3.1, 2.2, 2.6))

    assert repeats.median == 2.6
    assert (repeats.low, repeats.high) == (2.2, 3.1)


def test_a_bar_met_by_two_of_three_repeats_is_met():
    assert judged(2.9, 3.4, 2.95) is True


def test_a_bar_met_by_one_of_three_repeats_is_missed_though_their_mean_meets_it():
    # Mean 2.43: a verdict on the mean, or on the best repeat, would pass it.
    assert judged(1.0, 3.1, 3.2) is False


def test_one_wild_repeat_does_not_decide():
    # Mean 4.63, worst 9.0: a verdict on either would fail it.
    assert judged(2.0, 2.9, 9.0) is True


def test_with_four_repeats_two_within_the_bar_are_not_enough_when_the_median_is_above_it():
    # Median (2.9 + 3.2) / 2 = 3.05: half the repeats met the bar, the median does not.
    assert judged(2.5, 2.9, 3.2, 3.5) is False
    assert judged(2.5, 2.9, 3.0, 3.5) is True


def test_a_repeat_that_measured_nothing_fails_the_figure():
    assert math.isnan(Repeats((2.0, math.nan, 2.1)).median)
    assert judged(2.0, math.nan, 2.1) is False


def test_the_ratio_is_taken_within_each_repeat_before_the_median():
    page, hello = [30.0, 10.0, 20.0], [10.0, 10.0, 5.0]

    ratios = per_repeat_ratios(page, hello)

    assert ratios.values == (3.0, 1.0, 4.0)
    assert ratios.median == 3.0  # the ratio of the medians, 20 ÷ 10, would be 2.0


def test_a_ratio_needs_a_base_in_every_repeat():
    with pytest.raises(ValueError):
        per_repeat_ratios([1.0, 2.0], [1.0])
    assert math.isnan(per_repeat_ratios([1.0], [0.0]).median)


def test_the_json_keeps_every_repeat_and_the_spread():
    figure = Figure.over("p", "page", Repeats((30.0, 20.0, 25.0)), "ms", Repeats((3.0, 2.0, 2.5)))

    entry = figure.as_dict()

    assert (entry["value"], entry["ratio"]) == (25.0, 2.5)
    assert entry["repeats"] == {"value": [30.0, 20.0, 25.0], "ratio": [3.0, 2.0, 2.5]}
    assert entry["spread"] == {"low": 2.0, "high": 3.0}
