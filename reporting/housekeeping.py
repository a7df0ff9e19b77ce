"""Nightly care of report runs and exports: files are kept for a while, the frozen figures
for good."""

from datetime import datetime

from django.utils import timezone

from config.generated import generated_files_expire
from reporting.models import DataExport, ReportRun

FILE_FIELDS = ("csv_file", "pdf_file", "xlsx_file")


def report_files_expire(*, now: datetime | None = None) -> int:
    """Delete the stored files of runs, and of exports of people, whose ``expires_at`` has
    passed, and clear their file fields; the rows and a run's frozen ``snapshot`` stay (a run
    submitted meanwhile keeps its files for good). Returns how many rows lost their files.
    Safe to run twice (see ``generated_files_expire``)."""
    now = now or timezone.now()
    runs = generated_files_expire(ReportRun, fields=FILE_FIELDS, now=now)
    return runs + generated_files_expire(DataExport, fields=("file",), now=now)
