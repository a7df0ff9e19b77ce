from django.core.cache import cache
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from imports.models import ImportRun, ImportStatus


def import_runs(*, user: User) -> QuerySet[ImportRun]:
    """Imports into the programmes the user leads (a lead who leaves a programme loses them)."""
    return ImportRun.objects.visible_to(user).select_related(
        "programme__municipality", "grant", "requested_by", "confirmed_by"
    )


def live_progress_key(run_id: int) -> str:
    return f"imports:progress:{run_id}"


def import_get(*, user: User, pk: int) -> ImportRun:
    """One run; while it is importing, its progress is what the worker last told the cache
    (the write's transaction keeps the row's own figure back until it commits)."""
    run = get_object_or_404(import_runs(user=user), pk=pk)
    if run.status == ImportStatus.IMPORTING:
        run.progress = max(run.progress, cache.get(live_progress_key(run.pk)) or 0)
    return run
