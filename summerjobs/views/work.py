"""The workplace's summer-job pages (docs/summerjobs.md, "At work"): reached through the
link the summer-job staff send it, no account. Who is coming, the day's hours on a phone and
each young person's attestation. The rules are summerjobs/work.py's and summerjobs/hours.py's."""

from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from config.dates import within_range
from config.errors import ApplicationError
from summerjobs.forms import DayRowForm, HandledareForm
from summerjobs.models import Attestation, HoursEntry, Offer, Period, WorkplaceAccess
from summerjobs.selectors import workplace_access_for
from summerjobs.views.apply import ApplyPage
from summerjobs.work import (
    DayInput,
    effective_days,
    hours_record,
    period_attest,
    period_hours,
    period_totals,
    settled_at,
    workplace_contact,
)

NAME_COOKIE = "fotfeste_handledare"


class WorkPage(ApplyPage):
    """A page of a workplace's link: a link nobody holds, revoked or expired is not found."""

    access: WorkplaceAccess

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        found = workplace_access_for(token=kwargs["token"])
        if found is None:
            self.speak()
            return self.page("not_found", status=404)
        self.access, self.season = found, found.season
        self.speak()
        return super().dispatch(request, *args, **kwargs)

    def offers(self) -> list[Offer]:
        return settled_at(self.access.workplace_id, self.access.season_id)

    def offer_of(self, pk: int) -> Offer:
        """One of the workplace's settled young people; anyone else's offer is not found."""
        for offer in self.offers():
            if offer.pk == pk:
                return offer
        raise Http404

    def work_page(self, template: str, status: int = 200, **context) -> HttpResponse:
        context = {"workplace": self.access.workplace, "token": self.kwargs["token"], **context}
        return self.page(f"work/{template}", status=status, **context)

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"apply:{name}", kwargs={"token": self.kwargs["token"], **kwargs})


class WorkView(WorkPage):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        offers = self.offers()
        attested = set(
            Attestation.objects.filter(offer__in=offers).values_list("offer_id", flat=True)
        )
        totals = period_totals(offers)
        groups: dict[Period, list[tuple[Offer, object, bool]]] = {}
        for offer in offers:
            row = (offer, totals[offer.pk], offer.pk in attested)
            groups.setdefault(offer.place.period, []).append(row)
        return self.work_page("overview", groups=groups.items(), today=timezone.localdate())


def _day(value: str) -> date:
    """The day in the address; a malformed day, or one no record can hold, is not found."""
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc
    if not within_range(day):
        raise Http404
    return day


class DayView(WorkPage):
    """The young people at work on a day, each with the day's hours or absence."""

    form_class = DayRowForm

    def get(self, request: HttpRequest, token: str, day: str) -> HttpResponse:
        return self.show(_day(day), saved="saved" in request.GET)

    def post(self, request: HttpRequest, token: str, day: str) -> HttpResponse:
        on = _day(day)
        who = HandledareForm(request.POST)
        rows = self.rows(on, data=request.POST)
        errors = 0
        if not who.is_valid():
            return self.show(on, rows=rows, who=who, status=400)
        for offer, form, _entry in rows:
            errors += not self.save(offer, form, on, who.cleaned_data["name"])
        if errors:
            return self.show(on, rows=rows, who=who, status=400)
        response = redirect(self.url("work-day", day=on.isoformat()) + "?saved=1")
        response.set_cookie(
            NAME_COOKIE,
            who.cleaned_data["name"],
            max_age=120 * 86400,
            httponly=True,
            samesite="Lax",
        )
        return response

    def save(self, offer: Offer, form: DayRowForm, on: date, name: str) -> bool:
        if not form.is_valid():
            return False
        if form.is_blank():
            return True
        data = form.cleaned_data
        try:
            hours_record(
                offer=offer,
                data=DayInput(
                    day=on,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    break_minutes=data["break_minutes"] or 0,
                    absence=data["absence"],
                ),
                by_name=name,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            return False
        return True

    def rows(self, on: date, data=None) -> list[tuple[Offer, DayRowForm, HoursEntry | None]]:
        offers = [
            o for o in self.offers() if o.place.period.starts_on <= on <= o.place.period.ends_on
        ]
        entries = effective_days(HoursEntry.objects.filter(offer__in=offers, day=on))
        rows = []
        for offer in offers:
            entry = entries.get((offer.pk, on))
            initial = {
                "starts_at": entry.starts_at if entry else None,
                "ends_at": entry.ends_at if entry else None,
                "break_minutes": entry.break_minutes if entry else 30,
                "absence": entry.absence if entry else "",
            }
            form = DayRowForm(data=data, initial=initial, prefix=str(offer.pk))
            rows.append((offer, form, entry))
        return rows

    def show(self, on: date, rows=None, who=None, status: int = 200, **context) -> HttpResponse:
        name = self.request.COOKIES.get(NAME_COOKIE, "")
        return self.work_page(
            "day",
            status=status,
            day=on,
            rows=rows if rows is not None else self.rows(on),
            who=who or HandledareForm(initial={"name": name}),
            previous=self.url("work-day", day=(on - timedelta(days=1)).isoformat()),
            next=self.url("work-day", day=(on + timedelta(days=1)).isoformat()),
            future=on > timezone.localdate(),
            **context,
        )


class ContactView(WorkPage):
    """How to reach one young person and their next of kin: shown one person at a time, when
    a handledare needs it, and recorded."""

    def get(self, request: HttpRequest, token: str, pk: int) -> HttpResponse:
        contact = workplace_contact(access=self.access, offer=self.offer_of(pk))
        return self.work_page("contact", contact=contact, offer=contact.offer)


class AttestView(WorkPage):
    """One young person's days of the period, their total, and the attestation."""

    form_class = HandledareForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.offer_pk = kwargs["pk"]

    def the_offer(self) -> Offer:
        return self.offer_of(self.offer_pk)

    def get(self, request: HttpRequest, token: str, pk: int) -> HttpResponse:
        name = request.COOKIES.get(NAME_COOKIE, "")
        return self.show(HandledareForm(initial={"name": name}))

    def post(self, request: HttpRequest, token: str, pk: int) -> HttpResponse:
        form = HandledareForm(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        try:
            period_attest(offer=self.the_offer(), by_name=form.cleaned_data["name"])
        except ApplicationError as exc:
            return self.show(form, status=409, refusal=str(exc.message))
        return redirect(self.url("work-attest", pk=pk))

    def show(self, form: HandledareForm, status: int = 200, **context) -> HttpResponse:
        offer = self.the_offer()
        entries = effective_days(HoursEntry.objects.filter(offer=offer))
        days = sorted(entries.values(), key=lambda e: e.day)
        attestation = getattr(offer, "attestation", None)
        return self.work_page(
            "attest",
            status=status,
            offer=offer,
            days=days,
            total=period_hours(offer),
            attestation=attestation,
            form=form,
            **context,
        )
