from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from imports.models import ImportRun


def import_runs(*, user) -> QuerySet[ImportRun]:
    """Imports into the programmes the user leads (a lead who leaves a programme loses them)."""
    return ImportRun.objects.visible_to(user).select_related(
        "programme__municipality", "requested_by", "confirmed_by"
    )


def import_get(*, user, pk: int) -> ImportRun:
    return get_object_or_404(import_runs(user=user), pk=pk)
