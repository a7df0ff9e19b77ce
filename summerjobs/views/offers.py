"""The staff's side of the offers: sending them after the run for real (summerjobs/offers.py)."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from accounts import memberships
from accounts.http import SignedInRequest
from config.errors import ApplicationError
from summerjobs.offers import offers_create
from summerjobs.selectors import run_get
from summerjobs.views.staff import StaffMixin


class OffersSendView(StaffMixin, View):
    """Offer every placed young person of a run for real who has no offer yet."""

    def post(self, request: SignedInRequest, pk: int) -> HttpResponse:
        run = run_get(user=request.user, pk=pk)
        if not memberships.runs_summer_jobs(request.user, run.season.programme_id):
            raise Http404
        try:
            made = offers_create(run=run, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            if made:
                text = ngettext(
                    "%(count)d offer is on its way.", "%(count)d offers are on their way.", made
                )
                messages.success(request, text % {"count": made})
            else:
                messages.info(request, _("Everyone with a place already has an offer."))
        return HttpResponseRedirect(reverse("summerjobs:run", kwargs={"pk": run.pk}))
