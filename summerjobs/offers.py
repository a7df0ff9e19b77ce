"""Offers of a place after the lottery's run for real (docs/summerjobs.md, "Offers").

The programme's leads and coordinators send the offers of a run: each young person with a place
gets an e-mail, and a text message where SMS is on, with a private link to accept or decline
by a deadline (the season's days to answer, and never past the day before the period starts).
Someone under 18 on the period's first day who accepts is confirmed by a guardian through a
link of their own, by the same deadline and at least three days after the young person's yes.

A declined offer, a guardian's no and an offer not answered in time each free the place: the
workplace is told by e-mail the same day, and the place is offered at once to the first young
person on the reserve list who wished for its work area, can work its period and is old
enough. Those who have not answered (or confirmed, a guardian) are reminded once, two days
before the deadline's day, with a link of their own beside the first. Secrets are kept as
hashes only; messages name nobody to a workplace."""

import logging
import secrets
from datetime import date, datetime, time, timedelta
from smtplib import SMTPException
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import memberships
from accounts.models import User
from accounts.tokens import token_digest
from audit.services import audited_save
from config.concurrency import claim_version
from config.errors import ApplicationError
from config.queue import send_after_commit
from config.sms import SmsError, sms_send
from summerjobs.lottery import age_on
from summerjobs.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Choice,
    LotteryRun,
    Offer,
    OfferStatus,
    Place,
    Season,
)
from summerjobs.services import ADULT_AGE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# A guardian has at least this long after the young person's yes.
GUARDIAN_DAYS = 3
# How long an unsent message is left to its own task before the tending job sends it again.
RESEND_AFTER = timedelta(minutes=10)
SUBJECTS = {
    "offer": gettext_lazy("You have been offered a summer job"),
    "guardian": gettext_lazy("Confirm a summer job"),
    "freed": gettext_lazy("A summer-job place is free again"),
    "reminder": gettext_lazy("Reminder: answer your summer-job offer"),
    "guardian_reminder": gettext_lazy("Reminder: confirm a summer job"),
}
# The reminder before the deadline: once, from nine in the morning two days before the
# deadline's day (a deadline is the end of a day), in the daytime only, and never within a day
# of the first message.
REMIND_DAYS_BEFORE = 2
REMIND_AFTER_FIRST = timedelta(days=1)
DAYTIME = (time(9), time(20))
# Who the reminder is for: a young person who has not answered, a guardian who has not confirmed.
YOUNG_WAITING = Q(status=OfferStatus.PENDING)
GUARDIAN_WAITING = Q(
    status=OfferStatus.ACCEPTED, guardian_needed=True, guardian_confirmed_at__isnull=True
)
ENDED: "dict[str, StrOrPromise]" = {
    OfferStatus.DECLINED: gettext_lazy("declined"),
    OfferStatus.LAPSED: gettext_lazy("not answered in time"),
}


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def answer_deadline(*, season: Season, starts_on: date, now: datetime) -> datetime:
    """The end of the day ``answer_days`` from now, but not after the day before the period
    starts; always at least the end of tomorrow."""
    today = timezone.localdate(now)
    day = min(today + timedelta(days=season.answer_days), starts_on - timedelta(days=1))
    return _end_of(max(day, today + timedelta(days=1)))


def guardian_needed(application: Application, place: Place) -> bool:
    return age_on(application.birth_date, place.period.starts_on) < ADULT_AGE


def offers_create(*, run: LotteryRun, actor: User, at: datetime | None = None) -> int:
    """Offer each young person with a place in the run for real who has no offer waiting or
    accepted; their messages go out from the workers. Returns how many offers were made. Safe to
    repeat: a second press offers only places given since (by hand, or a new run's)."""
    from summerjobs.tasks import offer_notify_task  # the tasks module imports this one

    now = at or timezone.now()
    _check_runner(actor, run)
    with transaction.atomic():
        placed = (
            run.allocations.select_for_update(of=("self",))
            .filter(place__isnull=False)
            .exclude(offers__status__in=(OfferStatus.PENDING, OfferStatus.ACCEPTED))
            .select_related("application", "place__period")
        )
        offers = [_offer(allocation, allocation.place, run.season, now) for allocation in placed]
        Offer.objects.bulk_create(offers)
        for offer in offers:
            send_after_commit(offer_notify_task, offer.pk)
    return len(offers)


def _check_runner(actor: User, run: LotteryRun) -> None:
    if not memberships.runs_summer_jobs(actor, run.season.programme_id):
        raise ApplicationError(
            _("Only the programme's leads and coordinators send offers."), code="forbidden"
        )
    if run.dry_run:
        raise ApplicationError(_("A dry run gives nobody a place: send the run for real's."))


def _offer(allocation: Allocation, place: Place | None, season: Season, now: datetime) -> Offer:
    assert place is not None
    return Offer(
        allocation=allocation,
        place=place,
        guardian_needed=guardian_needed(allocation.application, place),
        answer_by=answer_deadline(season=season, starts_on=place.period.starts_on, now=now),
        created_at=now,
    )


def offer_accept(
    *, offer: Offer, expected_version: int, at: datetime | None = None, actor: User | None = None
) -> Offer:
    """The young person's yes. Under 18, a guardian is asked next. ``actor``: the staff member
    who took the answer for them (summerjobs/prestart.py), for the change history."""
    from summerjobs.tasks import guardian_notify_task  # the tasks module imports this one

    now = at or timezone.now()
    _check_open(offer, now, OfferStatus.PENDING)
    with transaction.atomic():
        _claim(offer, expected_version)
        answer_by = offer.answer_by
        if offer.guardian_needed:
            guardian_days = _end_of(timezone.localdate(now) + timedelta(days=GUARDIAN_DAYS))
            answer_by = max(answer_by, guardian_days)
            send_after_commit(guardian_notify_task, offer.pk)
        audited_save(
            actor=actor,
            instance=offer,
            status=OfferStatus.ACCEPTED,
            answered_at=now,
            answer_by=answer_by,
        )
    return offer


def offer_decline(
    *,
    offer: Offer,
    expected_version: int,
    reason: str = "",
    at: datetime | None = None,
    actor: User | None = None,
) -> Offer:
    """The young person's no, before or after a yes, until the deadline: the place goes to the
    next on the reserve list. ``actor`` as for ``offer_accept``."""
    now = at or timezone.now()
    _check_open(offer, now, OfferStatus.PENDING, OfferStatus.ACCEPTED)
    with transaction.atomic():
        _claim(offer, expected_version)
        _end(offer, OfferStatus.DECLINED, now, reason=reason.strip()[:300], actor=actor)
    return offer


def offer_guardian_answer(
    *,
    offer: Offer,
    expected_version: int,
    confirm: bool,
    at: datetime | None = None,
    actor: User | None = None,
) -> Offer:
    """A guardian confirms the young person's yes, or says no (the place is freed). ``actor``
    as for ``offer_accept``."""
    now = at or timezone.now()
    _check_open(offer, now, OfferStatus.ACCEPTED)
    if offer.guardian_confirmed_at is not None:
        raise ApplicationError(_("You have already confirmed this summer job."), code="done")
    with transaction.atomic():
        _claim(offer, expected_version)
        if confirm:
            audited_save(actor=actor, instance=offer, guardian_confirmed_at=now)
        else:
            _end(offer, OfferStatus.DECLINED, now, by_guardian=True, actor=actor)
    return offer


def _check_open(offer: Offer, now: datetime, *statuses: str) -> None:
    if offer.status not in statuses:
        raise ApplicationError(_("This offer has already been answered."), code="answered")
    if offer.answer_by < now:
        raise ApplicationError(
            _("The time to answer this offer has passed. Contact the summer-job staff."),
            code="late",
        )


def _claim(offer: Offer, expected_version: int) -> None:
    claim_version(
        Offer,
        offer,
        expected_version,
        _("The offer was answered somewhere else after you opened it. Look at it again."),
    )
    offer.version = expected_version + 1


def _end(
    offer: Offer,
    status: str,
    now: datetime,
    *,
    reason: str = "",
    by_guardian: bool = False,
    actor: User | None = None,
) -> None:
    """Close the offer, free its place and offer it to the next on the reserve list."""
    from summerjobs.tasks import workplace_notify_task  # the tasks module imports this one

    audited_save(
        actor=actor,
        instance=offer,
        status=status,
        answered_at=now,
        decline_reason=reason,
        declined_by_guardian=by_guardian,
    )
    allocation = Allocation.objects.select_for_update().get(pk=offer.allocation_id)
    if allocation.place_id == offer.place_id:
        audited_save(actor=actor, instance=allocation, place=None, choice_rank=None)
    send_after_commit(workplace_notify_task, offer.pk)
    place_refill(place=offer.place, run_id=allocation.run_id, at=now)


def place_refill(*, place: Place, run_id: int, at: datetime | None = None) -> Offer | None:
    """Give a place with room to the first on the run's reserve list who wished for its area,
    can work its period and is old enough on its first day, and offer it to them. Call inside
    a transaction; the run's allocations are locked while the room is counted."""
    from summerjobs.tasks import offer_notify_task  # the tasks module imports this one

    now = at or timezone.now()
    allocations = Allocation.objects.select_for_update().filter(run_id=run_id)
    taken = sum(
        1 for place_id in allocations.values_list("place_id", flat=True) if place_id == place.pk
    )
    if taken >= place.slots:
        return None
    chosen = _next_in_reserve(place, run_id)
    if chosen is None:
        return None
    allocation, rank = chosen
    audited_save(
        actor=None, instance=allocation, place=place, choice_rank=rank, reserve_position=None
    )
    offer = _offer(allocation, place, place.period.season, now)
    offer.save()
    send_after_commit(offer_notify_task, offer.pk)
    return offer


def _next_in_reserve(place: Place, run_id: int) -> tuple[Allocation, int] | None:
    wish = Choice.objects.filter(application=OuterRef("application"), area_id=place.area_id)
    candidates = (
        Allocation.objects.filter(
            run_id=run_id,
            reserve_position__isnull=False,
            application__status=ApplicationStatus.SUBMITTED,
            application__periods=place.period_id,
            application__choices__area=place.area_id,
        )
        .select_related("application")
        .annotate(rank=Subquery(wish.values("rank")[:1]))
        .order_by("reserve_position")
    )
    for allocation in candidates:
        if age_on(allocation.application.birth_date, place.period.starts_on) >= place.min_age:
            return allocation, allocation.rank
    return None


# --- Messages ---------------------------------------------------------------------------------


def offer_link(token: str) -> str:
    return settings.FOTFESTE_SITE_URL.rstrip("/") + reverse("apply:offer", kwargs={"token": token})


def guardian_link(token: str) -> str:
    path = reverse("apply:guardian", kwargs={"token": token})
    return settings.FOTFESTE_SITE_URL.rstrip("/") + path


def offer_notify(*, offer_id: int, at: datetime | None = None) -> bool:
    """Send the young person their offer with a new link. Safe to run twice: the send is
    claimed by a conditional update, and a send that failed is released for the next try."""
    token = secrets.token_urlsafe(32)
    now = at or timezone.now()
    claimed = Offer.objects.filter(
        pk=offer_id, status=OfferStatus.PENDING, sent_at__isnull=True
    ).update(sent_at=now, token_hash=token_digest(token))
    if not claimed:
        return False
    offer = _offer_for_message(offer_id)
    application = offer.allocation.application
    context = {**_place_context(offer), "link": offer_link(token), "name": application.first_name}
    sent = _deliver("offer", context, offer, application.email, application.phone)
    if not sent:
        Offer.objects.filter(pk=offer_id).update(sent_at=None)
    return sent


def guardian_notify(*, offer_id: int, at: datetime | None = None) -> bool:
    """Ask a guardian to confirm an accepted offer. Safe to run twice, as ``offer_notify``."""
    token = secrets.token_urlsafe(32)
    now = at or timezone.now()
    claimed = Offer.objects.filter(
        pk=offer_id,
        status=OfferStatus.ACCEPTED,
        guardian_needed=True,
        guardian_sent_at__isnull=True,
        guardian_confirmed_at__isnull=True,
    ).update(guardian_sent_at=now, guardian_token_hash=token_digest(token))
    if not claimed:
        return False
    offer = _offer_for_message(offer_id)
    application = offer.allocation.application
    context = {
        **_place_context(offer),
        "link": guardian_link(token),
        "name": application.first_name,
    }
    sent = _deliver(
        "guardian", context, offer, application.guardian_email, application.guardian_phone
    )
    if not sent:
        Offer.objects.filter(pk=offer_id).update(guardian_sent_at=None)
    return sent


def workplace_notify(*, offer_id: int, at: datetime | None = None) -> bool:
    """Tell the workplace that a place of theirs is free again, the day it happens; no name."""
    now = at or timezone.now()
    claimed = (
        Offer.objects.filter(
            pk=offer_id,
            status__in=(OfferStatus.DECLINED, OfferStatus.LAPSED),
            workplace_told_at__isnull=True,
        )
        .exclude(place__workplace__contact_email="")
        .update(workplace_told_at=now)
    )
    if not claimed:
        return False
    offer = _offer_for_message(offer_id)
    context = {**_place_context(offer), "ended": ENDED.get(offer.status, "")}
    sent = _deliver("freed", context, offer, offer.place.workplace.contact_email, "")
    if not sent:
        Offer.objects.filter(pk=offer_id).update(workplace_told_at=None)
    return sent


def _offer_for_message(offer_id: int) -> Offer:
    return Offer.objects.select_related(
        "allocation__application",
        "place__workplace",
        "place__area",
        "place__period__season__programme__municipality",
    ).get(pk=offer_id)


def _place_context(offer: Offer) -> dict[str, object]:
    season = offer.place.period.season
    return {
        "offer": offer,
        "place": offer.place,
        "period": offer.place.period,
        "season": season,
        "municipality": season.programme.municipality,
    }


def _deliver(kind: str, context: dict[str, object], offer: Offer, email: str, phone: str) -> bool:
    """E-mail, and a text message where SMS is on, in the municipality's language; True when
    at least one went. Failures are logged by their kind only."""
    municipality = offer.place.period.season.programme.municipality
    with translation.override(municipality.default_language):
        subject = str(SUBJECTS[kind])
        body = render_to_string(f"summerjobs/offer/email/{kind}.txt", context)
        text = render_to_string(f"summerjobs/offer/sms/{kind}.txt", context).strip()
    sent = False
    if email.strip():
        try:
            send_mail(
                subject=subject, message=body, from_email=None, recipient_list=[email.strip()]
            )
            sent = True
        except (SMTPException, OSError) as exc:
            logger.warning("summer-job %s e-mail not sent: %s", kind, type(exc).__name__)
    if phone.strip():
        try:
            sent = sms_send(to=phone, country=municipality.country, text=text) or sent
        except (SmsError, OSError) as exc:
            logger.warning("summer-job %s SMS not sent: %s", kind, type(exc).__name__)
    return sent


# --- The deadline -----------------------------------------------------------------------------


def offers_tend(*, at: datetime | None = None) -> dict[str, int]:
    """Every quarter of an hour: let offers past their deadline lapse (each freeing its place
    for the reserve list), send again any message still unsent, and remind once those who have
    not answered as the deadline nears (``offers_remind``). Safe to run twice: each lapse claims
    its offer's version, and each send and reminder is claimed."""
    now = at or timezone.now()
    due = Offer.objects.filter(answer_by__lt=now).filter(
        Q(status=OfferStatus.PENDING)
        | Q(status=OfferStatus.ACCEPTED, guardian_needed=True, guardian_confirmed_at__isnull=True)
    )
    lapsed = 0
    for offer in due.select_related("place__period__season").order_by("answer_by", "pk"):
        with transaction.atomic():
            try:
                _claim(offer, offer.version)
            except ApplicationError:
                continue  # answered or lapsed meanwhile
            _end(offer, OfferStatus.LAPSED, now)
            lapsed += 1
    before = now - RESEND_AFTER
    unsent = Offer.objects.filter(
        status=OfferStatus.PENDING, sent_at__isnull=True, created_at__lt=before
    )
    sent = sum(offer_notify(offer_id=pk, at=now) for pk in unsent.values_list("pk", flat=True))
    asked = Offer.objects.filter(
        status=OfferStatus.ACCEPTED,
        guardian_needed=True,
        guardian_sent_at__isnull=True,
        guardian_confirmed_at__isnull=True,
        answered_at__lt=before,
    )
    sent += sum(guardian_notify(offer_id=pk, at=now) for pk in asked.values_list("pk", flat=True))
    reminded = offers_remind(at=now)
    if lapsed or sent or reminded:
        logger.info(
            "summer-job offers: %d lapsed, %d messages sent again, %d reminders",
            lapsed,
            sent,
            reminded,
        )
    return {"lapsed": lapsed, "sent": sent, "reminded": reminded}


# --- The reminder -----------------------------------------------------------------------------


def remind_from(answer_by: datetime) -> datetime:
    """When the reminder of an offer with this deadline may go: nine in the morning two days
    before the deadline's day."""
    day = timezone.localdate(answer_by) - timedelta(days=REMIND_DAYS_BEFORE)
    return timezone.make_aware(datetime.combine(day, DAYTIME[0]))


def offers_remind(*, at: datetime | None = None) -> int:
    """Remind, once, each young person who has not answered their offer and each guardian who
    has not confirmed, as the deadline nears (``remind_from``). Returns how many went. Safe to
    run twice: each reminder is claimed on its offer."""
    now = at or timezone.now()
    if not DAYTIME[0] <= timezone.localtime(now).time() < DAYTIME[1]:
        return 0  # no text message in the night; the morning's run sends it
    near = Offer.objects.filter(
        answer_by__gt=now, answer_by__lte=now + timedelta(days=REMIND_DAYS_BEFORE + 1)
    )
    first_before = now - REMIND_AFTER_FIRST
    young = near.filter(
        YOUNG_WAITING, reminded_at__isnull=True, sent_at__lte=first_before
    ).values_list("pk", "answer_by")
    guardians = near.filter(
        GUARDIAN_WAITING, guardian_reminded_at__isnull=True, guardian_sent_at__lte=first_before
    ).values_list("pk", "answer_by")
    sent = 0
    for waiting, guardian in ((young, False), (guardians, True)):
        for pk, answer_by in waiting:
            if remind_from(answer_by) <= now:
                sent += _remind(pk, now, guardian=guardian)
    return sent


def _remind(offer_id: int, now: datetime, *, guardian: bool) -> bool:
    """One reminder with a link of its own: the secret is kept as a second hash beside the
    first message's, so both links work (``selectors.offer_for_link``). Claimed by a
    conditional update; a send that failed on every channel is released for the next run."""
    token = secrets.token_urlsafe(32)
    prefix = "guardian_" if guardian else ""
    waiting = GUARDIAN_WAITING if guardian else YOUNG_WAITING
    claimed = Offer.objects.filter(
        waiting, pk=offer_id, answer_by__gt=now, **{f"{prefix}reminded_at__isnull": True}
    ).update(**{f"{prefix}reminded_at": now, f"{prefix}reminder_token_hash": token_digest(token)})
    if not claimed:
        return False
    offer = _offer_for_message(offer_id)
    application = offer.allocation.application
    context = {**_place_context(offer), "name": application.first_name}
    if guardian:
        context["link"] = guardian_link(token)
        to = (application.guardian_email, application.guardian_phone)
    else:
        context["link"] = offer_link(token)
        to = (application.email, application.phone)
    sent = _deliver(f"{prefix}reminder", context, offer, *to)
    if not sent:
        Offer.objects.filter(pk=offer_id).update(
            **{f"{prefix}reminded_at": None, f"{prefix}reminder_token_hash": None}
        )
    return sent
