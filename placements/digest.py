"""The daily "needs attention" e-mail: counts and a link to the site, never a name.

A caseworker hears how many tasks, follow-ups, quiet people, expiring consents and fagprøve
deadlines wait on their home page; an arbeidsleder how many attendance days nobody recorded;
a programme lead how many funder reports are overdue or due within two weeks.
The counts are read with the same selectors as the pages, so they never reach past what the
user may see (another municipality, a person whose consent to share was withdrawn)."""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from participants.models import DigestSent
from placements.attention import needs_attention_counts
from placements.selectors import missing_attendance
from programs.selectors import deadlines_needing_attention

logger = logging.getLogger(__name__)


def digest_recipients(*, day: date) -> QuerySet[User]:
    """Active caseworkers and arbeidsledere who have not had the digest of ``day`` yet,
    annotated with which of the two they are."""
    return (
        User.objects.filter(is_active=True, municipality__isnull=False)
        .annotate(**memberships.role_flags())
        .filter(Q(caseworker=True) | Q(arbeidsleder=True) | Q(lead=True))
        .exclude(Exists(DigestSent.objects.filter(user=OuterRef("pk"), day=day)))
        .order_by("pk")
    )


def digests_send(*, day: date | None = None) -> int:
    """Send the digest of ``day`` (default today) to everyone who has something waiting;
    returns how many were sent.

    Safe to run twice: each mail is claimed by a ``DigestSent`` row, unique per user and day,
    before it is sent, so a second run the same day sends nothing. Queries: one for the
    recipients, then a fixed number per recipient (five for a caseworker, two for an
    arbeidsleder, one for the claim), never one per participant."""
    day = day or timezone.localdate()
    sent = 0
    for user in list(digest_recipients(day=day)):
        sent += digest_send(user=user, day=day)
    return sent


def digest_counts(*, user) -> dict[str, int]:
    """What the digest tells ``user``: counts only. ``user`` comes from ``digest_recipients``,
    which says whether they are a caseworker, an arbeidsleder or both."""
    counts: dict[str, int] = {}
    if user.caseworker:
        counts.update(needs_attention_counts(user=user))
    if user.arbeidsleder:
        counts["missing_days"], counts["missing_people"] = missing_attendance(user=user)
    if user.lead:
        deadlines = deadlines_needing_attention(user=user, today=timezone.localdate())
        counts["reports_overdue"] = sum(1 for d in deadlines if d.status == "overdue")
        counts["reports_due"] = len(deadlines) - counts["reports_overdue"]
    return counts


def digest_send(*, user, day: date) -> bool:
    """Send one user the digest of ``day``, unless they have nothing waiting or already had
    it. A failed send gives the claim back and is logged by the user's id only, so running the
    job again the same day sends just the ones that failed."""
    counts = digest_counts(user=user)
    if not any(counts.values()):
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, day=day)
    except IntegrityError:
        return False  # another run claimed it first
    try:
        _mail(user, counts)
    except Exception:
        DigestSent.objects.filter(user=user, day=day).delete()
        logger.exception("needs-attention digest to user %s failed", user.pk)
        return False
    return True


def _mail(user, counts: dict[str, int]) -> None:
    site = settings.FOTFESTE_SITE_URL.rstrip("/")
    with translation.override(user.language):
        context = {
            **counts,
            "home_link": site + reverse("home"),
            "attendance_link": site + reverse("placements:attendance-week"),
            "reports_link": site + reverse("reporting:reports"),
        }
        send_mail(
            subject=_("[Fotfeste] What needs your attention today"),
            message=render_to_string("participants/email/digest.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
