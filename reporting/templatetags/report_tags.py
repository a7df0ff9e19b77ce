from django import template

from reporting.documents import figure_sections

register = template.Library()


@register.filter
def report_sections(snapshot: dict) -> list:
    """The frozen figures, grouped and labelled in the page's language, without charts."""
    return figure_sections(snapshot, with_charts=False)
