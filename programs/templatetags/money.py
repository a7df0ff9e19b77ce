from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()

# «450 000 kr» in Norwegian and Swedish (both crowns are «kr» at home); «450,000 NOK» in English.
_CROWN_LANGUAGES = ("nb", "nn", "no", "sv")


@register.filter
def money(value, currency: str = "NOK") -> str:
    """An amount (a Decimal or a Decimal string) for the page's language, with the currency;
    decimals only when there are øre or öre."""
    if value in (None, ""):
        return "–"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    places = 0 if amount == amount.to_integral_value() else 2
    number = number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    if (get_language() or "").split("-")[0] in _CROWN_LANGUAGES:
        return f"{number}\u00a0kr"
    return f"{number}\u00a0{currency}"
