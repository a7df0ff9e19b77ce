"""Writes for consents and documents."""

from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import ChangeAction
from audit.services import audited_save, change_record, snapshot
from config.concurrency import claim_version
from config.errors import ApplicationError
from participants.models import Consent, Document, Participant
from participants.services import participant_check_changeable
from participants.uploads import inspect_upload, store_upload
from participants.vocabularies import ConsentPurpose, DocumentCategory

_CONSENT_FIELDS = ("purpose", "recipient", "given_on", "expires_on", "withdrawn_on", "evidence")
_DOCUMENT_FIELDS = ("category", "display_name", "content_type", "size")


def document_upload(
    *, actor: User, participant: Participant, category: str, upload: UploadedFile
) -> Document:
    """Check the file by its content and size, store it under a random name, audit it."""
    participant_check_changeable(participant.pk)
    if category not in DocumentCategory.values:
        raise ApplicationError(_("Choose a category."), field="category")
    inspected = inspect_upload(upload)
    name = store_upload(upload, inspected)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                participant=participant,
                category=category,
                file=name,
                display_name=inspected.display_name,
                content_type=inspected.content_type,
                size=inspected.size,
                uploaded_by=actor,
            )
            change_record(
                actor=actor,
                instance=document,
                participant=participant,
                action=ChangeAction.CREATE,
                after=snapshot(document, _DOCUMENT_FIELDS),
            )
    except Exception:
        # The row did not make it: do not leave an orphaned file behind.
        from django.core.files.storage import default_storage

        default_storage.delete(name)
        raise
    return document


def consent_record(
    *,
    actor: User,
    participant: Participant,
    purpose: str,
    given_on: date | None,
    recipient: str = "",
    expires_on: date | None = None,
    evidence: UploadedFile | None = None,
) -> Consent:
    participant_check_changeable(participant.pk)
    if purpose not in ConsentPurpose.values:
        raise ApplicationError(_("Choose what the consent is for."), field="purpose")
    if given_on is None or given_on > timezone.localdate():
        raise ApplicationError(_("The consent date cannot be in the future."), field="given_on")
    if expires_on is not None and expires_on < given_on:
        raise ApplicationError(
            _("A consent cannot expire before it was given."), field="expires_on"
        )
    with transaction.atomic():
        document = None
        if evidence is not None:
            document = document_upload(
                actor=actor,
                participant=participant,
                category=DocumentCategory.CONSENT,
                upload=evidence,
            )
        consent = Consent.objects.create(
            participant=participant,
            purpose=purpose,
            recipient=(recipient or "")[:200],
            given_on=given_on,
            expires_on=expires_on,
            evidence=document,
            recorded_by=actor,
        )
        change_record(
            actor=actor,
            instance=consent,
            participant=participant,
            action=ChangeAction.CREATE,
            after=snapshot(consent, _CONSENT_FIELDS),
        )
    return consent


def consent_withdraw(
    *, actor: User, consent: Consent, expected_version: int, withdrawn_on: date | None = None
) -> Consent:
    """From the withdrawal date on, the consent no longer holds; for sharing with the worksite
    that means the arbeidsleder loses access that day."""
    participant_check_changeable(consent.participant_id)
    day = withdrawn_on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise ApplicationError(_("This consent has already been withdrawn."))
    if day < consent.given_on:
        raise ApplicationError(
            _("A consent cannot be withdrawn before it was given."), field="withdrawn_on"
        )
    if day > timezone.localdate():
        raise ApplicationError(
            _("The withdrawal date cannot be in the future."), field="withdrawn_on"
        )
    with transaction.atomic():
        claim_version(
            Consent,
            consent,
            expected_version,
            _("Somebody else changed this consent while you were working. Look at it again."),
        )
        audited_save(
            actor=actor, instance=consent, participant=consent.participant, withdrawn_on=day
        )
    return consent
