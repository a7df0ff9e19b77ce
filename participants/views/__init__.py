"""The participants' pages, by topic."""

from participants.views.caseload import CaseloadBulkView, CaseloadExportView, CaseloadView
from participants.views.person import (
    DuplicatesMixin,
    EnrollmentCreateView,
    MergeView,
    NationalIdRevealView,
    ParticipantAuditView,
    ParticipantCreateView,
    ParticipantDetailView,
    ParticipantEditView,
)
from participants.views.plan import (
    GoalCreateView,
    GoalEditView,
    MilestoneAddView,
    MilestoneDoneView,
    PlanView,
)
from participants.views.record import (
    ConsentCreateView,
    ConsentWithdrawView,
    DocumentDownloadView,
    DocumentUploadView,
    FollowUpView,
    NoteCreateView,
    NoteDraftView,
    NoteEditView,
    ParticipantRecordMixin,
    TaskCreateView,
    TaskDoneView,
)

__all__ = [
    "CaseloadBulkView",
    "CaseloadExportView",
    "CaseloadView",
    "ConsentCreateView",
    "ConsentWithdrawView",
    "DocumentDownloadView",
    "DocumentUploadView",
    "DuplicatesMixin",
    "EnrollmentCreateView",
    "FollowUpView",
    "GoalCreateView",
    "GoalEditView",
    "MergeView",
    "MilestoneAddView",
    "MilestoneDoneView",
    "NationalIdRevealView",
    "NoteCreateView",
    "NoteDraftView",
    "NoteEditView",
    "ParticipantAuditView",
    "ParticipantCreateView",
    "ParticipantDetailView",
    "ParticipantEditView",
    "ParticipantRecordMixin",
    "PlanView",
    "TaskCreateView",
    "TaskDoneView",
]
