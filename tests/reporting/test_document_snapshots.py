"""Snapshots of the shape a run freezes (the issue 14 contract), written by hand so that the
documents are tested on exactly what they are given: a LIM grant report with money, targets,
deadlines, narrative and a correction; a KS programme report without money; a Swedish one; an
empty one; and one from a run built before money, targets and deadlines were frozen. Every one
must render as PDF, XLSX and CSV in every language."""

import copy

import pytest
from django.utils import translation

from reporting.documents import render_csv, render_xlsx
from reporting.pdf import report_html
from tests.support.snapshots import (
    ks_snapshot,
    lim_snapshot,
    old_snapshot,
    run_for,
    swedish_snapshot,
)


def empty_snapshot() -> dict:
    """Nobody in the period: zeros, no series to draw."""
    snapshot = ks_snapshot()
    snapshot["figures"] = {
        key: ({} if isinstance(value, dict) else 0) for key, value in snapshot["figures"].items()
    }
    snapshot["figures"]["follow_up_12"] = None
    snapshot["series"] = {
        "participants_over_time": [["2026-03-01", 0], ["2026-04-01", 0]],
        "attendance_rate": [["2026-03-01", None], ["2026-04-01", None]],
        "module_progress": [["2026-03-01", 0]],
        "outcomes": [],
    }
    snapshot["targets"] = [{"metric": "reached", "target": 40, "result": 0, "status": "behind"}]
    snapshot["empty"] = True
    return snapshot


ALL = {
    "lim": ("lim", lim_snapshot),
    "ks": ("ks", ks_snapshot),
    "swedish": ("lim", swedish_snapshot),
    "empty": ("ks", empty_snapshot),
    "old": ("lim", old_snapshot),
}


@pytest.mark.parametrize("language", ["nb", "sv", "en"])
@pytest.mark.parametrize("name", list(ALL))
def test_every_kind_of_snapshot_renders_in_every_language(name, language):
    kind, build = ALL[name]
    snapshot = build()
    frozen = copy.deepcopy(snapshot)
    run = run_for(kind, language)
    with translation.override(language):
        html = report_html(run, snapshot)
        assert render_xlsx(run, snapshot)[:2] == b"PK"
        assert render_csv(run, snapshot).startswith("\ufeff".encode())
    assert snapshot == frozen  # the documents never change what they are given
    assert snapshot["meta"]["municipality"] in html
