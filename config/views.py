"""Pieces every HTML view shares: turning a service's ApplicationError into a form error."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from accounts.roles import Roles, roles_of
from config.errors import ApplicationError


class RoleRequiredMixin:
    """Pages for one kind of role: anybody else gets 404, as if the page did not exist."""

    def allowed(self, roles: Roles) -> bool:
        return roles.any

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # type: ignore[attr-defined]
        if not self.allowed(roles_of(request.user)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ServiceFormView(FormView):
    """Bind a form, call one service in ``perform(form)`` (each subclass names its own),
    redirect with a message."""

    success_message: str = ""
    perform: Any

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            self.result = self.perform(form)
        except ApplicationError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc.message))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


@never_cache
@login_required
def hello(request: HttpRequest) -> HttpResponse:
    """A signed-in page that does nothing but pass every middleware: the baseline that
    `make bench` measures each page against."""
    return HttpResponse("hello\n", content_type="text/plain; charset=utf-8")
