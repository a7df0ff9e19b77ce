"""The placement rules the one-person service and the bulk import share, without a database."""

import pytest

from config.errors import ApplicationError
from placements.rules import over_capacity, placement_rules

OK = {"supervisor_at_worksite": True, "schedule_days": "420", "percentage": 50}


def refused_field(**facts) -> str | None:
    try:
        placement_rules(**{**OK, "overlapping_days": [], **facts})
    except ApplicationError as exc:
        return exc.field
    return None


def test_the_weekdays_are_stored_sorted_and_once():
    assert placement_rules(**{**OK, "schedule_days": "4204"}, overlapping_days=[]) == "024"


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"supervisor_at_worksite": False}, "supervisor"),
        ({"schedule_days": ""}, "schedule_days"),
        ({"schedule_days": "7"}, "schedule_days"),
        ({"percentage": 0}, "percentage"),
        ({"percentage": 101}, "percentage"),
        ({"overlapping_days": ["2"]}, "schedule_days"),
    ],
)
def test_each_broken_rule_names_its_field(facts, field):
    assert refused_field(**facts) == field


def test_placements_on_other_weekdays_do_not_collide():
    assert refused_field(overlapping_days=["13", "56"]) is None


def test_the_overlap_is_read_only_once_the_cheaper_rules_hold():
    def never():
        raise AssertionError("read too early")
        yield  # pragma: no cover

    assert refused_field(percentage=0, overlapping_days=never()) == "percentage"


def test_a_full_field_asks_for_confirmation_and_room_does_not():
    assert over_capacity(site="Ternevig", places=3, taken=2) == ""
    assert over_capacity(site="Ternevig", places=None, taken=9) == ""
    assert "Ternevig" in over_capacity(site="Ternevig", places=3, taken=3)
