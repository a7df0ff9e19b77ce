from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from programs.models import Grant
from programs.selectors import led_programmes
from reporting.models import ReportRun


def report_runs(*, user) -> QuerySet[ReportRun]:
    """Runs of programmes the user leads, and of grants that fund one of them (a lead who
    leaves the programme loses them)."""
    return ReportRun.objects.filter(
        Q(programme__in=led_programmes(user)) | Q(grant__in=Grant.objects.visible_to(user))
    ).select_related("programme__municipality", "grant__municipality", "requested_by")


def report_run_get(*, user, pk: int) -> ReportRun:
    return get_object_or_404(report_runs(user=user), pk=pk)
