"""Small-cell suppression for every aggregated figure that leaves Fotfeste.

Counts from 1 to 4 are shown as «<5» (primary suppression). If a breakdown would then have a
single hidden cell next to a shown total, that cell could be worked out by subtraction, so the
next smallest shown cell is hidden too (secondary suppression). Zero is shown: it names nobody.
"""

SMALL = "<5"
THRESHOLD = 5


def suppress_count(value: int) -> int | str:
    return SMALL if 0 < value < THRESHOLD else value


def suppress_breakdown(cells: dict[str, int], total: int | None = None) -> dict[str, int | str]:
    """Hide small cells of one breakdown whose cells add up to ``total`` (when it is shown)."""
    shown: dict[str, int | str] = {key: suppress_count(value) for key, value in cells.items()}
    if total is None or suppress_count(total) == SMALL:
        return shown
    while _recoverable([cells[k] for k, v in shown.items() if v == SMALL]):
        candidates = sorted(
            (value, key) for key, value in cells.items() if shown[key] != SMALL and value > 0
        )
        if not candidates:
            break
        shown[candidates[0][1]] = SMALL
    return shown


def _recoverable(hidden: list[int]) -> bool:
    """Whether the total (minus the shown cells) pins down every hidden cell: one hidden cell,
    or small cells whose sum allows only all ones or all fours."""
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    if all(value < THRESHOLD for value in hidden):
        return sum(hidden) in (len(hidden), (THRESHOLD - 1) * len(hidden))
    return False
