"""The participants side of the API: people, enrollments, case notes, the action plan and tasks.

Each endpoint sees exactly what the pages show the same user (the same selectors and scoping
points) and writes through the same services: an input serializer checks the shape, the service
decides, the output serializer answers."""

from participants.api.viewsets import (
    EnrollmentViewSet,
    GoalViewSet,
    MilestoneViewSet,
    NoteViewSet,
    ParticipantViewSet,
    TaskViewSet,
)

__all__ = [
    "EnrollmentViewSet",
    "GoalViewSet",
    "MilestoneViewSet",
    "NoteViewSet",
    "ParticipantViewSet",
    "TaskViewSet",
]
