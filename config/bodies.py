"""Request bodies no parser should be handed: JSON nested deeper than any real request, which
Python's JSON decoder answers with a RecursionError (a server error) instead of a parse error."""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

# The API's deepest body is a few levels; a thousand is an attack or a bug.
MAX_JSON_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deep the brackets of a JSON text nest, counted without parsing it (so without
    recursion); brackets inside strings do not count."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _is_json(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    return content_type == "application/json" or content_type.endswith("+json")


def _readable(request: HttpRequest) -> bool:
    """A body the request may read: a larger one is refused by whatever reads it, in its own
    words (the API answers 413 after authentication)."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    return declared.isdigit() and 0 < int(declared) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def json_depth_limit(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A JSON body nested deeper than MAX_JSON_DEPTH is a 400 in the API's error format."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if _is_json(request) and _readable(request) and json_depth(request.body) > MAX_JSON_DEPTH:
            detail = _("The request body is nested too deeply.")
            return JsonResponse({"detail": detail, "code": "too_deep", "fields": {}}, status=400)
        return get_response(request)

    return middleware
