"""The home page each role lands on, and the signed-in baseline page the benchmark measures."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.roles import roles_of
from participants.selectors import caseload_summary
from placements.attention import needs_attention
from placements.selectors import (
    attendance_concerns,
    placements_at_supervised_worksites,
    supervised_worksites,
)
from programs.selectors import deadlines_needing_attention, programmes_led
from reporting.selectors import latest_targets


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, roles = self.request.user, roles_of(self.request.user)
        if roles.caseworker:
            context["summary"] = caseload_summary(user=user)
            context["attention"] = needs_attention(user=user)
            context["attendance_concerns"] = attendance_concerns(user=user)
        if roles.programme_lead:
            context["programmes"] = programmes_led(user=user)
            context["report_deadlines"] = deadlines_needing_attention(
                user=user, today=timezone.localdate()
            )
            context["targets"] = latest_targets(user=user)
        if roles.arbeidsleder:
            context["worksites"] = supervised_worksites(user=user)
            context["today"] = placements_at_supervised_worksites(user=user)
        return context


@never_cache
@login_required
def hello(request: HttpRequest) -> HttpResponse:
    """A signed-in page that does nothing but pass every middleware: the baseline that
    `make bench` measures each page against."""
    return HttpResponse("hello\n", content_type="text/plain; charset=utf-8")
