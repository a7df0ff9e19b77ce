"""Small-cell suppression for every aggregated figure that leaves Fotfeste.

Counts from 1 to 4 are shown as «<5» (primary suppression). If a reader could then work a
hidden cell out from a shown total (one hidden cell, or small cells whose sum allows one
value only), another cell is hidden as «:», the smallest shown one first (secondary
suppression). A secondary cell is never passed off as «<5»: «:» marks it. Zero is shown: it
names nobody.
"""

SMALL = "<5"
HIDDEN = ":"
THRESHOLD = 5


def suppress_count(value: int) -> int | str:
    return SMALL if 0 < value < THRESHOLD else value


def suppress_breakdown(cells: dict[str, int], total: int | None = None) -> dict[str, int | str]:
    """Hide small cells of one breakdown whose cells add up to ``total`` (when it is shown)."""
    shown: dict[str, int | str] = {key: suppress_count(value) for key, value in cells.items()}
    if total is None or suppress_count(total) == SMALL:
        return shown
    while _recoverable(shown, total):
        candidates = sorted(
            (value, key) for key, value in cells.items() if isinstance(shown[key], int) and value
        )
        if not candidates:
            # Only small counts are left and the total pins them down (four and four of
            # eight): nothing can be hidden beside them, so none of them is shown.
            return {key: HIDDEN if value else 0 for key, value in cells.items()}
        shown[candidates[0][1]] = HIDDEN
    return shown


def _recoverable(shown: dict[str, int | str], total: int) -> bool:
    """Whether the shown cells and the total pin down any hidden cell. A reader knows that a
    «<5» cell is 1–4, that a «:» cell is at least 5 (a smaller one would read «<5»), and that
    the hidden cells add up to the rest. A cell's possible values are then one interval; a
    single value gives it away."""
    hidden = [v for v in shown.values() if not isinstance(v, int)]
    if not hidden:
        return False
    rest = total - sum(v for v in shown.values() if isinstance(v, int))
    bounds = [
        (1, THRESHOLD - 1) if v == SMALL else (THRESHOLD, max(rest, THRESHOLD)) for v in hidden
    ]
    low_sum, high_sum = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    for low, high in bounds:
        if max(low, rest - (high_sum - high)) >= min(high, rest - (low_sum - low)):
            return True
    return False
