"""The pages for requests about a summer-job applicant, under /summerjobs/ beside the seasons
they are about."""

from django.urls import path

from privacy import applicant_views as views

app_name = "applicant-privacy"
urlpatterns = [
    path(
        "programmes/<id:pk>/requests/",
        views.ApplicantRequestsView.as_view(),
        name="requests",
    ),
    path("applicants/<id:pk>/", views.ApplicantView.as_view(), name="applicant"),
    path("applicants/<id:pk>/erase/", views.ApplicantEraseView.as_view(), name="erase"),
    path(
        "applicant-exports/<id:pk>/status/",
        views.ApplicantExportStatusView.as_view(),
        name="status",
    ),
    path(
        "applicant-exports/<id:pk>/<str:fmt>/",
        views.ApplicantExportFileView.as_view(),
        name="file",
    ),
]
