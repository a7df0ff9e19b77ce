"""The API router: one line per resource."""

from rest_framework import routers

from participants.api import (
    GoalViewSet,
    MilestoneViewSet,
    NoteViewSet,
    ParticipantViewSet,
    TaskViewSet,
)
from placements.api import (
    AttendanceViewSet,
    EnrollmentWithExitViewSet,
    ModuleProgressViewSet,
    PathViewSet,
    PlacementViewSet,
    ProgressReplyViewSet,
    ProgressViewSet,
    WorksiteViewSet,
)
from programs.api import GrantViewSet, ProgrammeViewSet
from reporting.api import ReportRunViewSet

router = routers.DefaultRouter()
router.register("participants", ParticipantViewSet, basename="participant")
router.register("enrollments", EnrollmentWithExitViewSet, basename="enrollment")
router.register("notes", NoteViewSet, basename="note")
router.register("goals", GoalViewSet, basename="goal")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("tasks", TaskViewSet, basename="task")
router.register("worksites", WorksiteViewSet, basename="worksite")
router.register("placements", PlacementViewSet, basename="placement")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("progress", ProgressViewSet, basename="progress")
router.register("progress-replies", ProgressReplyViewSet, basename="progress-reply")
router.register("qualification-paths", PathViewSet, basename="qualification-path")
router.register("module-progress", ModuleProgressViewSet, basename="module-progress")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("grants", GrantViewSet, basename="grant")
router.register("report-runs", ReportRunViewSet, basename="report-run")
