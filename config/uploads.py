"""Zip-based uploads (.docx, .xlsx, .pptx, .odt, .ods, .odp): checked before anything unpacks
them. A 300 KB file can hold 300 MB of zeros, or twenty thousand entries; either would cost a
worker its memory when a reader, a virus scanner or a preview opens it."""

import io
import zipfile

from django.utils.translation import gettext as _

from config.errors import ApplicationError

ZIP_MAGIC = b"PK\x03\x04"
# Python's zipfile never returns more than an entry's declared size (a bomb that lies fails its
# CRC check instead), so the declared sizes bound what any reader can be made to unpack.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000


def archive_entries(content: bytes, *, field: str = "file") -> list[zipfile.ZipInfo] | None:
    """The entries of a zip archive that is safe to open; None when the content is no zip
    archive at all. Too many entries, too much unpacked or an encrypted entry is an
    ApplicationError that says which."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(entries) > MAX_ENTRIES:
        raise ApplicationError(
            _("The file holds %(count)d parts; at most %(max)d can be read safely.")
            % {"count": len(entries), "max": MAX_ENTRIES},
            field=field,
        )
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ApplicationError(
            _("The file would unpack to more than %(mb)d MB, too much to be read safely.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)},
            field=field,
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ApplicationError(
            _("The file is protected with a password and cannot be read."), field=field
        )
    return entries
