"""Writes for summer jobs: applications, and the lottery that allocates the places."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import Country, User
from audit.models import AccessAction, ChangeEvent
from audit.services import access_record_rows, audited_save, changes_redact
from config.concurrency import claim_version
from config.errors import ApplicationError
from participants import national_id as nid
from participants.services import add_months
from summerjobs import lottery
from summerjobs.figures_frozen import season_figures_freeze
from summerjobs.lottery import age_on
from summerjobs.models import (
    LIVE_OFFER,
    Allocation,
    Application,
    ApplicationStatus,
    Choice,
    Gender,
    LotteryRun,
    OfferStatus,
    Override,
    Place,
    PreStart,
    PriorityTier,
    Season,
)
from summerjobs.offered import SeasonOffer, season_offer
from summerjobs.selectors import lottery_draw

logger = logging.getLogger(__name__)

# The brief: at least five ranked wishes can be given; more than ten says little.
MAX_CHOICES = 10
ADULT_AGE = 18


@dataclass(frozen=True, kw_only=True)
class ApplicationChange:
    """What the young person may change through the link in their receipt until the deadline:
    not the personnummer, the names or the gender, which say who applied."""

    email: str
    area_ids: list[int]  # ranked, first wish first
    period_ids: list[int]
    phone: str = ""
    postcode: str = ""
    guardian_name: str = ""
    guardian_email: str = ""
    guardian_phone: str = ""
    school: str = ""
    school_year: str = ""
    motivation: str = ""


@dataclass(frozen=True, kw_only=True)
class ApplicationInput(ApplicationChange):
    """A whole application: what may be changed later, and who applied."""

    national_id: str
    first_name: str
    last_name: str
    gender: str
    registered: bool = False  # says they are registered (folkbokförd) in the municipality


# The fields of ApplicationChange kept as they are typed (the wishes and periods apart).
CHANGEABLE: tuple[str, ...] = ("email", "phone", "postcode", "guardian_name", "guardian_email")
CHANGEABLE += ("guardian_phone", "school", "school_year", "motivation")


@dataclass(frozen=True)
class CheckedApplication:
    number: nid.NationalId
    area_ids: list[int]
    period_ids: list[int]
    person: dict[str, str]


def application_check(
    *, season: Season, data: ApplicationInput, at: datetime | None = None
) -> CheckedApplication:
    """Every rule of the season that an application can be held to before it is kept: the
    window, the personnummer, the years of birth, a guardian under 18, the wishes and periods
    offered, the gender. Not whether the person has applied already: that needs the e-mail
    address confirmed first (applying.py), so that nobody can ask which numbers have applied."""
    if not season.is_open(at or timezone.now()):
        raise ApplicationError(_("Applications for this season are not open."), code="closed")
    number = nid.parse(data.national_id, country=Country.SWEDEN)
    _check_age(season, number.birth_date)
    if not data.registered:
        raise ApplicationError(
            _("This season is for young people registered (folkbokförda) in %(municipality)s.")
            % {"municipality": season.programme.municipality.name},
            field="registered",
            code="not_registered",
        )
    _check_postcode(season, data.postcode)
    _check_school_year(season, data.school_year)
    offered = season_offer(season)
    _check_guardian(offered.period_starts, number.birth_date, data)
    areas, periods = _checked_choices(offered, data)
    return CheckedApplication(number, areas, periods, _person_fields(data))


def application_submit(
    *,
    season: Season,
    data: ApplicationInput,
    at: datetime | None = None,
    edit_token_hash: str | None = None,
    language: str = "",
    savepoint: bool = True,
) -> Application:
    """A young person's application, checked against the season's rules (application_check),
    one per person and season; ``edit_token_hash``: the hash of their link's secret;
    ``language``: the one they applied in (their certificate's); ``savepoint``: False where
    the caller's transaction holds this one and ends with its error (two round trips fewer)."""
    at = at or timezone.now()
    checked = application_check(season=season, data=data, at=at)
    number = checked.number
    try:
        with transaction.atomic(savepoint=savepoint):
            application = Application.objects.create(
                season=season,
                national_id_encrypted=nid.encrypt(number.value),
                national_id_hash=nid.lookup_hash(number.value),
                national_id_masked=number.masked,
                birth_date=number.birth_date,
                created_at=at,
                edit_token_hash=edit_token_hash,
                language=language[:8],
                **checked.person,
            )
            _periods_create(application, checked.period_ids)
            _choices_create(application, checked.area_ids)
    except IntegrityError:
        raise ApplicationError(
            _("This person has already applied this season."), field="national_id", code="duplicate"
        ) from None
    return application


def _periods_create(application: Application, period_ids: list[int]) -> None:
    """A new application's periods in one insert (``periods.set`` would first ask which it has)."""
    through = Application.periods.through
    through.objects.bulk_create(
        through(application_id=application.pk, period_id=period) for period in period_ids
    )


def _choices_create(application: Application, area_ids: list[int]) -> None:
    Choice.objects.bulk_create(
        Choice(application=application, rank=rank, area_id=area)
        for rank, area in enumerate(area_ids, start=1)
    )


def _person_fields(data: ApplicationInput) -> dict[str, str]:
    if data.gender not in Gender.values:
        raise ApplicationError(_("Choose one of the genders offered."), field="gender")
    names = ("first_name", "last_name", "email", "phone", "guardian_name", "guardian_email")
    more = ("guardian_phone", "school", "school_year", "motivation", "gender")
    person = {name: getattr(data, name).strip() for name in names + more}
    return {**person, "postcode": postcode_normal(data.postcode) or ""}


def _check_age(season: Season, born: date) -> None:
    if not season.admits_birth_year(born):
        raise ApplicationError(
            _("This season is for young people born %(first)s–%(last)s.")
            % {"first": season.born_from_year, "last": season.born_to_year},
            field="national_id",
            code="age",
        )


def postcode_normal(value: str) -> str | None:
    """A Swedish postcode as its five digits («123 45» → «12345»); None for anything else."""
    digits = value.replace(" ", "").strip()
    return digits if len(digits) == 5 and digits.isdigit() else None


def _check_postcode(season: Season, value: str) -> None:
    postcode = postcode_normal(value)
    if postcode is None:
        raise ApplicationError(
            _("Give your postcode: five digits, such as 123 45."), field="postcode"
        )
    if not season.admits_postcode(postcode):
        raise ApplicationError(
            _(
                "This season is for young people registered in %(municipality)s, and "
                "%(postcode)s is not one of its postcodes."
            )
            % {"municipality": season.programme.municipality.name, "postcode": value.strip()},
            field="postcode",
            code="not_registered",
        )


def _check_school_year(season: Season, school_year: str) -> None:
    years = season.school_year_list
    if years and school_year.strip() not in years:
        raise ApplicationError(
            _("This season is for young people in school year %(years)s.")
            % {"years": ", ".join(years)},
            field="school_year",
            code="school_year",
        )


def _check_guardian(
    offered: dict[int, date], born: date, data: ApplicationInput | ApplicationChange
) -> None:
    """Under 18 on the first day of work, a guardian confirms an offer: their name, e-mail
    and mobile are needed, each refused on its own field."""
    first_day = min(offered.values(), default=None)
    if not first_day or age_on(born, first_day) >= ADULT_AGE:
        return
    if not data.guardian_email.strip():
        raise ApplicationError(
            _("Under 18: give a guardian's e-mail address, so that they can confirm an offer."),
            field="guardian_email",
        )
    if not data.guardian_name.strip():
        raise ApplicationError(_("Under 18: give a guardian's name."), field="guardian_name")
    if not data.guardian_phone.strip():
        raise ApplicationError(
            _("Under 18: give a guardian's mobile number."), field="guardian_phone"
        )


def _checked_choices(
    offered: SeasonOffer, data: ApplicationInput | ApplicationChange
) -> tuple[list[int], list[int]]:
    areas, periods = list(data.area_ids), list(dict.fromkeys(data.period_ids))
    if not areas or len(areas) > MAX_CHOICES:
        raise ApplicationError(
            _("Rank between 1 and %(most)d work areas.") % {"most": MAX_CHOICES}, field="areas"
        )
    if len(set(areas)) != len(areas):
        raise ApplicationError(_("Each work area can be chosen once."), field="areas")
    if set(areas) - offered.area_ids:
        raise ApplicationError(_("Choose among this season's work areas."), field="areas")
    if not periods or set(periods) - set(offered.period_starts):
        raise ApplicationError(_("Choose at least one of this season's periods."), field="periods")
    return areas, periods


def application_update(
    *,
    application: Application,
    expected_version: int,
    change: ApplicationChange,
    at: datetime | None = None,
) -> Application:
    """The young person's own change of their contact details (all but the e-mail address,
    which waits for a code), wishes, periods and text, until the deadline, checked against the
    same rules as the application; refused when somebody saved the application after
    ``expected_version`` was read (another tab, a guardian)."""
    season = application.season
    _check_changeable(application, at)
    if not change.email.strip():
        raise ApplicationError(_("Give your e-mail address."), field="email")
    _check_postcode(season, change.postcode)
    _check_school_year(season, change.school_year)
    offered = season_offer(season)
    _check_guardian(offered.period_starts, application.birth_date, change)
    areas, periods = _checked_choices(offered, change)
    # A new e-mail address waits for its code (applying.application_change_save).
    values: dict[str, Any] = {
        name: getattr(change, name).strip() for name in CHANGEABLE if name != "email"
    }
    values["postcode"] = postcode_normal(change.postcode)
    with transaction.atomic():
        claim_version(Application, application, expected_version, _stale_message())
        for name, value in values.items():
            setattr(application, name, value)
        application.version = expected_version + 1
        application.save(update_fields=[*values])
        application.periods.set(periods)
        application.choices.all().delete()
        _choices_create(application, areas)
    return application


def application_withdraw(
    *, application: Application, expected_version: int, at: datetime | None = None
) -> Application:
    """The young person takes their application back, until the deadline; the lottery leaves
    it out."""
    _check_changeable(application, at)
    with transaction.atomic():
        claim_version(Application, application, expected_version, _stale_message())
        application.status = ApplicationStatus.WITHDRAWN
        application.version = expected_version + 1
        application.save(update_fields=["status"])
    return application


def _check_changeable(application: Application, at: datetime | None) -> None:
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationError(_("This application has been withdrawn."), code="withdrawn")
    if not application.season.is_open(at or timezone.now()):
        raise ApplicationError(
            _("Applications for this season are closed: it can no longer be changed."),
            code="closed",
        )


def _stale_message() -> str:
    return _(
        "The application was changed somewhere else (another tab or device) after you opened "
        "it. Nothing was saved: look at it again and repeat your change."
    )


def lottery_run(*, season: Season, seed: int, dry_run: bool, actor: User | None) -> LotteryRun:
    """Allocate the season's places by its priority tiers and a lottery with ``seed``, and keep
    what went in and what came out. A dry run only shows the result; a run for real also
    records each young person's place or reserve position, once per season."""
    draw = lottery_draw(season=season, seed=seed)
    result = lottery.allocate(draw)
    with transaction.atomic():
        locked = Season.objects.select_for_update().get(pk=season.pk)
        if not dry_run and locked.lottery_runs.filter(dry_run=False).exists():
            raise ApplicationError(
                _("The lottery has already been run for this season."), code="already_run"
            )
        run = LotteryRun.objects.create(
            season=season,
            seed=seed,
            algorithm_version=result.algorithm_version,
            inputs_digest=result.inputs_digest,
            dry_run=dry_run,
            result=result.to_json(),
            run_by=actor,
        )
        if not dry_run:
            Allocation.objects.bulk_create(_allocations(run, result))
    return run


def _allocations(run: LotteryRun, result: lottery.Result) -> list[Allocation]:
    placed = [
        Allocation(run=run, application_id=key, place_id=place, choice_rank=result.choice_rank[key])
        for key, place in sorted(result.assigned.items())
    ]
    reserve = [
        Allocation(run=run, application_id=key, reserve_position=position)
        for position, key in enumerate(result.reserve, start=1)
    ]
    return placed + reserve


def application_looked_at(*, user: User, application_id: int, page: str) -> None:
    """A staff page about one young person, opened: an access event on their application, which
    their right-of-access export lists (docs/privacy.md)."""
    access_record_rows(
        user=user,
        model=Application,
        object_ids=[application_id],
        page=page,
        action=AccessAction.VIEW,
    )


def application_set_tier(
    *, actor: User, application: Application, tier: PriorityTier | None, expected_version: int
) -> Application:
    """Put an application in a priority tier, or in none. Sensitive grounds (social services,
    disability) are set by the season's programme leads only, never by the young person, and
    every change is in the change history."""
    season = application.season
    if not memberships.runs_summer_jobs(actor, season.programme_id):
        raise ApplicationError(
            _("Only the programme's leads and coordinators set priority."), code="forbidden"
        )
    if tier is not None and tier.season_id != season.pk:
        raise ApplicationError(_("Choose one of this season's priority tiers."), field="tier")
    with transaction.atomic():
        claim_version(
            Application,
            application,
            expected_version,
            _("Someone else changed this application meanwhile. Look at it again."),
        )
        audited_save(actor=actor, instance=application, tier=tier)
    application.version = expected_version + 1
    return application


def applications_purge_unplaced(*, today: date | None = None) -> int:
    """Delete the applications of the young people who got no place, once their season's last
    period ended ``FOTFESTE_SUMMERJOBS_UNPLACED_MONTHS`` ago (a season without periods counts
    from the close of applications): with their wishes, reserve positions and the values of
    their change history (and of the checklist before the start of one who said yes, then
    no). The season's figures are frozen first (summerjobs/figures_frozen.py), so they still
    count everyone who applied. The runs keep their figures and keys. Returns how many went."""
    today = today or timezone.localdate()
    months = settings.FOTFESTE_SUMMERJOBS_UNPLACED_MONTHS
    deleted = 0
    seasons = Season.objects.annotate(last_day=Max("periods__ends_on")).values_list(
        "pk", "last_day", "applications_close_at"
    )
    for season_id, last_day, closed_at in seasons:
        ended = last_day or timezone.localdate(closed_at)
        if add_months(ended, months) < today:
            deleted += _purge_unplaced(season_id)
    return deleted


def _purge_unplaced(season_id: int) -> int:
    with transaction.atomic():
        # The figures first, while everyone who applied is still here (a second run finds
        # them frozen and leaves them); under the season's lock, taken by the freeze.
        season_figures_freeze(season_id=season_id)
        placed = Allocation.objects.filter(
            run__season_id=season_id, run__dry_run=False, place__isnull=False
        ).values("application_id")
        unplaced = Application.objects.filter(season_id=season_id).exclude(pk__in=placed)
        ids = list(unplaced.values_list("pk", flat=True))
        if not ids:
            return 0
        # A checklist before the start of someone who said yes and then no holds a next of kin.
        checklists = PreStart.objects.filter(offer__allocation__application_id__in=ids)
        checklist_ids = [str(pk) for pk in checklists.values_list("pk", flat=True)]
        Allocation.objects.filter(application_id__in=ids).delete()
        history = ChangeEvent.objects.filter(
            Q(model=Application._meta.label_lower, object_id__in=[str(pk) for pk in ids])
            | Q(model=PreStart._meta.label_lower, object_id__in=checklist_ids)
        )
        changes_redact(history)
        Application.objects.filter(pk__in=ids).delete()
    logger.info("summer jobs: %d unplaced applications of season %d deleted", len(ids), season_id)
    return len(ids)


OVERRIDE_REASON_MIN = 5
# A run's allocations under the lock: (allocation, its place or None).
Taken = Sequence[tuple[int, int | None]]


def allocation_override(
    *, actor: User, allocation: Allocation, place: Place | None, reason: str
) -> Allocation:
    """Change a run's outcome by hand: give a young person a place with room in it (a reserve
    on the list, or a move), or take a place back to the end of the reserve list. Only on a run
    for real, by the programme's leads and coordinators, with a reason; each change is kept."""
    run = allocation.run
    _check_override(actor, run, reason)
    with transaction.atomic():
        # One change at a time per run: the room in a place is counted under the lock.
        taken: Taken = list(run.allocations.select_for_update().values_list("pk", "place_id"))
        before = allocation.place
        if place is None:
            _to_reserve(actor, allocation)
        else:
            _to_place(actor, allocation, place, taken)
        # An offer of the place they had is void; the new place gets its own offer when the
        # offers are sent again (summerjobs/offers.py).
        for offer in allocation.offers.filter(status__in=LIVE_OFFER):
            audited_save(actor=actor, instance=offer, status=OfferStatus.WITHDRAWN)
        Override.objects.create(
            allocation=allocation,
            from_place=before,
            to_place=place,
            reason=reason.strip(),
            made_by=actor,
        )
    return allocation


def _check_override(actor: User, run: LotteryRun, reason: str) -> None:
    if not memberships.runs_summer_jobs(actor, run.season.programme_id):
        raise ApplicationError(
            _("Only the programme's leads and coordinators set priority."), code="forbidden"
        )
    if run.dry_run:
        raise ApplicationError(_("A dry run gives nobody a place: change the run for real."))
    if len(reason.strip()) < OVERRIDE_REASON_MIN:
        raise ApplicationError(_("Say why, so that it can be explained later."), field="reason")


def _to_reserve(actor: User, allocation: Allocation) -> None:
    if allocation.place_id is None:
        raise ApplicationError(_("This young person has no place to take back."), field="place")
    last = Allocation.objects.filter(run_id=allocation.run_id).aggregate(n=Max("reserve_position"))
    audited_save(
        actor=actor,
        instance=allocation,
        place=None,
        choice_rank=None,
        reserve_position=(last["n"] or 0) + 1,
    )


def _to_place(actor: User, allocation: Allocation, place: Place, taken: Taken) -> None:
    application = allocation.application
    if application.status != ApplicationStatus.SUBMITTED:  # withdrawn, or erased on request
        raise ApplicationError(
            _("This application has been withdrawn: it cannot be given a place."), field="place"
        )
    if place.period.season_id != application.season_id:
        raise ApplicationError(_("Choose one of this season's places."), field="place")
    others = sum(1 for pk, place_id in taken if place_id == place.pk and pk != allocation.pk)
    if others >= place.slots:
        raise ApplicationError(_("That place is full."), field="place")
    if age_on(application.birth_date, place.period.starts_on) < place.min_age:
        raise ApplicationError(
            _("The place is for those %(age)d and over when the period starts.")
            % {"age": place.min_age},
            field="place",
        )
    wishes = list(application.choices.order_by("rank").values_list("area_id", flat=True))
    rank = wishes.index(place.area_id) + 1 if place.area_id in wishes else None
    audited_save(
        actor=actor, instance=allocation, place=place, choice_rank=rank, reserve_position=None
    )
