from allauth.account.decorators import reauthentication_required
from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView
from django.views.i18n import set_language

from accounts.forms import (
    ApiTokenForm,
    InvitationPasswordForm,
    InviteForm,
    MunicipalitySettingsForm,
    RoleForm,
    UserLanguageForm,
)
from accounts.http import SignedInRequest
from accounts.identity import enabled_providers, municipality_provider, provider_by_slug
from accounts.models import PasswordSignIn, Protocol
from accounts.roles import RoleRequiredMixin, Roles
from accounts.saml import saml_login
from accounts.selectors import municipality_user_get, municipality_users
from accounts.services import (
    invitation_accept,
    invitation_create,
    invitation_from_token,
    municipality_settings_set,
    role_grant,
    role_revoke,
    user_invite,
    user_language_set,
    user_set_active,
)
from accounts.sign_in_csp import provider_forms_allowed
from accounts.sign_out import oidc_sign_out_returned, sign_out_onward_url
from accounts.social import INVITATION_KEY, oidc_login
from accounts.tokens import (
    MAX_DAYS,
    api_token_create,
    api_token_revoke,
    token_default_expiry,
    user_token_get,
    user_tokens,
)
from config.errors import ApplicationError
from config.views import ServiceFormView


class MunicipalityAdminMixin(LoginRequiredMixin, RoleRequiredMixin):
    def allowed(self, roles: Roles) -> bool:
        return roles.municipality_admin


class MunicipalitySettingsView(MunicipalityAdminMixin, ServiceFormView):
    """The municipality's own settings, for its admin."""

    template_name = "accounts/municipality.html"
    form_class = MunicipalitySettingsForm
    success_message = gettext_lazy("The settings are saved.")
    success_url = reverse_lazy("accounts:municipality")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.request.user.municipality}

    def get_initial(self):
        municipality = self.request.user.municipality
        return {
            "disclosure_threshold": municipality.disclosure_threshold,
            "language": municipality.default_language,
        }

    def perform(self, form):
        return municipality_settings_set(
            actor=self.request.user,
            threshold=form.cleaned_data["disclosure_threshold"],
            language=form.cleaned_data["language"],
        )


class UserListView(MunicipalityAdminMixin, ListView):
    template_name = "accounts/user_list.html"
    context_object_name = "users"
    paginate_by = 50

    def get_queryset(self):
        return municipality_users(admin=self.request.user)


class UserInviteView(MunicipalityAdminMixin, ServiceFormView):
    template_name = "accounts/invite.html"
    form_class = InviteForm
    success_url = reverse_lazy("accounts:users")
    success_message = gettext_lazy("The invitation has been sent.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.request.user.municipality}

    def perform(self, form):
        return user_invite(invited_by=self.request.user, **form.cleaned_data)


class UserDetailView(MunicipalityAdminMixin, ServiceFormView):
    """One user's roles and status; adding a role is the page's form."""

    template_name = "accounts/user_detail.html"
    form_class = RoleForm
    success_message = gettext_lazy("The role has been added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.request.user.municipality}

    def get_context_data(self, **kwargs):
        member = municipality_user_get(admin=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "member": member}

    def perform(self, form):
        member = municipality_user_get(admin=self.request.user, pk=self.kwargs["pk"])
        return role_grant(actor=self.request.user, user=member, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("accounts:user", kwargs={"pk": self.kwargs["pk"]})


class UserActionView(MunicipalityAdminMixin, View):
    """The buttons on a user's page: remove a role, (de)activate, send a new invitation."""

    request: SignedInRequest

    def post(self, request: SignedInRequest, pk: int, action: str) -> HttpResponse:
        member = municipality_user_get(admin=request.user, pk=pk)
        try:
            message = self.perform(action, member, request.POST)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, message)
        return redirect("accounts:user", pk=member.pk)

    def perform(self, action: str, member, data) -> str:
        actor = self.request.user
        if action == "remove-role":
            role_revoke(
                actor=actor,
                user=member,
                membership_id=_int(data.get("membership")),
                supervision_id=_int(data.get("supervision")),
                admin="admin" in data,
            )
            return _("The role has been removed.")
        if action in {"deactivate", "activate"}:
            user_set_active(actor=actor, user=member, active=action == "activate")
            return (
                _("The user can sign in.")
                if action == "activate"
                else _("The user can no longer sign in.")
            )
        if action == "reinvite" and not member.has_usable_password() and member.is_active:
            invitation_create(user=member, invited_by=actor)
            return _("A new invitation has been sent.")
        raise ApplicationError(_("That cannot be done for this user."))


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 19 else None


class InvitationProviderView(View):
    """An invited user signs in through their municipality's identity provider instead of
    choosing a password: the answer is tied to them (accounts/social.py)."""

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            invitation = invitation_from_token(token)
        except ApplicationError as exc:
            context = {"message": exc.message}
            return render(request, "accounts/invitation_invalid.html", context, status=400)
        provider = municipality_provider(invitation.user.municipality_id)
        if provider is None:
            raise Http404
        request.session[INVITATION_KEY] = invitation.pk
        if provider.protocol == Protocol.SAML:
            return saml_login(request, provider.slug)
        return oidc_login(request, provider.slug)


class InvitationAcceptView(View):
    """Set a first password from an invitation link; works only once and only until it expires."""

    template_name = "accounts/invitation_accept.html"

    def dispatch(self, request: HttpRequest, token: str) -> HttpResponseBase:
        try:
            self.invitation = invitation_from_token(token)
        except ApplicationError as exc:
            context = {"message": exc.message}
            return render(request, "accounts/invitation_invalid.html", context, status=400)
        return super().dispatch(request, token)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._render(InvitationPasswordForm(self.invitation.user))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = InvitationPasswordForm(self.invitation.user, request.POST)
        if form.is_valid():
            try:
                invitation_accept(
                    invitation=self.invitation, password=form.cleaned_data["new_password1"]
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
                return self._render(form)
            messages.success(request, _("Your password is set. Sign in to continue."))
            return redirect(reverse("account_login"))
        return self._render(form)

    def _render(self, form) -> HttpResponse:
        provider = municipality_provider(self.invitation.user.municipality_id)
        context = {
            "form": form,
            "invited": self.invitation.user,
            "provider": provider,
            "token": self.kwargs["token"],
        }
        response = render(self.request, self.template_name, context)
        return provider_forms_allowed(response, [provider] if provider else [])


class ApiTokenListView(LoginRequiredMixin, RoleRequiredMixin, ListView):
    """The user's own API tokens: made, used, expired or revoked."""

    template_name = "accounts/token_list.html"
    context_object_name = "tokens"
    paginate_by = 50

    def get_queryset(self):
        return user_tokens(user=self.request.user)


@method_decorator(reauthentication_required, name="dispatch")
class ApiTokenCreateView(LoginRequiredMixin, RoleRequiredMixin, ServiceFormView):
    """Make a token after a recent re-entry of the password; its secret is shown on the answer
    to this request and never again (it is not stored, and the page is not cached)."""

    template_name = "accounts/token_form.html"
    form_class = ApiTokenForm

    def get_initial(self):
        return {"expires_on": token_default_expiry()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "max_days": MAX_DAYS}

    def perform(self, form):
        return api_token_create(actor=self.request.user, **form.cleaned_data)

    def form_valid(self, form):
        response = super().form_valid(form)
        if not hasattr(self, "result"):
            return response
        token, secret = self.result
        shown = render(
            self.request, "accounts/token_created.html", {"token": token, "secret": secret}
        )
        shown["Cache-Control"] = "no-store"
        return shown

    def get_success_url(self) -> str:
        return reverse("tokens:list")


class ApiTokenRevokeView(LoginRequiredMixin, View):
    """POST only; another user's token is not found."""

    def post(self, request: SignedInRequest, pk: int) -> HttpResponse:
        token = user_token_get(user=request.user, pk=pk)
        api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("The token has been revoked. It no longer works."))
        return redirect("tokens:list")


class UserLanguageView(LoginRequiredMixin, ServiceFormView):
    """The user's own language for pages and mail, or their municipality's."""

    template_name = "accounts/language.html"
    form_class = UserLanguageForm
    success_url = reverse_lazy("user-language")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"language": self.request.user.chosen_language}

    def perform(self, form):
        user_language_set(actor=self.request.user, language=form.cleaned_data["language"])

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            language = self.request.user.language
            with translation.override(language):
                messages.success(self.request, _("Your language is saved."))
            remember_language(response, self.request.user.chosen_language)
        return response


def remember_language(response: HttpResponse, language: str) -> None:
    """The browser keeps the choice for the pages before signing in; no choice forgets it."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


def language_choose(request: HttpRequest) -> HttpResponse:
    """The language menu at the foot of every page. Signed in, the choice is the user's own
    (saved, so their mail follows it too); before signing in, this browser's."""
    if request.method == "POST" and request.user.is_authenticated:
        try:
            user_language_set(actor=request.user, language=request.POST.get("language", ""))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            # A URL, never a view's name: redirect() would try to reverse "next" as one.
            return HttpResponseRedirect(_safe_next(request))
    return set_language(request)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("home")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    context = {"login_url": reverse(settings.LOGIN_URL)}
    return render(request, "csrf_failure.html", context, status=403)


class SignInView(LoginView):
    """Sign in: through a municipality's identity provider first, with a password below."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.chosen()
        providers = [chosen] if chosen else enabled_providers()
        password_open = (
            chosen is None
            or chosen.password_sign_in == PasswordSignIn.EVERYONE
            or self.request.method == "POST"
            or "break-glass" in self.request.GET
        )
        return {**context, "providers": providers, "chosen": chosen, "password_open": password_open}

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return provider_forms_allowed(response, context["providers"])

    def chosen(self):
        return None


class MunicipalityLoginView(SignInView):
    """A municipality's own sign-in page (/accounts/login/<its provider's short name>/): its
    provider only, and the password form hidden when it keeps passwords for break-glass."""

    def chosen(self):
        provider = provider_by_slug(self.kwargs["slug"])
        if provider is None or not provider.enabled:
            raise Http404
        return provider

    def get(self, request, *args, **kwargs):
        # The provider's post-logout address: back from signing out there too.
        oidc_sign_out_returned(request, self.chosen())
        return super().get(request, *args, **kwargs)


def sign_out_onward(request: HttpRequest) -> HttpResponse:
    """The page between Fotfeste's sign-out and the provider's: it goes on by itself (a
    refresh, which no form rule holds), with a button for a browser that does not."""
    url = sign_out_onward_url(request)
    if not url:
        return HttpResponseRedirect(reverse("account_login"))
    response = render(request, "account/sign_out_onward.html", {"url": url})
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
