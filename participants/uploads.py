"""Uploaded files: accepted by what they contain, never by their name, and stored under a
random name through Django's storage API (no personal data, no path tricks in file names)."""

import io
import os
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from config.uploads import ZIP_MAGIC, archive_entries

_OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
_ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


@dataclass(frozen=True)
class Inspected:
    content_type: str
    extension: str
    size: int
    display_name: str


def inspect_upload(upload: UploadedFile) -> Inspected:
    """What the file really is, or an ApplicationError saying why it is refused."""
    limit = settings.FOTFESTE_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ApplicationError(_("The file is empty."), field="file")
    if upload.size > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = _detect(head, upload)
    if kind is None:
        raise ApplicationError(
            _(
                "Only PDF, images (PNG, JPEG, WebP) and office documents can be uploaded. "
                "This file's content is none of those, whatever its name says."
            ),
            field="file",
        )
    return Inspected(kind[0], kind[1], upload.size, display_name(upload.name or ""))


def display_name(name: str) -> str:
    """The name as shown in the list: no folders, no control characters, bounded length."""
    base = os.path.basename(name.replace("\\", "/")).replace("\x00", "")
    try:
        cleaned = get_valid_filename(base) if base.strip(". ") else ""
    except SuspiciousFileOperation:  # nothing left of the name, e.g. only symbols
        cleaned = ""
    stem, dot, extension = cleaned.rpartition(".")
    if dot and not stem.strip("._-"):
        cleaned = f"document.{extension}"
    return (cleaned or "document")[:120]


def _detect(head: bytes, upload) -> tuple[str, str] | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/vnd.ms-office", "doc"
    if head.startswith(ZIP_MAGIC):
        return _office_zip(upload)
    return None


def _office_zip(upload) -> tuple[str, str] | None:
    content = upload.read()
    upload.seek(0)
    entries = archive_entries(content)
    if entries is None:
        return None
    names = [entry.filename for entry in entries]
    if "mimetype" in names:
        return _odf_kind(content)
    if "[Content_Types].xml" in names:
        for prefix, kind in _OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return kind
    return None


def _odf_kind(content: bytes) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # Read at most 100 bytes: a crafted archive must not unpack gigabytes here.
            if archive.getinfo("mimetype").file_size > 100:
                return None
            with archive.open("mimetype") as entry:
                mimetype = entry.read(100).decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return (mimetype, _ODF[mimetype]) if mimetype in _ODF else None


def store_upload(upload: UploadedFile, inspected: Inspected) -> str:
    """Save under a random name; returns the storage name."""
    upload.seek(0)
    return default_storage.save(f"documents/{uuid.uuid4().hex}.{inspected.extension}", upload)
