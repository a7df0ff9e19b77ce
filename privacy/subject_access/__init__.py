"""Everything Fotfeste holds on one person, for their right of access (GDPR art. 15): a JSON
file for machines, a PDF to read, and a ZIP with both and the stored files themselves.

What is exported is declared once, in ``SECTIONS``: one section per model that refers to a
participant, directly or through their enrollments, placements, notes, goals… A test walks
Django's model registry and fails when a model that refers to a participant is missing here,
so a new kind of record cannot be left out silently. A section exports every column of its
model except the bookkeeping in ``OMITTED`` (and a section's own ``omit``), so a new column is
exported too.

The right of access is the person's right against the municipality, so the export holds what
the municipality holds: every programme's records, confidential notes, staff's unsaved
drafts, who looked and what changed (staff by name, never their e-mail), and the records that
were merged into this one. It holds nobody else's data.

A long record makes a long PDF (two years of attendance, notes and page views: some 200 pages
and about a minute), so the files are built by a worker (``subject_access_build``), kept
``FILES_KEPT_DAYS`` days under names that hold only the export's number, and opened only by
the lead who asked, after entering their password again.
"""

from privacy.subject_access.render import (
    export_data,
    render_html,
    render_json,
    render_pdf,
    render_zip,
)
from privacy.subject_access.sections import (
    COVERED_MODELS,
    SECTIONS,
    AccessExport,
    Section,
    participant_access_export,
)
from privacy.subject_access.services import (
    CONTENT_TYPES,
    FILES_KEPT_DAYS,
    FORMATS,
    subject_access_build,
    subject_access_export_get,
    subject_access_exports,
    subject_access_fail,
    subject_access_file,
    subject_access_files_expire,
    subject_access_participant,
    subject_access_request,
)

__all__ = [
    "CONTENT_TYPES",
    "COVERED_MODELS",
    "FILES_KEPT_DAYS",
    "FORMATS",
    "SECTIONS",
    "AccessExport",
    "Section",
    "export_data",
    "participant_access_export",
    "render_html",
    "render_json",
    "render_pdf",
    "render_zip",
    "subject_access_build",
    "subject_access_export_get",
    "subject_access_exports",
    "subject_access_fail",
    "subject_access_file",
    "subject_access_files_expire",
    "subject_access_participant",
    "subject_access_request",
]
