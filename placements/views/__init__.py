"""The worksite pages, by topic: worksites, attendance, progress, placements and the road to
a fagbrev."""

from placements.views.attendance import (
    AttendanceAllPresentView,
    AttendanceRecordView,
    AttendanceView,
    AttendanceWeekView,
    MissingDaysView,
)
from placements.views.placement import EnrollmentStatusView, PlacementCreateView, PlacementEndView
from placements.views.progress import ProgressCreateView, ProgressListView, ProgressReplyView
from placements.views.qualification import (
    CohortModulesView,
    FagproveView,
    ModuleSignOffUndoView,
    ModuleSignOffView,
    PathCreateView,
    QualificationView,
)
from placements.views.worksites import (
    CapacitySetView,
    CapacityView,
    WorksiteCreateView,
    WorksiteDetailView,
    WorksiteEditView,
    WorksiteListView,
)

__all__ = [
    "AttendanceAllPresentView",
    "AttendanceRecordView",
    "AttendanceView",
    "AttendanceWeekView",
    "CapacitySetView",
    "CapacityView",
    "CohortModulesView",
    "EnrollmentStatusView",
    "FagproveView",
    "MissingDaysView",
    "ModuleSignOffUndoView",
    "ModuleSignOffView",
    "PathCreateView",
    "PlacementCreateView",
    "PlacementEndView",
    "ProgressCreateView",
    "ProgressListView",
    "ProgressReplyView",
    "QualificationView",
    "WorksiteCreateView",
    "WorksiteDetailView",
    "WorksiteEditView",
    "WorksiteListView",
]
