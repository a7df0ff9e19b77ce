"""Writes for programme set-up: the programme, its cohorts and members, grants, their
deadlines and targets. The grant's money is in programs/money.py."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, ProgrammeMembership, ProgrammeRole, User
from accounts.services import role_grant, role_revoke
from audit.models import ChangeAction
from audit.services import audited_delete, change_record, snapshot
from config.concurrency import claim_version
from config.errors import ApplicationError
from programs.models import (
    MAX_POSITION_SHARE,
    MAX_RETENTION_MONTHS,
    MIN_RETENTION_MONTHS,
    Cohort,
    Grant,
    Programme,
    ReportDeadline,
    Target,
    TargetMetric,
)
from programs.selectors import led_programmes

_PROGRAMME_FIELDS = (
    "name",
    "kind",
    "starts_on",
    "ends_on",
    "target_participants",
    "retention_months",
)
_GRANT_FIELDS = (
    "funder",
    "name",
    "amount",
    "starts_on",
    "ends_on",
    "own_contribution_percent",
    "funded_position_share",
)


def check_leads(*, actor: User, programme: Programme) -> None:
    if not led_programmes(actor).filter(pk=programme.pk).exists():
        raise ApplicationError(_("Only the programme's lead can change it."))


def check_grant_leads(*, actor: User, grant: Grant) -> None:
    """The actor leads every programme the grant funds: a lead of one must not change what
    another programme's lead accounts for."""
    programmes = list(grant.programmes.all())
    led = set(
        led_programmes(actor).filter(pk__in=[p.pk for p in programmes]).values_list("pk", flat=True)
    )
    if not programmes or any(p.pk not in led for p in programmes):
        raise ApplicationError(_("Only the lead of every programme the grant funds can change it."))


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ApplicationError(_("The end cannot be before the start."), field="ends_on")


def programme_update(
    *, actor: User, programme: Programme, expected_version: int, **values: Any
) -> Programme:
    """Change the programme. ``retention_months`` left out (or empty) keeps the current one."""
    check_leads(actor=actor, programme=programme)
    _check_dates(values.get("starts_on"), values.get("ends_on"))
    values["retention_months"] = _retention(values.get("retention_months"), programme)
    if (
        Programme.objects.filter(municipality=programme.municipality, name__iexact=values["name"])
        .exclude(pk=programme.pk)
        .exists()
    ):
        raise ApplicationError(
            _("The municipality already has a programme by this name."), field="name"
        )
    with transaction.atomic():
        claim_version(
            Programme,
            programme,
            expected_version,
            _("Somebody else changed this programme while you were working. Look at it again."),
        )
        before = snapshot(programme, _PROGRAMME_FIELDS)
        for name in _PROGRAMME_FIELDS:
            setattr(programme, name, values[name])
        programme.save(update_fields=list(_PROGRAMME_FIELDS))
        change_record(
            actor=actor,
            instance=programme,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(programme, _PROGRAMME_FIELDS),
        )
    return programme


def _retention(months: int | None, programme: Programme) -> int:
    if months is None:  # left out, or an empty field
        return programme.retention_months
    if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise ApplicationError(
            _("Keep records between %(low)d and %(high)d months after exit.")
            % {"low": MIN_RETENTION_MONTHS, "high": MAX_RETENTION_MONTHS},
            field="retention_months",
        )
    return months


def cohort_create(
    *,
    actor: User,
    programme: Programme,
    name: str,
    starts_on: date | None = None,
    capacity: int | None = None,
) -> Cohort:
    check_leads(actor=actor, programme=programme)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the cohort a name."), field="name")
    if capacity is not None and capacity < 0:
        raise ApplicationError(_("The capacity cannot be below zero."), field="capacity")
    if programme.cohorts.filter(name__iexact=name).exists():
        raise ApplicationError(_("The programme already has a cohort by this name."), field="name")
    with transaction.atomic():
        cohort = Cohort.objects.create(
            programme=programme, name=name, starts_on=starts_on, capacity=capacity
        )
        change_record(
            actor=actor,
            instance=cohort,
            action=ChangeAction.CREATE,
            after=snapshot(cohort, ["programme", "name", "starts_on", "capacity"]),
        )
    return cohort


def member_add(*, actor: User, programme: Programme, user: User, role: str) -> None:
    check_leads(actor=actor, programme=programme)
    if user.municipality_id != programme.municipality_id:
        raise ApplicationError(_("Choose someone in your municipality."), field="user")
    role_grant(actor=actor, user=user, role=role, programme=programme)


def member_remove(*, actor: User, membership: ProgrammeMembership) -> None:
    check_leads(actor=actor, programme=membership.programme)
    if membership.user_id == actor.pk and membership.role == ProgrammeRole.PROGRAMME_LEAD:
        raise ApplicationError(_("You cannot remove yourself as programme lead."))
    role_revoke(actor=actor, user=membership.user, membership_id=membership.pk)


def grant_save(
    *,
    actor: User,
    municipality: Municipality,
    programmes: Sequence[Programme],
    grant: Grant | None = None,
    expected_version: int | None = None,
    **values: Any,
) -> Grant:
    """Create or change a grant; every programme it funds must be one the actor leads."""
    _check_dates(values["starts_on"], values["ends_on"])
    _check_grant_shares(values)
    if not programmes:
        raise ApplicationError(_("Choose the programmes the grant funds."), field="programmes")
    for programme in programmes:
        if programme.municipality_id != municipality.pk:
            raise ApplicationError(
                _("Choose one of your municipality's programmes."), field="programmes"
            )
        check_leads(actor=actor, programme=programme)
    if grant is not None:
        # The programmes it funds now, too: a lead of one must not drop another's.
        for programme in grant.programmes.all():
            check_leads(actor=actor, programme=programme)
    with transaction.atomic():
        if grant is None:
            grant = Grant.objects.create(municipality=municipality, **values)
            before, action = {}, ChangeAction.CREATE
        else:
            claim_version(
                Grant,
                grant,
                expected_version or 0,
                _("Somebody else changed this grant while you were working. Look at it again."),
            )
            before, action = snapshot(grant, _GRANT_FIELDS), ChangeAction.UPDATE
            for name, value in values.items():
                setattr(grant, name, value)
            grant.save(update_fields=list(values))
        grant.programmes.set(programmes)
        change_record(
            actor=actor,
            instance=grant,
            action=action,
            before=before,
            after=snapshot(grant, _GRANT_FIELDS),
        )
    return grant


def _check_grant_shares(values: dict[str, Any]) -> None:
    percent = values.get("own_contribution_percent")
    if percent is not None and percent < 0:
        raise ApplicationError(
            _("The own contribution cannot be negative."), field="own_contribution_percent"
        )
    if percent is not None and percent > 100:
        raise ApplicationError(
            _("The required own contribution is a percentage from 0 to 100."),
            field="own_contribution_percent",
        )
    share = values.get("funded_position_share")
    if share is not None and not 0 <= share <= MAX_POSITION_SHARE:
        raise ApplicationError(
            _("The funded position is from 0 to 50 FTE."), field="funded_position_share"
        )


def deadline_add(*, actor: User, grant: Grant, due_on: date, label: str) -> ReportDeadline:
    check_grant_leads(actor=actor, grant=grant)
    label = (label or "").strip()
    if not label or due_on is None:
        raise ApplicationError(_("Give the report a name and a date."))
    with transaction.atomic():
        deadline = ReportDeadline.objects.create(grant=grant, due_on=due_on, label=label[:150])
        change_record(
            actor=actor,
            instance=deadline,
            action=ChangeAction.CREATE,
            after=snapshot(deadline, ["grant", "due_on", "label"]),
        )
    return deadline


_DEADLINE_FIELDS = ["submitted_on", "submitted_to"]


def deadline_mark_submitted(
    *, actor: User, deadline: ReportDeadline, submitted_on: date, submitted_to: str
) -> ReportDeadline:
    """Record that the report for the deadline was sent, when and to whom; marking it again
    corrects the date or the recipient."""
    check_grant_leads(actor=actor, grant=deadline.grant)
    if submitted_on is None:
        raise ApplicationError(_("Give the date the report was submitted."), field="submitted_on")
    if submitted_on > timezone.localdate():
        raise ApplicationError(
            _("A report cannot be submitted on a day still to come."), field="submitted_on"
        )
    submitted_to = (submitted_to or "").strip()[:150]
    with transaction.atomic():
        before = snapshot(deadline, _DEADLINE_FIELDS)
        deadline.submitted_on, deadline.submitted_to = submitted_on, submitted_to
        deadline.save(update_fields=_DEADLINE_FIELDS)
        change_record(
            actor=actor,
            instance=deadline,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(deadline, _DEADLINE_FIELDS),
        )
    return deadline


# --- targets ---------------------------------------------------------------------------------

_TARGET_FIELDS = ["grant", "programme", "metric", "value"]


def target_set(
    *,
    actor: User,
    metric: str,
    value: int,
    grant: Grant | None = None,
    programme: Programme | None = None,
) -> Target:
    """Set (add or change) a grant's or a programme's target for one figure."""
    if (grant is None) == (programme is None):
        raise ApplicationError(_("A target belongs to either a grant or a programme."))
    if grant is not None:
        check_grant_leads(actor=actor, grant=grant)
    elif programme is not None:
        check_leads(actor=actor, programme=programme)
    if metric not in TargetMetric.values:
        raise ApplicationError(_("Choose what the target counts."), field="metric")
    if programme is not None and metric == TargetMetric.REACHED:
        raise ApplicationError(
            _(
                "A programme's target for people reached is its target participants: set it "
                "on the programme."
            ),
            field="metric",
        )
    if value is None or value < 1:
        raise ApplicationError(_("A target must be at least 1."), field="value")
    with transaction.atomic():
        target, created = Target.objects.select_for_update().get_or_create(
            grant=grant, programme=programme, metric=metric, defaults={"value": value}
        )
        before = {} if created else snapshot(target, _TARGET_FIELDS)
        if not created:
            target.value = value
            target.save(update_fields=["value"])
        change_record(
            actor=actor,
            instance=target,
            action=ChangeAction.CREATE if created else ChangeAction.UPDATE,
            before=before,
            after=snapshot(target, _TARGET_FIELDS),
        )
    return target


def target_delete(*, actor: User, target: Target) -> None:
    if target.grant is not None:
        check_grant_leads(actor=actor, grant=target.grant)
    elif target.programme is not None:
        check_leads(actor=actor, programme=target.programme)
    else:  # the table's constraint makes this impossible; refused all the same
        raise ApplicationError(_("A target belongs to either a grant or a programme."))
    with transaction.atomic():
        audited_delete(actor=actor, instance=target, fields=_TARGET_FIELDS)
