from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from accounts.roles import Roles
from config.views import RoleRequiredMixin
from programs.selectors import cohort_get, cohort_module_progress


class CohortModulesView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """A cohort's progress through its MFY modules, for the programme lead."""

    template_name = "programs/cohort_modules.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get_context_data(self, **kwargs):
        cohort = cohort_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "cohort": cohort,
            "tracks": cohort_module_progress(user=self.request.user, cohort=cohort),
        }
