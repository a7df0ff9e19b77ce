"""The rules of enrolling a person, as pure functions: the one-person service
(``enrollment_create``) and the bulk import (``participants.bulk``) both call them, each with
the facts read its own way (one query per person, or one per file)."""

from collections.abc import Collection

from django.utils.translation import gettext as _

from config.errors import ApplicationError


def enrollment_rules(
    *,
    programme_id: int,
    cohort_programme_id: int | None,
    caseworker_id: int | None,
    caseworker_ids: Collection[int],
) -> None:
    """Refuses an enrollment whose cohort is another programme's, or whose caseworker does not
    work in the programme as a caseworker (``caseworker_ids``: the programme's)."""
    if cohort_programme_id is not None and cohort_programme_id != programme_id:
        raise ApplicationError(_("The cohort does not belong to this programme."), field="cohort")
    if caseworker_id is not None and caseworker_id not in caseworker_ids:
        raise ApplicationError(_("Choose a caseworker in this programme."), field="caseworker")
