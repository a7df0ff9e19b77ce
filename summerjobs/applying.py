"""The application e-service's own steps (docs/summerjobs.md): an application sent through
the public form waits, encrypted, until the young person enters the code e-mailed to the address
they gave; the right code within 15 minutes makes the application through
``services.application_submit`` (so every rule is checked again, and the one application per
person and season) and e-mails a receipt with a private link to see and change it.

Secrets (the confirmation page's token, the code, the link's token) are kept as hashes only.
The code's hash is keyed with the site's secret and the page's token, which the database does not
hold: a copy of the table alone does not give the million codes away. Nothing here logs, and no
address carries a personnummer, a name or an e-mail address."""

import json
import logging
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.tokens import token_digest
from config.errors import ApplicationError
from participants import national_id as nid
from summerjobs.models import Application, EmailChange, PendingApplication, Season
from summerjobs.services import (
    ApplicationChange,
    ApplicationInput,
    application_check,
    application_submit,
    application_update,
)

logger = logging.getLogger(__name__)

CODE_MINUTES = 15
MAX_ATTEMPTS = 5
# An expired code is kept a while so that one entered late is told it expired, not that it
# was never there; then the quarter-hourly job deletes it (codes_expire).
_KEEP_EXPIRED = timedelta(hours=1)
SUBJECTS = {
    "code": gettext_lazy("Your code for the summer-job application"),
    "receipt": gettext_lazy("We have received your summer-job application"),
    "email_code": gettext_lazy("Your code for the new e-mail address"),
    "email_changed": gettext_lazy("The e-mail address of your summer-job application changed"),
}


def code_digest(token: str, code: str) -> str:
    return salted_hmac(
        "fotfeste.summerjobs.code", f"{token}:{code}", algorithm="sha256"
    ).hexdigest()


def pending_application_start(
    *, season: Season, data: ApplicationInput, language: str, at: datetime | None = None
) -> str:
    """Check the application against the season's rules, keep it waiting for its code, and
    e-mail the code. Returns the secret of the confirmation page's address."""
    now = at or timezone.now()
    application_check(season=season, data=data, at=now)
    token, code = secrets.token_urlsafe(32), f"{secrets.randbelow(10**6):06d}"
    pending = PendingApplication.objects.create(
        season=season,
        token_hash=token_digest(token),
        code_hash=code_digest(token, code),
        data_encrypted=nid.encrypt(json.dumps(asdict(data))),
        language=language,
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    context = {"code": code, "season": season, "minutes": CODE_MINUTES}
    if not _mail(language, "code", context, data.email):
        pending.delete()
        raise ApplicationError(
            _("The e-mail with your code could not be sent just now. Try again in a few minutes."),
            code="mail",
        )
    return token


def pending_application_for(*, token: str) -> PendingApplication | None:
    digest = token_digest(token)
    pending = PendingApplication.objects.select_related("season__programme__municipality")
    return pending.filter(token_hash=digest).first()


def pending_application_email(pending: PendingApplication) -> str:
    """The address the code went to (for the rate limit per address)."""
    return str(json.loads(nid.decrypt(pending.data_encrypted))["email"]).strip().lower()


def pending_application_confirm(
    *, pending: PendingApplication, token: str, code: str, at: datetime | None = None
) -> tuple[Application, str, bool]:
    """The right code in time makes the application. Returns it, the secret of its link, and
    whether the receipt went out. A wrong code says how many tries are left; the fifth wrong
    code, or an expired one, ends the submission: the young person starts again."""
    now = at or timezone.now()
    if pending.expires_at <= now:
        pending.delete()
        raise ApplicationError(
            _("The code has expired (it works for %(minutes)d minutes). Send the form again.")
            % {"minutes": CODE_MINUTES},
            code="expired",
        )
    if not constant_time_compare(pending.code_hash, code_digest(token, code.strip())):
        _wrong_code(pending)
    data = ApplicationInput(**json.loads(nid.decrypt(pending.data_encrypted)))
    try:
        application, link_token = _confirmed(pending, data, now)
    except ApplicationError as exc:
        if exc.code != "gone":  # a refused application ends the submission, as a used code
            PendingApplication.objects.filter(pk=pending.pk).delete()
        raise
    context = {"season": pending.season, "link": application_link(link_token)}
    sent = _mail(pending.language, "receipt", context, data.email)
    return application, link_token, sent


def _confirmed(
    pending: PendingApplication, data: ApplicationInput, now: datetime
) -> tuple[Application, str]:
    """The waiting submission taken away and the application made, in one transaction: a code
    entered twice at once makes one application (the second DELETE waits for the first to
    commit, then finds nothing), and the deadline's crowd pays for one commit each, not two."""
    with transaction.atomic():
        if not PendingApplication.objects.filter(pk=pending.pk).delete()[0]:
            raise _gone()
        link_token = secrets.token_urlsafe(32)
        application = application_submit(
            season=pending.season,
            data=data,
            at=now,
            edit_token_hash=token_digest(link_token),
            language=pending.language,
            savepoint=False,  # a refusal ends this transaction; nothing in it is kept
        )
    return application, link_token


def application_link(token: str) -> str:
    path = reverse("apply:application", kwargs={"token": token})
    return settings.FOTFESTE_SITE_URL.rstrip("/") + path


def _wrong_code(waiting: PendingApplication | EmailChange) -> None:
    """A wrong code counts against the waiting row; the fifth drops it (the young person starts
    again), so that nobody can try the million codes."""
    model = type(waiting)
    counted = model.objects.filter(pk=waiting.pk, attempts__lt=MAX_ATTEMPTS - 1).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        model.objects.filter(pk=waiting.pk).delete()
        again = (
            _("That was the fifth wrong code. For your safety, give the new address again.")
            if model is EmailChange
            else _("That was the fifth wrong code. For your safety, send the form again.")
        )
        raise ApplicationError(again, code="too_many")
    left = MAX_ATTEMPTS - waiting.attempts - 1
    raise ApplicationError(
        ngettext(
            "The code is not right. You can try %(left)d more time.",
            "The code is not right. You can try %(left)d more times.",
            left,
        )
        % {"left": left},
        field="code",
        code="wrong",
    )


def _gone() -> ApplicationError:
    return ApplicationError(
        _("This code has been used or has expired. Send the form again."), code="gone"
    )


def _mail(language: str, kind: str, context: dict, to: str) -> bool:
    """Send one of the e-service's e-mails in the language the young person used. A mail server
    that does not answer is logged by the error's kind only, and the caller tells the person."""
    with translation.override(language or None):
        subject = str(SUBJECTS[kind])
        body = render_to_string(f"summerjobs/apply/email/{kind}.txt", context)
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[to.strip()])
    except (SMTPException, OSError) as exc:
        logger.warning("summer-job %s e-mail not sent: %s", kind, type(exc).__name__)
        return False
    return True


def application_change_save(
    *,
    application: Application,
    expected_version: int,
    change: ApplicationChange,
    token: str,
    at: datetime | None = None,
) -> bool:
    """The young person's change through their link: everything but a new e-mail address is
    saved at once (``application_update``); a new address waits for the code sent to it.
    Returns whether a code went out. A code that could not be sent is refused on the address's
    field, with the other changes saved."""
    application_update(
        application=application, expected_version=expected_version, change=change, at=at
    )
    new = change.email.strip()
    # The form shows the confirmed address: left as it is, a waiting one stays waiting (the
    # page's «cancel» drops it), and the waiting one again sends no second code.
    waiting = EmailChange.objects.filter(application=application).values_list("email", flat=True)
    if new.lower() in {application.email.strip().lower(), *(e.lower() for e in waiting)}:
        return False
    email_change_start(application=application, email=new, token=token, at=at)
    return True


def email_change_start(
    *, application: Application, email: str, token: str, at: datetime | None = None
) -> None:
    """Keep ``email`` waiting for the code this sends to it (an earlier waiting address is
    replaced); ``token`` is the link's secret, which keys the code's hash."""
    now = at or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    values = {
        "email": email,
        "code_hash": code_digest(token, code),
        "attempts": 0,
        "created_at": now,
        "expires_at": now + timedelta(minutes=CODE_MINUTES),
    }
    EmailChange.objects.update_or_create(application=application, defaults=values)
    context = {"code": code, "season": application.season, "minutes": CODE_MINUTES}
    if not _mail(application.language, "email_code", context, email):
        EmailChange.objects.filter(application=application).delete()
        raise ApplicationError(
            _(
                "The e-mail with the code could not be sent to the new address just now. Your "
                "other changes are saved; give the new address again in a few minutes."
            ),
            field="email",
            code="mail",
        )


def email_change_confirm(
    *, application: Application, token: str, code: str, at: datetime | None = None
) -> Application:
    """The right code in time makes the waiting address the application's; the old address is
    told. A wrong code says how many tries are left; the fifth, or an expired code, drops the
    waiting address and keeps the old one."""
    now = at or timezone.now()
    waiting = EmailChange.objects.filter(application=application).first()
    if waiting is None:
        raise ApplicationError(
            _("No new e-mail address is waiting for a code. Give the new address again."),
            code="gone",
        )
    if waiting.expires_at <= now:
        waiting.delete()
        raise ApplicationError(
            _(
                "The code has expired (it works for %(minutes)d minutes). Give the new "
                "address again."
            )
            % {"minutes": CODE_MINUTES},
            code="expired",
        )
    if not constant_time_compare(waiting.code_hash, code_digest(token, code.strip())):
        _wrong_code(waiting)
    old = application.email
    with transaction.atomic():
        if not EmailChange.objects.filter(pk=waiting.pk).delete()[0]:
            raise _gone()
        Application.objects.filter(pk=application.pk).update(
            email=waiting.email, version=F("version") + 1
        )
    application.refresh_from_db(fields=["email", "version"])
    context = {"season": application.season, "link": application_link(token)}
    _mail(application.language, "email_changed", context, old)
    return application


def email_waiting(application: Application, at: datetime | None = None) -> EmailChange | None:
    """The new address waiting for its code, if any and not expired (from the link's read)."""
    waiting = getattr(application, "email_change", None)
    return waiting if waiting and waiting.expires_at > (at or timezone.now()) else None


def codes_expire(*, at: datetime | None = None) -> int:
    """Delete the submissions and new e-mail addresses whose code expired over an hour ago
    (encrypted personal data nobody confirmed). Returns how many rows went."""
    before = (at or timezone.now()) - _KEEP_EXPIRED
    submissions = PendingApplication.objects.filter(expires_at__lt=before).delete()[0]
    return submissions + EmailChange.objects.filter(expires_at__lt=before).delete()[0]


def email_change_cancel(*, application: Application) -> None:
    EmailChange.objects.filter(application=application).delete()
