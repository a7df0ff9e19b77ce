"""The form renderer: Django's own, with the widgets pages draw by the dozen built in Python.

Django draws every ``<option>`` and ``<input>`` through a template of its own, with an include
for the attributes: some 0.3 ms an option, which made a caseload's filter lists (forty
caseworkers, the cohorts, the statuses) cost more than its table. The same HTML, character
for character, comes from a few string joins here; tests/config/test_form_renderer.py holds
the two to each other over every widget kind. A widget with a template of its own, or an
option with one, goes through the templates as before."""

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

WIDGETS = "django/forms/widgets/"
OPTION = f"{WIDGETS}select_option.html"
# Widgets whose template is nothing but an include of input.html.
_INPUTS: tuple[str, ...] = ("checkbox", "color", "date", "datetime", "email", "file", "hidden")
_INPUTS += ("number", "password", "search", "tel", "text", "time", "url")


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` and ``{{ value }}`` with autoescaping: escaped unless
    marked safe."""
    return str(conditional_escape(value if isinstance(value, SafeString) else str(value)))


def _attrs(attrs: Mapping[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option.get("template_name") != OPTION:
                return None  # an option of its own kind: the templates draw it
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_BUILDERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}input.html": _input,
    **{f"{WIDGETS}{kind}.html": _input for kind in _INPUTS},
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        build = _BUILDERS.get(template_name)
        if build is not None and "widget" in context:
            html = build(context["widget"])
            if html is not None:
                return html.strip()  # Widget.render marks it safe: every value is escaped
        return super().render(template_name, context, request)
