from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.ImportListView.as_view(), name="imports"),
    path("<id:pk>/", views.ImportDetailView.as_view(), name="detail"),
    path("<id:pk>/import/", views.ImportConfirmView.as_view(), name="confirm"),
    path("costs/<id:pk>/", views.CostImportView.as_view(), name="costs"),
    path("template/<slug:kind>.<slug:fmt>", views.TemplateDownloadView.as_view(), name="template"),
]
