"""The caseload: the people a caseworker or lead follows, filtered, acted on in bulk and
exported."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from participants.exports import participants_csv
from participants.forms import (
    BulkForm,
    CaseloadFilterForm,
)
from participants.selectors import (
    SORTS,
    CaseloadFilters,
    caseload_search,
    own_caseworkers,
    participant_list,
)
from participants.services import (
    enrollments_reassign,
)

CASELOAD_FILTERS = "caseload_filters"


EXPORT_SELECTION = "export_selection"


def _filters_from_session(request) -> CaseloadFilters:
    stored = request.session.get(CASELOAD_FILTERS) or {}
    sort = request.GET.get("sort", "name")
    return CaseloadFilters(
        name=stored.get("name", ""),
        id_hash=stored.get("id_hash", ""),
        programme_id=stored.get("programme"),
        cohort_id=stored.get("cohort"),
        caseworker_id=stored.get("caseworker"),
        status=stored.get("status", ""),
        sort=sort if sort in SORTS else "name",
        quiet=request.GET.get("attention") == "quiet",
    )


class CaseloadView(LoginRequiredMixin, RoleRequiredMixin, ListView):
    request: SignedInRequest
    template_name = "participants/caseload.html"
    context_object_name = "participants"
    paginate_by = 25

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants or roles.arbeidsleder

    def get_queryset(self):
        self.filters = _filters_from_session(self.request)
        return participant_list(user=self.request.user, filters=self.filters)

    def post(self, request, *args, **kwargs):
        """Searches are posted and kept in the session: names and national IDs never go into a
        URL, and a national ID is kept only as its keyed hash."""
        form = CaseloadFilterForm(request.POST, user=request.user)
        stored = {}
        if "clear" not in request.POST and form.is_valid():
            stored = self._stored(form)
        request.session[CASELOAD_FILTERS] = stored
        return HttpResponseRedirect(reverse("participants:caseload"), status=303)

    def _stored(self, form) -> dict:
        data = form.cleaned_data
        stored = {key: data[key].pk for key in ("programme", "cohort", "caseworker") if data[key]}
        if data["status"]:
            stored["status"] = data["status"]
        try:
            stored.update(caseload_search(user=self.request.user, query=data["q"]))
        except ApplicationError as exc:
            messages.error(self.request, str(exc.message))
            return {}
        return stored

    def paginate_queryset(self, queryset, page_size):
        # A count over a window on the page's rows made the database read and sort everyone
        # visible before the first row (19 ms at 10 000 people); the page alone comes in order
        # from an index (1.4 ms) and the count is 3 ms. A missing, malformed or too large page
        # number shows the nearest real page.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        stored = self.request.session.get(CASELOAD_FILTERS) or {}
        shown = stored.get("name") or (_("(national ID)") if stored.get("id_hash") else "")
        initial = {**stored, "q": shown}
        # One list of the programmes' caseworkers for the filter (all) and the bulk bar (those
        # who may take people on).
        caseworkers = list(
            own_caseworkers(user=self.request.user, include_inactive=True).order_by(
                "full_name", "pk"
            )
        )
        form = CaseloadFilterForm(initial=initial, user=self.request.user, caseworkers=caseworkers)
        return {
            **super().get_context_data(**kwargs),
            "filters": self.filters,
            "filter_form": form,
            "new_caseworkers": [u for u in caseworkers if u.is_active],
            "sort": self.filters.sort,
        }


class CaseloadBulkView(LoginRequiredMixin, RoleRequiredMixin, View):
    """Reassign or export the people ticked on the caseload page."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def post(self, request):
        form = BulkForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(reverse("participants:caseload"), status=303)
        selected = form.cleaned_data["selected"]
        if request.POST.get("action") == "export":
            request.session[EXPORT_SELECTION] = selected[:1000]
            return HttpResponseRedirect(reverse("participants:export"), status=303)
        caseworker = form.cleaned_data["caseworker"]
        if caseworker is None:
            messages.error(request, _("Choose the new caseworker."))
        else:
            try:
                changed, skipped = enrollments_reassign(
                    actor=request.user, participant_ids=selected, caseworker=caseworker
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
                return HttpResponseRedirect(reverse("participants:caseload"), status=303)
            messages.success(
                request,
                _("Reassigned: %(changed)d. Skipped: %(skipped)d.")
                % {"changed": changed, "skipped": skipped},
            )
        return HttpResponseRedirect(reverse("participants:caseload"), status=303)


@method_decorator(reauthentication_required, name="dispatch")
class CaseloadExportView(LoginRequiredMixin, RoleRequiredMixin, View):
    """The ticked people as CSV, after a recent re-entry of the password."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get(self, request):
        selected = request.session.pop(EXPORT_SELECTION, None)
        if not selected:
            messages.error(request, _("Select someone first."))
            return HttpResponseRedirect(reverse("participants:caseload"))
        content = participants_csv(user=request.user, participant_ids=selected)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="fotfeste-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response
