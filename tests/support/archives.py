"""Zip archives built in the test that needs them: office files real and crafted, and the
bombs an upload must refuse (no binary committed to the repository)."""

import io
import zipfile

DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
XLSX_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
ODT_PARTS = {
    "mimetype": b"application/vnd.oasis.opendocument.text",
    "content.xml": b"<office:document-content/>",
}
_MB = 1024 * 1024


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def zeros_bomb(parts: dict[str, bytes], *, megabytes: int) -> bytes:
    """A real office file's parts and one more that unpacks to ``megabytes`` MB of zeros,
    written a megabyte at a time so that the test never holds them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("media/zeros.bin", "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(bytes(_MB))
    return out.getvalue()


def entries_bomb(parts: dict[str, bytes], *, entries: int) -> bytes:
    """A real office file's parts and ``entries`` more empty ones."""
    return zip_of({**parts, **{f"customXml/item{n}.xml": b"" for n in range(entries)}})
