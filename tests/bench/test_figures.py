"""The bars a figure is held to, the table and the comparison with the baseline."""

import math

from bench.figures import Bar, Figure, all_passed, queries_fixed, ratio
from bench.report import compare, document, table
from bench.stats import Repeats


def test_a_ratio_within_its_bar_passes_and_above_it_fails():
    assert Figure("a", "caseload", 50.0, "ms", ratio=2.5, bar=Bar(2.5)).passed is True
    assert Figure("a", "caseload", 51.0, "ms", ratio=2.51, bar=Bar(2.5)).passed is False


def test_a_value_bar_checks_the_value():
    assert Figure("i", "import", 59.0, "s", bar=Bar(60, on="value")).passed is True
    assert Figure("i", "import", 61.0, "s", bar=Bar(60, on="value")).passed is False
    assert Figure("e", "errors", 0, "errors", bar=Bar(0, on="value")).passed is True
    assert Figure("e", "errors", 1, "errors", bar=Bar(0, on="value")).passed is False


def test_a_figure_measured_with_errors_fails_whatever_its_ratio():
    assert Figure("a", "caseload", 5.0, "ms", ratio=1.0, bar=Bar(2.5), ok=False).passed is False


def test_a_missing_measurement_fails():
    assert Figure("a", "caseload", math.nan, "ms", ratio=math.nan, bar=Bar(2.5)).passed is False


def test_a_figure_without_a_bar_neither_passes_nor_fails():
    figure = Figure("d", "dashboard", 80.0, "ms", ratio=4.0)

    assert figure.passed is None
    assert all_passed([figure])


def test_one_failed_bar_fails_the_run():
    good = Figure("a", "a", 1.0, "ms", ratio=1.0, bar=Bar(2.5))
    bad = Figure("b", "b", 1.0, "ms", ratio=3.0, bar=Bar(2.5))

    assert all_passed([good])
    assert not all_passed([good, bad])


def test_the_query_count_must_be_the_same_at_every_size_and_at_most_twelve():
    assert queries_fixed({1: 9, 25: 9, 100: 9})
    assert not queries_fixed({1: 9, 25: 10, 100: 11})
    assert not queries_fixed({1: 13, 25: 13, 100: 13})


def test_a_ratio_to_nothing_is_not_a_number():
    assert ratio(10.0, 4.0) == 2.5
    assert math.isnan(ratio(10.0, 0.0))


def test_the_table_shows_median_ratio_spread_bar_and_result():
    figures = [
        Figure("hello", "hello page", 12.34, "ms", ratio=1.0),
        Figure("caseload", "caseload", 40.0, "ms", ratio=3.24, bar=Bar(2.5), note="2 errors"),
        Figure.over(
            "attendance",
            "attendance",
            Repeats((30.0, 28.0, 35.0)),
            "ms",
            Repeats((2.41, 2.88, 2.5)),
            bar=Bar(3),
        ),
        Figure.over("lim", "LIM report", Repeats((8.0, 9.5, 7.25)), "s", bar=Bar(10, on="value")),
    ]

    lines = table(figures).splitlines()

    assert lines[0].split() == ["figure", "median", "ratio", "spread", "bar", "result"]
    assert "12.3 ms" in lines[2] and "1.00×" in lines[2] and lines[2].endswith("—")
    assert "3.24×" in lines[3] and "≤ 2.5×" in lines[3] and lines[3].endswith("FAIL  2 errors")
    assert "30.0 ms" in lines[4] and "2.50×" in lines[4] and "2.41–2.88×" in lines[4]
    assert lines[4].endswith("pass")
    assert "8.00 s" in lines[5] and "7.25–9.50 s" in lines[5]


def doc(**figures):
    return document([Figure(k, k, v, "ms", ratio=r, bar=Bar(2.5)) for k, (v, r) in figures.items()])


def test_the_comparison_gives_the_change_of_value_and_ratio_and_calls_it_better_or_worse():
    baseline = doc(caseload=(40.0, 2.0), attendance=(30.0, 1.5), gone=(1.0, 1.0))
    latest = doc(caseload=(50.0, 2.5), attendance=(27.0, 1.2), new=(1.0, 1.0))

    lines = compare(latest, baseline)

    assert (
        "caseload: 40.0 ms → 50.0 ms (+25.0 %, worse); ratio 2.00× → 2.50× (+25.0 %, worse)"
        in lines
    )
    assert (
        "attendance: 30.0 ms → 27.0 ms (-10.0 %, better); ratio 1.50× → 1.20× (-20.0 %, better)"
        in lines
    )
    assert "new: new" in lines
    assert "gone: not measured in this run" in lines


def test_for_throughput_higher_is_better():
    def throughput(value):
        figure = Figure("t", "throughput", value, "req/s", higher_is_better=True)
        return document([figure])

    assert compare(throughput(60.0), throughput(50.0)) == [
        "throughput: 50.0 req/s → 60.0 req/s (+20.0 %, better)"
    ]


def test_the_document_records_whether_every_bar_was_met():
    assert doc(a=(1.0, 1.0))["passed"] is True
    assert doc(a=(1.0, 3.0))["passed"] is False
