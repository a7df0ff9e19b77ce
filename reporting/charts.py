"""Charts as SVG, drawn from a report's figures: the same markup goes into the PDF and onto the
dashboard. Only presentation attributes, no scripts or styles, so it passes the page's CSP.

A small count («<5») is drawn as a dashed outline, a hidden count («:») and a withheld rate
as a gap: a chart never shows more than the table beside it.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reporting.suppression import HIDDEN, SMALL

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 36
INK, BAR, MUTED, GRID = "#1f2a37", "#2f6f8f", "#6b7280", "#e5e7eb"
FONT = 'font-family="DejaVu Sans, sans-serif"'


def _ceiling(value: float) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten."""
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _svg(body: list[str], title: str, height: int = HEIGHT) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    # Every text put into the markup above was escaped.
    return mark_safe(head + "".join(body) + "</svg>")


def column_chart(
    points: list[tuple[str, int | float | str | None]], *, title: str, top: float | None = None
) -> SafeString:
    """Vertical bars, one per label (months, usually). ``top`` fixes the axis (100 for %)."""
    values = [v for _, v in points if isinstance(v, int | float)]
    top = top or _ceiling(max([*values, 5]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    body = [_axis(top, plot_w, plot_h)]
    slot = plot_w / max(len(points), 1)
    every = max(1, len(points) // 12)  # at most about twelve labels under the axis
    for index, (label, value) in enumerate(points):
        x = LEFT + index * slot + slot * 0.15
        body.append(_column(x, slot * 0.7, value, top, plot_h, show_value=len(points) <= 24))
        if index % every == 0:
            body.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
                f'fill="{MUTED}" text-anchor="middle" {FONT}>{escape(label)}</text>'
            )
    return _svg(body, title)


def _axis(top: float, plot_w: float, plot_h: float) -> str:
    lines = []
    for step in range(6):  # the top is 1, 2 or 5 times ten to a power: fifths are round
        value = top * step / 5
        y = TOP + plot_h - plot_h * step / 5
        lines.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 3:.1f}" font-size="10" fill="{MUTED}" '
            f'text-anchor="end" {FONT}>{_number(value)}</text>'
        )
    return "".join(lines)


def _column(x: float, width: float, value, top: float, plot_h: float, show_value: bool) -> str:
    base = TOP + plot_h
    if value is None:
        return ""
    if value == HIDDEN:
        return (
            f'<text x="{x + width / 2:.1f}" y="{base - 3:.1f}" font-size="9" fill="{INK}" '
            f'text-anchor="middle" {FONT}>{escape(HIDDEN)}</text>'
        )
    if value == SMALL:
        height = plot_h * min(4 / top, 1)
        return (
            f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="none" stroke="{BAR}" stroke-dasharray="3 2"/>'
            f'<text x="{x + width / 2:.1f}" y="{base - height - 3:.1f}" font-size="9" '
            f'fill="{INK}" text-anchor="middle" {FONT}>{escape(SMALL)}</text>'
        )
    height = plot_h * min(float(value) / top, 1)
    label = (
        f'<text x="{x + width / 2:.1f}" y="{base - height - 3:.1f}" font-size="9" '
        f'fill="{INK}" text-anchor="middle" {FONT}>{_number(value)}</text>'
        if show_value and value
        else ""
    )
    return (
        f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{BAR}"/>{label}'
    )


def bar_chart(points: list[tuple[str, int | str]], *, title: str) -> SafeString:
    """Horizontal bars with their category names, for a breakdown such as exit destinations."""
    if not points:
        return mark_safe("")
    values = [v for _, v in points if isinstance(v, int | float)]
    top = _ceiling(max([*values, 5]))
    label_w, row_h = 220, 24
    height = TOP + len(points) * row_h + 8
    plot_w = WIDTH - label_w - RIGHT - 30
    body = []
    for index, (label, value) in enumerate(points):
        y = TOP + index * row_h
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="11" fill="{INK}" '
            f'text-anchor="end" {FONT}>{escape(label[:40])}</text>'
        )
        if value == HIDDEN:
            width = 0.0
        elif value == SMALL:
            width = plot_w * 4 / top
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" '
                f'fill="none" stroke="{BAR}" stroke-dasharray="3 2"/>'
            )
        else:
            width = plot_w * float(value) / top
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" '
                f'fill="{BAR}"/>'
            )
        text = value if isinstance(value, str) else _number(value)
        body.append(
            f'<text x="{label_w + width + 6:.1f}" y="{y + 15}" font-size="11" fill="{INK}" '
            f"{FONT}>{escape(text)}</text>"
        )
    return _svg(body, title, height=height)
