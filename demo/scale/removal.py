"""Removing one synthetic municipality and everything that belongs to it, for --replace.

Audit rows are append-only (the database refuses to delete them), and reports, exports and
imports are what people did on the site: if any refer to the municipality, it is not removed
at all, and the caller is told why."""

from django.db import transaction
from django.db.models import Q

from accounts.models import Municipality, User
from audit.models import AccessEvent, ChangeEvent
from audit.subject_access import SubjectAccessExport
from imports.models import ImportRun
from participants.models import CaseNote, Participant, Task
from placements.models import AttendanceRecord, ModuleProgress, ProgressEntry, Worksite
from programs.models import Grant, Programme
from reporting.models import DataExport, ReportDownload, ReportRun


def blockers(municipality: Municipality) -> dict[str, int]:
    """Rows made by using the site that keep the municipality from being removed."""
    users = User.objects.filter(municipality=municipality)
    people = Q(participant__municipality=municipality)
    programmes = Q(programme__municipality=municipality) | Q(requested_by__in=users)
    found = {
        "access events": AccessEvent.objects.filter(people | Q(user__in=users)),
        "change events": ChangeEvent.objects.filter(people | Q(user__in=users)),
        "subject access exports": SubjectAccessExport.objects.filter(
            people | Q(requested_by__in=users)
        ),
        "report runs": ReportRun.objects.filter(programmes | Q(grant__municipality=municipality)),
        "report downloads": ReportDownload.objects.filter(user__in=users),
        "data exports": DataExport.objects.filter(programmes),
        "imports": ImportRun.objects.filter(programmes),
    }
    counts = {label: query.count() for label, query in found.items()}
    return {label: n for label, n in counts.items() if n}


@transaction.atomic
def municipality_remove(municipality: Municipality) -> None:
    """Delete the municipality's rows, the largest tables first in one statement each, then
    the rest through Django's cascades. Shared trades and modules stay."""
    placements = Q(placement__worksite__municipality=municipality)
    AttendanceRecord.objects.filter(placements).delete()
    ProgressEntry.objects.filter(placements).delete()
    ModuleProgress.objects.filter(path__enrollment__participant__municipality=municipality).delete()
    Task.objects.filter(participant__municipality=municipality).delete()
    CaseNote.objects.filter(participant__municipality=municipality).delete()
    Participant.objects.filter(municipality=municipality).delete()
    User.objects.filter(municipality=municipality).delete()
    Worksite.objects.filter(municipality=municipality).delete()
    Grant.objects.filter(municipality=municipality).delete()
    Programme.objects.filter(municipality=municipality).delete()
    municipality.delete()
