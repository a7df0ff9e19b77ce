"""The application e-service for young people (docs/summerjobs.md): no staff account, no
session, never cached by a proxy, in Swedish or English, the staff's menu never shown. The
rules are the services'; these views bind a form, call one service and show what it said.

Tries are counted in the cache (config/tries.py, FOTFESTE_TRY_LIMITS): per client address, as
allauth finds it for sign-in (behind the trusted proxies), and per e-mail address."""

import secrets

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from config.errors import ApplicationError, StaleEditError
from config.tries import client_subject, try_allowed
from summerjobs.applying import (
    CODE_MINUTES,
    application_change_save,
    application_link,
    email_change_cancel,
    email_change_confirm,
    email_waiting,
    pending_application_confirm,
    pending_application_email,
    pending_application_for,
    pending_application_start,
)
from summerjobs.forms import ApplyForm, ChangeForm, CodeForm, WithdrawForm
from summerjobs.models import Application, ApplicationStatus, PendingApplication, Season
from summerjobs.offered import season_offer
from summerjobs.selectors import application_for_link, season_public, seasons_open
from summerjobs.services import application_withdraw

LANGUAGES = ("sv", "en")


def apply_language(request: HttpRequest, season: Season | None) -> str:
    """The language chosen with the page's switch; else the season's municipality's, when the
    e-service speaks it; else Swedish."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in LANGUAGES:
        return str(chosen)
    default = season.programme.municipality.default_language if season else LANGUAGES[0]
    return default if default in LANGUAGES else LANGUAGES[0]


def rate_limited(request: HttpRequest, action: str, email: str | None = None) -> bool:
    """Whether this try passes the action's limit: counted per e-mail address where one is
    given, else per client address."""
    if email is not None:
        return not try_allowed(action, email.strip().lower())
    address = get_adapter(request).get_client_ip(request)
    return not try_allowed(action, client_subject(address))


@method_decorator(never_cache, name="dispatch")
class ApplyPage(View):
    season: Season | None = None

    def speak(self) -> None:
        language = apply_language(self.request, self.season)
        translation.activate(language)
        self.request.LANGUAGE_CODE = language

    def page(self, template: str, status: int = 200, **context) -> HttpResponse:
        context = {"season": self.season, **context}
        return render(self.request, f"summerjobs/apply/{template}.html", context, status=status)

    def refuse(self, message: str, status: int = 400, **context) -> HttpResponse:
        return self.page("refused", status=status, message=message, **context)

    def too_many(self) -> HttpResponse:
        message = _("Too many tries in a short time. Wait an hour and try again.")
        return self.refuse(message, status=429)


class SeasonListView(ApplyPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        self.speak()
        return self.page("seasons", seasons=seasons_open())


class SeasonPage(ApplyPage):
    found: Season

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        self.season = season_public(pk=kwargs["pk"])
        self.speak()
        if self.season is None:
            return self.page("not_found", status=404)
        self.found = self.season
        return super().dispatch(request, *args, **kwargs)


class ApplyView(SeasonPage):
    form_class = ApplyForm

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.show(self.form()) if self.season_open() else self.page("closed")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.season_open():
            return self.page("closed")
        if rate_limited(request, "summerjob_apply"):
            return self.too_many()
        form = self.form(data=request.POST)
        if form.is_robot():
            # A normal-looking answer, and nothing made.
            return redirect("apply:confirm", pk=pk, token=secrets.token_urlsafe(32))
        if not form.is_valid():
            return self.show(form)
        if rate_limited(request, "summerjob_apply_email", form.cleaned_data["email"].lower()):
            return self.too_many()
        try:
            token = pending_application_start(
                season=self.found, data=form.application_input(), language=request.LANGUAGE_CODE
            )
        except ApplicationError as exc:
            form.show_error(exc.field, str(exc.message))
            return self.show(form)
        return redirect("apply:confirm", pk=pk, token=token)

    def season_open(self) -> bool:
        return self.found.is_open()

    def form(self, **kwargs) -> ApplyForm:
        # One read for the form's choices and the rules' check of what was sent.
        offer = season_offer(self.found, keep=True)
        return ApplyForm(
            areas=offer.areas,
            periods=offer.periods,
            school_years=self.found.school_year_list,
            municipality=self.found.programme.municipality.name,
            **kwargs,
        )

    def show(self, form: ApplyForm) -> HttpResponse:
        return self.page("apply", form=form)


class ConfirmView(SeasonPage):
    form_class = CodeForm
    pending: PendingApplication | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        # The waiting submission comes with its season: at the deadline one query, not two.
        self.pending = pending_application_for(token=kwargs["token"])
        if self.pending is None or self.pending.season_id != kwargs["pk"]:
            self.pending = None
            return super().dispatch(request, *args, **kwargs)
        self.season = self.found = self.pending.season
        self.speak()
        return ApplyPage.dispatch(self, request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int, token: str) -> HttpResponse:
        return self.page("confirm", form=CodeForm(), minutes=CODE_MINUTES)

    def post(self, request: HttpRequest, pk: int, token: str) -> HttpResponse:
        if rate_limited(request, "summerjob_code"):
            return self.too_many()
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.page("confirm", form=form, minutes=CODE_MINUTES)
        pending = self.pending
        if pending is None:
            return self.refuse(_("This code has been used or has expired. Send the form again."))
        if rate_limited(request, "summerjob_code_email", pending_application_email(pending)):
            return self.too_many()
        try:
            _application, link, sent = pending_application_confirm(
                pending=pending, token=token, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            if exc.field != "code":
                return self.refuse(str(exc.message), duplicate=exc.code == "duplicate")
            form.add_error("code", str(exc.message))
            return self.page("confirm", form=form, minutes=CODE_MINUTES)
        if not sent:
            return self.page("received", link=application_link(link), mail_failed=True)
        return redirect("apply:received", pk=pk)


class ReceivedView(SeasonPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page("received")


class LinkPage(ApplyPage):
    """The pages of the private link: a token nobody has is a page not found."""

    application: Application

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        found = application_for_link(token=kwargs["token"])
        if found is None:
            self.speak()
            return self.page("not_found", status=404)
        self.application, self.season = found, found.season
        self.speak()
        return super().dispatch(request, *args, **kwargs)

    def changeable(self) -> bool:
        submitted = self.application.status == ApplicationStatus.SUBMITTED
        return submitted and self.application.season.is_open()

    def form(self, **kwargs) -> ChangeForm:
        season = self.application.season
        offer = season_offer(season, keep=True)  # the rules' check of a change reads it too
        if "data" not in kwargs:
            kwargs["initial"] = _initial(self.application)
        years = season.school_year_list
        return ChangeForm(areas=offer.areas, periods=offer.periods, school_years=years, **kwargs)

    def show(self, form: ChangeForm | None, status: int = 200, **context) -> HttpResponse:
        if not self.changeable():
            form = None
        token = self.kwargs["token"]
        waiting = email_waiting(self.application)
        context = {
            "application": self.application,
            "form": form,
            "token": token,
            "waiting": waiting if form else None,
            "code_form": CodeForm(),
            **context,
        }
        return self.page("application", status=status, **context)

    def reload(self) -> None:
        self.application = application_for_link(token=self.kwargs["token"]) or self.application

    def link(self) -> str:
        return reverse("apply:application", kwargs={"token": self.kwargs["token"]})


def _initial(application: Application) -> dict:
    initial: dict = {name: getattr(application, name) for name in ChangeForm.base_fields}
    initial["periods"] = [period.pk for period in application.periods.all()]
    for choice in application.choices.all():
        initial[f"choice_{choice.rank}"] = choice.area_id
    return initial


class ApplicationView(LinkPage):
    form_class = ChangeForm

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.show(self.form(), saved="saved" in request.GET, email="email" in request.GET)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if not self.changeable():
            return self.show(None)
        form = self.form(data=request.POST)
        if not form.is_valid():
            return self.show(form)
        try:
            application_change_save(
                application=self.application,
                expected_version=form.cleaned_data["version"],
                change=form.application_change(),
                token=token,
            )
        except StaleEditError as exc:
            return self.stale(exc)
        except ApplicationError as exc:
            if exc.code == "mail":  # the rest is saved: show it, with the address's error
                self.reload()
            form.show_error(exc.field, str(exc.message))
            return self.show(form)
        return redirect(f"{self.link()}?saved=1")

    def stale(self, exc: StaleEditError) -> HttpResponse:
        """Keep what was typed, show what is saved now, and base the next save on it."""
        data = self.request.POST.copy()
        data["version"] = str(exc.current_version)
        self.reload()
        return self.show(self.form(data=data), status=409, stale=str(exc.message))


class EmailCodeView(LinkPage):
    """The code sent to a new e-mail address, entered on the link's page; or the change
    cancelled."""

    form_class = CodeForm

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if not self.changeable():
            return self.show(None)
        if "cancel" in request.POST:
            email_change_cancel(application=self.application)
            return redirect(self.link())
        if rate_limited(request, "summerjob_code"):
            return self.too_many()
        code_form, notice = CodeForm(request.POST), ""
        try:
            if code_form.is_valid():
                code = code_form.cleaned_data["code"]
                email_change_confirm(application=self.application, token=token, code=code)
                return redirect(f"{self.link()}?email=1")
        except ApplicationError as exc:
            if exc.field == "code":
                code_form.add_error("code", str(exc.message))
            else:  # the waiting address is gone: say why above the page
                notice = str(exc.message)
        self.reload()
        return self.show(self.form(), status=400, code_form=code_form, notice=notice)


class WithdrawView(LinkPage):
    form_class = WithdrawForm

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = WithdrawForm(request.POST)
        if not self.changeable() or not form.is_valid():
            return self.show(self.form())
        try:
            application_withdraw(
                application=self.application, expected_version=form.cleaned_data["version"]
            )
        except ApplicationError as exc:
            self.reload()
            return self.show(self.form(), status=409, stale=str(exc.message))
        return redirect(self.link())
