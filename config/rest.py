"""The API's shared pieces: pagination, the one error format, optimistic concurrency (ETag and
If-Match), query parameters and strict input fields. Kept apart from the router and the viewsets
(config/viewsets.py), which DRF's settings would otherwise import in a circle."""

import base64
import binascii
import datetime
import hashlib
import json
import re
from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, JsonResponse
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
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
    """Keyset pagination: a cursor holds the values of every ordering field of the row it
    follows (the last of them the primary key, so that no two rows share a position), and the
    next page is the rows after those values in that order: ``WHERE (a, b, id) > (x, y, z)``
    written out, never an OFFSET. A page at any depth is one seek in an index that has the
    ordering, as cheap as the first, and no row is skipped or shown twice, however many share
    a name or a date. DRF's own cursor positions on the first field only and counts ties with
    an offset, which grows with the ties and loses rows when they straddle pages."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        """The ordering the view validated from ``?ordering=``, else the primary key."""
        chosen = getattr(view, "cursor_ordering", None)
        ordering = tuple(chosen) if chosen else super().get_ordering(request, queryset, view)
        keyset_fields(queryset.model, ordering)  # refuses an ordering it cannot page
        return ordering

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.fields = keyset_fields(queryset.model, self.ordering)
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        queryset = queryset.order_by(*(_reversed(self.ordering) if reverse else self.ordering))
        if self.cursor is not None:
            queryset = queryset.filter(after(self.fields, self.cursor.position, reverse=reverse))
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        more = len(rows) > self.page_size
        if reverse:
            self.page.reverse()
        # The way back is open where the cursor came from; the way on, where a row was left.
        self.has_next = more or reverse
        self.has_previous = more if reverse else self.cursor is not None
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def get_next_link(self):
        if not self.has_next:
            return None
        position = self._position(self.page[-1]) if self.page else self.cursor.position
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=False, position=position))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._position(self.page[0]) if self.page else self.cursor.position
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=True, position=position))

    def _position(self, row) -> tuple:
        return tuple(getattr(row, field.attname) for field, _ in self.fields)

    def encode_cursor(self, cursor) -> str:
        body = {
            "o": ",".join(self.ordering),
            "r": int(cursor.reverse),
            "p": [_dumped(value) for value in cursor.position],
        }
        raw = json.dumps(body, separators=(",", ":")).encode()
        encoded = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
        return replace_query_param(self.base_url or "", self.cursor_query_param, encoded)

    def decode_cursor(self, request):
        """The cursor of ``?cursor=``, or None; 404 for one this list did not make (damaged,
        of another ordering, or with values its fields cannot hold), as DRF answers."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            body = json.loads(raw)
            if body["o"] != ",".join(self.ordering) or body["r"] not in (0, 1):
                raise ValueError("another list's cursor")
            values = body["p"]
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError("not a position of this ordering")
            position = tuple(_loaded(f, v) for (f, _), v in zip(self.fields, values, strict=True))
        except (ValueError, TypeError, KeyError, OverflowError, binascii.Error):
            raise exceptions.NotFound(self.invalid_cursor_message) from None
        return pagination.Cursor(offset=0, reverse=bool(body["r"]), position=position)


Keyset = list[tuple[models.Field, bool]]  # the ordering's fields, each with "descending"


def keyset_fields(model: type[models.Model], ordering: tuple[str, ...]) -> Keyset:
    """The fields of ``ordering`` on ``model``, which must end with the primary key (ties
    broken, so that every row has a position of its own) and name the model's own columns
    that cannot be empty (NULL has no place in a comparison)."""
    if not ordering or ordering[-1].lstrip("-") not in ("pk", model._meta.pk.name):
        raise ImproperlyConfigured(f"A cursor ordering must end with the primary key: {ordering}")
    fields = []
    for name in ordering:
        bare = name.lstrip("-")
        field = model._meta.pk if bare == "pk" else model._meta.get_field(bare)
        if not isinstance(field, models.Field) or field.null or not field.concrete:
            raise ImproperlyConfigured(f"{model.__name__}.{bare} cannot order a cursor.")
        fields.append((field, name.startswith("-")))
    return fields


def after(fields: Keyset, position: tuple, *, reverse: bool = False) -> models.Q:
    """The rows that come after ``position`` in the order of ``fields`` (before it, with
    ``reverse``): the first field past its value, or equal and the second past its value, and
    so on. The first field's bound also stands alone, so that the database seeks to it in an
    index that starts with that field."""
    first, first_descending = fields[0]
    bound = "lte" if first_descending != reverse else "gte"
    ties: dict[str, object] = {}
    past = models.Q()
    for (field, descending), value in zip(fields, position, strict=True):
        beyond = "lt" if descending != reverse else "gt"
        past |= models.Q(**ties, **{f"{field.attname}__{beyond}": value})
        ties[field.attname] = value
    return models.Q(**{f"{first.attname}__{bound}": position[0]}) & past


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


def _dumped(value):
    """A value of a position as JSON holds it: dates and times in ISO 8601."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def _loaded(field: models.Field, value):
    """A value of a cursor as the field holds it, or ValueError: what the database would
    refuse (an integer beyond its range, a NUL in text, a time without a zone) never reaches
    it."""
    if isinstance(field, models.DateTimeField):
        loaded = datetime.datetime.fromisoformat(value)
        if loaded.tzinfo is None:
            raise ValueError("a time without its zone")
        return loaded
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_ID:
            raise ValueError("not an integer of the column's range")
        return value
    longest = getattr(field, "max_length", None) or 1000
    if isinstance(value, str) and "\x00" not in value and len(value) <= longest:
        return value
    raise ValueError("not a value of the column")


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
