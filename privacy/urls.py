"""The privacy pages, under /participants/ beside the person they are about."""

from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("<id:pk>/subject-access/", views.SubjectAccessView.as_view(), name="subject-access"),
    path(
        "subject-access/<id:pk>/status/",
        views.SubjectAccessStatusView.as_view(),
        name="subject-access-status",
    ),
    path(
        "subject-access/<id:pk>/<str:fmt>/",
        views.SubjectAccessFileView.as_view(),
        name="subject-access-file",
    ),
    path("<id:pk>/erase/", views.ParticipantEraseView.as_view(), name="erase"),
]
