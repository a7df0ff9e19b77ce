"""Progress notes from the worksite, and the caseworker's replies."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from config.errors import ApplicationError
from config.views import ServiceFormView
from placements.forms import (
    ProgressForm,
    ReplyForm,
)
from placements.progress import progress_reply, progress_write
from placements.selectors import (
    participant_attendance,
    participant_progress,
    participant_seen_by,
    placement_for_attendance,
    progress_entry_get,
)


class ProgressListView(LoginRequiredMixin, TemplateView):
    """A person's progress entries with their replies: a fragment for htmx on the person's page,
    or a page of its own."""

    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["placements/includes/progress.html"]
        return ["placements/progress.html"]

    def get_context_data(self, **kwargs):
        participant = participant_seen_by(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "participant": participant,
            "entries": participant_progress(user=self.request.user, participant=participant),
            "attendance": participant_attendance(user=self.request.user, participant=participant),
            "reply_form": ReplyForm(),
        }


class ProgressCreateView(LoginRequiredMixin, ServiceFormView):
    template_name = "placements/progress_form.html"
    form_class = ProgressForm
    success_message = gettext_lazy("The progress entry has been saved.")

    @cached_property
    def placement(self):
        return placement_for_attendance(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        return progress_write(
            actor=self.request.user, placement=self.placement, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "placement": self.placement,
            "participant": self.placement.enrollment.participant,
        }

    def get_success_url(self) -> str:
        return _at_entry(self.result)


class ProgressReplyView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        entry = progress_entry_get(user=request.user, pk=pk)
        form = ReplyForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Write a few words."))
            progress_reply(actor=request.user, entry=entry, text=form.cleaned_data["text"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(_at_entry(entry))


def _at_entry(entry) -> str:
    """The person's progress page, opened at the entry just written or replied to (on the
    person's own page the entries arrive after the page, too late for the browser to scroll)."""
    participant_id = entry.placement.enrollment.participant_id
    return f"{reverse('placements:progress', kwargs={'pk': participant_id})}#entry-{entry.pk}"
