"""Targets against results: when a grant or programme ran, its targets, and each target's
result and status, read by the reports, the dashboard and the lead's home page alike."""

from datetime import date

from programs.models import Grant
from programs.selectors import targets_for
from reporting.figures import TARGET_FIGURES
from reporting.profiles import TargetStatus


def subject_life(subject, programmes: list) -> tuple[date | None, date | None]:
    """When the grant or the programmes ran: the first start and the last end (None: open)."""
    if isinstance(subject, Grant):
        return subject.starts_on, subject.ends_on
    starts = [p.starts_on for p in programmes]
    ends = [p.ends_on for p in programmes]
    return (
        None if None in starts else min(starts),
        None if None in ends else max(ends),
    )


def subject_targets(subject) -> list[tuple[str, int]]:
    """(metric, value) of the grant's or the programme's targets."""
    if isinstance(subject, Grant):
        return targets_for(grant=subject)
    return targets_for(programme=subject)


def target_rows(
    *, targets: list[tuple[str, int]], data: dict, life: tuple, end: date
) -> list[dict]:
    """Each target with its result as shown and its status: met, on track or behind while the
    grant or programme runs (against the share of its time that has passed), met or not met
    once it has ended. No status where the result is suppressed."""
    rows = []
    for metric, target in targets:
        figure = TARGET_FIGURES[metric]
        shown = data["figures"].get(figure, data["exact"].get(figure))
        status = (
            target_status(target=target, result=data["exact"][figure], life=life, end=end)
            if isinstance(shown, int)
            else None
        )
        rows.append({"metric": metric, "target": target, "result": shown, "status": status})
    return rows


def target_status(*, target: int, result: int, life: tuple, end: date) -> str | None:
    first, last = life
    if result >= target:
        return TargetStatus.MET
    if last is not None and end >= last:
        return TargetStatus.NOT_MET
    if first is None or last is None:
        return None
    elapsed = max(0.0, min(1.0, ((end - first).days + 1) / ((last - first).days + 1)))
    return TargetStatus.ON_TRACK if result >= target * elapsed else TargetStatus.BEHIND
