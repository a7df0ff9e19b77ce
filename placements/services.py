"""Writes for worksites and placements."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.country import belongs_to
from accounts.models import Municipality, User
from accounts.roles import roles_of
from audit.models import ChangeAction
from audit.services import audited_save, change_record, snapshot
from config.concurrency import claim_version
from config.errors import ApplicationError
from participants.models import Enrollment
from participants.services import participant_check_changeable
from placements.models import (
    PLACEMENT_TYPE_COUNTRY,
    Placement,
    PlacementStatus,
    Worksite,
    WorksiteCapacity,
)
from placements.rules import over_capacity, placement_rules
from programs.models import EnrollmentStatus

PLACEMENT_AUDIT_FIELDS = (
    "enrollment",
    "worksite",
    "supervisor",
    "type",
    "field",
    "status",
    "starts_on",
    "ends_on",
    "schedule_days",
    "hours_per_day",
    "percentage",
    "nav_agreement",
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def worksite_create(
    *, actor: User | None, municipality: Municipality, name: str, kind: str, address: str = ""
) -> Worksite:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("A worksite needs a name."), field="name")
    if Worksite.objects.filter(municipality=municipality, name__iexact=name).exists():
        raise ApplicationError(
            _("The municipality already has a worksite by this name."), field="name"
        )
    with transaction.atomic():
        worksite = Worksite.objects.create(
            municipality=municipality, name=name, kind=kind, address=address
        )
        change_record(
            actor=actor,
            instance=worksite,
            action=ChangeAction.CREATE,
            after=snapshot(worksite, ["name", "kind", "address"]),
        )
    return worksite


def placement_create(
    *,
    actor: User | None,
    enrollment: Enrollment,
    worksite: Worksite,
    type: str,
    field: str,
    starts_on: date,
    ends_on: date | None = None,
    supervisor: User | None = None,
    status: str = PlacementStatus.ACTIVE,
    **schedule: Any,
) -> Placement:
    """``schedule``: schedule_days, hours_per_day, percentage, nav_agreement (all optional)."""
    participant = enrollment.participant
    participant_check_changeable(participant.pk)
    if worksite.municipality_id != participant.municipality_id:
        raise ApplicationError(_("Choose one of your municipality's worksites."), field="worksite")
    if not belongs_to(type, worksite.municipality.country, PLACEMENT_TYPE_COUNTRY):
        raise ApplicationError(_("Choose a placement type used in your country."), field="type")
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(_("A placement cannot end before it starts."), field="ends_on")
    with transaction.atomic():
        placement = Placement.objects.create(
            enrollment=enrollment,
            worksite=worksite,
            supervisor=supervisor,
            type=type,
            field=field,
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
            **{k: v for k, v in schedule.items() if v not in (None, "")},
        )
        change_record(
            actor=actor,
            instance=placement,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(placement, PLACEMENT_AUDIT_FIELDS),
        )
    return placement


class CapacityWarning(ApplicationError):
    """The field at the worksite is full for (part of) the period: the user may go ahead."""

    def __init__(self, message: "StrOrPromise") -> None:
        super().__init__(message, code="capacity", field=None)


def _overlaps(
    query: QuerySet[Placement], starts_on: date, ends_on: date | None
) -> QuerySet[Placement]:
    query = query.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    return query if ends_on is None else query.filter(starts_on__lte=ends_on)


def placement_start(
    *,
    actor: User,
    enrollment: Enrollment,
    worksite: Worksite,
    type: str,
    field: str,
    starts_on: date,
    ends_on: date | None = None,
    schedule_days: str = "01234",
    hours_per_day: Decimal | None = None,
    percentage: int = 100,
    nav_agreement: str = "",
    supervisor: User | None = None,
    confirmed_over_capacity: bool = False,
) -> Placement:
    """Place a person at a worksite. Overlapping placements of one person are refused unless
    their weekdays do not collide; a full field at the worksite asks for confirmation."""

    if enrollment.status not in (
        EnrollmentStatus.INTAKE,
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.PAUSED,
    ):
        raise ApplicationError(
            _("Only a person in intake, active or paused can be placed."), field="enrollment"
        )
    mine = _overlaps(
        Placement.objects.current().filter(enrollment__participant=enrollment.participant),
        starts_on,
        ends_on,
    )
    days = placement_rules(
        supervisor_at_worksite=supervisor is None
        or memberships.supervises(supervisor, worksite.pk),
        schedule_days=schedule_days,
        percentage=percentage,
        overlapping_days=(other.schedule_days for other in mine),
    )
    capacity = WorksiteCapacity.objects.filter(worksite=worksite, field=field).first()
    if capacity is not None and not confirmed_over_capacity:
        taken = _overlaps(
            Placement.objects.current().filter(worksite=worksite, field=field), starts_on, ends_on
        ).count()
        if warning := over_capacity(site=worksite.name, places=capacity.places, taken=taken):
            raise CapacityWarning(warning)
    placement = placement_create(
        actor=actor,
        enrollment=enrollment,
        worksite=worksite,
        type=type,
        field=field,
        starts_on=starts_on,
        ends_on=ends_on,
        supervisor=supervisor,
        status=PlacementStatus.ACTIVE
        if starts_on <= timezone.localdate()
        else PlacementStatus.PLANNED,
        schedule_days=days,
        hours_per_day=hours_per_day,
        percentage=percentage,
        nav_agreement=(nav_agreement or "")[:50],
    )
    return placement


def _may_manage_worksites(actor: User) -> None:
    roles = roles_of(actor)
    if not (roles.municipality_admin or roles.programme_lead):
        raise ApplicationError(_("Only the municipality admin or a programme lead can do this."))


def worksite_update(
    *,
    actor: User,
    worksite: Worksite,
    expected_version: int,
    name: str,
    kind: str,
    address: str = "",
) -> Worksite:

    _may_manage_worksites(actor)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("A worksite needs a name."), field="name")
    if (
        Worksite.objects.filter(municipality_id=worksite.municipality_id, name__iexact=name)
        .exclude(pk=worksite.pk)
        .exists()
    ):
        raise ApplicationError(
            _("The municipality already has a worksite by this name."), field="name"
        )
    fields = ["name", "kind", "address"]
    with transaction.atomic():
        claim_version(
            Worksite,
            worksite,
            expected_version,
            _("Somebody else changed this worksite while you were working. Look at it again."),
        )
        before = snapshot(worksite, fields)
        worksite.name, worksite.kind, worksite.address = name, kind, (address or "")[:200]
        worksite.save(update_fields=fields)
        change_record(
            actor=actor,
            instance=worksite,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(worksite, fields),
        )
    return worksite


def capacity_set(*, actor: User, worksite: Worksite, field: str, places: int) -> WorksiteCapacity:
    """Set the places for one field; setting the same number again changes nothing."""
    _may_manage_worksites(actor)
    if places is None or places < 0:
        raise ApplicationError(_("The capacity cannot be below zero."), field="places")
    with transaction.atomic():
        capacity, created = WorksiteCapacity.objects.get_or_create(
            worksite=worksite, field=field, defaults={"places": places}
        )
        if created:
            change_record(
                actor=actor,
                instance=capacity,
                action=ChangeAction.CREATE,
                after=snapshot(capacity, ["worksite", "field", "places"]),
            )
        elif capacity.places != places:
            audited_save(actor=actor, instance=capacity, places=places)
    return capacity


def placement_end(
    *,
    actor: User,
    placement: Placement,
    expected_version: int,
    ends_on: date,
    status: str,
    stop_reason: str = "",
) -> Placement:
    """End a placement as planned, or stop it early with a reason."""

    participant_check_changeable(placement.enrollment.participant_id)
    if status not in (PlacementStatus.ENDED, PlacementStatus.STOPPED):
        raise ApplicationError(_("Choose ended or stopped early."), field="status")
    if ends_on is None or ends_on < placement.starts_on:
        raise ApplicationError(_("A placement cannot end before it starts."), field="ends_on")
    if status == PlacementStatus.STOPPED and not (stop_reason or "").strip():
        raise ApplicationError(_("Say why the placement stopped."), field="stop_reason")
    fields = ["status", "ends_on", "stop_reason"]
    with transaction.atomic():
        claim_version(
            Placement,
            placement,
            expected_version,
            _("Somebody else changed this placement while you were working. Look at it again."),
        )
        before = snapshot(placement, fields)
        placement.status, placement.ends_on = status, ends_on
        placement.stop_reason = (stop_reason or "").strip()[:200]
        placement.save(update_fields=fields)
        change_record(
            actor=actor,
            instance=placement,
            participant=placement.enrollment.participant,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(placement, fields),
        )
    return placement
