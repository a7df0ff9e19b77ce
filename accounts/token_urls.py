from django.urls import path

from accounts import views

app_name = "tokens"
urlpatterns = [
    path("", views.ApiTokenListView.as_view(), name="list"),
    path("new/", views.ApiTokenCreateView.as_view(), name="create"),
    path("<id:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="revoke"),
]
