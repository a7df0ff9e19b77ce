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
    path(
        "deadlines/<id:pk>/submitted/",
        views.DeadlineSubmittedView.as_view(),
        name="deadline-submitted",
    ),
    path("grants/<id:pk>/budget/", views.BudgetLineAddView.as_view(), name="budget-line-add"),
    path("budget-lines/<id:pk>/", views.BudgetLineEditView.as_view(), name="budget-line-edit"),
    path(
        "budget-lines/<id:pk>/delete/",
        views.BudgetLineDeleteView.as_view(),
        name="budget-line-delete",
    ),
    path("grants/<id:pk>/costs/", views.CostAddView.as_view(), name="cost-add"),
    path("costs/<id:pk>/delete/", views.CostDeleteView.as_view(), name="cost-delete"),
    path("grants/<id:pk>/payments/", views.PaymentAddView.as_view(), name="payment-add"),
    path("payments/<id:pk>/delete/", views.PaymentDeleteView.as_view(), name="payment-delete"),
    path("grants/<id:pk>/position/", views.PositionMonthSetView.as_view(), name="position-set"),
    path("grants/<id:pk>/targets/", views.GrantTargetSetView.as_view(), name="grant-target-set"),
    path("<id:pk>/targets/", views.ProgrammeTargetSetView.as_view(), name="programme-target-set"),
    path("targets/<id:pk>/delete/", views.TargetDeleteView.as_view(), name="target-delete"),
]
