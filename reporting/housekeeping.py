"""Nightly care of report runs: files are kept for a while, the frozen figures for good."""

import logging
from datetime import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reporting.models import DataExport, ReportRun

FILE_FIELDS = ("csv_file", "pdf_file", "xlsx_file")
logger = logging.getLogger(__name__)


def report_files_expire(*, now: datetime | None = None) -> int:
    """Delete the stored files of runs whose ``expires_at`` has passed and clear their file
    fields; the run and its frozen ``snapshot`` stay. Returns how many runs lost their files.

    Safe to run twice: only runs that still name a file are read, and the files are deleted
    before the fields are cleared, so a run stopped half-way is finished by the next one
    (deleting a file that is already gone is no error)."""
    now = now or timezone.now()
    has_file = Q()
    for name in FILE_FIELDS:
        has_file |= ~Q(**{name: ""})
    expired = ReportRun.objects.filter(has_file, expires_at__lte=now).only("pk", *FILE_FIELDS)
    count = 0
    for run in list(expired):
        # Locked and read again: a run submitted meanwhile keeps its files for good.
        with transaction.atomic():
            if (
                not ReportRun.objects.select_for_update()
                .filter(pk=run.pk, expires_at__lte=now)
                .exists()
            ):
                continue
            for name in FILE_FIELDS:
                stored = getattr(run, name).name
                if stored:
                    default_storage.delete(stored)
            ReportRun.objects.filter(pk=run.pk).update(**dict.fromkeys(FILE_FIELDS, ""))
        count += 1
    logger.info("report files expired for %s runs", count)
    return count + _exports_expire(now)


def _exports_expire(now: datetime) -> int:
    """The same for exports of people: their files hold personal data, so they go first."""
    expired = DataExport.objects.exclude(file="").filter(expires_at__lte=now).only("pk", "file")
    count = 0
    for export in list(expired):
        default_storage.delete(export.file.name)
        DataExport.objects.filter(pk=export.pk).update(file="")
        count += 1
    logger.info("export files expired for %s exports", count)
    return count
