"""The exit that closes a case: the enrollment's status, and in the same transaction what the
caseworker chose to close with it — open goals, open tasks, running placements and the consent
to share with the worksite.

It lives here, not in participants, because it ends placements: participants is the lower
layer and must not import placements; placements may call participants' services."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import ApplicationError
from participants.consents import consent_withdraw
from participants.journal import task_set_done
from participants.models import Consent, Enrollment, Goal, Task
from participants.plan import goal_close
from participants.services import (
    EXIT_STATUSES,
    enrollment_change_status,
    enrollment_check_transition,
    enrollment_exit_values,
)
from participants.vocabularies import ConsentPurpose, ExitReason, GoalStatus
from placements.models import AttendanceRecord, Placement, PlacementStatus
from placements.services import placement_end

OPEN_GOALS = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)


@dataclass(frozen=True)
class ExitChoices:
    """What to close with the exit. ``achieved`` names the open goals that were reached; the
    other open goals are closed as not reached (dropped)."""

    close_goals: bool = True
    achieved: frozenset[int] = field(default_factory=frozenset)
    close_tasks: bool = True
    end_placements: bool = True
    end_consent: bool = True


@dataclass(frozen=True)
class OpenWork:
    """What is still open on the person and would be closed by an exit."""

    goals: list[Goal]
    tasks: list[Task]
    placements: list[Placement]
    consents: list[Consent]
    last_attendance: date | None

    @property
    def achieved_by_default(self) -> frozenset[int]:
        """A goal whose milestones are all done is offered as reached; the rest as not."""
        return frozenset(
            goal.pk
            for goal in self.goals
            if goal.milestones.all() and all(m.done_on for m in goal.milestones.all())
        )


def exit_open_work(*, enrollment: Enrollment) -> OpenWork:
    """The person's open goals and tasks, the enrollment's running placements, the consents to
    share with a worksite in force, and the last day attendance was recorded."""
    person = enrollment.participant_id
    placements = list(
        Placement.objects.filter(
            enrollment=enrollment, status__in=[PlacementStatus.PLANNED, PlacementStatus.ACTIVE]
        ).select_related("worksite")
    )
    last = AttendanceRecord.objects.filter(placement__enrollment=enrollment).aggregate(
        last=Max("date")
    )["last"]
    return OpenWork(
        goals=list(
            Goal.objects.filter(participant_id=person, status__in=OPEN_GOALS).prefetch_related(
                "milestones"
            )
        ),
        tasks=list(Task.objects.filter(participant_id=person).open()),
        placements=placements,
        consents=list(
            Consent.objects.in_force().filter(
                participant_id=person, purpose=ConsentPurpose.SHARE_WORKSITE
            )
        ),
        last_attendance=last,
    )


def _check_after_attendance(work: OpenWork, exit_date: date | None) -> None:
    if exit_date and work.last_attendance and exit_date < work.last_attendance:
        raise ApplicationError(
            _(
                "The exit date cannot be before the last recorded attendance, on %(day)s. "
                "Choose that day or a later one."
            )
            % {"day": formats.date_format(work.last_attendance, "SHORT_DATE_FORMAT")},
            field="exit_date",
        )


def enrollment_exit_check(
    *,
    enrollment: Enrollment,
    status: str,
    exit_date: date | None,
    reason: str,
    destination: str,
) -> OpenWork:
    """Everything an exit checks, without writing: what the confirmation shows is what would
    be saved. Returns the open work the exit would close."""
    if status not in EXIT_STATUSES:
        raise ApplicationError(_("Choose completed or withdrawn."), field="status")
    enrollment_check_transition(enrollment=enrollment, status=status)
    enrollment_exit_values(enrollment, exit_date, reason, destination)
    work = exit_open_work(enrollment=enrollment)
    _check_after_attendance(work, exit_date)
    return work


def enrollment_exit(
    *,
    actor: User,
    enrollment: Enrollment,
    expected_version: int,
    status: str,
    exit_date: date | None,
    reason: str,
    destination: str,
    choices: ExitChoices,
) -> Enrollment:
    """Exit the enrollment and close what the caseworker chose, all or nothing. The choices
    are recorded with the status change in the change history; each closed goal, task,
    placement and consent has its own entry too."""
    work = enrollment_exit_check(
        enrollment=enrollment,
        status=status,
        exit_date=exit_date,
        reason=reason,
        destination=destination,
    )

    def close(exited: Enrollment) -> dict[str, str]:
        return _close(actor, exited, work, choices)

    with transaction.atomic():
        return enrollment_change_status(
            actor=actor,
            enrollment=enrollment,
            expected_version=expected_version,
            status=status,
            exit_date=exit_date,
            exit_reason=reason,
            destination=destination,
            on_exit=close,
        )


def _close(actor: User, exited: Enrollment, work: OpenWork, choices: ExitChoices) -> dict[str, str]:
    """Close the chosen kinds; what was done, for the change history: how many were closed,
    or "kept" when the caseworker chose to leave them open."""
    exit_date = exited.ends_on
    assert exit_date is not None  # enrollment_change_status has just set it
    if choices.close_goals:
        for goal in work.goals:
            goal_close(actor=actor, goal=goal, achieved=goal.pk in choices.achieved)
    if choices.close_tasks:
        for task in work.tasks:
            task_set_done(actor=actor, task=task, done=True)
    if choices.end_placements:
        for placement in work.placements:
            _end_placement(actor, placement, exit_date, exited.exit_reason)
    if choices.end_consent:
        for consent in work.consents:
            consent_withdraw(
                actor=actor,
                consent=consent,
                expected_version=consent.version,
                withdrawn_on=max(exit_date, consent.given_on),
            )
    done: dict[str, tuple[bool, Sequence[object]]] = {
        "exit_goals": (choices.close_goals, work.goals),
        "exit_tasks": (choices.close_tasks, work.tasks),
        "exit_placements": (choices.end_placements, work.placements),
        "exit_consents": (choices.end_consent, work.consents),
    }
    return {name: str(len(rows)) if chosen else "kept" for name, (chosen, rows) in done.items()}


def _end_placement(actor: User, placement: Placement, exit_date: date, reason: str) -> None:
    """Ended as planned when its planned end is on or before the exit (on that end, not later);
    otherwise stopped early on the exit date, with the exit reason as the stop reason. A
    placement that would have started after the exit ends on its first day."""
    planned_end = placement.ends_on
    if planned_end is not None and planned_end <= exit_date:
        ends_on, status, stop_reason = planned_end, PlacementStatus.ENDED, ""
    else:
        ends_on, status = max(exit_date, placement.starts_on), PlacementStatus.STOPPED
        stop_reason = _("Exit from the programme: %(reason)s") % {
            "reason": ExitReason(reason).label
        }
    placement_end(
        actor=actor,
        placement=placement,
        expected_version=placement.version,
        ends_on=ends_on,
        status=status,
        stop_reason=stop_reason,
    )
