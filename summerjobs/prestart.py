"""Between a settled offer and the first day of work (docs/summerjobs.md, "Before the start").

The programme's leads and summer-jobs coordinators keep a checklist for each young person
whose offer is settled (accepted, and confirmed by a guardian where one must confirm): the
employment contract signed, a bank account registered with payroll, the tax form handed in
(with how tax is deducted), the extract from belastningsregistret seen where the place needs
one, and a next of kin with a phone number. Each tick says who and when, on the checklist and
in the change history; a tick can be taken back the same way. Of the extract only that it was
seen is kept: an employer may look at it but not keep it or a copy (lag 2013:852).

They also record the answer of a young person or a guardian who phones instead of using their
link, with a note; the answer goes through the same services as the link's
(summerjobs/offers.py), with the staff member as the change history's actor."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from audit.services import audited_save
from config.concurrency import claim_version
from config.errors import ApplicationError
from config.sms import phone_international
from summerjobs.models import (
    Offer,
    PreStart,
    PreStartItem,
    StaffAnswer,
    StaffAnswerKind,
    TaxBasis,
)
from summerjobs.offers import offer_accept, offer_decline, offer_guardian_answer

# The items ticked as done; the next of kin is recorded with a name and a phone number.
TICKED = (PreStartItem.CONTRACT, PreStartItem.BANK, PreStartItem.TAX, PreStartItem.EXTRACT)
NOTE_LENGTH = 300


def prestart_tick(
    *,
    offer: Offer,
    item: str,
    done: bool,
    expected_version: int,
    actor: User,
    tax_basis: str = "",
    at: datetime | None = None,
) -> PreStart:
    """Tick an item of a settled offer's checklist (``done``) or take the tick back. Refused
    when the item is already so (somebody was quicker: who and when is said), and when the
    checklist changed after ``expected_version`` was read."""
    now = at or timezone.now()
    _check_staff(actor, offer)
    if item not in TICKED:
        raise ApplicationError(_("Choose an item of the checklist."), field="item")
    if item == PreStartItem.TAX and done and tax_basis not in TaxBasis.values:
        raise ApplicationError(_("Choose how tax is deducted."), field="tax_basis")
    with transaction.atomic():
        locked, checklist = _settled_checklist(offer)
        if item not in PreStart.items_for(locked.place):
            raise ApplicationError(
                _("This place needs no extract from belastningsregistret."), field="item"
            )
        if checklist.done(item) == done:
            raise ApplicationError(_already(checklist, item), code="done")
        _claim(checklist, expected_version)
        values: dict[str, Any] = {
            f"{item}_at": now if done else None,
            f"{item}_by": actor if done else None,
        }
        if item == PreStartItem.TAX:
            values["tax_basis"] = tax_basis if done else ""
        audited_save(actor=actor, instance=checklist, **values)
    return checklist


def prestart_next_of_kin(
    *,
    offer: Offer,
    name: str,
    phone: str,
    expected_version: int,
    actor: User,
    at: datetime | None = None,
) -> PreStart:
    """Record the young person's next of kin (a name and a phone number), or clear them (both
    empty): the item is done while both are there."""
    now = at or timezone.now()
    _check_staff(actor, offer)
    name, phone = name.strip(), phone.strip()
    if phone and not name:
        raise ApplicationError(_("Give the next of kin's name too."), field="name")
    if name and not phone:
        raise ApplicationError(_("Give the next of kin's phone number too."), field="phone")
    country = offer.allocation.run.season.programme.municipality.country
    if phone and phone_international(phone, country=country) is None:
        raise ApplicationError(_("Give a phone number, such as 070-123 45 67."), field="phone")
    with transaction.atomic():
        _locked, checklist = _settled_checklist(offer)
        if (checklist.next_of_kin_name, checklist.next_of_kin_phone) == (name, phone):
            return checklist
        _claim(checklist, expected_version)
        audited_save(
            actor=actor,
            instance=checklist,
            next_of_kin_name=name,
            next_of_kin_phone=phone,
            next_of_kin_at=now if name else None,
            next_of_kin_by=actor if name else None,
        )
    return checklist


def offer_answer_record(
    *,
    offer: Offer,
    answer: str,
    note: str,
    expected_version: int,
    actor: User,
    at: datetime | None = None,
) -> Offer:
    """The answer a young person or their guardian gave a lead or coordinator instead of
    through their link (on the phone, at the desk), with a note of who said what. The link's
    rules hold (the deadline, the order of yes and guardian, a no after a yes); the change
    history names the staff member."""
    now = at or timezone.now()
    _check_staff(actor, offer)
    note = note.strip()
    if not note:
        raise ApplicationError(_("Write a short note: who you spoke with, and when."), field="note")
    if len(note) > NOTE_LENGTH:
        raise ApplicationError(_("Keep the note to 300 characters."), field="note")
    guardian = answer in (StaffAnswerKind.GUARDIAN_CONFIRM, StaffAnswerKind.GUARDIAN_REFUSE)
    if answer not in StaffAnswerKind.values or (guardian and not offer.guardian_needed):
        raise ApplicationError(_("Choose one of the answers given."), field="answer")
    with transaction.atomic():
        try:
            _answer(offer, answer, note, expected_version, actor, now)
        except ApplicationError as exc:
            raise _in_staff_words(exc) from exc
        StaffAnswer.objects.create(
            offer=offer, answer=answer, note=note, made_by=actor, made_at=now
        )
    return offer


def _answer(
    offer: Offer, answer: str, note: str, expected_version: int, actor: User, now: datetime
) -> None:
    if answer == StaffAnswerKind.ACCEPT:
        offer_accept(offer=offer, expected_version=expected_version, at=now, actor=actor)
    elif answer == StaffAnswerKind.DECLINE:
        offer_decline(
            offer=offer, expected_version=expected_version, reason=note, at=now, actor=actor
        )
    else:
        offer_guardian_answer(
            offer=offer,
            expected_version=expected_version,
            confirm=answer == StaffAnswerKind.GUARDIAN_CONFIRM,
            at=now,
            actor=actor,
        )


def _in_staff_words(exc: ApplicationError) -> ApplicationError:
    """The link's refusals speak to the young person; these say the same to staff."""
    words = {
        "late": _("The time to answer has passed: the answer can no longer be recorded."),
        "done": _("The guardian has already confirmed this offer."),
        "answered": _("The offer cannot take that answer now. Look at it again."),
    }
    if exc.code in words:
        return ApplicationError(words[exc.code], code=exc.code)
    return exc


def _check_staff(actor: User, offer: Offer) -> None:
    if not memberships.runs_summer_jobs(actor, offer.place.period.season.programme_id):
        raise ApplicationError(
            _("Only the programme's leads and coordinators keep the offers and checklists."),
            code="forbidden",
        )


def _settled_checklist(offer: Offer) -> tuple[Offer, PreStart]:
    """The offer locked (one change of its checklist at a time, and an answer waits) and its
    checklist, made at the first tick; refused unless the offer is settled now."""
    locked = Offer.objects.select_for_update(of=("self",)).select_related("place").get(pk=offer.pk)
    if not locked.settled:
        raise ApplicationError(
            _(
                "The checklist opens once the offer is accepted, and confirmed by a guardian "
                "where one must confirm."
            ),
            code="not_settled",
        )
    checklist, _created = PreStart.objects.get_or_create(offer=locked)
    return locked, checklist


def _claim(checklist: PreStart, expected_version: int) -> None:
    claim_version(
        PreStart,
        checklist,
        expected_version,
        _("Somebody changed this checklist after you opened it. Look at it again."),
    )
    checklist.version = expected_version + 1


def _already(checklist: PreStart, item: str) -> str:
    at = getattr(checklist, f"{item}_at")
    if at is None:
        return _("That item is not ticked: somebody took the tick back. Look at it again.")
    by = getattr(checklist, f"{item}_by")
    return _("That item was already ticked by %(name)s, %(when)s.") % {
        "name": by.full_name if by else "–",
        "when": formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT"),
    }
