"""A season's figures frozen (docs/summerjobs.md, «Season figures»): the nightly deletion of
the applications of those not placed (``services.applications_purge_unplaced``) would leave
only the placed to count, and the share placed would read 100 %. So, in the same transaction
and before it deletes anything, the season's figures are kept as they stand: its counts and
each breakdown's rows, with the words a row needs (a tier's or a work area's name, an age
band, a period's number), and nothing about anyone. From then on ``figures.season_figures``
reads them, and the files are suppressed from them as from the live ones.

Frozen once: a second run finds them and leaves them, so the figures are never made again from
what the deletion left."""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from summerjobs.figures import SeasonFigures, season_figures_live
from summerjobs.models import FrozenFigures, Season

logger = logging.getLogger(__name__)

# The shape of FrozenFigures.counts, should it ever change.
FORMAT = 1
TOTALS = ("applicants", "withdrawn", "offered", "placed", "declined", "lapsed")


def season_figures_freeze(*, season_id: int, at: datetime | None = None) -> bool:
    """Keep the season's figures as they stand, unless they are kept already. Takes the
    season's row lock, so two runs at once freeze them once. Returns whether it froze them."""
    with transaction.atomic():
        season = Season.objects.select_for_update().get(pk=season_id)
        if FrozenFigures.objects.filter(season=season).exists():
            return False
        figures = season_figures_live(season=season, with_tiers=True)
        FrozenFigures.objects.create(
            season=season, frozen_at=at or timezone.now(), counts=figures_counts(figures)
        )
    logger.info("summer jobs: the figures of season %d frozen", season_id)
    return True


def figures_counts(figures: SeasonFigures) -> dict[str, Any]:
    """The figures as FrozenFigures keeps them: numbers, keys and names, no words of a
    language (``figures.figures_thawed`` puts those back)."""
    numbers = {str(period.pk): period.number for period in figures.season.periods.all()}
    counts: dict[str, Any] = {name: getattr(figures, name) for name in TOTALS}
    counts["format"] = FORMAT
    counts["reference_date"] = figures.reference_date.isoformat()
    counts["breakdowns"] = [
        {
            "key": breakdown.key,
            "rows": [
                {
                    "key": row.key,
                    "label": _stored_label(breakdown.key, row.key, row.label, numbers),
                    "applicants": row.applicants,
                    "placed": row.placed,
                }
                for row in breakdown.rows
            ],
        }
        for breakdown in figures.breakdowns
    ]
    return counts


def _stored_label(breakdown: str, key: str, label: str, numbers: dict[str, int]) -> str:
    if breakdown == "period":
        return str(numbers.get(key, label))
    if breakdown == "gender":
        return key  # its words come from the choices, in the reader's language
    return label
