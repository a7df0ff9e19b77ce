from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.country import country_of
from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from config.views import ServiceFormView
from programs.forms import (
    BudgetLineForm,
    CohortForm,
    CostForm,
    DeadlineForm,
    GrantEditForm,
    GrantForm,
    MemberForm,
    PaymentForm,
    PositionMonthForm,
    ProgrammeForm,
    ProgrammeTargetForm,
    SubmittedForm,
    TargetForm,
    grant_initial,
)
from programs.models import DeadlineStatus, Grant, deadline_status
from programs.money import (
    budget_line_delete,
    budget_line_save,
    cost_create,
    cost_delete,
    payment_create,
    payment_delete,
    position_month_set,
)
from programs.selectors import (
    budget_line_get,
    cost_get,
    deadline_get,
    grant_budget_lines,
    grant_costs,
    grant_get,
    grant_list,
    grant_money,
    membership_get,
    payment_get,
    programme_led_get,
    programmes_for_setup,
    target_get,
)
from programs.services import (
    cohort_create,
    deadline_add,
    deadline_mark_submitted,
    grant_save,
    member_add,
    member_remove,
    programme_update,
    target_delete,
    target_set,
)

COSTS_PER_PAGE = 25

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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
    template_name = "programs/programme.html"
    form_class = ProgrammeForm
    success_url = reverse_lazy("programs:setup")
    success_message = gettext_lazy("The programme has been saved.")

    @cached_property
    def programme(self):
        return programme_led_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "country": country_of(self.request.user)}

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
        return {
            **super().get_context_data(**kwargs),
            "title": self.programme.name,
            "programme": self.programme,
            "targets": self.programme.targets.all(),
            "target_form": ProgrammeTargetForm(),
        }


class _SetupPost(LeadMixin, View):
    """A small form posted from the set-up page: run one service, come back with a message."""

    form_class: type | None
    success_message: "StrOrPromise"
    perform: Callable[..., object]

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
        return HttpResponseRedirect(self.next_url())

    def next_url(self) -> str:
        return reverse("programs:setup")

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
        grant, today = self.grant, timezone.localdate()
        money = grant_money(grant=grant, start=grant.starts_on, end=grant.ends_on)
        costs = Paginator(grant_costs(grant=grant), COSTS_PER_PAGE)
        return {
            **super().get_context_data(**kwargs),
            "grant": grant,
            "title": grant.name,
            "money": money,
            "budget": [
                (line, figures, budget_line_form(line))
                for line, figures in zip(
                    grant_budget_lines(grant=grant), money["budget_lines"], strict=True
                )
            ],
            "costs": costs.get_page(self.request.GET.get("costs")),
            "payments": grant.payments.all(),
            "position_months": grant.position_months.all(),
            "targets": grant.targets.all(),
            "deadlines": [(d, deadline_status(d, today)) for d in grant.deadlines.all()],
            "statuses": DeadlineStatus,
            **_grant_forms(grant, today),
        }


def _grant_forms(grant: Grant, today) -> dict:
    """The grant page's small forms, each with ids of its own (several have an amount)."""
    return {
        "deadline_form": DeadlineForm(auto_id="deadline_%s"),
        "budget_line_form": BudgetLineForm(auto_id="budget_%s"),
        "cost_form": CostForm(grant=grant, auto_id="cost_%s"),
        "payment_form": PaymentForm(auto_id="payment_%s"),
        "month_form": PositionMonthForm(auto_id="month_%s"),
        "target_form": TargetForm(auto_id="target_%s"),
        # One per deadline on the page: its fields sit inside their labels, without ids.
        "submitted_form": SubmittedForm(initial={"submitted_on": today}, auto_id=False),
    }


class _GrantPost(LeadMixin, View):
    """A small form posted from the grant page: one service, then back to its section."""

    request: SignedInRequest
    form_class: type | None = None
    success_message: "StrOrPromise"
    anchor: str
    perform: Callable[..., object]

    def post(self, request, pk: int):
        self.target = self.get_target(pk)
        form = self.bind(request)
        try:
            if form is not None and not form.is_valid():
                raise ApplicationError(_form_errors(form))
            self.perform(form.cleaned_data if form is not None else {})
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, self.success_message)
        grant = self.target if isinstance(self.target, Grant) else self.target.grant
        return HttpResponseRedirect(reverse("programs:grant", args=[grant.pk]) + f"#{self.anchor}")

    def get_target(self, pk: int):
        return grant_get(user=self.request.user, pk=pk)

    def bind(self, request):
        return self.form_class(request.POST) if self.form_class else None


def _form_errors(form) -> str:
    """Each field's errors after its label, for a message above the page."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


class DeadlineAddView(_GrantPost):
    form_class = DeadlineForm
    success_message = gettext_lazy("The report deadline has been added.")
    anchor = "deadlines"

    def perform(self, data):
        deadline_add(actor=self.request.user, grant=self.target, **data)


class DeadlineSubmittedView(_GrantPost):
    form_class = SubmittedForm
    success_message = gettext_lazy("The report has been marked as submitted.")
    anchor = "deadlines"

    def get_target(self, pk: int):
        return deadline_get(user=self.request.user, pk=pk)

    def perform(self, data):
        deadline_mark_submitted(actor=self.request.user, deadline=self.target, **data)


class BudgetLineAddView(_GrantPost):
    form_class = BudgetLineForm
    success_message = gettext_lazy("The budget line has been added.")
    anchor = "budget"

    def perform(self, data):
        budget_line_save(actor=self.request.user, grant=self.target, **data)


def budget_line_form(line) -> BudgetLineForm:
    """The form that changes one budget line, with ids of its own on the page."""
    initial = {"kind": line.kind, "label": line.label, "amount": line.amount}
    return BudgetLineForm(initial=initial, auto_id=f"line{line.pk}_%s")


class BudgetLineEditView(_GrantPost):
    form_class = BudgetLineForm
    success_message = gettext_lazy("The budget line has been changed.")
    anchor = "budget"

    def get_target(self, pk: int):
        return budget_line_get(user=self.request.user, pk=pk)

    def perform(self, data):
        grant = self.target.grant
        budget_line_save(actor=self.request.user, grant=grant, budget_line=self.target, **data)


class BudgetLineDeleteView(_GrantPost):
    success_message = gettext_lazy("The budget line has been deleted.")
    anchor = "budget"

    def get_target(self, pk: int):
        return budget_line_get(user=self.request.user, pk=pk)

    def perform(self, data):
        budget_line_delete(actor=self.request.user, budget_line=self.target)


class CostAddView(_GrantPost):
    success_message = gettext_lazy("The cost has been recorded.")
    anchor = "costs"

    def bind(self, request):
        return CostForm(request.POST, grant=self.target)

    def perform(self, data):
        cost_create(actor=self.request.user, grant=self.target, **data)


class CostDeleteView(_GrantPost):
    success_message = gettext_lazy("The cost has been deleted.")
    anchor = "costs"

    def get_target(self, pk: int):
        return cost_get(user=self.request.user, pk=pk)

    def perform(self, data):
        cost_delete(actor=self.request.user, cost=self.target)


class PaymentAddView(_GrantPost):
    form_class = PaymentForm
    success_message = gettext_lazy("The payment has been recorded.")
    anchor = "payments"

    def perform(self, data):
        payment_create(actor=self.request.user, grant=self.target, **data)


class PaymentDeleteView(_GrantPost):
    success_message = gettext_lazy("The payment has been deleted.")
    anchor = "payments"

    def get_target(self, pk: int):
        return payment_get(user=self.request.user, pk=pk)

    def perform(self, data):
        payment_delete(actor=self.request.user, payment=self.target)


class PositionMonthSetView(_GrantPost):
    form_class = PositionMonthForm
    success_message = gettext_lazy("The month has been saved.")
    anchor = "position"

    def perform(self, data):
        position_month_set(actor=self.request.user, grant=self.target, **data)


class GrantTargetSetView(_GrantPost):
    form_class = TargetForm
    success_message = gettext_lazy("The target has been saved.")
    anchor = "targets"

    def perform(self, data):
        target_set(actor=self.request.user, grant=self.target, **data)


class TargetDeleteView(LeadMixin, View):
    def post(self, request, pk: int):
        target = target_get(user=request.user, pk=pk)
        try:
            target_delete(actor=request.user, target=target)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The target has been deleted."))
        if target.grant_id:
            return HttpResponseRedirect(
                reverse("programs:grant", args=[target.grant_id]) + "#targets"
            )
        return HttpResponseRedirect(reverse("programs:edit", args=[target.programme_id]))


class ProgrammeTargetSetView(_SetupPost):
    form_class = ProgrammeTargetForm
    success_message = gettext_lazy("The target has been saved.")

    def perform(self, form):
        programme = programme_led_get(user=self.request.user, pk=self.kwargs["pk"])
        target_set(actor=self.request.user, programme=programme, **form.cleaned_data)

    def next_url(self) -> str:
        return reverse("programs:edit", args=[self.kwargs["pk"]]) + "#targets"
