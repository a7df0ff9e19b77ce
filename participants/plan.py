"""Writes for the action plan: goals and their milestones."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import ChangeAction
from audit.services import audited_save, change_record, snapshot
from config.concurrency import claim_version
from config.errors import ApplicationError
from participants.models import Goal, Milestone, Participant
from participants.services import participant_check_changeable
from participants.vocabularies import GoalCategory, GoalStatus

_GOAL_FIELDS = ("category", "title", "target_on", "status")


def _clean_title(title: str, field: str = "title") -> str:
    title = (title or "").replace("\x00", "").strip()
    if not title:
        raise ApplicationError(_("Give it a title."), field=field)
    return title[:200]


def goal_create(
    *,
    actor: User,
    participant: Participant,
    category: str,
    title: str,
    target_on: date | None = None,
) -> Goal:
    participant_check_changeable(participant.pk)
    if category not in GoalCategory.values:
        raise ApplicationError(_("Choose a category."), field="category")
    with transaction.atomic():
        goal = Goal.objects.create(
            participant=participant,
            category=category,
            title=_clean_title(title),
            target_on=target_on,
            created_by=actor,
        )
        change_record(
            actor=actor,
            instance=goal,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(goal, _GOAL_FIELDS),
        )
    return goal


def goal_update(
    *,
    actor: User,
    goal: Goal,
    expected_version: int,
    category: str,
    title: str,
    target_on: date | None,
    status: str,
) -> Goal:
    participant_check_changeable(goal.participant_id)
    if category not in GoalCategory.values or status not in GoalStatus.values:
        raise ApplicationError(_("Choose a category and a status."))
    with transaction.atomic():
        claim_version(
            Goal,
            goal,
            expected_version,
            _("Somebody else changed this goal while you were working. Look at it again."),
        )
        before = snapshot(goal, _GOAL_FIELDS)
        goal.category, goal.title, goal.target_on, goal.status = (
            category,
            _clean_title(title),
            target_on,
            status,
        )
        goal.save(update_fields=list(_GOAL_FIELDS))
        change_record(
            actor=actor,
            instance=goal,
            participant=goal.participant,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(goal, _GOAL_FIELDS),
        )
    return goal


def milestone_add(*, actor: User, goal: Goal, title: str, due_on: date | None = None) -> Milestone:
    participant_check_changeable(goal.participant_id)
    with transaction.atomic():
        milestone = Milestone.objects.create(goal=goal, title=_clean_title(title), due_on=due_on)
        change_record(
            actor=actor,
            instance=milestone,
            participant=goal.participant,
            action=ChangeAction.CREATE,
            after=snapshot(milestone, ["goal", "title", "due_on"]),
        )
    return milestone


def milestone_set_done(*, actor: User, milestone: Milestone, done: bool) -> Milestone:
    participant_check_changeable(milestone.goal.participant_id)
    with transaction.atomic():
        audited_save(
            actor=actor,
            instance=milestone,
            participant=milestone.goal.participant,
            done_on=timezone.localdate() if done else None,
        )
    return milestone


def goal_close(*, actor: User, goal: Goal, achieved: bool) -> Goal:
    """Close an open goal as reached or not (dropped); used when the person leaves."""
    participant_check_changeable(goal.participant_id)
    if goal.status not in (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS):
        raise ApplicationError(_("This goal is already closed."))
    with transaction.atomic():
        claim_version(
            Goal,
            goal,
            goal.version,
            _("Somebody else changed this goal while you were working. Look at it again."),
        )
        audited_save(
            actor=actor,
            instance=goal,
            participant=goal.participant,
            status=GoalStatus.ACHIEVED if achieved else GoalStatus.DROPPED,
        )
    return goal
