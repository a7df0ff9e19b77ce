"""The requests of pages and endpoints that let only signed-in users in (LoginRequiredMixin,
login_required, the API's IsAuthenticated), for annotations: their user is a User. django-htmx's
middleware (on every request) has told a page's request whether htmx sent it."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from accounts.models import Municipality, User


class SignedInRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


class SignedInApiRequest(Request):
    user: User


def own_municipality(user: User) -> Municipality:
    """The municipality the user works in; the platform's operators, who have none, are refused
    (403) what only a municipality's staff may do."""
    if user.municipality is None:
        raise PermissionDenied
    return user.municipality
