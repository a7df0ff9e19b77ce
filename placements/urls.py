from django.urls import path

from placements import views

app_name = "placements"
urlpatterns = [
    path("", views.WorksiteListView.as_view(), name="worksites"),
    path("<id:pk>/", views.WorksiteDetailView.as_view(), name="worksite"),
]
