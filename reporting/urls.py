from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="reports"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("exports/", views.DataExportListView.as_view(), name="exports"),
    path("exports/<id:pk>/", views.DataExportView.as_view(), name="export"),
    path(
        "exports/<id:pk>/download/",
        views.DataExportDownloadView.as_view(),
        name="export_download",
    ),
    path("profiles/", views.ProfileListView.as_view(), name="profiles"),
    path("<id:pk>/", views.ReportRunView.as_view(), name="run"),
    path("<id:pk>/narrative/", views.ReportNarrativeView.as_view(), name="narrative"),
    path("<id:pk>/submit/", views.ReportSubmitView.as_view(), name="submit"),
    path("<id:pk>/correct/", views.ReportCorrectView.as_view(), name="correct"),
    path("<id:pk>/download/<slug:fmt>/", views.ReportDownloadView.as_view(), name="download"),
]
