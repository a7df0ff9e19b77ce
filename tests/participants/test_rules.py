"""The enrollment rules the one-person service and the bulk import share, without a database."""

import pytest

from config.errors import ApplicationError
from participants.rules import enrollment_rules


def refused_field(**facts) -> str | None:
    base = {"programme_id": 1, "cohort_programme_id": None, "caseworker_id": None}
    try:
        enrollment_rules(**{**base, "caseworker_ids": {7}, **facts})
    except ApplicationError as exc:
        return exc.field
    return None


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({}, None),
        ({"cohort_programme_id": 1, "caseworker_id": 7}, None),
        ({"cohort_programme_id": 2}, "cohort"),
        ({"caseworker_id": 8}, "caseworker"),
        ({"caseworker_id": 7, "caseworker_ids": set()}, "caseworker"),
    ],
)
def test_the_cohort_is_the_programmes_and_the_caseworker_works_in_it(facts, field):
    assert refused_field(**facts) == field
