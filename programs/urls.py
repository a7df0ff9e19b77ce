from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("", views.ProgrammeSetupView.as_view(), name="setup"),
    path("<id:pk>/edit/", views.ProgrammeEditView.as_view(), name="edit"),
    path("<id:pk>/cohorts/", views.CohortCreateView.as_view(), name="cohort-create"),
    path("<id:pk>/members/", views.MemberAddView.as_view(), name="member-add"),
    path("members/<id:pk>/remove/", views.MemberRemoveView.as_view(), name="member-remove"),
    path("grants/new/", views.GrantCreateView.as_view(), name="grant-create"),
    path("grants/<id:pk>/", views.GrantEditView.as_view(), name="grant"),
    path("grants/<id:pk>/deadlines/", views.DeadlineAddView.as_view(), name="deadline-add"),
    path("cohorts/<id:pk>/modules/", views.CohortModulesView.as_view(), name="cohort-modules"),
]
