"""The table on the terminal, the JSON file and the comparison with the committed baseline."""

import json
import math
from pathlib import Path

from bench.figures import Figure

RESULT = {True: "pass", False: "FAIL", None: "—"}


def fmt(value: float | None, unit: str = "") -> str:
    """A number for the table: ratios as 2.50×, counts whole, times to three figures or so."""
    if value is None or math.isnan(value):
        return "—"
    if unit == "x":
        return f"{value:.2f}×"
    if unit in ("queries", "errors"):
        return f"{value:g} {unit}"
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    return f"{value:.{digits}f} {unit}".rstrip()


def spread(f: Figure) -> str:
    """The lowest and the highest repeat, "2.41–2.88×"; blank for a figure measured once."""
    if f.spread is None:
        return ""
    low, high, unit = f.spread
    if unit == "x":
        return "—" if math.isnan(low) or math.isnan(high) else f"{low:.2f}–{high:.2f}×"
    return f"{fmt(low)}–{fmt(high, unit)}"


def table(figures: list[Figure]) -> str:
    """Per figure: the median over the repeats (value and ratio), their spread, the bar and
    whether the median meets it."""
    rows = [("figure", "median", "ratio", "spread", "bar", "result", "")]
    for f in figures:
        cells = (f.label, fmt(f.value, f.unit), fmt(f.ratio, "x"), spread(f), _bar(f))
        rows.append((*cells, RESULT[f.passed], f.note))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:6], widths[1:], strict=True)]
        lines.append("  ".join([*cells, row[6]]).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _bar(f: Figure) -> str:
    return f.bar.describe() if f.bar else ""


def document(figures: list[Figure], **context) -> dict:
    return {
        "schema": 2,
        **context,
        "passed": all(f.passed is not False for f in figures),
        "figures": {f.key: f.as_dict() for f in figures},
    }


def write(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def compare(latest: dict, baseline: dict) -> list[str]:
    """One line per figure in both runs: the baseline's value, this run's, and the change,
    called better or worse by the figure's direction. Figures new or gone are named too."""
    old, new = baseline.get("figures", {}), latest.get("figures", {})
    lines = []
    for key, now in new.items():
        was = old.get(key)
        if was is None:
            lines.append(f"{now['label']}: new")
            continue
        lines.append(f"{now['label']}: {_change(was, now)}")
    lines += [f"{old[key]['label']}: not measured in this run" for key in old if key not in new]
    return lines


def _change(was: dict, now: dict) -> str:
    """The value's change, and the ratio's when the figure has one (a page's p95 and its ratio
    to the hello page: the first says how fast, the second what the bar is about)."""
    text = _step(was.get("value"), now.get("value"), now["unit"], now)
    if now.get("ratio") is not None and was.get("ratio") is not None:
        text += "; ratio " + _step(was["ratio"], now["ratio"], "x", now)
    return text


def _step(before: float | None, after: float | None, unit: str, now: dict) -> str:
    text = f"{fmt(before, unit)} → {fmt(after, unit)}"
    if before is None or after is None:
        return text
    if before == 0:
        return text if after == 0 else f"{text} (was 0)"
    change = (after - before) / abs(before) * 100
    if abs(change) < 0.05:
        return f"{text} (unchanged)"
    better = (change > 0) == bool(now.get("higher_is_better"))
    return f"{text} ({change:+.1f} %, {'better' if better else 'worse'})"
