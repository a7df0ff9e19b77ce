from django import template

from reporting.figures import category_labels, figure_labels

register = template.Library()


@register.filter
def figure_rows(snapshot: dict) -> list[tuple[str, str]]:
    """(label, text) rows; a breakdown reads «category: count · …», an empty one «–»."""
    names = figure_labels()
    rows = []
    for key, value in snapshot.items():
        if isinstance(value, dict):
            categories = category_labels(key)
            parts = [f"{categories.get(part, part)}: {count}" for part, count in value.items()]
            text = " · ".join(parts) or "–"
        else:
            text = str(value)
        rows.append((names.get(key, key), text))
    return rows
