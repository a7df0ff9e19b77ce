"""The figures a run produces and the bars of DESIGN.md §6 they are held to."""

import math
from dataclasses import dataclass, field

from bench.stats import Repeats, Summary


@dataclass(frozen=True)
class Bar:
    """At most ``limit``, checked on the figure's ratio (``on="ratio"``) or its value."""

    limit: float
    on: str = "ratio"
    text: str = ""

    def describe(self) -> str:
        if self.text:
            return self.text
        unit = "×" if self.on == "ratio" else ""
        return f"≤ {self.limit:g}{unit}"


@dataclass
class Figure:
    """One line of the table and one entry of the JSON file. ``ok`` is a condition besides the
    bar (no failed requests, the same query count at every size): a figure measured on error
    pages says nothing. A figure measured in repeats keeps each repeat's value and ratio;
    its ``value`` and ``ratio`` are their medians, and the bar is judged on the median alone."""

    key: str
    label: str
    value: float | None
    unit: str
    ratio: float | None = None
    bar: Bar | None = None
    ok: bool = True
    note: str = ""
    higher_is_better: bool = False
    detail: dict = field(default_factory=dict)
    values: Repeats | None = None  # each repeat's value, when measured in repeats
    ratios: Repeats | None = None  # and each repeat's ratio

    @classmethod
    def over(
        cls, key: str, label: str, values: Repeats, unit: str, ratios: Repeats | None = None, **kw
    ) -> "Figure":
        """A figure measured in repeats: the medians are its value and ratio."""
        ratio = None if ratios is None else ratios.median
        return cls(key, label, values.median, unit, ratio, values=values, ratios=ratios, **kw)

    @property
    def spread(self) -> tuple[float, float, str] | None:
        """The lowest and highest repeat of what the figure is judged on (its ratio if it has
        one), with the unit to show them in; None for a figure measured once."""
        if self.ratios is not None:
            return self.ratios.low, self.ratios.high, "x"
        if self.values is not None:
            return self.values.low, self.values.high, self.unit
        return None

    @property
    def passed(self) -> bool | None:
        """None when the figure has no bar."""
        if self.bar is None:
            return None
        checked = self.ratio if self.bar.on == "ratio" else self.value
        if checked is None or math.isnan(checked):
            return False
        return self.ok and checked <= self.bar.limit + 1e-9

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "value": _rounded(self.value),
            "unit": self.unit,
            "ratio": _rounded(self.ratio),
            "bar": self.bar.describe() if self.bar else None,
            "passed": self.passed,
            "note": self.note,
            "higher_is_better": self.higher_is_better,
            **self._repeats(),
            **({"detail": self.detail} if self.detail else {}),
        }

    def _repeats(self) -> dict:
        if self.values is None:
            return {}
        repeats = {"value": [_rounded(v) for v in self.values.values]}
        if self.ratios is not None:
            repeats["ratio"] = [_rounded(r) for r in self.ratios.values]
        low, high, _ = self.spread or (None, None, "")
        return {"repeats": repeats, "spread": {"low": _rounded(low), "high": _rounded(high)}}


def _rounded(x: float | None) -> float | None:
    if x is None or math.isnan(x):
        return None
    return round(x, 3)


def ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan


def all_passed(figures: list[Figure]) -> bool:
    return all(f.passed is not False for f in figures)


def queries_fixed(counts: dict[int, int], ceiling: int = 12) -> bool:
    """The same number of queries at every size, and at most ``ceiling``."""
    values = set(counts.values())
    return len(values) == 1 and values.pop() <= ceiling


def p95s(runs: list[Summary]) -> list[float]:
    return [s.p95_ms for s in runs]


def repeated(
    key: str, label: str, runs: list[Summary], ratios: Repeats | None, bar: Bar | None, note=""
) -> Figure:
    """A page's p95 in each repeat, its ratio in each, and the medians."""
    notes = [
        f"p50 {Repeats(tuple(s.p50_ms for s in runs)).median:.0f} ms, "
        f"{Repeats(tuple(s.throughput for s in runs)).median:.1f} req/s",
        *([note] if note else []),
    ]
    errors = sum(s.errors for s in runs)
    if errors:
        notes.append(f"{errors} errors of {sum(s.requests for s in runs)}")
    return Figure.over(
        key,
        label,
        Repeats(tuple(p95s(runs))),
        "ms",
        ratios,
        bar=bar,
        ok=errors == 0,
        note="; ".join(notes),
        detail={"runs": [s.as_dict() for s in runs]},
    )
