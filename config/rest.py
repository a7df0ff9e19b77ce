"""The API's pagination and its one error format (kept apart from the router, which DRF's
settings would otherwise import in a circle)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ApplicationError


class CursorPagination(pagination.CursorPagination):
    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Every error as ``{"detail": ..., "code": ..., "fields": {...}}``; rule violations are 400."""
    if isinstance(exc, ApplicationError):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        return Response({"detail": str(exc.message), "code": exc.code, "fields": fields}, 400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        body = {
            "detail": str(data["detail"]),
            "code": getattr(data["detail"], "code", "error"),
            "fields": {},
        }
    else:
        body = {
            "detail": str(exceptions.ValidationError.default_detail),
            "code": "invalid",
            "fields": data if isinstance(data, dict) else {"non_field_errors": data},
        }
    response.data = body
    return response
