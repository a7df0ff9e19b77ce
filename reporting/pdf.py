"""The report as a PDF, rendered by WeasyPrint from a template and the run's frozen figures,
written as PDF/A-2b so that the municipality can archive it (fonts embedded, an sRGB output
intent, XMP metadata naming the document, its language and its conformance).

Report pages hold text that people typed (the narrative), so WeasyPrint may load only the
project's own static files: anything else (a web address, a file elsewhere on the disk) is
refused before it is fetched.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reporting.documents import (
    correction_note,
    deadline_table,
    period_of,
    report_title,
    sections,
    tiles,
    title_rows,
)
from reporting.formatting import days

PDF_VARIANT = "pdf/a-2b"


def static_roots() -> list[Path]:
    """The project's own static folders (not those of installed packages)."""
    roots = [Path(str(folder)).resolve() for folder in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticOnlyFetcher(URLFetcher):
    """Fetches ``file:`` URLs inside the project's static folders, and nothing else."""

    def fetch(self, url: str, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in static_roots()):
                return super().fetch(url, headers)
        raise ValueError("Only Fotfeste's own static files are loaded into a report.")


def report_html(run, snapshot: dict) -> str:
    """The document as HTML, in the active language (the run's)."""
    period = period_of(run, snapshot)
    return render_to_string(
        "reporting/pdf/report.html",
        {
            "run": run,
            "meta": snapshot.get("meta") or {},
            "title": report_title(run, snapshot),
            "title_rows": title_rows(run, snapshot),
            "period": days(period["start"], period["end"]),
            "tiles": tiles(snapshot),
            "deadlines": deadline_table(snapshot),
            "correction": correction_note(snapshot),
            "sections": sections(run, snapshot),
            "empty": snapshot.get("empty", False),
        },
    )


def render_document(run, snapshot: dict):
    """The laid-out pages (WeasyPrint's ``Document``), before they are written as PDF."""
    html = report_html(run, snapshot)
    return HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=StaticOnlyFetcher()
    ).render(pdf_variant=PDF_VARIANT)


def render_pdf(run, snapshot: dict) -> bytes:
    return render_document(run, snapshot).write_pdf(pdf_variant=PDF_VARIANT)
