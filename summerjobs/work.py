"""At work (docs/summerjobs.md, "At work"): the workplace's link, the hours its handledare
record each day, their attestation of each young person's period, and the staff's corrections
after it. The rules of a day's hours are summerjobs/hours.py's.

A workplace sees only the young people whose offer of one of its places is settled (accepted,
and confirmed by a guardian where one must): their names, periods and hours, and, one person at
a time and recorded (``workplace_contact``), how to reach them and their next of kin; never a
personnummer, an address, a priority ground or anything else of the application."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import memberships
from accounts.models import User
from accounts.tokens import token_digest
from config.errors import ApplicationError
from config.queue import send_after_commit
from summerjobs import hours as rules
from summerjobs.lottery import age_on
from summerjobs.models import (
    Absence,
    Attestation,
    HoursEntry,
    Offer,
    OfferStatus,
    PreStart,
    Season,
    Workplace,
    WorkplaceAccess,
    WorkplaceLook,
)

# The link works until a month after the season's last period: time to attest and correct.
ACCESS_DAYS_AFTER = 30
CORRECTION_REASON_MIN = 5
LINK_SUBJECT = gettext_lazy("Your workplace's summer-job page")


def access_link(token: str) -> str:
    path = reverse("apply:work", kwargs={"token": token})
    return settings.FOTFESTE_SITE_URL.rstrip("/") + path


def workplace_access_create(
    *, actor: User, workplace: Workplace, season: Season, at: datetime | None = None
) -> tuple[str, bool]:
    """A new link for the workplace's pages this season, replacing any earlier one, e-mailed to
    its contact address. Returns the link and whether the e-mail went."""
    now = at or timezone.now()
    if not memberships.runs_summer_jobs(actor, season.programme_id):
        raise ApplicationError(
            _("Only the programme's leads and coordinators give workplaces their link."),
            code="forbidden",
        )
    if workplace.municipality_id != season.programme.municipality_id:
        raise ApplicationError(_("Choose one of the municipality's workplaces."))
    last = season.periods.aggregate(last=Max("ends_on"))["last"] or timezone.localdate(now)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        WorkplaceAccess.objects.filter(
            workplace=workplace, season=season, revoked_at__isnull=True
        ).update(revoked_at=now)
        WorkplaceAccess.objects.create(
            workplace=workplace,
            season=season,
            token_hash=token_digest(token),
            created_at=now,
            created_by=actor,
            expires_at=timezone.make_aware(
                datetime.combine(last + timedelta(days=ACCESS_DAYS_AFTER), time(23, 59))
            ),
        )
    link = access_link(token)
    return link, _mail_link(workplace, season, link)


def _mail_link(workplace: Workplace, season: Season, link: str) -> bool:
    if not workplace.contact_email:
        return False
    with translation.override(season.programme.municipality.default_language):
        subject = str(LINK_SUBJECT)
        body = render_to_string(
            "summerjobs/work/email/link.txt",
            {"workplace": workplace, "season": season, "link": link},
        )
    try:
        send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[workplace.contact_email]
        )
    except (SMTPException, OSError):
        return False
    return True


# --- Hours ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DayInput:
    day: date
    starts_at: time | None = None
    ends_at: time | None = None
    break_minutes: int = 0
    absence: str = ""


def hours_record(
    *,
    offer: Offer,
    data: DayInput,
    by_name: str = "",
    actor: User | None = None,
    reason: str = "",
    today: date | None = None,
) -> HoursEntry:
    """Record a young person's day. Through the workplace's link (``by_name``) until the period
    is attested; by the programme's staff (``actor``) also after, as a correction with a
    reason. The day must be in the offer's period and not after today."""
    today = today or timezone.localdate()
    _check_recordable(offer, data.day, actor=actor, reason=reason, today=today)
    with transaction.atomic():
        # One day at a time per young person: the period's and week's sums are read under it.
        Offer.objects.select_for_update().get(pk=offer.pk)
        hours = _checked_hours(offer, data)
        return HoursEntry.objects.create(
            offer=offer,
            day=data.day,
            starts_at=None if data.absence else data.starts_at,
            ends_at=None if data.absence else data.ends_at,
            break_minutes=0 if data.absence else data.break_minutes,
            hours=hours,
            absence=data.absence,
            entered_by_name=by_name.strip()[:150],
            entered_by=actor,
            correction_reason=reason.strip()[:300],
        )


def _check_recordable(
    offer: Offer, day: date, *, actor: User | None, reason: str, today: date
) -> None:
    if not offer.settled:
        raise ApplicationError(_("This young person has not taken the job."), code="not_settled")
    period = offer.place.period
    if not period.starts_on <= day <= period.ends_on:
        raise ApplicationError(_("Choose a day of the period."), field="day")
    if day > today:
        raise ApplicationError(_("Hours are recorded on the day or after it."), field="day")
    attested = Attestation.objects.filter(offer=offer).exists()
    if actor is None and attested:
        raise ApplicationError(
            _("The period is attested: ask the summer-job staff to correct it."), code="attested"
        )
    if actor is not None:
        if not memberships.runs_summer_jobs(actor, period.season.programme_id):
            raise ApplicationError(
                _("Only the programme's leads and coordinators correct hours."), code="forbidden"
            )
        if attested and len(reason.strip()) < CORRECTION_REASON_MIN:
            raise ApplicationError(_("Say why the attested hours change."), field="reason")


def _checked_hours(offer: Offer, data: DayInput) -> Decimal:
    if data.absence:
        if data.absence not in Absence.values:
            raise ApplicationError(_("Choose a reason for the absence."), field="absence")
        return Decimal(0)
    if data.starts_at is None or data.ends_at is None:
        raise ApplicationError(_("Give the time the day started and ended."), field="starts_at")
    hours = rules.worked_hours(data.starts_at, data.ends_at, data.break_minutes)
    application = offer.allocation.application
    limits = rules.minor_limits(age_on(application.birth_date, data.day))
    if limits is not None:
        monday, sunday = rules.week_of(data.day)
        # The week's other days as they count now: a day recorded again counts as its newest.
        week = _days_between(offer, monday, sunday, leaving_out=data.day)
        rules.check_minor(
            limits,
            starts=data.starts_at,
            ends=data.ends_at,
            break_minutes=data.break_minutes,
            hours=hours,
            week_hours=sum((e.hours for e in week), Decimal(0)),
        )
        worked = [(e.day, e.starts_at, e.ends_at) for e in week if e.starts_at and e.ends_at]
        rules.check_weekly_rest(monday, [*worked, (data.day, data.starts_at, data.ends_at)])
    period = offer.place.period
    cap = period.hours_cap or period.season.hours_per_period
    other_days = _hours_between(offer, period.starts_on, period.ends_on, leaving_out=data.day)
    rules.check_cap(cap=cap, other_days=other_days, hours=hours)
    return hours


def effective_days(entries: Iterable[HoursEntry]) -> dict[tuple[int, date], HoursEntry]:
    """The entry that counts for each young person's day: the newest."""
    latest: dict[tuple[int, date], HoursEntry] = {}
    for entry in entries:
        key = (entry.offer_id, entry.day)
        if key not in latest or (entry.entered_at, entry.pk) > (
            latest[key].entered_at,
            latest[key].pk,
        ):
            latest[key] = entry
    return latest


def _days_between(offer: Offer, first: date, last: date, *, leaving_out: date) -> list[HoursEntry]:
    """The entries that count for the offer's days from ``first`` to ``last`` but one."""
    entries = HoursEntry.objects.filter(offer=offer, day__range=(first, last)).exclude(
        day=leaving_out
    )
    return list(effective_days(entries).values())


def _hours_between(offer: Offer, first: date, last: date, *, leaving_out: date) -> Decimal:
    days = _days_between(offer, first, last, leaving_out=leaving_out)
    return sum((e.hours for e in days), Decimal(0))


def period_totals(offers: "list[Offer]") -> dict[int, Decimal]:
    """The hours that count in each offer's period now, in one query."""
    totals = {offer.pk: Decimal(0) for offer in offers}
    entries = HoursEntry.objects.filter(offer__in=offers).only(
        "offer_id", "day", "hours", "entered_at"
    )
    for (offer_id, _day), entry in effective_days(entries).items():
        totals[offer_id] += entry.hours
    return totals


def period_hours(offer: Offer) -> Decimal:
    """The hours that count in the offer's period now."""
    period = offer.place.period
    return _hours_between(offer, period.starts_on, period.ends_on, leaving_out=date.min)


def period_attest(
    *, offer: Offer, by_name: str, today: date | None = None, at: datetime | None = None
) -> Attestation:
    """The handledare attests the young person's hours of the period, from its last day on;
    after it the link records no more for them. Once."""
    today = today or timezone.localdate()
    if not offer.settled:
        raise ApplicationError(_("This young person has not taken the job."), code="not_settled")
    if today < offer.place.period.ends_on:
        raise ApplicationError(_("The period is attested from its last day on."), code="too_early")
    if len(by_name.strip()) < 2:
        raise ApplicationError(_("Give your name: it goes with the attestation."), field="name")
    # The task's module imports this one (through the payroll): imported when needed.
    from summerjobs.tasks import certificate_notify_task

    with transaction.atomic():
        Offer.objects.select_for_update().get(pk=offer.pk)
        if Attestation.objects.filter(offer=offer).exists():
            raise ApplicationError(_("The period is already attested."), code="attested")
        # The young person is told their work certificate is ready.
        send_after_commit(certificate_notify_task, offer.pk)
        return Attestation.objects.create(
            offer=offer,
            hours=period_hours(offer),
            attested_by_name=by_name.strip()[:150],
            attested_at=at or timezone.now(),
        )


def settled_at(workplace_id: int, season_id: int) -> "list[Offer]":
    """The young people whose offer of one of the workplace's places this season is settled,
    by period and name."""
    offers = (
        Offer.objects.filter(
            place__workplace_id=workplace_id,
            place__period__season_id=season_id,
            status=OfferStatus.ACCEPTED,
        )
        .select_related("allocation__application", "place__area", "place__period__season")
        .order_by("place__period__number", "allocation__application__last_name", "pk")
    )
    return [offer for offer in offers if offer.settled]


@dataclass(frozen=True)
class Contact:
    """What a handledare may see of a young person at their workplace beyond the name and the
    hours: how to reach them, and whom to call if something happens (the next of kin the
    checklist before the start recorded, when it has)."""

    offer: Offer
    phone: str
    email: str
    next_of_kin_name: str
    next_of_kin_phone: str


def workplace_contact(*, access: WorkplaceAccess, offer: Offer) -> Contact:
    """A settled young person's contact details for the workplace whose link ``access`` is,
    each showing recorded as a ``WorkplaceLook`` (the caller has checked that the offer is one
    of the workplace's settled ones)."""
    application = offer.allocation.application
    checklist = PreStart.objects.filter(offer=offer).first()
    WorkplaceLook.objects.create(
        workplace_key=access.workplace_id,
        workplace_name=access.workplace.name,
        application_key=application.pk,
    )
    return Contact(
        offer=offer,
        phone=application.phone,
        email=application.email,
        next_of_kin_name=checklist.next_of_kin_name if checklist else "",
        next_of_kin_phone=checklist.next_of_kin_phone if checklist else "",
    )
