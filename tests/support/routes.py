"""Every page and form the project serves, found by walking the URL resolver: a new view is
fuzzed (and needs a description) from the day its route is added."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# The apps whose HTML pages are the project's own; the API has its own schema-driven fuzzer,
# allauth's and the admin's forms are theirs.
ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {
    config.name.split(".")[0]
    for config in apps.get_app_configs()
    if Path(config.path).parent == ROOT
}
NOT_PAGES = {"api-schema", "api-docs", "health", "hello"}
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    view: Callable

    @property
    def view_class(self) -> type | None:
        return getattr(self.view, "view_class", None)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(match["name"] for match in _PARAM.finditer(self.pattern))

    @property
    def accepts_post(self) -> bool:
        # A function view may take any method: it is sent both.
        return self.view_class is None or hasattr(self.view_class, "post")

    @property
    def accepts_get(self) -> bool:
        return self.view_class is None or hasattr(self.view_class, "get")

    @property
    def form_class(self) -> type | None:
        return getattr(self.view_class, "form_class", None)

    def __str__(self) -> str:
        return self.name


def _walk(patterns: list, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback)


def _is_project_page(route: Route) -> bool:
    module = (route.view_class or route.view).__module__
    own = module.split(".")[0] in PROJECT_APPS and route.name not in NOT_PAGES
    return own and not route.pattern.startswith("api/")


def project_pages() -> list[Route]:
    """The project's own HTML pages and form endpoints, in URLconf order."""
    return [
        route for route in _walk(get_resolver().url_patterns, "", "") if _is_project_page(route)
    ]
