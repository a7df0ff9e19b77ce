from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import Roles
from config.errors import ApplicationError
from config.views import RoleRequiredMixin, ServiceFormView
from programs.forms import (
    CohortForm,
    DeadlineForm,
    GrantEditForm,
    GrantForm,
    MemberForm,
    ProgrammeForm,
    grant_initial,
)
from programs.selectors import (
    cohort_get,
    cohort_module_progress,
    grant_get,
    grant_list,
    membership_get,
    programme_led_get,
    programmes_for_setup,
)
from programs.services import (
    cohort_create,
    deadline_add,
    grant_save,
    member_add,
    member_remove,
    programme_update,
)


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


class LeadMixin(LoginRequiredMixin, RoleRequiredMixin):
    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead


class ProgrammeSetupView(LeadMixin, TemplateView):
    """The programme lead's set-up page: programmes, cohorts, members and grants."""

    template_name = "programs/setup.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "programmes": programmes_for_setup(user=user),
            "grants": grant_list(user=user),
            "cohort_form": CohortForm(),
            "member_form": MemberForm(municipality=user.municipality),
        }


class ProgrammeEditView(LeadMixin, ServiceFormView):
    template_name = "programs/form.html"
    form_class = ProgrammeForm
    success_url = reverse_lazy("programs:setup")
    success_message = gettext_lazy("The programme has been saved.")

    @cached_property
    def programme(self):
        return programme_led_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        p = self.programme
        return {
            "name": p.name,
            "kind": p.kind,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "target_participants": p.target_participants,
            "retention_months": p.retention_months,
            "version": p.version,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return programme_update(
            actor=self.request.user,
            programme=self.programme,
            expected_version=data.pop("version"),
            **data,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.programme.name}


class _SetupPost(LeadMixin, View):
    """A small form posted from the set-up page: run one service, come back with a message."""

    form_class: type | None
    success_message: str

    def post(self, request, pk: int):
        form = self.bind(request)
        try:
            if form is not None and not form.is_valid():
                raise ApplicationError(
                    " ".join(e for errors in form.errors.values() for e in errors)
                )
            self.perform(form)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(reverse("programs:setup"))

    def bind(self, request):
        return self.form_class(request.POST) if self.form_class else None


class CohortCreateView(_SetupPost):
    form_class = CohortForm
    success_message = gettext_lazy("The cohort has been added.")

    def perform(self, form):
        programme = programme_led_get(user=self.request.user, pk=self.kwargs["pk"])
        cohort_create(actor=self.request.user, programme=programme, **form.cleaned_data)


class MemberAddView(_SetupPost):
    success_message = gettext_lazy("The person has been added to the programme.")

    def bind(self, request):
        return MemberForm(request.POST, municipality=request.user.municipality)

    def perform(self, form):
        programme = programme_led_get(user=self.request.user, pk=self.kwargs["pk"])
        member_add(actor=self.request.user, programme=programme, **form.cleaned_data)


class MemberRemoveView(_SetupPost):
    success_message = gettext_lazy("The person has been removed from the programme.")

    form_class = None  # a button, no fields

    def perform(self, form):
        membership = membership_get(user=self.request.user, pk=self.kwargs["pk"])
        member_remove(actor=self.request.user, membership=membership)


class GrantCreateView(LeadMixin, ServiceFormView):
    template_name = "programs/form.html"
    form_class = GrantForm
    success_url = reverse_lazy("programs:setup")
    success_message = gettext_lazy("The grant has been saved.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "programmes": programmes_for_setup(user=self.request.user),
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return grant_save(
            actor=self.request.user,
            municipality=self.request.user.municipality,
            programmes=list(data.pop("programmes")),
            **data,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New grant")}


class GrantEditView(GrantCreateView):
    template_name = "programs/grant.html"
    form_class = GrantEditForm

    @cached_property
    def grant(self):
        return grant_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        return grant_initial(self.grant)

    def perform(self, form):
        data = dict(form.cleaned_data)
        return grant_save(
            actor=self.request.user,
            municipality=self.request.user.municipality,
            programmes=list(data.pop("programmes")),
            grant=self.grant,
            expected_version=data.pop("version"),
            **data,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "grant": self.grant,
            "title": self.grant.name,
            "deadline_form": DeadlineForm(),
        }


class DeadlineAddView(_SetupPost):
    form_class = DeadlineForm
    success_message = gettext_lazy("The report deadline has been added.")

    def perform(self, form):
        grant = grant_get(user=self.request.user, pk=self.kwargs["pk"])
        deadline_add(actor=self.request.user, grant=grant, **form.cleaned_data)
