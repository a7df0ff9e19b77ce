from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("cohorts/<id:pk>/modules/", views.CohortModulesView.as_view(), name="cohort-modules"),
]
