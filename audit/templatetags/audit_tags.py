from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

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
def field_label(label: str, field: str) -> str:
    model = _model(label)
    try:
        return str(model._meta.get_field(field).verbose_name) if model else field
    except FieldDoesNotExist:
        return field
