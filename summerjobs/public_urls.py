"""The application e-service for young people: no staff account (docs/summerjobs.md). No
address holds a personnummer, a name or an e-mail address: a season's id, and secrets."""

from django.urls import path

from summerjobs.views import after, answer, apply, work

app_name = "apply"
urlpatterns = [
    path("", apply.SeasonListView.as_view(), name="seasons"),
    path("<id:pk>/", apply.ApplyView.as_view(), name="season"),
    path("<id:pk>/confirm/<str:token>/", apply.ConfirmView.as_view(), name="confirm"),
    path("<id:pk>/received/", apply.ReceivedView.as_view(), name="received"),
    path("a/<str:token>/", apply.ApplicationView.as_view(), name="application"),
    path("a/<str:token>/withdraw/", apply.WithdrawView.as_view(), name="withdraw"),
    path("a/<str:token>/email/", apply.EmailCodeView.as_view(), name="email-code"),
    path("o/<str:token>/", answer.OfferView.as_view(), name="offer"),
    path("g/<str:token>/", answer.GuardianView.as_view(), name="guardian"),
    path("w/<str:token>/", work.WorkView.as_view(), name="work"),
    path("w/<str:token>/day/<str:day>/", work.DayView.as_view(), name="work-day"),
    path("w/<str:token>/attest/<id:pk>/", work.AttestView.as_view(), name="work-attest"),
    path("w/<str:token>/people/<id:pk>/", work.ContactView.as_view(), name="work-contact"),
    path("o/<str:token>/evaluation/", after.YouthEvaluationView.as_view(), name="evaluation"),
    path("o/<str:token>/certificate/", after.CertificateLinkView.as_view(), name="certificate"),
    path(
        "w/<str:token>/evaluate/<id:pk>/",
        after.SupervisorEvaluationView.as_view(),
        name="work-evaluate",
    ),
]
