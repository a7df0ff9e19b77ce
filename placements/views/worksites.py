"""The worksites: the list, one worksite, set-up by the municipality admin, and places per week."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import RoleRequiredMixin, Roles
from config.dates import date_from_query
from config.errors import ApplicationError
from config.views import ServiceFormView
from placements.forms import (
    CapacityForm,
    WorksiteEditForm,
    WorksiteForm,
)
from placements.selectors import (
    capacity_by_week,
    worksite_get,
    worksite_list,
    worksite_placements,
)
from placements.services import (
    capacity_set,
    worksite_create,
    worksite_update,
)


class WorksiteListView(LoginRequiredMixin, ListView):
    template_name = "placements/worksite_list.html"
    context_object_name = "worksites"
    paginate_by = 50

    def get_queryset(self):
        return worksite_list(user=self.request.user)


class WorksiteDetailView(LoginRequiredMixin, TemplateView):
    template_name = "placements/worksite_detail.html"

    def get_context_data(self, **kwargs):
        worksite = worksite_get(user=self.request.user, pk=self.kwargs["pk"])
        placements = worksite_placements(user=self.request.user, worksite=worksite)
        return {
            **super().get_context_data(**kwargs),
            "worksite": worksite,
            "placements": placements,
        }


class WorksiteManagerMixin(LoginRequiredMixin, RoleRequiredMixin):
    def allowed(self, roles: Roles) -> bool:
        return roles.municipality_admin or roles.programme_lead


class WorksiteCreateView(WorksiteManagerMixin, ServiceFormView):
    template_name = "placements/worksite_form.html"
    form_class = WorksiteForm
    success_message = gettext_lazy("The worksite has been saved.")

    def perform(self, form):
        return worksite_create(
            actor=self.request.user,
            municipality=self.request.user.municipality,
            **form.cleaned_data,
        )

    def get_success_url(self) -> str:
        return reverse("placements:worksite", kwargs={"pk": self.result.pk})


class WorksiteEditView(WorksiteManagerMixin, ServiceFormView):
    template_name = "placements/worksite_form.html"
    form_class = WorksiteEditForm
    success_message = gettext_lazy("The worksite has been saved.")

    @cached_property
    def worksite(self):
        return worksite_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        w = self.worksite
        return {"name": w.name, "kind": w.kind, "address": w.address, "version": w.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return worksite_update(
            actor=self.request.user,
            worksite=self.worksite,
            expected_version=data.pop("version"),
            **data,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "worksite": self.worksite,
            "capacity_form": CapacityForm(),
        }

    def get_success_url(self) -> str:
        return reverse("placements:worksite", kwargs={"pk": self.worksite.pk})


class CapacitySetView(WorksiteManagerMixin, View):
    def post(self, request, pk: int):
        worksite = worksite_get(user=request.user, pk=pk)
        form = CapacityForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(
                    " ".join(str(e) for errs in form.errors.values() for e in errs)
                )
            capacity_set(actor=request.user, worksite=worksite, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The capacity has been saved."))
        return HttpResponseRedirect(reverse("placements:worksite-edit", kwargs={"pk": pk}))


class CapacityView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """Places per worksite and field, taken and free, one week at a time."""

    template_name = "placements/capacity.html"

    def get_context_data(self, **kwargs):
        day = date_from_query(self.request.GET.get("date") or "") or timezone.localdate()
        monday = day - timedelta(days=day.weekday())
        return {
            **super().get_context_data(**kwargs),
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "rows": capacity_by_week(user=self.request.user, monday=monday),
        }
