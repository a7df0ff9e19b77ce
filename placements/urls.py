from django.urls import path

from placements import views

app_name = "placements"
urlpatterns = [
    path("cohorts/<id:pk>/modules/", views.CohortModulesView.as_view(), name="cohort-modules"),
    path("", views.WorksiteListView.as_view(), name="worksites"),
    path("attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("new/", views.WorksiteCreateView.as_view(), name="worksite-create"),
    path("capacity/", views.CapacityView.as_view(), name="capacity"),
    path("<id:pk>/edit/", views.WorksiteEditView.as_view(), name="worksite-edit"),
    path("<id:pk>/capacity/", views.CapacitySetView.as_view(), name="capacity-set"),
    path("attendance/week/", views.AttendanceWeekView.as_view(), name="attendance-week"),
    path("people/<id:pk>/qualification/", views.QualificationView.as_view(), name="qualification"),
    path("people/<id:pk>/qualification/new/", views.PathCreateView.as_view(), name="path-create"),
    path("placements/<id:pk>/end/", views.PlacementEndView.as_view(), name="placement-end"),
    path("paths/<id:pk>/fagprove/", views.FagproveView.as_view(), name="fagprove"),
    path("paths/<id:pk>/sign-off/", views.ModuleSignOffView.as_view(), name="module-sign-off"),
    path(
        "modules/<id:pk>/undo/", views.ModuleSignOffUndoView.as_view(), name="module-sign-off-undo"
    ),
    path(
        "people/<id:pk>/placements/new/",
        views.PlacementCreateView.as_view(),
        name="placement-create",
    ),
    path("people/<id:pk>/progress/", views.ProgressListView.as_view(), name="progress"),
    path("people/<id:pk>/missing/", views.MissingDaysView.as_view(), name="missing-days"),
    path(
        "placements/<id:pk>/progress/new/",
        views.ProgressCreateView.as_view(),
        name="progress-create",
    ),
    path("progress/<id:pk>/reply/", views.ProgressReplyView.as_view(), name="progress-reply"),
    path("attendance/<id:pk>/", views.AttendanceRecordView.as_view(), name="attendance-record"),
    path(
        "enrollments/<id:pk>/status/",
        views.EnrollmentStatusView.as_view(),
        name="enrollment-status",
    ),
    path(
        "attendance/worksites/<id:pk>/all-present/",
        views.AttendanceAllPresentView.as_view(),
        name="attendance-all-present",
    ),
    path("<id:pk>/", views.WorksiteDetailView.as_view(), name="worksite"),
]
