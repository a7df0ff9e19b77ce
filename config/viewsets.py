"""The base of the API's viewsets, the schema class that documents their errors and the
decorator that documents their operations."""

from typing import cast

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, parsers, serializers, viewsets
from rest_framework.response import Response

from config.rest import (
    ErrorSerializer,
    PayloadTooLarge,
    check_if_match,
    etag_for_version,
    id_param,
)


class AutoSchema(SpectacularAutoSchema):
    """Documents the error responses every operation can give, in the one error format."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method == "GET" and self._is_list_view():
            codes += ["400", "404"]
        if self.method in {"POST", "PUT", "PATCH"}:
            codes += ["400", "413", "415"]
        if self.method in {"PUT", "PATCH"}:
            codes += ["412", "428"]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def _get_request_for_media_type(self, serializer, direction="request"):
        """A PATCH that is an action (``partial_patch = False``) documents its required fields."""
        if self.method != "PATCH" or getattr(self.view, "partial_patch", True):
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"


# --- the base viewset --------------------------------------------------------------------------


class ServiceViewSet(viewsets.GenericViewSet):
    """Reads through a selector, writes through a service: an input serializer validates, the
    service decides, the output serializer answers. Detail answers carry an ETag; an update
    needs If-Match with it.

    A subclass sets ``serializer_class`` (output), ``create_serializer_class`` /
    ``update_serializer_class`` (input), ``filter_serializer_class`` (query parameters, with
    an ``ordering`` choice among ``orderings``), and implements ``get_queryset``,
    ``create_with(data)``, ``update_with(instance, data, expected_version)`` and, where the
    row has no version, ``etag``."""

    parser_classes = [parsers.JSONParser]
    lookup_value_regex = "[^/]+"
    create_serializer_class: type[serializers.Serializer] | None = None
    update_serializer_class: type[serializers.Serializer] | None = None
    filter_serializer_class: type[serializers.Serializer] | None = None
    orderings: dict[str, tuple[str, ...]] = {"id": ("pk",), "-id": ("-pk",)}
    # False where a PATCH is an action that needs all its fields (a status change, "done"),
    # not a change of some fields of the record.
    partial_patch = True
    editing = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Checked after authentication (a stranger learns nothing), before the body is read.
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLarge()

    @cached_property
    def filters(self) -> dict:
        if self.filter_serializer_class is None:
            return {}
        params = self.filter_serializer_class(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        chosen = params.validated_data.items()
        return {key: value for key, value in chosen if value is not None and value != ""}

    @property
    def cursor_ordering(self) -> tuple[str, ...] | None:
        if self.action != "list":
            return None
        return self.orderings.get(self.filters.get("ordering", "id"))

    def narrow(self, queryset, **lookups: str):
        """A list narrowed by its validated filters, given as ``lookup="filter name"``; a
        single row is looked up in the whole scope."""
        if self.action != "list":
            return queryset
        chosen = {lookup: self.filters.get(name) for lookup, name in lookups.items()}
        return queryset.filter(**{k: v for k, v in chosen.items() if v is not None})

    def with_current(self, instance, data: dict, names=None) -> dict:
        """A partial change completed with the record's current values (the services take the
        whole record); by default every field the update serializer takes."""
        if names is None:
            names = cast(
                type[serializers.ModelSerializer], self.update_serializer_class
            ).Meta.fields
        return {**{name: getattr(instance, name) for name in names}, **data}

    def get_object(self):
        pk = id_param(self.kwargs.get(self.lookup_field))
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise Http404
        return instance

    def etag(self, instance) -> str:
        return etag_for_version(instance.version)

    def respond(self, instance, status: int = 200) -> Response:
        response = Response(self.get_serializer(instance).data, status=status)
        response["ETag"] = self.etag(instance)
        return response

    def validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())

    def create(self, request, *args, **kwargs):
        self.check_may_create()
        created = self.create_with(self.validated(self.create_serializer_class))
        return self.respond(self.get_object_after_write(created), status=201)

    def update(self, request, *args, partial: bool = False, **kwargs):
        with transaction.atomic():
            instance = self.editing = self.get_object_for_update()
            check_if_match(request, self.etag(instance))
            data = self.validated(self.update_serializer_class, partial=partial)
            updated = self.update_with(instance, data, expected_version=self.version_of(instance))
        return self.respond(self.get_object_after_write(updated))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=self.partial_patch, **kwargs)

    def check_may_create(self) -> None:
        """Refuse (403) a user whose role may not create here at all."""

    def get_object_for_update(self):
        return self.get_object()

    def version_of(self, instance) -> int | None:
        return getattr(instance, "version", None)

    def get_object_after_write(self, instance):
        """The row as the reads show it (annotations, prefetches), after a service wrote it."""
        self.kwargs[self.lookup_field] = str(instance.pk)
        return self.get_object()

    def create_with(self, data: dict):
        raise exceptions.MethodNotAllowed(self.request.method or "")

    def update_with(self, instance, data: dict, *, expected_version: int | None):
        raise exceptions.MethodNotAllowed(self.request.method or "")


def ordered_by(*names: str) -> dict[str, tuple[str, ...]]:
    """The default orderings, and for each field name its ascending and descending order (ties
    broken by id, so that a cursor never skips a row)."""
    orderings = dict(ServiceViewSet.orderings)
    for name in names:
        orderings[name] = (name, "pk")
        orderings[f"-{name}"] = (f"-{name}", "-pk")
    return orderings


# --- the schema of a resource ------------------------------------------------------------------

_ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description=_("The version of the record; send it back in If-Match to change it."),
)
_IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "The ETag of the version the change is based on. Missing: 428; not the current "
        "version: 412, and nothing is changed."
    ),
)


def documented(tag: str):
    """The schema of a resource's operations, from the serializers the viewset names."""

    def decorate(viewset):
        output = viewset.serializer_class
        views = {
            "list": extend_schema(tags=[tag], parameters=[viewset.filter_serializer_class]),
            "retrieve": extend_schema(tags=[tag], responses=output, parameters=[_ETAG]),
            "create": extend_schema(
                tags=[tag],
                request=viewset.create_serializer_class,
                responses={201: output},
                parameters=[_ETAG],
            ),
        }
        for action in ("update", "partial_update"):
            views[action] = extend_schema(
                tags=[tag],
                request=viewset.update_serializer_class,
                responses=output,
                parameters=[_IF_MATCH, _ETAG],
            )
        return extend_schema_view(**views)(viewset)

    return decorate
