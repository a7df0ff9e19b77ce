"""The form view every HTML page that writes shares: a service's ApplicationError becomes a
form error."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.views.generic import FormView

from config.errors import ApplicationError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ServiceFormView(FormView):
    """Bind a form, call one service in ``perform(form)`` (each subclass names its own),
    redirect with a message."""

    success_message: "StrOrPromise" = ""
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
