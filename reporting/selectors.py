from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from programs.selectors import led_programmes
from reporting.models import ReportRun


def report_runs(*, user) -> QuerySet[ReportRun]:
    """Runs of programmes the user leads (a lead who leaves the programme loses them)."""
    return ReportRun.objects.filter(programme__in=led_programmes(user)).select_related(
        "programme", "requested_by"
    )


def report_run_get(*, user, pk: int) -> ReportRun:
    return get_object_or_404(report_runs(user=user), pk=pk)
