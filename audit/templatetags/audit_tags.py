from django import template

from audit.history import HistoryEntry, history_entry

register = template.Library()


@register.filter
def history(event) -> HistoryEntry:
    """The event in people's words: a headline and translated rows (audit.history)."""
    return history_entry(event)
