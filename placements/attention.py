"""What needs a caseworker's attention today: tasks, follow-ups, consents that expire, people
without a recent note and fagprøve registration deadlines, most urgent first. On the home page
and in the morning digest."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from participants.models import (
    Consent,
    Enrollment,
    FollowUp,
    Participant,
    Task,
)
from participants.selectors import quiet_participants
from placements.models import QualificationPath

CONSENT_WARNING_DAYS = 30


DEADLINE_WARNING_DAYS = 60


def _attention(user, today: date) -> dict[str, QuerySet]:
    """What needs a caseworker's attention on ``today``, one query set per kind, unevaluated."""

    tasks = (
        Task.objects.visible_to(user)
        .open()
        .filter(assignee=user, due_on__lte=today + timedelta(days=7))
        .select_related("participant")
        .order_by("due_on", "pk")
    )
    mine = Enrollment.objects.visible_to(user).filter(caseworker=user)
    follow_ups = (
        FollowUp.objects.filter(
            enrollment__in=mine, status="", due_on__lte=today + timedelta(days=14)
        )
        .select_related("enrollment__participant")
        .order_by("due_on", "pk")
    )
    quiet = quiet_participants(user=user, today=today)
    expiring = (
        Consent.objects.in_force()
        .filter(
            participant__enrollments__in=mine,
            expires_on__isnull=False,
            expires_on__lte=today + timedelta(days=CONSENT_WARNING_DAYS),
        )
        .select_related("participant")
        .distinct()
        .order_by("expires_on", "pk")
    )
    # The fagprøve must be registered three months before the contract ends: warn in time.
    deadlines = (
        QualificationPath.objects.filter(
            enrollment__in=mine,
            fagprove_on__isnull=True,
            fagprove_result="",
            registration_deadline__isnull=False,
            registration_deadline__lte=today + timedelta(days=DEADLINE_WARNING_DAYS),
        )
        .select_related("enrollment__participant", "track")
        .order_by("registration_deadline", "pk")
    )
    return {
        "tasks": tasks,
        "follow_ups": follow_ups,
        "quiet": quiet,
        "consents": expiring,
        "deadlines": deadlines,
    }


# Up to this many people without a recent note are named; more are a count and a link.
QUIET_LIST_MAX = 5


@dataclass(frozen=True)
class AttentionItem:
    """One dated thing to look at: a task, a follow-up, a fagprøve registration deadline or a
    consent that expires. ``days_late`` is positive when overdue."""

    kind: str
    due_on: date
    days_late: int
    participant: Participant
    record: object


# Per kind: the list in ``_attention``, the date that makes it due, and the way to the person.
_DATED = (
    ("task", "tasks", "due_on", "participant"),
    ("follow_up", "follow_ups", "due_on", "enrollment.participant"),
    ("deadline", "deadlines", "registration_deadline", "enrollment.participant"),
    ("consent", "consents", "expires_on", "participant"),
)


def _by_urgency(found: dict[str, list], today: date) -> list[AttentionItem]:
    """Every dated item in one list, the most overdue first, then the soonest due."""
    items = []
    for kind, key, day, path in _DATED:
        for record in found[key]:
            person = record
            for step in path.split("."):
                person = getattr(person, step)
            due_on = getattr(record, day)
            items.append(AttentionItem(kind, due_on, (today - due_on).days, person, record))
    return sorted(items, key=lambda item: (item.due_on, item.kind, item.participant.pk))


def needs_attention(*, user, limit: int = 20) -> dict:
    """What a caseworker should look at today, most urgent first: a fixed number of queries.
    People without a recent note are named only when they are few; otherwise counted, with
    the count from the same query (a window over the whole result)."""
    today = timezone.localdate()
    attention = _attention(user, today)
    quiet = list(attention.pop("quiet").annotate(total=Window(Count("pk")))[: QUIET_LIST_MAX + 1])
    found = {kind: list(rows[:limit]) for kind, rows in attention.items()}
    quiet_total = quiet[0].total if quiet else 0
    return {
        **found,
        "urgent": _by_urgency(found, today),
        "quiet": quiet if quiet_total <= QUIET_LIST_MAX else [],
        "quiet_total": quiet_total,
        "today": today,
    }


def needs_attention_counts(*, user) -> dict[str, int]:
    """How many of each kind ``needs_attention`` would list, without a limit: one query per
    kind, whatever the number of people."""
    today = timezone.localdate()
    return {kind: rows.count() for kind, rows in _attention(user, today).items()}
