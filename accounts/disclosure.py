"""Small-cell suppression for aggregated figures that leave Fotfeste: the one rule that the
reports (``reporting/``) and the summer jobs' season figures (``summerjobs/figures.py``) apply,
with the municipality's threshold (``Municipality.disclosure_threshold``).

Counts from 1 to the threshold − 1 (default 5, a setting per municipality) are shown as «<5»
(primary suppression). If a reader could then work a hidden cell out from a shown total (one
hidden cell, or small cells whose sum allows one value only), another cell is hidden as «:»,
the smallest shown one first (secondary suppression). A secondary cell is never passed off as
«<5»: «:» marks it. Zero is shown: it names nobody.

Which figures are suppressed depends on the audience (``reporting.figures.Cells``).
"""

from django.utils.translation import gettext as _

from accounts.models import DEFAULT_DISCLOSURE_THRESHOLD as DEFAULT_THRESHOLD

THRESHOLD = DEFAULT_THRESHOLD
HIDDEN = ":"


def small_mark(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The mark of a small count: «<5» for the default threshold."""
    return f"<{threshold}"


SMALL = small_mark()


def is_small(value: object) -> bool:
    return isinstance(value, str) and value.startswith("<")


def suppress_count(value: int, threshold: int = DEFAULT_THRESHOLD) -> int | str:
    return small_mark(threshold) if 0 < value < threshold else value


def suppress_breakdown(
    cells: dict[str, int],
    total: int | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    hide: frozenset[str] = frozenset(),
) -> dict[str, int | str]:
    """Hide small cells of one breakdown whose cells add up to ``total`` (when it is shown).
    ``hide``: cells of at least the threshold already hidden for another table's sake (a row
    of a table whose columns are breakdowns of their own)."""
    shown: dict[str, int | str] = {
        key: HIDDEN if key in hide and value else suppress_count(value, threshold)
        for key, value in cells.items()
    }
    if total is None or is_small(suppress_count(total, threshold)):
        return shown
    while _recoverable(shown, total, threshold):
        candidates = sorted(
            (value, key) for key, value in cells.items() if isinstance(shown[key], int) and value
        )
        if not candidates:
            # Only small counts are left and the total pins them down (four and four of
            # eight, or one in each of three categories of three): nothing can be hidden
            # beside them, so no cell is shown, not even an empty one, which would tell the
            # reader that the others are not.
            return dict.fromkeys(cells, HIDDEN)
        shown[candidates[0][1]] = HIDDEN
    return shown


def suppress_characteristic(
    cells: dict[str, int], threshold: int = DEFAULT_THRESHOLD, hide: frozenset[str] = frozenset()
) -> dict[str, int | str]:
    """People per category of a personal characteristic (gender, age band, priority tier),
    whose total is shown beside them: everything hidden where everyone shares one category or
    there are fewer than the threshold in all (a count, or even a zero beside the others, would
    tell each person's trait); else ``suppress_breakdown`` against that total."""
    people = [key for key, value in cells.items() if value]
    if len(people) == 1 or 0 < sum(cells.values()) < threshold:
        return dict.fromkeys(cells, HIDDEN)
    return suppress_breakdown(cells, total=sum(cells.values()), threshold=threshold, hide=hide)


def marks_explained(threshold: int = DEFAULT_THRESHOLD) -> list[tuple[str, str]]:
    """The two marks of a suppressed figure, each with what it means, for a document's key."""
    top = threshold - 1
    if top <= 1:
        small = _("one person: a small count, not shown so that nobody can be recognised")
    else:
        small = _(
            "from 1 to %(top)s people: a small count, not shown so that nobody can be recognised"
        ) % {"top": top}
    return [
        (small_mark(threshold), small),
        (HIDDEN, _("hidden so that a small count cannot be worked out from the other figures")),
    ]


def _recoverable(shown: dict[str, int | str], total: int, threshold: int) -> bool:
    """Whether the shown cells and the total pin down any hidden cell. A reader knows that a
    «<5» cell is 1–4, that a «:» cell is at least 5 (a smaller one would read «<5»), and that
    the hidden cells add up to the rest. A cell's possible values are then one interval; a
    single value gives it away."""
    hidden = [v for v in shown.values() if not isinstance(v, int)]
    if not hidden:
        return False
    rest = total - sum(v for v in shown.values() if isinstance(v, int))
    bounds = [
        (1, threshold - 1) if is_small(v) else (threshold, max(rest, threshold)) for v in hidden
    ]
    low_sum, high_sum = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    for low, high in bounds:
        if max(low, rest - (high_sum - high)) >= min(high, rest - (low_sum - low)):
            return True
    return False


def merge_bands(counts: list[tuple[int, int, int]], threshold: int) -> list[tuple[int, int, int]]:
    """Ordered bands (low, high, count) with people in them joined with their neighbours until
    every band holds at least ``threshold`` people: «under 21: 6, 21–24: 5» says more than «<5»
    five times and protects as well. A last band too small joins the one before it; empty bands
    outside the joined ones stay, as zeros."""
    groups: list[list[int]] = []
    for low, high, count in counts:
        if not count:
            continue
        if groups and groups[-1][2] < threshold:
            groups[-1][1], groups[-1][2] = high, groups[-1][2] + count
        else:
            groups.append([low, high, count])
    if len(groups) > 1 and groups[-1][2] < threshold:
        last = groups.pop()
        groups[-1][1], groups[-1][2] = last[1], groups[-1][2] + last[2]
    empty = [
        (low, high, 0)
        for low, high, count in counts
        if not count and not any(g[0] <= low and high <= g[1] for g in groups)
    ]
    return sorted([(g[0], g[1], g[2]) for g in groups] + empty)
