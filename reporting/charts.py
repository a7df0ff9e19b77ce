"""Charts as SVG, drawn from a report's figures: the same markup goes into the PDF and onto the
dashboard. Only presentation attributes, no scripts, styles or ids, so it passes the page's CSP
and can appear many times on one page.

Every chart has a title, axis labels and a caption. A suppressed count («<5») or a hidden one
(«:») is drawn as a hatched, dashed placeholder carrying its mark, never as a gap: a chart
never shows more than the table beside it, and never less than that something is there. A
series with nothing but zeros and gaps is not drawn at all (``month_chart`` and ``bar_chart``
return ``None``); the document says so in words instead.
"""

import textwrap
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.disclosure import HIDDEN
from reporting.formatting import (
    NOT_AVAILABLE,
    as_date,
    is_protected,
    month_short,
    number,
)

WIDTH = 640
INK, BAR, MUTED, GRID, SHADE = "#1f2a37", "#2f6f8f", "#4b5563", "#e5e7eb", "#eef2f5"
FONT = 'font-family="DejaVu Sans, sans-serif"'


@dataclass(frozen=True)
class Chart:
    """A drawn chart with the words that go with it: its title (also inside the SVG, for a
    screen reader and a reader of the image alone) and the caption printed under it."""

    title: str
    svg: SafeString
    caption: str

    def __str__(self) -> str:
        return self.svg


def has_content(values) -> bool:
    """Whether a series has anything to draw: a count other than zero, or a protected one."""
    return any(
        is_protected(v) or (isinstance(v, int | float) and not isinstance(v, bool) and v)
        for v in values
    )


def _ceiling(value: float) -> float:
    """A round top for the axis whose fifths are round too: 5, 6, 8, 10, 15, 20, 25, 30, 40…"""
    step = 1.0
    while True:
        for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8):
            if value <= step * factor and (step * factor) % 5 == 0:
                return step * factor
        step *= 10


def _short(value: float) -> str:
    return number(value, 0 if float(value).is_integer() else 1)


def _text(x: float, y: float, text: str, *, size: int = 10, anchor: str = "middle", **extra) -> str:
    fill = extra.pop("fill", INK)
    attributes = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}" {FONT}{attributes}>{escape(text)}</text>'
    )


def _svg(body: list[str], title: str, height: float) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    heading = _text(0, 15, title, size=13, anchor="start", font_weight="bold")
    # Every text put into the markup was escaped.
    return mark_safe(head + heading + "".join(body) + "</svg>")


def _placeholder(x: float, y: float, width: float, height: float) -> str:
    """A protected value's stand-in: a dashed box, lightly hatched, so it reads as «something
    is here, not shown» rather than as a bar of a size."""
    lines = [
        f'<line x1="{x:.1f}" x2="{x + width:.1f}" y1="{y + step:.1f}" y2="{y + step:.1f}" '
        f'stroke="{BAR}" stroke-width="0.5" stroke-opacity="0.6"/>'
        for step in range(3, int(height), 4)
    ]
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{SHADE}" stroke="{BAR}" stroke-dasharray="3 2"/>' + "".join(lines)
    )


def _caption(text: str, values, small: str) -> str:
    notes = [text]
    if any(is_protected(v) for v in values):
        notes.append(
            _(
                "«%(small)s» and «%(hidden)s» mark protected values, drawn as dashed outlines "
                "whose height says nothing of the number."
            )
            % {"small": small, "hidden": HIDDEN}
        )
    if any(v is None for v in values):
        notes.append(_("«%(mark)s»: not available.") % {"mark": NOT_AVAILABLE})
    return " ".join(notes)


# The month chart's frame.
M_HEIGHT, M_LEFT, M_RIGHT, M_TOP, M_BOTTOM = 250, 58, 12, 40, 54


def month_chart(
    series: list[tuple[str, int | float | str | None]],
    *,
    title: str,
    y_label: str,
    caption: str,
    small: str = "<5",
    rate: bool = False,
) -> Chart | None:
    """Vertical bars, one per month (``series``: ISO first days of months and their values).
    ``rate``: values are percentages on an axis to 100."""
    values = [v for _, v in series]
    if not has_content(values):
        return None
    numbers = [v for v in values if isinstance(v, int | float)]
    top = 100.0 if rate else _ceiling(max([*numbers, 5]))
    plot_w, plot_h = WIDTH - M_LEFT - M_RIGHT, M_HEIGHT - M_TOP - M_BOTTOM
    body = [_axis(top, plot_w, plot_h), _axis_labels(_("Month"), y_label, plot_h)]
    slot = plot_w / len(series)
    every = max(1, -(-len(series) // 12))  # at most about twelve labels under the axis
    for index, (month, value) in enumerate(series):
        x = M_LEFT + index * slot + slot * 0.15
        body.append(_column(x, slot * 0.7, value, top, plot_h, len(series) <= 24, rate))
        when = as_date(month)
        if when is None:
            continue
        middle = x + slot * 0.35
        if index % every == 0:
            body.append(_text(middle, M_HEIGHT - M_BOTTOM + 14, month_short(when), fill=MUTED))
        if index == 0 or when.month == 1:
            body.append(_text(middle, M_HEIGHT - M_BOTTOM + 26, str(when.year), fill=MUTED))
    return Chart(title, _svg(body, title, M_HEIGHT), _caption(caption, values, small))


def _axis(top: float, plot_w: float, plot_h: float) -> str:
    lines = []
    for step in range(6):  # the top is 1, 2 or 5 times ten to a power: fifths are round
        y = M_TOP + plot_h - plot_h * step / 5
        lines.append(
            f'<line x1="{M_LEFT}" x2="{M_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>' + _text(M_LEFT - 6, y + 3, _short(top * step / 5), anchor="end")
        )
    base = M_TOP + plot_h
    lines.append(
        f'<line x1="{M_LEFT}" x2="{M_LEFT + plot_w}" y1="{base}" y2="{base}" stroke="{MUTED}"/>'
    )
    return "".join(lines)


def _axis_labels(x_label: str, y_label: str, plot_h: float) -> str:
    middle = M_TOP + plot_h / 2
    return _text(
        M_LEFT + (WIDTH - M_LEFT - M_RIGHT) / 2, M_HEIGHT - 6, x_label, size=10, fill=MUTED
    ) + _text(14, middle, y_label, fill=MUTED, transform=f"rotate(-90 14 {middle:.1f})")


def _column(x: float, width: float, value, top: float, plot_h: float, labels: bool, rate) -> str:
    base = M_TOP + plot_h
    middle = x + width / 2
    if value is None:
        return _text(middle, base - 4, NOT_AVAILABLE, size=9, fill=MUTED)
    if is_protected(value):
        height = max(plot_h * 0.12, 14.0)
        return _placeholder(x, base - height, width, height) + _text(
            middle, base - height - 3, value, size=9
        )
    height = plot_h * min(float(value) / top, 1)
    bar = (
        f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{BAR}"/>'
    )
    if not labels:
        return bar
    text = number(value, 1) if rate else _short(value)
    return bar + _text(middle, base - height - 3, text, size=9)


# The bar chart's frame.
B_TOP, B_ROW, B_LABEL, B_RIGHT = 34, 26, 230, 60


def bar_chart(
    points: list[tuple[str, int | str | None]],
    *,
    title: str,
    x_label: str,
    caption: str,
    small: str = "<5",
) -> Chart | None:
    """Horizontal bars with their category names, for a breakdown such as exit destinations."""
    values = [v for _, v in points]
    if not has_content(values):
        return None
    numbers = [v for v in values if isinstance(v, int | float)]
    top = _ceiling(max([*numbers, 5]))
    plot_w = WIDTH - B_LABEL - B_RIGHT
    height = B_TOP + len(points) * B_ROW + 34
    body = []
    for index, (label, value) in enumerate(points):
        body.append(_bar_row(B_TOP + index * B_ROW, label, value, top, plot_w))
    base = B_TOP + len(points) * B_ROW
    body.append(f'<line x1="{B_LABEL}" x2="{B_LABEL}" y1="{B_TOP}" y2="{base}" stroke="{MUTED}"/>')
    for step in range(6):
        x = B_LABEL + plot_w * step / 5
        body.append(_text(x, base + 13, _short(top * step / 5), fill=MUTED))
    body.append(_text(B_LABEL + plot_w / 2, base + 28, x_label, fill=MUTED))
    return Chart(title, _svg(body, title, height), _caption(caption, values, small))


def _bar_row(y: float, label: str, value, top: float, plot_w: float) -> str:
    lines = textwrap.wrap(label, 34)[:2] or [""]
    first = y + (15 if len(lines) == 1 else 10)
    parts = [
        _text(B_LABEL - 8, first + 11 * n, line, size=10, anchor="end")
        for n, line in enumerate(lines)
    ]
    if value is None:
        parts.append(_text(B_LABEL + 6, y + 16, NOT_AVAILABLE, size=10, anchor="start"))
        return "".join(parts)
    if is_protected(value):
        width = max(plot_w * 0.06, 16.0)
        parts.append(_placeholder(B_LABEL, y + 4, width, B_ROW - 8))
        text = value
    else:
        width = plot_w * float(value) / top
        parts.append(
            f'<rect x="{B_LABEL}" y="{y + 4}" width="{width:.1f}" height="{B_ROW - 8}" '
            f'fill="{BAR}"/>'
        )
        text = _short(value)
    parts.append(_text(B_LABEL + width + 6, y + 16, text, size=10, anchor="start"))
    return "".join(parts)
