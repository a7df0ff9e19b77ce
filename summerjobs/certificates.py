"""Work certificates (docs/summerjobs.md, «Certificates»): an arbetsintyg for each young person
whose hours of a period are attested, in Swedish, with a page in English too for a young
person who applied in English. It names the municipality, the young person and their birth date
(never the personnummer), the workplace and work area, the period, the hours that count (the
attested hours with any correction staff made since), the place's tasks, the handledare's
statement where they allowed it to be printed, and who signs for the municipality.

Staff who run the season's summer jobs download one, or have a worker make all of a season's
in one ZIP (``certificate_batch_build``); the young person downloads their own from their
offer's link, and is told by e-mail when it is ready (``certificate_notify``). Every download
by staff is in the young person's access log."""

import csv
import io
import logging
import secrets
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial
from smtplib import SMTPException
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts import memberships
from accounts.models import User
from accounts.tokens import token_digest
from audit.models import AccessAction
from audit.services import access_record_rows
from config.errors import ApplicationError
from config.generated import (
    GeneratedStatus,
    file_store,
    generated_build,
    generated_claim,
    generated_fail,
    generated_files_expire,
    generated_finish,
    generated_progress,
)
from config.queue import send_after_commit
from summerjobs.models import (
    Application,
    CertificateBatch,
    Offer,
    Season,
    SeasonKind,
    SupervisorEvaluation,
)
from summerjobs.subject import ERASED_HASH_PREFIX
from summerjobs.work import period_totals

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# The ZIP holds every young person's certificate: kept two weeks, like the other exports.
FILES_KEPT = timedelta(days=14)
SUBJECT = gettext_lazy("Your work certificate is ready")
NOT_ATTESTED = gettext_lazy(
    "There is no certificate yet: it is made once the handledare has attested the hours of "
    "the period."
)
# The kind of work as the certificate's heading says it (the season kind's own names are
# the staff's: «Summer job (feriearbete)»).
KIND_WORDS: "dict[str, StrOrPromise]" = {
    SeasonKind.SUMMER_JOB: pgettext_lazy("certificate", "Summer job"),
    SeasonKind.TRAINING: pgettext_lazy("certificate", "Summer work experience"),
}


def languages_for(application: Application) -> list[str]:
    """Swedish always; English after it for a young person who applied in English."""
    return ["sv", "en"] if application.language == "en" else ["sv"]


@dataclass(frozen=True)
class Certificate:
    """What a certificate says, in plain values (the template's context)."""

    offer: Offer
    hours: Decimal
    statement: str
    signed_by: str

    @property
    def application(self) -> Application:
        return self.offer.allocation.application

    @property
    def kind(self) -> str:
        return str(KIND_WORDS.get(str(self.offer.place.period.season.kind), ""))


def _offers(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    return queryset.filter(attestation__isnull=False).select_related(
        "allocation__application",
        "place__workplace",
        "place__area",
        "place__period__season__programme__municipality",
        "supervisor_evaluation",
    )


def certificates_of(offers: list[Offer]) -> list[Certificate]:
    """The certificates of attested offers, the hours of all of them in one query."""
    hours = period_totals(offers)
    return [_certificate(offer, hours[offer.pk]) for offer in offers]


def _certificate(offer: Offer, hours: Decimal) -> Certificate:
    evaluation: SupervisorEvaluation | None = getattr(offer, "supervisor_evaluation", None)
    printed = evaluation is not None and evaluation.printable
    season = offer.place.period.season
    return Certificate(
        offer=offer,
        hours=hours,
        statement=evaluation.statement if printed and evaluation else "",
        signed_by=season.certificate_signed_by,
    )


def certificate_html(certificate: Certificate) -> str:
    """The certificate's pages: one per language (``languages_for``)."""
    pages = []
    for language in languages_for(certificate.application):
        with translation.override(language):
            pages.append(
                render_to_string(
                    "summerjobs/certificate/page.html", {"c": certificate, "language": language}
                )
            )
    return render_to_string("summerjobs/certificate/document.html", {"pages": pages})


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """A certificate loads nothing: the text people typed (the tasks, the statement) could
    name a file or an address."""
    raise ValueError("A certificate loads no files.")


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML  # heavy to import; only the pages that make a PDF need it

    pdf: bytes = HTML(
        string=certificate_html(certificate),
        base_url=str(settings.BASE_DIR),
        url_fetcher=_refuse_fetch,
    ).write_pdf()
    return pdf


def file_name(offer: Offer) -> str:
    """A certificate's file: the offer's number, never a name."""
    return f"intyg-{offer.pk}.pdf"


# --- Staff -----------------------------------------------------------------------------------


def runs_season(user: User, season: Season) -> bool:
    return memberships.runs_summer_jobs(user, season.programme_id)


def certificate_offer_get(*, user: User, pk: int) -> Offer:
    """Offer ``pk``, whose certificate the user may download: the season's leads and
    coordinators; 404 for anyone else."""
    offer = get_object_or_404(
        Offer.objects.filter(
            place__period__season__in=Season.objects.visible_to(user)
        ).select_related("place__period__season"),
        pk=pk,
    )
    if not runs_season(user, offer.place.period.season):
        raise Http404
    return offer


def certificate_download(*, user: User, certificate: Certificate) -> bytes:
    """The PDF, recorded in the young person's access log."""
    pdf = certificate_pdf(certificate)
    access_record_rows(
        user=user,
        model=Application,
        object_ids=[certificate.application.pk],
        page="summerjobs:certificate",
        action=AccessAction.EXPORT,
    )
    return pdf


def certificate_of(*, offer: Offer) -> Certificate:
    """The offer's certificate; refused until its hours are attested, and for an erased
    young person."""
    found = (
        _offers(Offer.objects.filter(pk=offer.pk))
        .exclude(allocation__application__national_id_hash__startswith=ERASED_HASH_PREFIX)
        .first()
    )
    if found is None:
        raise ApplicationError(NOT_ATTESTED, code="not_attested")
    return certificates_of([found])[0]


# --- All of a season's, by a worker -----------------------------------------------------------


def certificate_batch_request(*, actor: User, season: Season) -> CertificateBatch:
    """Ask for every certificate of the season in one file; a worker makes it once the
    transaction has committed. Refused with nothing attested, or while one is being made."""
    from summerjobs.tasks import certificate_batch_build_task  # the task calls this module

    if not runs_season(actor, season):
        raise ApplicationError(
            _("Only the programme's leads and coordinators make certificates."), code="forbidden"
        )
    if not Offer.objects.filter(place__period__season=season, attestation__isnull=False).exists():
        raise ApplicationError(
            _("No young person of the season has attested hours yet: there are no certificates."),
            code="empty",
        )
    try:
        with transaction.atomic():
            batch = CertificateBatch.objects.create(season=season, requested_by=actor)
    except IntegrityError as exc:
        raise ApplicationError(
            _("The certificates are already being made. Wait until they are ready."), code="busy"
        ) from exc
    send_after_commit(certificate_batch_build_task, batch.pk)
    return batch


def stored_name(batch_id: int) -> str:
    return f"certificates/batch-{batch_id}.zip"


def certificate_batch_build(*, batch_id: int) -> bool:
    """Make one batch. Safe to run twice: a conditional update claims it (queued, or running
    after a worker died), the ZIP is written under the batch's fixed name, replacing what an
    earlier delivery left, and the batch is marked ready only if it is still running, so a
    second delivery finds it ready and does nothing."""
    if not generated_claim(CertificateBatch, batch_id, progress=5):
        return False
    fail = partial(certificate_batch_fail, batch_id=batch_id)
    built = generated_build(
        lambda: _build(batch_id), fail=fail, label=f"certificate batch {batch_id}"
    )
    return bool(built)


def season_certificates(*, season_id: int) -> list[Certificate]:
    """Every certificate of the season, by period and workplace; none for an erased young
    person."""
    offers = _offers(Offer.objects.filter(place__period__season_id=season_id)).exclude(
        allocation__application__national_id_hash__startswith=ERASED_HASH_PREFIX
    )
    return certificates_of(
        list(offers.order_by("place__period__number", "place__workplace__name", "pk"))
    )


def _build(batch_id: int) -> bool:
    season_id = CertificateBatch.objects.values_list("season_id", flat=True).get(pk=batch_id)
    certificates = season_certificates(season_id=season_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, certificate in enumerate(certificates, start=1):
            archive.writestr(file_name(certificate.offer), certificate_pdf(certificate))
            if done % 10 == 0:
                generated_progress(CertificateBatch, batch_id, 5 + 85 * done // len(certificates))
        archive.writestr("index.csv", _index(certificates))
    name = stored_name(batch_id)
    with transaction.atomic():
        finished = generated_finish(
            CertificateBatch,
            batch_id,
            kept=FILES_KEPT,
            zip_file=name,
            people=len(certificates),
            progress=100,
        )
        if finished:
            file_store(name, buffer.getvalue())
    return finished


def _index(certificates: list[Certificate]) -> str:
    """Which file is whose: the files are named by number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "last_name", "first_name", "workplace", "period", "hours"])
    for c in certificates:
        a, place = c.application, c.offer.place
        row = [file_name(c.offer), a.last_name, a.first_name, place.workplace.name]
        writer.writerow([_cell(v) for v in row] + [place.period.number, c.hours])
    return out.getvalue()


def _cell(value: str) -> str:
    """Text a spreadsheet would not take for a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def certificate_batch_fail(*, batch_id: int, reason: str) -> None:
    generated_fail(CertificateBatch, batch_id, reason=reason, files=[stored_name(batch_id)])


def certificate_files_expire() -> int:
    """Nightly: delete the ZIPs past ``expires_at``, keeping the rows. Safe to run twice
    (``generated_files_expire``)."""
    return generated_files_expire(CertificateBatch, fields=["zip_file"])


def certificate_batches(*, season: Season) -> QuerySet[CertificateBatch]:
    return season.certificate_batches.select_related("requested_by")


def certificate_batch_get(*, user: User, pk: int) -> CertificateBatch:
    """A batch of a season the user runs; 404 for everyone else."""
    runs = memberships.programme_ids_led(user) + memberships.programme_ids_coordinated(user)
    batches = CertificateBatch.objects.filter(
        season__in=Season.objects.visible_to(user), season__programme_id__in=runs
    ).select_related("season")
    return get_object_or_404(batches, pk=pk)


def certificate_batch_file(*, user: User, batch: CertificateBatch) -> FieldFile:
    """The batch's ZIP, open for reading; in the access log of every young person in it."""
    if batch.status != GeneratedStatus.READY or batch.expired or not batch.zip_file:
        raise ApplicationError(_("The file has been deleted. Make the certificates again."))
    try:
        handle: FieldFile = batch.zip_file.open("rb")
    except OSError as exc:
        raise ApplicationError(
            _("The file has been deleted. Make the certificates again.")
        ) from exc
    # The young people of the season with attested hours, as the file holds.
    held = Offer.objects.filter(
        place__period__season=batch.season_id, attestation__isnull=False
    ).values_list("allocation__application_id", flat=True)
    access_record_rows(
        user=user,
        model=Application,
        object_ids=sorted(set(held)),
        page="summerjobs:certificate_file",
        action=AccessAction.EXPORT,
    )
    return handle


# --- Telling the young person -----------------------------------------------------------------


def certificate_notify(*, offer_id: int) -> bool:
    """E-mail the young person that their certificate is ready, with a new link to their
    offer's page (the first message's secret is kept only as a hash). Safe to run twice: the
    send is claimed by a conditional update; one that failed is released for a later try."""
    token = secrets.token_urlsafe(32)
    claimed = Offer.objects.filter(
        pk=offer_id, attestation__isnull=False, certificate_sent_at__isnull=True
    ).update(certificate_sent_at=timezone.now(), certificate_token_hash=token_digest(token))
    if not claimed:
        return False
    offer = _offers(Offer.objects.filter(pk=offer_id)).get()
    application = offer.allocation.application
    sent = _mail(offer, application, token)
    if not sent:
        Offer.objects.filter(pk=offer_id).update(certificate_sent_at=None)
    return sent


def _mail(offer: Offer, application: Application, token: str) -> bool:
    if not application.email.strip():
        return False
    municipality = offer.place.period.season.programme.municipality
    link = settings.FOTFESTE_SITE_URL.rstrip("/") + reverse("apply:offer", kwargs={"token": token})
    language = application.language or municipality.default_language
    with translation.override(language):
        subject = str(SUBJECT)
        body = render_to_string(
            "summerjobs/certificate/email.txt",
            {
                "offer": offer,
                "name": application.first_name,
                "link": link,
                "municipality": municipality,
            },
        )
    try:
        send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[application.email]
        )
    except (SMTPException, OSError) as exc:
        logger.warning("summer-job certificate e-mail not sent: %s", type(exc).__name__)
        return False
    return True
