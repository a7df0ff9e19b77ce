"""Telling people a report is ready: a link to the run, never a figure or a name."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from reporting.models import ReportRun
from reporting.selectors import report_runs

logger = logging.getLogger(__name__)


def report_recipients(run: ReportRun) -> list[User]:
    """The person who asked; for a scheduled draft, the leads of the programmes concerned."""

    if run.requested_by is not None:
        candidates = [run.requested_by] if run.requested_by.is_active else []
    else:
        programmes = run.grant.programmes.all() if run.grant is not None else [run.programme]
        ids = [p.pk for p in programmes if p is not None]
        leads = memberships.lead_memberships(ids).select_related("user__municipality")
        candidates = list({m.user_id: m.user for m in leads}.values())
    # Only people who may still open the run (a lead who left the programme may not).
    return [u for u in candidates if report_runs(user=u).filter(pk=run.pk).exists()]


def report_ready_send(*, run: ReportRun) -> int:
    """One mail per recipient, in their municipality's language. A failed mail is logged with
    the run's id and does not undo the report, which the reports page shows anyway."""
    link = settings.FOTFESTE_SITE_URL.rstrip("/") + reverse("reporting:run", kwargs={"pk": run.pk})
    sent = 0
    for user in report_recipients(run):
        try:
            with translation.override(user.language):
                send_mail(
                    subject=_("[Fotfeste] Your report is ready"),
                    message=render_to_string(
                        "reporting/email/report_ready.txt", {"run": run, "link": link}
                    ),
                    from_email=None,
                    recipient_list=[user.email],
                )
            sent += 1
        except Exception:
            logger.exception("report run %s: the ready mail could not be sent", run.pk)
    return sent
