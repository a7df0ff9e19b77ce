"""The rows one user must never change: everything that belongs to another programme's
participant, programme, grant and worksite, and to another municipality's users. Taken before
and after a request, two snapshots that differ are a write by somebody who may not."""

from django.db.models import Model, Q, QuerySet

from accounts.models import (
    ApiToken,
    Invitation,
    Municipality,
    ProgrammeMembership,
    User,
    WorksiteSupervisor,
)
from imports.models import ImportRun
from participants.models import (
    CaseNote,
    Consent,
    Document,
    Enrollment,
    EnrollmentStatusChange,
    FollowUp,
    Goal,
    Milestone,
    NoteDraft,
    Participant,
    Task,
)
from placements.models import (
    AttendanceMonth,
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
    Worksite,
    WorksiteCapacity,
)
from programs.models import (
    BudgetLine,
    Cohort,
    Cost,
    Grant,
    Payment,
    PositionMonth,
    Programme,
    ReportDeadline,
    Target,
)
from reporting.models import DataExport, FunderProfile, ReportRun

# Fields a user's own visit changes, not a write by them to somebody else's row.
_VOLATILE = {"last_login"}


def _scopes(world, outsider: User) -> dict[type[Model], Q]:
    person, programme, worksite = world.participant, world.programme, world.worksite
    home, grants = world.municipality, Q(grant__programmes=programme)
    return {
        Municipality: Q(pk=home.pk),
        User: Q(municipality=home) & ~Q(pk=outsider.pk),
        ProgrammeMembership: Q(programme=programme),
        WorksiteSupervisor: Q(worksite=worksite),
        Invitation: Q(user__municipality=home) & ~Q(user=outsider),
        ApiToken: Q(user__municipality=home) & ~Q(user=outsider),
        Programme: Q(pk=programme.pk),
        Cohort: Q(programme=programme),
        Grant: Q(programmes=programme),
        ReportDeadline: grants,
        BudgetLine: grants,
        Cost: grants,
        Payment: grants,
        PositionMonth: grants,
        Target: Q(programme=programme) | grants,
        Participant: Q(pk=person.pk),
        Enrollment: Q(participant=person),
        EnrollmentStatusChange: Q(enrollment__participant=person),
        FollowUp: Q(enrollment__participant=person),
        CaseNote: Q(participant=person),
        NoteDraft: Q(participant=person),
        Task: Q(participant=person),
        Document: Q(participant=person),
        Consent: Q(participant=person),
        Goal: Q(participant=person),
        Milestone: Q(goal__participant=person),
        Worksite: Q(pk=worksite.pk),
        WorksiteCapacity: Q(worksite=worksite),
        Placement: Q(enrollment__participant=person),
        AttendanceRecord: Q(placement__enrollment__participant=person),
        AttendanceMonth: Q(placement__enrollment__participant=person),
        ProgressEntry: Q(placement__enrollment__participant=person),
        ProgressReply: Q(entry__placement__enrollment__participant=person),
        QualificationPath: Q(enrollment__participant=person),
        ModuleProgress: Q(path__enrollment__participant=person),
        FunderProfile: Q(municipality=home),
        ReportRun: Q(programme=programme) | grants,
        DataExport: Q(programme=programme),
        ImportRun: Q(programme=programme),
    }


def _rows(queryset: QuerySet) -> list[dict]:
    rows = queryset.distinct().order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in _VOLATILE} for row in rows]


def others_rows(world, outsider: User) -> dict[str, list[dict]]:
    """Every row the outsider must leave alone, with every value it holds."""
    scopes = _scopes(world, outsider)
    return {model.__name__: _rows(model.objects.filter(q)) for model, q in scopes.items()}


def what_changed(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> list[str]:
    return [
        f"{name}: {len(before[name])} rows -> {len(after[name])}"
        for name in before
        if before[name] != after[name]
    ]
