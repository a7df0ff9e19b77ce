"""The action plan: goals and their milestones."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from config.errors import ApplicationError
from config.views import ServiceFormView
from participants.access import CaseAccessMixin
from participants.forms import (
    GoalEditForm,
    GoalForm,
    MilestoneForm,
)
from participants.plan import goal_create, goal_update, milestone_add, milestone_set_done
from participants.selectors import (
    goal_get,
    milestone_get,
    participant_plan,
)
from participants.views.record import ParticipantRecordMixin


class PlanView(CaseAccessMixin, TemplateView):
    """The action plan as a timeline: a fragment for htmx, a page of its own without it."""

    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["participants/includes/plan.html"]
        return ["participants/plan.html"]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "goals": participant_plan(participant=self.seen.participant),
            "today": timezone.localdate(),
        }


class GoalCreateView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/goal_form.html"
    form_class = GoalForm
    success_message = gettext_lazy("The goal has been added to the plan.")

    def perform(self, form):
        return goal_create(
            actor=self.request.user, participant=self.seen.participant, **form.cleaned_data
        )


class GoalEditView(ParticipantRecordMixin, LoginRequiredMixin, ServiceFormView):
    template_name = "participants/goal_form.html"
    form_class = GoalEditForm
    record_name = "goal"
    anchor = "#plan"
    success_message = gettext_lazy("The goal has been saved.")

    @cached_property
    def record(self):
        return goal_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        g = self.record
        return {
            "category": g.category,
            "title": g.title,
            "target_on": g.target_on,
            "status": g.status,
            "version": g.version,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return goal_update(
            actor=self.request.user, goal=self.record, expected_version=data.pop("version"), **data
        )

    def get_context_data(self, **kwargs):
        # Its own ids: the goal's form on the same page has a title field too.
        milestone_form = MilestoneForm(auto_id="milestone_%s")
        return {**super().get_context_data(**kwargs), "milestone_form": milestone_form}


class MilestoneAddView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        goal = goal_get(user=request.user, pk=pk)
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                milestone_add(actor=request.user, goal=goal, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
        return HttpResponseRedirect(reverse("participants:goal-edit", kwargs={"pk": goal.pk}))


class MilestoneDoneView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        milestone = milestone_get(user=request.user, pk=pk)
        try:
            milestone_set_done(
                actor=request.user, milestone=milestone, done=request.POST.get("done") == "1"
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(
            reverse("participants:detail", kwargs={"pk": milestone.goal.participant_id}) + "#plan"
        )
