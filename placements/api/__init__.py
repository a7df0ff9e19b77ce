"""The worksite side of the API: worksites, placements, attendance, progress entries and the
road to a fagbrev.

Each endpoint sees what the pages show the same user: a caseworker or lead the placements of
people they follow, an arbeidsleder the current placements at their own worksites of people
whose consent to share with the worksite is in force, and of those only what the job needs
(no NAV agreement, no stop reason, no enrollment). Writes go through the pages' services."""

from placements.api.viewsets import (
    AttendanceViewSet,
    EnrollmentWithExitViewSet,
    ModuleProgressViewSet,
    PathViewSet,
    PlacementViewSet,
    ProgressReplyViewSet,
    ProgressViewSet,
    WorksiteViewSet,
)

__all__ = [
    "AttendanceViewSet",
    "EnrollmentWithExitViewSet",
    "ModuleProgressViewSet",
    "PathViewSet",
    "PlacementViewSet",
    "ProgressReplyViewSet",
    "ProgressViewSet",
    "WorksiteViewSet",
]
