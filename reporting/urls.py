from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="reports"),
    path("<id:pk>/", views.ReportRunView.as_view(), name="run"),
    path("<id:pk>/download/", views.ReportDownloadView.as_view(), name="download"),
]
