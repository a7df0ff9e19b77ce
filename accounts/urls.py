from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/invite/", views.UserInviteView.as_view(), name="invite"),
    path("invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation"),
]
