"""The staff's summer-job pages: seasons, their applications, the lottery, the offers and what
comes before the start."""

from django.urls import path

from summerjobs.views import offers, prestart, staff

app_name = "summerjobs"
urlpatterns = [
    path("", staff.SeasonListView.as_view(), name="seasons"),
    path("<id:pk>/", staff.SeasonDetailView.as_view(), name="season"),
    path("<id:pk>/applications/", staff.ApplicationListView.as_view(), name="applications"),
    path("applications/<id:pk>/tier/", staff.ApplicationTierView.as_view(), name="tier"),
    path("runs/<id:pk>/", staff.RunDetailView.as_view(), name="run"),
    path("runs/<id:pk>/offers/", offers.OffersSendView.as_view(), name="offers_send"),
    path("allocations/<id:pk>/", staff.AllocationOverrideView.as_view(), name="override"),
    path("runs/<id:pk>/before-start/", prestart.PreStartBoardView.as_view(), name="prestart_board"),
    path("offers/<id:pk>/before-start/", prestart.PreStartView.as_view(), name="prestart"),
    path("offers/<id:pk>/before-start/tick/", prestart.PreStartTickView.as_view(), name="tick"),
    path("offers/<id:pk>/answer/", prestart.OfferAnswerView.as_view(), name="offer_answer"),
]
