"""Before the start (summerjobs/prestart.py): the run's list of young people with settled offers
and their checklists, one young person's checklist, a tick, and an answer to an offer that
staff record for a young person or guardian who phoned. The programme's caseworkers see the
lists and checklists; its leads and coordinators also tick and record."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts import memberships
from accounts.http import SignedInRequest
from config.errors import ApplicationError
from config.views import ServiceFormView
from summerjobs.forms import NextOfKinForm, PreStartTickForm, StaffAnswerForm, answers_open
from summerjobs.models import Offer, TaxBasis
from summerjobs.prestart import offer_answer_record, prestart_next_of_kin, prestart_tick
from summerjobs.selectors import (
    checklist_of,
    offer_get,
    prestart_board,
    prestart_row,
    run_get,
    staff_answers,
)
from summerjobs.views.staff import StaffMixin, record_look


def _keeps(user, offer: Offer) -> bool:
    return memberships.runs_summer_jobs(user, offer.allocation.run.season.programme_id)


class PreStartBoardView(StaffMixin, TemplateView):
    """«Before the start»: everyone of a run for real whose offer is settled, by period and
    workplace, with what is missing; ``?missing=1`` shows only those missing something."""

    template_name = "summerjobs/prestart_board.html"

    def get_context_data(self, **kwargs):
        run = run_get(user=self.request.user, pk=kwargs["pk"])
        if run.dry_run:
            raise Http404
        only_missing = self.request.GET.get("missing") == "1"
        return {
            **super().get_context_data(**kwargs),
            "run": run,
            "board": prestart_board(run=run, only_missing=only_missing),
            "only_missing": only_missing,
            "may_tick": memberships.runs_summer_jobs(self.request.user, run.season.programme_id),
            "tax_bases": TaxBasis.choices,
        }


class PreStartView(StaffMixin, ServiceFormView):
    """One young person's checklist; its leads and coordinators tick it and record the next
    of kin here."""

    template_name = "summerjobs/prestart.html"
    form_class = NextOfKinForm
    success_message = gettext_lazy("The next of kin is saved.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.offer = offer_get(user=request.user, pk=kwargs["pk"])

    def get(self, request, *args, **kwargs):
        record_look(request, self.offer.allocation.application_id)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not _keeps(request.user, self.offer):
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        checklist = checklist_of(self.offer)
        return {
            "name": checklist.next_of_kin_name,
            "phone": checklist.next_of_kin_phone,
            "version": checklist.version,
        }

    def perform(self, form):
        return prestart_next_of_kin(
            offer=self.offer,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            expected_version=form.cleaned_data["version"],
            actor=self.request.user,
        )

    def get_success_url(self) -> str:
        return reverse("summerjobs:prestart", kwargs={"pk": self.offer.pk})

    def get_context_data(self, **kwargs):
        offer = self.offer
        return {
            **super().get_context_data(**kwargs),
            "offer": offer,
            "row": prestart_row(offer) if offer.settled else None,
            "may_tick": _keeps(self.request.user, offer),
            "tax_bases": TaxBasis.choices,
            "answers": list(staff_answers(offer=offer)),
        }


class PreStartTickView(StaffMixin, View):
    """A tick of an item, or its taking back; back to the page it was made on."""

    form_class = PreStartTickForm

    def post(self, request: SignedInRequest, pk: int) -> HttpResponse:
        offer = offer_get(user=request.user, pk=pk)
        if not _keeps(request.user, offer):
            raise Http404
        form = PreStartTickForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The tick was not understood: nothing was changed."))
            return HttpResponseRedirect(_back(offer, form.data.get("back")))
        data = form.cleaned_data
        try:
            prestart_tick(
                offer=offer,
                item=data["item"],
                done=data["done"],
                expected_version=data["version"],
                tax_basis=data["tax_basis"],
                actor=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Saved."))
        return HttpResponseRedirect(_back(offer, data["back"]))


def _back(offer: Offer, back: object) -> str:
    if back == "checklist":
        return reverse("summerjobs:prestart", kwargs={"pk": offer.pk})
    url = reverse("summerjobs:prestart_board", kwargs={"pk": offer.allocation.run_id})
    return f"{url}{'?missing=1' if back == 'missing' else ''}#offer-{offer.pk}"


class OfferAnswerView(StaffMixin, ServiceFormView):
    """An answer given to staff instead of through the link (a phone call), with a note."""

    template_name = "summerjobs/offer_answer.html"
    form_class = StaffAnswerForm
    success_message = gettext_lazy("The answer is recorded.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.offer = offer_get(user=request.user, pk=kwargs["pk"])

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated and not _keeps(request.user, self.offer):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        record_look(request, self.offer.allocation.application_id)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "offer": self.offer}

    def get_initial(self):
        return {"version": self.offer.version}

    def perform(self, form):
        return offer_answer_record(
            offer=self.offer,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            actor=self.request.user,
        )

    def get_success_url(self) -> str:
        return reverse("summerjobs:run", kwargs={"pk": self.offer.allocation.run_id})

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "offer": self.offer,
            "open": bool(answers_open(self.offer)),
            "answers": list(staff_answers(offer=self.offer)),
        }
