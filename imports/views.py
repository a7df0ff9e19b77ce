from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from config.views import ServiceFormView
from imports.columns import columns_for
from imports.files import MAX_ROWS, template_csv, template_xlsx
from imports.forms import ConfirmForm, CostUploadForm, UploadForm
from imports.models import ImportFormat, ImportKind
from imports.selectors import import_get, import_runs
from imports.services import import_confirm, import_upload
from programs.selectors import grant_get, led_programmes

CONTENT_TYPES: dict[str, str] = {
    ImportFormat.CSV: "text/csv; charset=utf-8",
    ImportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class LeadMixin(LoginRequiredMixin, RoleRequiredMixin):
    """Imports are programme set-up: for the programme's leads (DESIGN.md §3)."""

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead


class ImportListView(LeadMixin, ServiceFormView):
    """Upload a file for a dry run; the templates, what each column takes, earlier imports."""

    template_name = "imports/list.html"
    form_class = UploadForm
    success_message = gettext_lazy(
        "The file has been uploaded. It is checked before anything is imported."
    )

    def get_form_kwargs(self):
        programmes = led_programmes(self.request.user).order_by("name")
        return {**super().get_form_kwargs(), "programmes": programmes}

    def perform(self, form):
        data = form.cleaned_data
        return import_upload(
            actor=self.request.user,
            programme=data["programme"],
            kind=data["kind"],
            upload=data["file"],
            language=translation.get_language() or "nb",
        )

    def get_context_data(self, **kwargs):
        country = self.request.user.municipality.country
        return {
            **super().get_context_data(**kwargs),
            "kinds": [
                (k, columns_for(k, country=country)) for k in ImportKind if k != ImportKind.COSTS
            ],
            "max_rows": MAX_ROWS,
            "runs": import_runs(user=self.request.user)[:50],
        }

    def get_success_url(self) -> str:
        return reverse("imports:detail", kwargs={"pk": self.result.pk})


class CostImportView(LeadMixin, ServiceFormView):
    """A grant's costs from the municipality's accounting export: upload for a dry run."""

    template_name = "imports/costs.html"
    form_class = CostUploadForm
    success_message = gettext_lazy(
        "The file has been uploaded. It is checked before anything is imported."
    )

    @cached_property
    def grant(self):
        return grant_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        return import_upload(
            actor=self.request.user,
            kind=ImportKind.COSTS,
            grant=self.grant,
            upload=form.cleaned_data["file"],
            language=translation.get_language() or "nb",
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "grant": self.grant,
            "columns": columns_for(
                ImportKind.COSTS, country=self.request.user.municipality.country
            ),
            "max_rows": MAX_ROWS,
            "runs": import_runs(user=self.request.user).filter(grant=self.grant)[:20],
        }

    def get_success_url(self) -> str:
        return reverse("imports:detail", kwargs={"pk": self.result.pk})


class ImportDetailView(LeadMixin, TemplateView):
    """The dry run's findings and the import's progress; htmx polls the fragment while a
    worker is busy with it."""

    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["imports/includes/status.html"]
        return ["imports/detail.html"]

    def get_context_data(self, **kwargs):
        run = import_get(user=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "run": run, "form": ConfirmForm()}


class ImportConfirmView(LeadMixin, View):
    def post(self, request, pk: int):
        run = import_get(user=request.user, pk=pk)
        form = ConfirmForm(request.POST)
        confirmed = form.is_valid() and form.cleaned_data["confirmed"]
        try:
            import_confirm(actor=request.user, run=run, confirmed=confirmed)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The import has started."))
        return HttpResponseRedirect(reverse("imports:detail", kwargs={"pk": run.pk}))


class TemplateDownloadView(LeadMixin, View):
    """The empty template: the header, for the user's municipality."""

    def get(self, request, kind: str, fmt: str):
        if kind not in ImportKind.values or fmt not in ImportFormat.values:
            raise Http404
        columns = columns_for(kind, country=request.user.municipality.country)
        content = template_csv(columns) if fmt == ImportFormat.CSV else template_xlsx(columns)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="fotfeste-{kind}.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
