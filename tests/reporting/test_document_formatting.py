"""How values are written in a document, per language, and how charts draw what they are given:
one mark per meaning, a placeholder for a protected value, no chart of nothing."""

from decimal import Decimal

import pytest
from django.utils import translation

from reporting.charts import bar_chart, month_chart
from reporting.formatting import (
    amount,
    day,
    legend_rows,
    month,
    number,
    percent,
    value_text,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "grouped", "money", "money_with_ore", "rate", "when", "first_month"),
    [
        ("nb", "1 234,5", "450 000 kr", "61 250,50 kr", "89,9 %", "04.12.2026", "jan. 2026"),
        ("sv", "1 234,5", "450 000 kr", "61 250,50 kr", "89,9 %", "2026-12-04", "jan 2026"),
        ("en", "1,234.5", "NOK 450,000", "NOK 61,250.50", "89.9%", "12/04/2026", "Jan. 2026"),
    ],
)
def test_values_are_written_in_the_language_of_the_document(
    language, grouped, money, money_with_ore, rate, when, first_month
):
    with translation.override(language):
        assert number(1234.5, 1).replace(NBSP, " ") == grouped
        assert amount("450000.00", "NOK").replace(NBSP, " ") == money
        assert amount(Decimal("61250.50"), "NOK").replace(NBSP, " ") == money_with_ore
        assert percent(89.9).replace(NBSP, " ") == rate
        assert day("2026-12-04") == when
        assert month("2026-01-01") == first_month


def test_thousands_are_grouped_with_a_space_that_never_breaks_the_number():
    with translation.override("nb"):
        assert number(1234567) == f"1{NBSP}234{NBSP}567"
        assert amount("-37500.00", "NOK") == f"\u221237{NBSP}500{NBSP}kr"


def test_swedish_kronor_read_kr_and_in_english_keep_their_code():
    with translation.override("sv"):
        assert amount("450000.00", "SEK") == f"450{NBSP}000{NBSP}kr"
    with translation.override("en"):
        assert amount("450000.00", "SEK") == f"SEK{NBSP}450,000"


@pytest.mark.parametrize("language", ["nb", "sv", "en"])
def test_each_meaning_has_one_mark_and_the_legend_explains_each(language):
    with translation.override(language):
        shown = [value_text(v) for v in (0, None, "<5", ":")]
        assert shown == ["0", "…", "<5", ":"]
        legend = dict(legend_rows(5))
    assert list(legend) == ["0", "…", "<5", ":"]
    assert all(legend.values())


def test_the_small_count_mark_follows_the_threshold():
    with translation.override("en"):
        legend = dict(legend_rows(10))
    assert "from 1 to 9 people" in legend["<10"]
    assert value_text("<10") == "<10"


def test_a_rate_is_a_percentage_and_a_count_is_grouped():
    with translation.override("nb"):
        assert value_text(89.94) == f"89,9{NBSP}%"
        assert value_text(3412) == f"3{NBSP}412"


MONTHS = ["2026-01-01", "2026-02-01", "2026-03-01"]


def test_a_chart_has_a_title_axis_labels_and_a_caption():
    with translation.override("en"):
        chart = month_chart(
            list(zip(MONTHS, [7, 9, 11], strict=True)),
            title="Participants per month",
            y_label="People",
            caption="People taking part.",
        )
    assert chart is not None
    assert "Participants per month</text>" in chart.svg  # drawn, not only in <title>
    assert ">Month</text>" in chart.svg and ">People</text>" in chart.svg
    assert chart.caption == "People taking part."
    assert "style=" not in chart.svg and "<script" not in chart.svg and " id=" not in chart.svg


def test_a_suppressed_cell_is_drawn_as_a_dashed_placeholder_with_its_mark():
    with translation.override("en"):
        chart = month_chart(
            list(zip(MONTHS, [7, ":", "<5"], strict=True)),
            title="t",
            y_label="People",
            caption="c.",
        )
    svg = str(chart.svg)
    assert svg.count('stroke-dasharray="3 2"') == 2  # one outline per protected month
    assert ">:</text>" in svg and ">&lt;5</text>" in svg
    assert "«<5» and «:» mark protected values" in chart.caption


def test_a_hidden_outcome_is_a_placeholder_too_not_a_lone_mark():
    with translation.override("en"):
        chart = bar_chart(
            [("Work", 6), ("Education", ":")], title="t", x_label="People", caption="c."
        )
    assert str(chart.svg).count('stroke-dasharray="3 2"') == 1


@pytest.mark.parametrize("values", [[0, 0, 0], [None, None, None], [0, None, 0]])
def test_a_series_of_nothing_draws_no_chart(values):
    assert (
        month_chart(
            list(zip(MONTHS, values, strict=True)), title="t", y_label="People", caption="c."
        )
        is None
    )
    assert bar_chart([("Work", v) for v in values], title="t", x_label="x", caption="c") is None


def test_chart_numbers_are_written_like_the_tables():
    with translation.override("nb"):
        chart = month_chart(
            list(zip(MONTHS, [91.3, 90.2, None], strict=True)),
            title="t",
            y_label="%",
            caption="c.",
            rate=True,
        )
    svg = str(chart.svg)
    assert ">91,3</text>" in svg and ">90,2</text>" in svg and "90.2" not in svg
    assert ">…</text>" in svg  # a month without a rate says so
    assert ">jan.</text>" in svg and ">2026</text>" in svg
