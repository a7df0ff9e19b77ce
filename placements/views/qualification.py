"""The road to a fagbrev: qualification paths, module sign-offs (with undo), the fagprøve and a
cohort's module progress."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from config.views import ServiceFormView
from participants.models import Enrollment
from participants.routes import qualification_offered
from placements.forms import (
    FagproveForm,
    PathForm,
)
from placements.models import ExamResult
from placements.qualification import (
    fagprove_record,
    module_sign_off,
    module_sign_off_undo,
    path_create,
)
from placements.selectors import (
    cohort_module_progress,
    module_progress_get,
    participant_paths,
    participant_seen_by,
    path_get,
)
from placements.views.placement import ConfirmFirstMixin, PlacementCreateView, dry_run
from programs.selectors import cohort_get


class QualificationView(LoginRequiredMixin, TemplateView):
    """A person's road to a fagbrev: a fragment for htmx on their page, or a page of its own."""

    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["placements/includes/qualification.html"]
        return ["placements/qualification.html"]

    def get_context_data(self, **kwargs):
        participant = participant_seen_by(user=self.request.user, pk=self.kwargs["pk"])
        if not qualification_offered(participant=participant):
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "participant": participant,
            "paths": participant_paths(user=self.request.user, participant=participant),
            "case_access": Enrollment.objects.visible_to(self.request.user)
            .filter(participant=participant)
            .exists(),
        }


class PathCreateView(PlacementCreateView):
    template_name = "placements/path_form.html"
    form_class = PathForm
    success_message = gettext_lazy("The qualification path has been registered.")

    def perform(self, form):
        return path_create(actor=self.request.user, **form.cleaned_data)


class ModuleSignOffView(LoginRequiredMixin, View):
    """Signing a module off is two steps, with or without JavaScript: the result's button opens
    a page that says what will be recorded, and only its confirmation records it."""

    def get(self, request, pk: int):
        path = path_get(user=request.user, pk=pk)
        module = _module_of(path, request.GET.get("module"))
        result = request.GET.get("result", "")
        if module is None or result not in ExamResult.values:
            raise Http404
        return _sign_off_confirm(request, path, module, result)

    def post(self, request, pk: int):
        path = path_get(user=request.user, pk=pk)
        module = _module_of(path, request.POST.get("module"))
        result = request.POST.get("result", "")
        if module is not None and result in ExamResult.values and not request.POST.get("confirm"):
            return _sign_off_confirm(request, path, module, result)
        try:
            if module is None:
                raise ApplicationError(_("The module does not belong to this trade."))
            module_sign_off(actor=request.user, path=path, module=module, result=result)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("The module has been signed off. You can undo it within 24 hours.")
            )
        return _to_qualification(path)


class ModuleSignOffUndoView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        progress = module_progress_get(user=request.user, pk=pk)
        try:
            module_sign_off_undo(actor=request.user, progress=progress)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The sign-off has been undone; the module is open again."))
        return _to_qualification(progress.path)


def _module_of(path, raw):
    return path.track.modules.filter(pk=_optional_id(raw)).first()


def _sign_off_confirm(request, path, module, result: str):
    """The question, once the service has found nothing against the sign-off (an anonymised
    record, a module already passed): that is said at once, not after the confirmation."""
    try:
        dry_run(
            lambda: module_sign_off(actor=request.user, path=path, module=module, result=result)
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return _to_qualification(path)
    context = {
        "path": path,
        "module": module,
        "result": result,
        "result_label": ExamResult(result).label,
        "participant": path.enrollment.participant,
    }
    return render(request, "placements/module_sign_off.html", context)


def _to_qualification(path) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("participants:detail", kwargs={"pk": path.enrollment.participant_id})
        + "#qualification"
    )


class FagproveView(LoginRequiredMixin, ConfirmFirstMixin, ServiceFormView):
    template_name = "placements/fagprove_form.html"
    form_class = FagproveForm
    success_message = gettext_lazy("The fagprøve has been recorded.")

    @cached_property
    def path(self):
        path = path_get(user=self.request.user, pk=self.kwargs["pk"])
        if (
            not Enrollment.objects.visible_to(self.request.user)
            .filter(pk=path.enrollment_id)
            .exists()
        ) or not path.leads_to_fagprove:
            raise Http404
        return path

    def get_initial(self):
        return {"fagprove_on": self.path.fagprove_on, "fagprove_result": self.path.fagprove_result}

    def needs_confirmation(self, form) -> bool:
        """A result, new or changed, is confirmed first; a date alone is not."""
        return form.cleaned_data["fagprove_result"] != self.path.fagprove_result

    def perform(self, form):
        return fagprove_record(
            actor=self.request.user,
            path=self.path,
            fagprove_on=form.cleaned_data["fagprove_on"],
            result=form.cleaned_data["fagprove_result"],
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "path": self.path,
            "participant": self.path.enrollment.participant,
        }

    def get_success_url(self) -> str:
        return (
            reverse("participants:detail", kwargs={"pk": self.path.enrollment.participant_id})
            + "#qualification"
        )


class CohortModulesView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """A cohort's progress through its MFY modules, for the programme lead."""

    template_name = "placements/cohort_modules.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get_context_data(self, **kwargs):
        cohort = cohort_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "cohort": cohort,
            "tracks": cohort_module_progress(user=self.request.user, cohort=cohort),
        }


def _optional_id(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 19 else None
