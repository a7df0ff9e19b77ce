from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("municipality/", views.MunicipalitySettingsView.as_view(), name="municipality"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/invite/", views.UserInviteView.as_view(), name="invite"),
    path("users/<id:pk>/", views.UserDetailView.as_view(), name="user"),
    path(
        "users/<id:pk>/<slug:action>/",
        views.UserActionView.as_view(),
        name="user-action",
    ),
    path("invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation"),
    path(
        "invitation/<str:token>/provider/",
        views.InvitationProviderView.as_view(),
        name="invitation-provider",
    ),
]
