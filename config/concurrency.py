"""Optimistic concurrency for records two people may edit at once: each row carries a
``version``; a save names the version its user saw, and loses (with the current version, so the
user can look again) when somebody else saved first. No silent overwrites, no locks held while
a person types."""

from typing import Any

from django.db.models import F, Model

from config.errors import StaleEditError


def claim_version(model: type[Model], obj: Model, expected_version: int, message: str) -> None:
    """Bump the version if it is still the one the user saw; otherwise refuse the save."""
    if not model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1
    ):
        current: Any = model._default_manager.get(pk=obj.pk)
        raise StaleEditError(message, changed={}, current_version=current.version)
