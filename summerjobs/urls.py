"""The staff's summer-job pages: seasons, their applications, the lottery, the offers and what
comes before the start."""

from django.urls import path

from summerjobs.views import (
    certificates,
    figures,
    offers,
    payroll,
    prestart,
    setup,
    setup_places,
    staff,
    workplaces,
)

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
    path("<id:pk>/figures/", figures.SeasonFiguresView.as_view(), name="figures"),
    path("<id:pk>/figures/file/", figures.SeasonFiguresFileView.as_view(), name="figures_file"),
    path("payroll/<id:pk>/<str:fmt>/", payroll.PayrollFileView.as_view(), name="payroll_file"),
    path("applications/<id:pk>/tier/", staff.ApplicationTierView.as_view(), name="tier"),
    path("runs/<id:pk>/", staff.RunDetailView.as_view(), name="run"),
    path("runs/<id:pk>/offers/", offers.OffersSendView.as_view(), name="offers_send"),
    path("offers/<id:pk>/hours/", workplaces.OfferHoursView.as_view(), name="offer_hours"),
    path("allocations/<id:pk>/", staff.AllocationOverrideView.as_view(), name="override"),
    path("runs/<id:pk>/before-start/", prestart.PreStartBoardView.as_view(), name="prestart_board"),
    path("offers/<id:pk>/before-start/", prestart.PreStartView.as_view(), name="prestart"),
    path("offers/<id:pk>/before-start/tick/", prestart.PreStartTickView.as_view(), name="tick"),
    path("offers/<id:pk>/answer/", prestart.OfferAnswerView.as_view(), name="offer_answer"),
]
# The season's set-up (views/setup.py, views/setup_places.py).
urlpatterns += [
    path("new/", setup.SeasonCreateView.as_view(), name="season-create"),
    path("<id:pk>/setup/", setup.SetupView.as_view(), name="setup"),
    path("<id:pk>/edit/", setup.SeasonEditView.as_view(), name="season-edit"),
    path("<id:pk>/periods/new/", setup.PeriodCreateView.as_view(), name="period-create"),
    path("periods/<id:pk>/", setup.PeriodEditView.as_view(), name="period-edit"),
    path("periods/<id:pk>/remove/", setup.PeriodRemoveView.as_view(), name="period-remove"),
    path("<id:pk>/pay/new/", setup.PayRateCreateView.as_view(), name="pay-rate-create"),
    path("pay/<id:pk>/", setup.PayRateEditView.as_view(), name="pay-rate-edit"),
    path("pay/<id:pk>/remove/", setup.PayRateRemoveView.as_view(), name="pay-rate-remove"),
    path("<id:pk>/areas/new/", setup.AreaCreateView.as_view(), name="area-create"),
    path("areas/<id:pk>/", setup.AreaEditView.as_view(), name="area-edit"),
    path("areas/<id:pk>/remove/", setup.AreaRemoveView.as_view(), name="area-remove"),
    path("<id:pk>/tiers/new/", setup.TierCreateView.as_view(), name="tier-create"),
    path("tiers/<id:pk>/", setup.TierEditView.as_view(), name="tier-edit"),
    path("tiers/<id:pk>/move/", setup.TierMoveView.as_view(), name="tier-move"),
    path("tiers/<id:pk>/remove/", setup.TierRemoveView.as_view(), name="tier-remove"),
    path("<id:pk>/places/", setup_places.PlaceListView.as_view(), name="places"),
    path("<id:pk>/places/new/", setup_places.PlaceCreateView.as_view(), name="place-create"),
    path("places/<id:pk>/", setup_places.PlaceEditView.as_view(), name="place-edit"),
    path("places/<id:pk>/remove/", setup_places.PlaceRemoveView.as_view(), name="place-remove"),
    path("workplaces/", setup_places.WorkplaceListView.as_view(), name="workplace-list"),
    path("workplaces/new/", setup_places.WorkplaceCreateView.as_view(), name="workplace-create"),
    path("workplaces/<id:pk>/", setup_places.WorkplaceEditView.as_view(), name="workplace-edit"),
]
# After the work (views/certificates.py).
urlpatterns += [
    path("<id:pk>/certificates/", certificates.CertificatesView.as_view(), name="certificates"),
    path("certificates/<id:pk>/", certificates.CertificateView.as_view(), name="certificate"),
    path(
        "certificates/files/<id:pk>/",
        certificates.CertificateFileView.as_view(),
        name="certificate_file",
    ),
    path("<id:pk>/evaluations/", certificates.EvaluationsView.as_view(), name="evaluations"),
]
