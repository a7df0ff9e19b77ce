from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView, TemplateView

from placements.selectors import worksite_get, worksite_list, worksite_placements


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
