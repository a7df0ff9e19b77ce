"""The API's shared pieces: pagination, the one error format, optimistic concurrency (ETag and
If-Match), query parameters and strict input fields. Kept apart from the router and the viewsets
(config/viewsets.py), which DRF's settings would otherwise import in a circle."""

import hashlib
import re
from collections.abc import Callable, Mapping

from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, JsonResponse
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.dates import EARLIEST_DATE, LATEST_DATE
from config.errors import ApplicationError, StaleEditError

# Ids in URLs and bodies: at most 18 digits, so an absurd number is "not found", never an
# overflow in the database.
_ID = re.compile(r"[1-9][0-9]{0,17}")
MAX_ID = 10**18 - 1
STALE_MESSAGE = _(
    "Somebody else changed this record after you read it. Fetch it again and repeat your "
    "change with its new ETag in If-Match."
)


class CursorPagination(pagination.CursorPagination):
    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        """The ordering the view validated from ``?ordering=``, else the primary key."""
        chosen = getattr(view, "cursor_ordering", None)
        return tuple(chosen) if chosen else super().get_ordering(request, queryset, view)


# --- errors ------------------------------------------------------------------------------------


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = STALE_MESSAGE
    default_code = "stale"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _(
        "Send the ETag you got with the record in an If-Match header, so that a change "
        "somebody else made in the meantime is not overwritten."
    )
    default_code = "precondition_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def _body(detail, code: str, fields: dict) -> dict:
    return {"detail": str(detail), "code": code, "fields": fields}


def exception_handler(exc, context):
    """Every error as ``{"detail": ..., "code": ..., "fields": {...}}``; rule violations are
    400, a change based on an outdated version 412."""
    if isinstance(exc, StaleEditError):
        # The service's message speaks of a form; its list of changes may hold values the
        # client must not see (a protected address): neither goes out.
        return Response(_body(STALE_MESSAGE, "stale", {}), 412)
    if isinstance(exc, ApplicationError):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        return Response(_body(exc.message, exc.code, fields), 400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        body = _body(data["detail"], getattr(data["detail"], "code", "error"), {})
    else:
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        body = _body(exceptions.ValidationError.default_detail, "invalid", fields)
    response.data = body
    return response


class ErrorSerializer(serializers.Serializer):
    """The one error format of the API."""

    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))
    code = serializers.CharField(help_text=_("A stable machine-readable code."))
    # The metaclass takes declared fields out of the class, so this replaces no Serializer.fields;
    # the stub cannot know.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Per field, what is wrong with it (empty when the error is not a field's)."),
    )


# --- optimistic concurrency --------------------------------------------------------------------


def etag_for_version(version: int) -> str:
    return f'"{int(version)}"'


def etag_for_state(*values) -> str:
    """For rows without a version: a fingerprint of what an update may change."""
    digest = hashlib.sha256(repr(values).encode()).hexdigest()[:20]
    return f'"s{digest}"'


def check_if_match(request, current_etag: str) -> None:
    """428 without If-Match (or with ``*``, which would overwrite anything); 412 unless it names
    the current version."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = parse_etags(header)
    if tags == ["*"]:
        raise PreconditionRequired()
    if current_etag not in tags:
        raise PreconditionFailed()


# --- query parameters --------------------------------------------------------------------------


def id_filter(help_text) -> serializers.IntegerField:
    """A list narrowed to the rows that point at one id."""
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=help_text
    )


def ordering_field(choices: list[str]) -> serializers.ChoiceField:
    """``?ordering=``: one of the orderings the viewset names."""
    return serializers.ChoiceField(
        choices=choices, required=False, help_text=_("The order of the list.")
    )


# --- strict input ------------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """Text only: a number or a list where text belongs is an error, not silently converted."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false only (not "yes", 1 or "on")."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=str(data)[:20])
        return data


def blank_choice(choices) -> serializers.ChoiceField:
    """An answer's choice field that may be empty; a ModelSerializer's read-only field would
    leave the empty value out of the schema."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


def bounded_date(**kwargs) -> serializers.DateField:
    """A date a record can hold (config/dates.py)."""
    return serializers.DateField(
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)], **kwargs
    )


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """The id of a row the user may use, among those ``scope(user=...)`` returns (a selector).
    A row out of scope reads exactly like one that does not exist."""

    def __init__(self, *, scope: Callable, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none()
        return self.scope(user=request.user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not _ID.fullmatch(str(data)):
            self.fail("does_not_exist", pk_value=str(data)[:20])
        return super().to_internal_value(int(data))


class InputSerializer(serializers.Serializer):
    """What a client sends; a field it does not know is refused, never ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [str(key)[:100] for key in data if key not in known]
            if unknown:
                raise serializers.ValidationError(
                    {key: [_("This field is not known.")] for key in unknown[:20]}
                )
        return super().to_internal_value(data)


def _strict_mapping() -> dict:
    return {
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.BooleanField: StrictBooleanField,
    }


class ModelInputSerializer(InputSerializer, serializers.ModelSerializer):
    """An input serializer that borrows a model's field definitions (lengths, choices) with
    strict types. It never saves: the validated data go to a service."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **_strict_mapping(),
    }


def not_found(request, exception=None):
    """Django's 404 for an address no route matches (``handler404``): under /api/ in the one
    error format, elsewhere the site's page."""
    if request.path.startswith("/api/"):
        body = _body(exceptions.NotFound.default_detail, "not_found", {})
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def id_param(value) -> int:
    """A URL id as an int, or 404."""
    if not _ID.fullmatch(str(value)):
        raise Http404
    return int(value)
