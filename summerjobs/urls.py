"""The staff's summer-job pages: seasons, their applications and the lottery."""

from django.urls import path

from summerjobs.views import offers, staff

app_name = "summerjobs"
urlpatterns = [
    path("", staff.SeasonListView.as_view(), name="seasons"),
    path("<id:pk>/", staff.SeasonDetailView.as_view(), name="season"),
    path("<id:pk>/applications/", staff.ApplicationListView.as_view(), name="applications"),
    path("applications/<id:pk>/tier/", staff.ApplicationTierView.as_view(), name="tier"),
    path("runs/<id:pk>/", staff.RunDetailView.as_view(), name="run"),
    path("runs/<id:pk>/offers/", offers.OffersSendView.as_view(), name="offers_send"),
    path("allocations/<id:pk>/", staff.AllocationOverrideView.as_view(), name="override"),
]
