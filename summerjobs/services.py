"""Writes for summer jobs: applications, and the lottery that allocates the places."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Country, User
from audit.services import audited_save
from config.concurrency import claim_version
from config.errors import ApplicationError
from participants import national_id as nid
from summerjobs import lottery
from summerjobs.models import (
    Allocation,
    Application,
    Choice,
    Gender,
    LotteryRun,
    PriorityTier,
    Season,
    runs_summer_jobs,
)
from summerjobs.selectors import lottery_draw

# The brief: at least five ranked wishes can be given; more than ten says little.
MAX_CHOICES = 10
ADULT_AGE = 18


@dataclass(frozen=True)
class ApplicationInput:
    national_id: str
    first_name: str
    last_name: str
    gender: str
    email: str
    area_ids: list[int]  # ranked, first wish first
    period_ids: list[int]
    phone: str = ""
    guardian_name: str = ""
    guardian_email: str = ""
    guardian_phone: str = ""
    school: str = ""
    school_year: str = ""
    motivation: str = ""


def age_on(born: date, day: date) -> int:
    """Age in whole years on ``day`` (a birthday on that day counts)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def application_submit(
    *, season: Season, data: ApplicationInput, at: datetime | None = None
) -> Application:
    """A young person's application, checked against the season's rules: the window, the
    personnummer, the years of birth, a guardian under 18, the wishes and periods offered."""
    if not season.is_open(at or timezone.now()):
        raise ApplicationError(_("Applications for this season are not open."), code="closed")
    number = nid.parse(data.national_id, country=Country.SWEDEN)
    _check_age(season, number.birth_date)
    _check_guardian(season, number.birth_date, data)
    areas, periods = _checked_choices(season, data)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                season=season,
                national_id_encrypted=nid.encrypt(number.value),
                national_id_hash=nid.lookup_hash(number.value),
                national_id_masked=number.masked,
                birth_date=number.birth_date,
                **_person_fields(data),
            )
            application.periods.set(periods)
            Choice.objects.bulk_create(
                Choice(application=application, rank=rank, area_id=area)
                for rank, area in enumerate(areas, start=1)
            )
    except IntegrityError:
        raise ApplicationError(
            _("This person has already applied this season."), field="national_id", code="duplicate"
        ) from None
    return application


def _person_fields(data: ApplicationInput) -> dict[str, str]:
    if data.gender not in Gender.values:
        raise ApplicationError(_("Choose one of the genders offered."), field="gender")
    names = ("first_name", "last_name", "email", "phone", "guardian_name", "guardian_email")
    more = ("guardian_phone", "school", "school_year", "motivation", "gender")
    return {name: getattr(data, name).strip() for name in names + more}


def _check_age(season: Season, born: date) -> None:
    if not season.admits_birth_year(born):
        raise ApplicationError(
            _("This season is for young people born %(first)s–%(last)s.")
            % {"first": season.born_from_year, "last": season.born_to_year},
            field="national_id",
            code="age",
        )


def _check_guardian(season: Season, born: date, data: ApplicationInput) -> None:
    first_day = season.periods.order_by("starts_on").values_list("starts_on", flat=True).first()
    if first_day and age_on(born, first_day) < ADULT_AGE and not data.guardian_email.strip():
        raise ApplicationError(
            _("Under 18: give a guardian's e-mail address, so that they can confirm an offer."),
            field="guardian_email",
        )


def _checked_choices(season: Season, data: ApplicationInput) -> tuple[list[int], list[int]]:
    areas, periods = list(data.area_ids), list(dict.fromkeys(data.period_ids))
    if not areas or len(areas) > MAX_CHOICES:
        raise ApplicationError(
            _("Rank between 1 and %(most)d work areas.") % {"most": MAX_CHOICES}, field="areas"
        )
    if len(set(areas)) != len(areas):
        raise ApplicationError(_("Each work area can be chosen once."), field="areas")
    if set(areas) - set(season.areas.values_list("pk", flat=True)):
        raise ApplicationError(_("Choose among this season's work areas."), field="areas")
    if not periods or set(periods) - set(season.periods.values_list("pk", flat=True)):
        raise ApplicationError(_("Choose at least one of this season's periods."), field="periods")
    return areas, periods


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


def application_set_tier(
    *, actor: User, application: Application, tier: PriorityTier | None, expected_version: int
) -> Application:
    """Put an application in a priority tier, or in none. Sensitive grounds (social services,
    disability) are set by the season's programme leads only, never by the young person, and
    every change is in the change history."""
    season = application.season
    if not runs_summer_jobs(actor, season):
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
