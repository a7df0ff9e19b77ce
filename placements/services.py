"""Writes for worksites and placements."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError
from placements.models import Placement, PlacementStatus, Worksite

_PLACEMENT_FIELDS = (
    "enrollment",
    "worksite",
    "supervisor",
    "type",
    "field",
    "status",
    "starts_on",
    "ends_on",
)


def worksite_create(*, actor, municipality, name: str, kind: str, address: str = "") -> Worksite:
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
    actor,
    enrollment,
    worksite: Worksite,
    type: str,
    field: str,
    starts_on,
    ends_on=None,
    supervisor=None,
    status: str = PlacementStatus.ACTIVE,
) -> Placement:
    participant = enrollment.participant
    if worksite.municipality_id != participant.municipality_id:
        raise ApplicationError(_("Choose one of your municipality's worksites."), field="worksite")
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
        )
        change_record(
            actor=actor,
            instance=placement,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(placement, _PLACEMENT_FIELDS),
        )
    return placement
