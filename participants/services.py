"""Writes for participants and enrollments. Each one is audited in its own transaction."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeGuard, cast

from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import AnyUser, Municipality, User
from audit.models import AccessAction, ChangeAction
from audit.services import access_record, change_record, snapshot
from config.concurrency import claim_version
from config.errors import ApplicationError, DuplicateError, StaleEditError
from participants import national_id as nid
from participants.models import Enrollment, EnrollmentStatusChange, FollowUp, Participant
from participants.rules import enrollment_rules
from participants.selectors import participant_list, possible_duplicates
from participants.vocabularies import Destination, ExitReason
from programs.models import Cohort, EnrollmentStatus, Programme

NAME_FIELDS = ("first_name", "last_name")
# Everything a caseworker records about the person; the national ID is kept apart (encrypted).
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    "phone",
    "email",
    "address",
    "postcode",
    "city",
    "protected_address",
    "languages",
    "language_level",
    "education_level",
    "neet_status",
    "nav_innsatsgruppe",
    "social_assistance",
)
_AUDITED = (*PERSON_FIELDS, "national_id_masked")
ADDRESS_FIELDS = ("address", "postcode", "city")
_HIDDEN = "•••"


def person_snapshot(person: Participant) -> dict[str, str | None]:
    """The audited values; a protected address is recorded only as having a value, because
    the history is read by everyone who follows the person."""
    values = snapshot(person, _AUDITED)
    if person.protected_address:
        for name in ADDRESS_FIELDS:
            values[name] = _HIDDEN if values[name] else None
    return values


def participant_check_changeable(participant_id: int) -> None:
    """Nothing is written about an anonymised person again: a new note, plan, consent,
    placement or correction would rebuild what the erasure removed. Asked of the database, not
    of the copy in hand, so a record anonymised a moment ago is refused too."""
    if Participant.objects.filter(pk=participant_id, anonymised_at__isnull=False).exists():
        raise ApplicationError(
            _("This record has been anonymised: nothing more can be recorded about the person.")
        )


def is_assigned_caseworker(user: User, person: Participant) -> bool:
    return Enrollment.objects.filter(participant=person, caseworker=user).exists()


ENROLLMENT_AUDIT_FIELDS = (
    "programme",
    "cohort",
    "status",
    "caseworker",
    "referral_source",
    "starts_on",
    "ends_on",
)
_OLDEST_AGE = 100


@dataclass
class PersonData:
    """What intake and edit forms hand to the services; ``national_id`` is the raw input."""

    first_name: str
    last_name: str
    national_id: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def _clean_name(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(_("%(field)s is required.") % {"field": label})
    if "\x00" in value:
        raise ApplicationError(
            _("%(field)s contains characters that are not allowed.") % {"field": label}
        )
    return value


def person_clean(data: PersonData, *, country: str) -> tuple[dict[str, Any], nid.NationalId | None]:
    values = {k: v for k, v in data.values.items() if k in PERSON_FIELDS}
    values["first_name"] = _clean_name(data.first_name, _("First name"))
    values["last_name"] = _clean_name(data.last_name, _("Last name"))
    parsed = nid.parse(data.national_id, country=country) if data.national_id.strip() else None
    born = values.get("birth_date")
    if parsed is not None:
        if born and born != parsed.birth_date:
            raise ApplicationError(
                _("The birth date does not match the national ID."), field="birth_date"
            )
        values["birth_date"] = born = parsed.birth_date
    if born is not None:
        today = timezone.localdate()
        if born > today:
            raise ApplicationError(_("The birth date cannot be in the future."), field="birth_date")
        if born < date(today.year - _OLDEST_AGE, today.month, min(today.day, 28)):
            raise ApplicationError(
                _("The birth date is more than 100 years ago."), field="birth_date"
            )
    return values, parsed


def _check_duplicates(
    *,
    municipality: Municipality,
    values: dict[str, Any],
    parsed: nid.NationalId | None,
    exclude_pk: int | None = None,
    confirmed_new: bool,
) -> None:
    matches, certain = possible_duplicates(
        municipality=municipality,
        national_id_hash=nid.lookup_hash(parsed.value) if parsed else "",
        first_name=values["first_name"],
        last_name=values["last_name"],
        birth_date=values.get("birth_date"),
        exclude_pk=exclude_pk,
    )
    if certain:
        raise DuplicateError(
            _("A person with this national ID is already registered in the municipality."),
            matches=matches,
            certain=True,
        )
    if matches and not confirmed_new:
        raise DuplicateError(
            _(
                "Someone with a similar name and the same birth date is already registered. "
                "Open that record instead, or confirm that this is another person."
            ),
            matches=matches,
            certain=False,
        )


def national_id_columns(parsed: nid.NationalId | None) -> dict[str, str]:
    if parsed is None:
        return {}
    return {
        "national_id_encrypted": nid.encrypt(parsed.value),
        "national_id_hash": nid.lookup_hash(parsed.value),
        "national_id_masked": parsed.masked,
    }


def participant_create(
    *,
    actor: User | None,
    municipality: Municipality,
    first_name: str,
    last_name: str,
    national_id: str = "",
    values: dict[str, Any] | None = None,
    confirmed_new: bool = False,
) -> Participant:
    data = PersonData(first_name, last_name, national_id, values or {})
    clean, parsed = person_clean(data, country=municipality.country)
    _check_duplicates(
        municipality=municipality, values=clean, parsed=parsed, confirmed_new=confirmed_new
    )
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                municipality=municipality, **clean, **national_id_columns(parsed)
            )
            change_record(
                actor=actor,
                instance=participant,
                participant=participant,
                action=ChangeAction.CREATE,
                after=person_snapshot(participant),
            )
    except IntegrityError:
        # Two people registered the same national ID at the same moment.
        raise ApplicationError(
            _("A person with this national ID is already registered in the municipality."),
            field="national_id",
        ) from None
    return participant


def participant_intake(
    *,
    actor: User,
    municipality: Municipality,
    person: PersonData,
    programme: Programme,
    cohort: Cohort | None = None,
    caseworker: User | None = None,
    referral_source: str = "",
    confirmed_new: bool = False,
) -> Participant:
    """Register a person and enroll them in a programme, in one step."""
    check_may_enroll(actor=actor, programme=programme)
    with transaction.atomic():
        participant = participant_create(
            actor=actor,
            municipality=municipality,
            first_name=person.first_name,
            last_name=person.last_name,
            national_id=person.national_id,
            values=person.values,
            confirmed_new=confirmed_new,
        )
        enrollment_create(
            actor=actor,
            participant=participant,
            programme=programme,
            cohort=cohort,
            caseworker=caseworker,
            referral_source=referral_source,
            status=EnrollmentStatus.INTAKE,
            starts_on=timezone.localdate(),
        )
    return participant


def enrollment_enroll(
    *,
    actor: User,
    participant: Participant,
    programme: Programme,
    cohort: Cohort | None = None,
    caseworker: User | None = None,
    referral_source: str = "",
) -> Enrollment:
    """Enroll someone already registered in one of the actor's programmes."""
    check_may_enroll(actor=actor, programme=programme)
    return enrollment_create(
        actor=actor,
        participant=participant,
        programme=programme,
        cohort=cohort,
        caseworker=caseworker,
        referral_source=referral_source,
        starts_on=timezone.localdate(),
    )


def check_may_enroll(*, actor: User, programme: Programme) -> None:
    if not memberships.works_in(actor, [programme.pk]):
        raise ApplicationError(_("Choose one of your programmes."), field="programme")


def participant_update(
    *,
    actor: User,
    participant: Participant,
    expected_version: int,
    person: PersonData,
    confirmed_new: bool = True,
) -> Participant:
    """Save the person's record unless somebody else saved it since ``expected_version``."""
    participant_check_changeable(participant.pk)
    country = participant.municipality.country
    values, parsed = person_clean(person, country=country)
    with transaction.atomic():
        current: Participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if current.version != expected_version:
            raise StaleEditError(
                _(
                    "Somebody else saved changes to this person while you were editing. "
                    "Their changes are shown below; check them and save again."
                ),
                changed=_differences(participant, current),
                current_version=current.version,
            )
        if parsed is not None:
            _check_duplicates(
                municipality=current.municipality,
                values=values,
                parsed=parsed,
                exclude_pk=current.pk,
                confirmed_new=True,
            )
        _guard_protected_address(actor=actor, person=current, values=values)
        before = person_snapshot(current)
        try:
            with transaction.atomic():
                Participant.objects.filter(pk=current.pk).update(
                    **values,
                    **national_id_columns(parsed),
                    version=F("version") + 1,
                    updated_at=timezone.now(),
                )
        except IntegrityError:
            # Someone gave another record the same national ID at the same moment.
            raise ApplicationError(
                _("A person with this national ID is already registered in the municipality."),
                field="national_id",
            ) from None
        current.refresh_from_db()
        change_record(
            actor=actor,
            instance=current,
            participant=current,
            action=ChangeAction.UPDATE,
            before=before,
            after=person_snapshot(current),
        )
    return current


def _guard_protected_address(*, actor: User, person: Participant, values: dict[str, Any]) -> None:
    """Only the assigned caseworker changes a protected address or lifts its protection;
    anyone may turn protection on."""
    if not person.protected_address or is_assigned_caseworker(actor, person):
        return
    if values.get("protected_address") is False:
        raise ApplicationError(
            _("Only the person's assigned caseworker can lift the address protection."),
            field="protected_address",
        )
    for name in ADDRESS_FIELDS:
        values.pop(name, None)


def _differences(seen: Participant, now: Participant) -> dict[str, tuple[object, object]]:
    return {
        str(cast("models.Field[Any, Any]", Participant._meta.get_field(name)).verbose_name): (
            getattr(seen, name),
            getattr(now, name),
        )
        for name in _AUDITED
        if getattr(seen, name) != getattr(now, name)
    }


def participant_reveal_national_id(*, actor: User, participant: Participant) -> str:
    """The full number, for one explicit request, recorded in the access log."""

    if not participant.national_id_encrypted:
        raise ApplicationError(_("No national ID is registered."))
    value = nid.decrypt(participant.national_id_encrypted)
    access_record(
        user=actor,
        participant=participant,
        page="participants:national-id",
        action=AccessAction.REVEAL,
    )
    return value


def enrollment_create(
    *,
    actor: User | None,
    participant: Participant,
    programme: Programme,
    cohort: Cohort | None = None,
    caseworker: User | None = None,
    status: str = EnrollmentStatus.REFERRED,
    starts_on: date | None = None,
    referral_source: str = "",
) -> Enrollment:
    participant_check_changeable(participant.pk)
    if programme.municipality_id != participant.municipality_id:
        raise ApplicationError(
            _("Choose one of your municipality's programmes."), field="programme"
        )
    enrollment_rules(
        programme_id=programme.pk,
        cohort_programme_id=cohort.programme_id if cohort is not None else None,
        caseworker_id=caseworker.pk if caseworker is not None else None,
        caseworker_ids={caseworker.pk}
        if caseworker is not None and memberships.is_caseworker_in(caseworker, [programme.pk])
        else set(),
    )
    if (
        cohort is not None
        and Enrollment.objects.filter(participant=participant, cohort=cohort).exists()
    ):
        raise ApplicationError(_("The person is already enrolled in this cohort."), field="cohort")
    with transaction.atomic():
        enrollment = Enrollment.objects.create(
            participant=participant,
            programme=programme,
            cohort=cohort,
            caseworker=caseworker,
            status=status,
            starts_on=starts_on,
            referral_source=referral_source,
        )
        EnrollmentStatusChange.objects.create(
            enrollment=enrollment, status=status, by=actor if _is_user(actor) else None
        )
        change_record(
            actor=actor,
            instance=enrollment,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(enrollment, ENROLLMENT_AUDIT_FIELDS),
        )
    return enrollment


def _is_user(actor: AnyUser | None) -> TypeGuard[User]:
    return actor is not None and actor.is_authenticated


def enrollments_reassign(
    *, actor: User, participant_ids: list[int], caseworker: User
) -> tuple[int, int]:
    """Make ``caseworker`` responsible for the selected people's enrollments in the actor's
    programmes. Returns (changed, skipped): skipped where the caseworker is not in that
    programme."""

    if not caseworker.is_active:
        raise ApplicationError(
            _("This user has been deactivated and cannot take people on."), field="caseworker"
        )
    visible = participant_list(user=actor).filter(pk__in=participant_ids[:1000], case_access=True)
    my_programmes = memberships.programme_ids_worked_in(actor)
    their_programmes = set(memberships.programme_ids_as_caseworker(caseworker))
    changed = skipped = 0
    with transaction.atomic():
        enrollments = (
            Enrollment.objects.filter(participant__in=visible, programme_id__in=my_programmes)
            .select_related("participant", "programme", "cohort", "caseworker")
            .select_for_update(of=("self",))
        )
        for enrollment in enrollments:
            if enrollment.programme_id not in their_programmes:
                skipped += 1
                continue
            if enrollment.caseworker_id == caseworker.pk:
                continue
            before = snapshot(enrollment, ["caseworker"])
            enrollment.caseworker = caseworker
            enrollment.version += 1
            enrollment.save(update_fields=["caseworker", "version"])
            change_record(
                actor=actor,
                instance=enrollment,
                participant=enrollment.participant,
                action=ChangeAction.UPDATE,
                before=before,
                after=snapshot(enrollment, ["caseworker"]),
            )
            changed += 1
    return changed, skipped


# --- status pipeline, exit and follow-ups -----------------------------------------------------

S = EnrollmentStatus
TRANSITIONS: dict[str, set[str]] = {
    S.REFERRED: {S.INTAKE, S.WITHDRAWN},
    S.INTAKE: {S.ACTIVE, S.WITHDRAWN},
    S.ACTIVE: {S.PAUSED, S.COMPLETED, S.WITHDRAWN},
    S.PAUSED: {S.ACTIVE, S.COMPLETED, S.WITHDRAWN},
    S.COMPLETED: set(),
    S.WITHDRAWN: set(),
}
EXIT_STATUSES = {S.COMPLETED, S.WITHDRAWN}
FOLLOW_UP_MONTHS = (6, 12)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def enrollment_change_status(
    *,
    actor: User,
    enrollment: Enrollment,
    expected_version: int,
    status: str,
    exit_date: date | None = None,
    exit_reason: str = "",
    destination: str = "",
    on_exit: Callable[[Enrollment], dict[str, str]] | None = None,
) -> Enrollment:
    """Move an enrollment along the pipeline; an exit records why and where, and creates the
    follow-ups at + 6 and + 12 months.

    ``on_exit`` is what a higher layer closes with the exit (placements.exits passes it in:
    this layer may not import placements). It runs after the checks, inside the transaction,
    with the exited enrollment, and returns what it did, recorded with the status change."""
    participant_check_changeable(enrollment.participant_id)
    enrollment_check_transition(enrollment=enrollment, status=status)
    values: dict[str, Any] = {"status": status}
    if status in EXIT_STATUSES:
        values.update(enrollment_exit_values(enrollment, exit_date, exit_reason, destination))
    with transaction.atomic():
        claim_version(
            Enrollment,
            enrollment,
            expected_version,
            _(
                "Somebody else changed this enrollment while you were working. "
                "Look at it again and repeat your change."
            ),
        )
        before = snapshot(enrollment, [*values])
        for name, value in values.items():
            setattr(enrollment, name, value)
        enrollment.save(update_fields=[*values])
        EnrollmentStatusChange.objects.create(enrollment=enrollment, status=status, by=actor)
        done = {}
        if status in EXIT_STATUSES:
            follow_ups_create(enrollment)
            done = on_exit(enrollment) if on_exit else {}
        change_record(
            actor=actor,
            instance=enrollment,
            participant=enrollment.participant,
            action=ChangeAction.UPDATE,
            before=before,
            after={**snapshot(enrollment, [*values]), **done},
        )
    enrollment.refresh_from_db()
    return enrollment


def enrollment_check_transition(*, enrollment: Enrollment, status: str) -> None:
    """Refuse a status the enrollment cannot move to from where it is (an exited enrollment
    moves nowhere)."""
    if status in TRANSITIONS.get(enrollment.status, set()):
        return
    if enrollment.status in EXIT_STATUSES:
        raise ApplicationError(
            _("This enrollment has already ended (%(status)s); its status can no longer change.")
            % {"status": enrollment.get_status_display()},
            field="status",
        )
    raise ApplicationError(
        _("An enrollment cannot go from %(old)s to %(new)s.")
        % {"old": enrollment.get_status_display(), "new": S(status).label}
        if status in S.values
        else _("Choose a status."),
        field="status",
    )


def enrollment_exit_values(
    enrollment: Enrollment, exit_date: date | None, exit_reason: str, destination: str
) -> dict[str, Any]:
    """The checked exit fields of an enrollment, or an ApplicationError naming the field."""

    if exit_date is None:
        raise ApplicationError(_("Enter the exit date."), field="exit_date")
    if enrollment.starts_on and exit_date < enrollment.starts_on:
        raise ApplicationError(
            _("The exit date cannot be before the enrollment started."), field="exit_date"
        )
    if exit_date > timezone.localdate():
        raise ApplicationError(_("The exit date cannot be in the future."), field="exit_date")
    if exit_reason not in ExitReason.values:
        raise ApplicationError(_("Choose the reason for the exit."), field="exit_reason")
    if destination not in Destination.values:
        raise ApplicationError(_("Choose where the person went."), field="destination")
    return {"ends_on": exit_date, "exit_reason": exit_reason, "destination": destination}


def follow_ups_create(*enrollments: Enrollment) -> None:
    """The + 6 and + 12 month follow-ups of exited enrollments, counted from the exit date. One
    statement; a follow-up that already exists is left as it is (the unique constraint)."""

    FollowUp.objects.bulk_create(
        [
            FollowUp(
                enrollment=enrollment,
                months=months,
                due_on=add_months(enrollment.ends_on, months),
            )
            for enrollment in enrollments
            if enrollment.ends_on is not None  # only an exit is followed up
            for months in FOLLOW_UP_MONTHS
        ],
        ignore_conflicts=True,
    )


FOLLOW_UP_BATCH = 500


def follow_ups_create_missing() -> int:
    """Create the follow-ups that exited enrollments lack: exits from before follow-ups were
    made at exit, or imported ones. Returns how many enrollments were given them.

    Safe to run twice: only enrollments missing a follow-up are read, and the unique
    constraint on (enrollment, months) makes a concurrent run create nothing more. Like the
    follow-ups made at exit, they are not recorded in the change history on their own (the
    exit is). Two queries per batch of enrollments."""
    lacking = (
        Enrollment.objects.filter(status__in=EXIT_STATUSES, ends_on__isnull=False)
        .annotate(made=Count("follow_ups", filter=Q(follow_ups__months__in=FOLLOW_UP_MONTHS)))
        .filter(made__lt=len(FOLLOW_UP_MONTHS))
        .only("pk", "ends_on")
        .order_by("pk")
    )
    done, last = 0, 0
    while batch := list(lacking.filter(pk__gt=last)[:FOLLOW_UP_BATCH]):
        follow_ups_create(*batch)
        done, last = done + len(batch), batch[-1].pk
    return done


def follow_up_record(
    *,
    actor: User,
    follow_up: FollowUp,
    expected_version: int,
    status: str,
    source: str,
    verified: bool,
) -> FollowUp:
    """Record what became of the person; the form offers only valid choices."""

    participant_check_changeable(follow_up.enrollment.participant_id)
    if not status:
        raise ApplicationError(_("Choose the person's status."), field="status")
    if not source:
        raise ApplicationError(_("Say where the information comes from."), field="source")
    with transaction.atomic():
        claim_version(
            FollowUp,
            follow_up,
            expected_version,
            _(
                "Somebody else recorded this follow-up while you were working. "
                "Look at it again before you save."
            ),
        )
        fields = ["status", "source", "verified", "recorded_on", "recorded_by"]
        before = snapshot(follow_up, fields)
        follow_up.status, follow_up.source, follow_up.verified = status, source, verified
        follow_up.recorded_on, follow_up.recorded_by = timezone.localdate(), actor
        follow_up.save(update_fields=fields)
        change_record(
            actor=actor,
            instance=follow_up,
            participant=follow_up.enrollment.participant,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(follow_up, fields),
        )
    follow_up.refresh_from_db()
    return follow_up
