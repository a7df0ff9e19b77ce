from django.urls import path

from participants import views

app_name = "participants"
urlpatterns = [
    path("", views.CaseloadView.as_view(), name="caseload"),
    path("new/", views.ParticipantCreateView.as_view(), name="create"),
    path("<id:pk>/enroll/", views.EnrollmentCreateView.as_view(), name="enroll"),
    path("bulk/", views.CaseloadBulkView.as_view(), name="bulk"),
    path("export/", views.CaseloadExportView.as_view(), name="export"),
    path("<id:pk>/", views.ParticipantDetailView.as_view(), name="detail"),
    path("<id:pk>/edit/", views.ParticipantEditView.as_view(), name="edit"),
    path("follow-ups/<id:pk>/", views.FollowUpView.as_view(), name="follow-up"),
    path("<id:pk>/notes/new/", views.NoteCreateView.as_view(), name="note-create"),
    path("<id:pk>/notes/draft/", views.NoteDraftView.as_view(), name="note-draft"),
    path("notes/<id:pk>/edit/", views.NoteEditView.as_view(), name="note-edit"),
    path("<id:pk>/tasks/new/", views.TaskCreateView.as_view(), name="task-create"),
    path("tasks/<id:pk>/done/", views.TaskDoneView.as_view(), name="task-done"),
    path("<id:pk>/audit/", views.ParticipantAuditView.as_view(), name="audit"),
    path("<id:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("<id:pk>/merge/", views.MergeView.as_view(), name="merge"),
    path("<id:pk>/plan/goals/new/", views.GoalCreateView.as_view(), name="goal-create"),
    path("goals/<id:pk>/", views.GoalEditView.as_view(), name="goal-edit"),
    path("goals/<id:pk>/milestones/", views.MilestoneAddView.as_view(), name="milestone-add"),
    path("milestones/<id:pk>/done/", views.MilestoneDoneView.as_view(), name="milestone-done"),
    path("<id:pk>/documents/new/", views.DocumentUploadView.as_view(), name="document-upload"),
    path("documents/<id:pk>/", views.DocumentDownloadView.as_view(), name="document"),
    path("<id:pk>/consents/new/", views.ConsentCreateView.as_view(), name="consent-create"),
    path(
        "consents/<id:pk>/withdraw/", views.ConsentWithdrawView.as_view(), name="consent-withdraw"
    ),
    path("<id:pk>/national-id/", views.NationalIdRevealView.as_view(), name="national-id"),
]
