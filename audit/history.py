"""The change history in people's words: one formatter for every row of "what changed".

A change event stores field names and values as strings. Here they become the field's
translated label and a display value — a choice's label, a formatted date, yes/no — and a
headline such as «Goal added». A model may shape its own rows with two optional class
attributes, so that this lower layer knows nothing of the models above it:

- ``audit_labels``: labels for keys that are not fields (e.g. what an exit closed);
- ``audit_headline(action, changes)``: a headline that says it all (e.g. «CV uploaded (PDF,
  4.8 KB)»), returning the headline and the keys it used up, or None;
- ``audit_value(name, value)``: how a field stored in the model's own code reads (e.g. a
  schedule's «01234» as «Mon, Tue, Wed, Thu, Fri»), or None to leave it to this module.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "–"


@dataclass(frozen=True)
class HistoryRow:
    label: str
    old: str
    new: str
    # A fact recorded with the change (what an exit closed), not a field that had a value before.
    only_new: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    headline: str
    rows: list[HistoryRow]


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _thing(model: type[models.Model] | None) -> str:
    return capfirst(str(model._meta.verbose_name)) if model else _("Record")


def _headline(model, action: str) -> str:
    thing = _thing(model)
    if action == "create":
        return _("%(thing)s added") % {"thing": thing}
    if action == "delete":
        return _("%(thing)s removed") % {"thing": thing}
    return _("%(thing)s changed") % {"thing": thing}


def _field(model, name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _label(model, field: models.Field | None, name: str) -> str:
    extra = getattr(model, "audit_labels", {}) or {}
    if name in extra:
        return capfirst(str(extra[name]))
    if field is None:
        return capfirst(name.replace("_", " "))
    # A relation without its own verbose name is named after the model it points to.
    if (
        field.is_relation
        and isinstance(field.related_model, type)
        and field.verbose_name == name.replace("_", " ")
    ):
        return capfirst(str(field.related_model._meta.verbose_name))
    label = field.verbose_name
    # A field named without a translatable label still reads well when the words are known.
    return capfirst(_(label) if isinstance(label, str) else str(label))


def display_value(field: models.Field | None, value: str | None) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return EMPTY
    if field is None:
        return value
    choices = {str(key): str(label) for key, label in (field.flatchoices or [])}
    if value in choices:
        return choices[value]
    if isinstance(field, models.BooleanField):
        return _("Yes") if value == "True" else _("No")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT") if moment else value
    if isinstance(field, models.DateField):
        day = _as_date(value)
        return formats.date_format(day, "SHORT_DATE_FORMAT") if day else value
    if isinstance(field, models.DecimalField | models.FloatField):
        try:
            return formats.number_format(Decimal(value), use_l10n=True)
        except InvalidOperation:
            return value
    return value


def _as_date(value: str) -> date | None:
    try:
        return parse_date(value[:10])
    except ValueError:
        return None


def history_entry(event) -> HistoryEntry:
    """The headline and the (label, old, new) rows of one change event."""
    model = _model(event.model)
    changes: dict = event.changes or {}
    used: set[str] = set()
    headline = None
    shaper = getattr(model, "audit_headline", None)
    if shaper is not None:
        shaped = shaper(event.action, changes)
        if shaped is not None:
            headline, used = shaped
    rows = []
    for name, (old, new) in sorted(changes.items()):
        if name in used:
            continue
        field = _field(model, name)
        rows.append(
            HistoryRow(
                label=_label(model, field, name),
                old=_extra_value(model, name, old)
                or _own_value(model, name, old)
                or display_value(field, old),
                new=_extra_value(model, name, new)
                or _own_value(model, name, new)
                or display_value(field, new),
                only_new=field is None and name in (getattr(model, "audit_labels", {}) or {}),
            )
        )
    return HistoryEntry(headline=headline or _headline(model, event.action), rows=rows)


def _own_value(model, name: str, value: str | None) -> str | None:
    shaper = getattr(model, "audit_value", None)
    return shaper(name, value) if shaper is not None and value not in (None, "") else None


def _extra_value(model, name: str, value: str | None) -> str | None:
    """Values of keys that are not fields: a count, or "kept" for what was left open."""
    if name not in (getattr(model, "audit_labels", {}) or {}):
        return None
    if value == "kept":
        return _("No, left open")
    return value if value not in (None, "") else EMPTY
