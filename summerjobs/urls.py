"""The staff's summer-job pages: seasons, their applications and the lottery."""

from django.urls import path

from summerjobs.views import staff

app_name = "summerjobs"
urlpatterns = [
    path("", staff.SeasonListView.as_view(), name="seasons"),
    path("<id:pk>/", staff.SeasonDetailView.as_view(), name="season"),
    path("runs/<id:pk>/", staff.RunDetailView.as_view(), name="run"),
]
