"""The figures a run produces and the bars of DESIGN.md §6 they are held to."""

import math
from dataclasses import dataclass, field


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
    pages says nothing."""

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
            **({"detail": self.detail} if self.detail else {}),
        }


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
