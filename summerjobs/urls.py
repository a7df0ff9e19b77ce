"""The staff's summer-job pages: seasons, their applications and the lottery."""

from django.urls import path

from summerjobs.views import offers, payroll, staff, workplaces

app_name = "summerjobs"
urlpatterns = [
    path("", staff.SeasonListView.as_view(), name="seasons"),
    path("<id:pk>/", staff.SeasonDetailView.as_view(), name="season"),
    path("<id:pk>/applications/", staff.ApplicationListView.as_view(), name="applications"),
    path("<id:pk>/workplaces/", workplaces.SeasonWorkplacesView.as_view(), name="workplaces"),
    path(
        "<id:pk>/workplaces/<id:workplace>/link/",
        workplaces.WorkplaceLinkView.as_view(),
        name="workplace_link",
    ),
    path("<id:pk>/payroll/", payroll.PayrollView.as_view(), name="payroll"),
    path("payroll/<id:pk>/<str:fmt>/", payroll.PayrollFileView.as_view(), name="payroll_file"),
    path("applications/<id:pk>/tier/", staff.ApplicationTierView.as_view(), name="tier"),
    path("runs/<id:pk>/", staff.RunDetailView.as_view(), name="run"),
    path("runs/<id:pk>/offers/", offers.OffersSendView.as_view(), name="offers_send"),
    path("offers/<id:pk>/hours/", workplaces.OfferHoursView.as_view(), name="offer_hours"),
    path("allocations/<id:pk>/", staff.AllocationOverrideView.as_view(), name="override"),
]
