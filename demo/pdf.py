"""A one-page PDF of plain text lines, for the demo's CVs and agreements.

Written by hand rather than rendered: the demo loads in seconds, and a letter needs no more
than a heading and lines of Helvetica."""

LINE_HEIGHT = 16
TOP = 780
LEFT = 60


def _escape(text: str) -> bytes:
    # Helvetica's WinAnsiEncoding is Windows-1252: æøå, äö and the en dash are all in it.
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(title: str, lines: list[str]) -> bytes:
    parts = [b"BT", f"/F2 16 Tf {LEFT} {TOP} Td".encode(), b"(" + _escape(title) + b") Tj"]
    parts.append(f"/F1 11 Tf 0 -{LINE_HEIGHT * 2} Td".encode())
    for line in lines:
        parts.append(b"(" + _escape(line) + b") Tj")
        parts.append(f"0 -{LINE_HEIGHT} Td".encode())
    parts.append(b"ET")
    return b"\n".join(parts)


def text_pdf(title: str, lines: list[str]) -> bytes:
    """A valid PDF 1.4 file: the title in bold, then ``lines``, on one A4 page."""
    content = _content(title, lines)
    font = "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font.format("Helvetica").encode(),
        font.format("Helvetica-Bold").encode(),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
