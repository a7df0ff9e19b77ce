from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from accounts.roles import Roles
from audit.selectors import participant_access_log, participant_change_log
from audit.services import access_record
from config.errors import StaleEditError
from config.views import RoleRequiredMixin, ServiceFormView
from participants.forms import CaseloadFilterForm, ParticipantNamesForm
from participants.selectors import participant_get, participant_list
from participants.services import participant_update

CASELOAD_SEARCH = "caseload_search"


class CaseloadView(LoginRequiredMixin, RoleRequiredMixin, ListView):
    template_name = "participants/caseload.html"
    context_object_name = "participants"
    paginate_by = 25

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants or roles.arbeidsleder

    def get_queryset(self):
        search = self.request.session.get(CASELOAD_SEARCH, "")
        self.filters = CaseloadFilterForm(initial={"q": search})
        return participant_list(user=self.request.user, search=search)

    def post(self, request, *args, **kwargs):
        """Searches are posted and kept in the session: a name never goes into a URL."""
        form = CaseloadFilterForm(request.POST)
        search = form.cleaned_data["q"] if form.is_valid() else ""
        if "clear" in request.POST:
            search = ""
        request.session[CASELOAD_SEARCH] = search
        return HttpResponseRedirect(reverse("participants:caseload"), status=303)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        # A missing, malformed or too large page number shows the nearest real page.
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "filters": self.filters}


class ParticipantDetailView(LoginRequiredMixin, TemplateView):
    template_name = "participants/detail.html"

    def get_context_data(self, **kwargs):
        seen = participant_get(user=self.request.user, pk=self.kwargs["pk"])
        access_record(
            user=self.request.user, participant=seen.participant, page="participants:detail"
        )
        context = {
            **super().get_context_data(**kwargs),
            "seen": seen,
            "participant": seen.participant,
        }
        if seen.case_access:
            context["access_log"] = participant_access_log(participant=seen.participant)
            context["change_log"] = participant_change_log(participant=seen.participant)
        return context


class ParticipantEditView(LoginRequiredMixin, ServiceFormView):
    template_name = "participants/edit.html"
    form_class = ParticipantNamesForm
    success_message = _("The changes have been saved.")

    @cached_property
    def seen(self):
        seen = participant_get(user=self.request.user, pk=self.kwargs["pk"])
        if not seen.case_access:
            raise Http404
        return seen

    def get_initial(self):
        p = self.seen.participant
        return {"first_name": p.first_name, "last_name": p.last_name, "version": p.version}

    def perform(self, form):
        try:
            return participant_update(
                actor=self.request.user,
                participant=self.seen.participant,
                expected_version=form.cleaned_data["version"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except StaleEditError as exc:
            self.stale = exc
            raise

    def form_invalid(self, form):
        stale = getattr(self, "stale", None)
        if stale is not None:
            # Offer the current version, so the next save is based on what is there now.
            data = form.data.copy()
            data["version"] = str(stale.current_version)
            form.data = data
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "participant": self.seen.participant,
            "stale": getattr(self, "stale", None),
        }

    def get_success_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.seen.participant.pk})
