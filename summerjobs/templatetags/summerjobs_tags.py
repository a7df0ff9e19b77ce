"""Numbers as the summer-job pages show them."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def hours(value: Decimal | None) -> str:
    """Hours as people write them, in the page's language: 1 840, 54,5, 7,25 (Swedish)."""
    if value is None:
        return ""
    exact = Decimal(value).quantize(Decimal("0.01"))
    for places in (0, 1):
        if exact == exact.quantize(Decimal(1).scaleb(-places)):
            return number_format(exact, decimal_pos=places, force_grouping=True)
    return number_format(exact, decimal_pos=2, force_grouping=True)
