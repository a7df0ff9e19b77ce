"""The view side of the case-access rule, shared by every page about one person."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property

from participants.selectors import participant_get


class CaseAccessMixin(LoginRequiredMixin):
    """For pages about one person that need case access: anyone else gets 404."""

    @cached_property
    def seen(self):
        seen = participant_get(user=self.request.user, pk=self.kwargs["pk"])
        if not seen.case_access:
            raise Http404
        return seen

    def detail_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.seen.participant.pk})

    def get_success_url(self) -> str:
        return self.detail_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "participant": self.seen.participant}
