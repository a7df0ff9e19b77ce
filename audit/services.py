"""Writing the audit record. Call these inside the same transaction as the change they describe."""

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from audit.models import AccessAction, AccessEvent, ChangeAction, ChangeEvent

if TYPE_CHECKING:  # the layers above whose rows the trail records (docs/architecture.md, "Types")
    from accounts.models import AnyUser, User
    from participants.models import Participant


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, str | None]:
    """The audited values of ``fields`` as strings. A foreign key is kept as the name of what it
    points to at the time of the change, so the history reads the same after later renames."""
    values: dict[str, str | None] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.Field) and not field.is_relation:
            value = getattr(instance, field.attname)
            values[name] = None if value is None else str(value)
        else:
            related = getattr(instance, name)
            values[name] = None if related is None else str(related)
    return values


def access_record(
    *, user: "User", participant: "Participant", page: str, action: str = AccessAction.VIEW
) -> AccessEvent:
    return AccessEvent.objects.create(user=user, participant=participant, page=page, action=action)


def access_record_many(
    *, user: "User", participants: Iterable["Participant"], page: str, action: str
) -> None:
    """One access event per person, in one statement (an export of many people)."""
    AccessEvent.objects.bulk_create(
        [AccessEvent(user=user, participant=p, page=page, action=action) for p in participants]
    )


def access_record_rows(
    *, user: "User", model: type[models.Model], object_ids: Iterable[int], page: str, action: str
) -> None:
    """One access event per row read about a person who is not a participant (a young
    person's summer-job applications), named by its model and key only."""
    label = model._meta.label_lower
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(user=user, model=label, object_id=str(pk), page=page, action=action)
            for pk in object_ids
        ]
    )


def change_record(
    *,
    actor: "AnyUser | None",
    instance: models.Model,
    action: str,
    before: dict[str, str | None] | None = None,
    after: dict[str, str | None] | None = None,
    participant: "Participant | None" = None,
) -> ChangeEvent | None:
    """Record what changed; an update that changed nothing records nothing."""
    before = before or {}
    after = after or {}
    names = sorted(set(before) | set(after))
    changes = {
        name: [before.get(name), after.get(name)]
        for name in names
        if before.get(name) != after.get(name)
    }
    if action == ChangeAction.UPDATE and not changes:
        return None
    if action == ChangeAction.CREATE:
        # A new record: its empty fields say nothing.
        changes = {name: values for name, values in changes.items() if values[1] not in ("", None)}
    return ChangeEvent.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        participant=participant,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        action=action,
        changes=changes,
    )


def audited_save(
    *,
    actor: "AnyUser | None",
    instance: models.Model,
    participant: "Participant | None" = None,
    **values: object,
) -> None:
    """Set ``values`` on ``instance``, save just those fields and record the old and new
    values. Call inside the transaction of the change."""
    fields = list(values)
    before = snapshot(instance, fields)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save(update_fields=fields)
    change_record(
        actor=actor,
        instance=instance,
        participant=participant,
        action=ChangeAction.UPDATE,
        before=before,
        after=snapshot(instance, fields),
    )


def audited_delete(
    *, actor: "AnyUser | None", instance: models.Model, fields: Iterable[str]
) -> None:
    """Record the row's last values, then delete it. Call inside the transaction of the
    change."""
    change_record(
        actor=actor,
        instance=instance,
        action=ChangeAction.DELETE,
        before=snapshot(instance, fields),
    )
    instance.delete()


def changes_redact(events: "models.QuerySet[ChangeEvent]") -> int:
    """Remove the old and new values of the given changes, keeping which fields changed: what
    erasure, anonymisation and the deletion of applications leave of a person's history. The
    database allows exactly this, once per row (audit/triggers.py); the append-only query set
    refuses updates, so the base ``QuerySet.update`` is called on purpose. One statement per
    shape of change, not per row. Returns how many changes were redacted."""
    now = timezone.now()
    shapes: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for pk, changes in events.filter(redacted_at__isnull=True).values_list("pk", "changes"):
        shapes[tuple(sorted(changes)) if isinstance(changes, dict) else ()].append(pk)
    for keys, pks in shapes.items():
        for start in range(0, len(pks), 500):
            rows = ChangeEvent.objects.filter(pk__in=pks[start : start + 500])
            models.QuerySet.update(
                rows, changes={key: [None, None] for key in keys}, redacted_at=now
            )
    return sum(len(pks) for pks in shapes.values())
