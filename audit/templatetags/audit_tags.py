from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext

register = template.Library()


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@register.filter
def model_label(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model else label


@register.filter
def change_rows(event) -> list[tuple[str, str | None, str | None]]:
    """(field label, old, new) for a change event, with choice codes shown as their labels."""
    model = _model(event.model)
    rows = []
    for name, (old, new) in sorted(event.changes.items()):
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if field is None:
            rows.append((name, old, new))
            continue
        choices = {str(k): str(v) for k, v in (field.flatchoices or [])}
        choices.update({"True": gettext("Yes"), "False": gettext("No")})
        rows.append((str(field.verbose_name), choices.get(old, old), choices.get(new, new)))
    return rows


@register.filter
def field_label(label: str, field: str) -> str:
    model = _model(label)
    try:
        return str(model._meta.get_field(field).verbose_name) if model else field
    except FieldDoesNotExist:
        return field
