"""Everything held on a young person who applied for a summer job and is not a participant,
for their right of access (GDPR art. 15), and their erasure on request (art. 17).

What is held and how it is removed is declared beside the models, in
``summerjobs.subject``; here are the files (a JSON file for machines and a PDF to read), the
worker that builds them, and the erasure that also deletes the files of earlier exports. The
files are kept ``FILES_KEPT_DAYS`` days under names that hold only the export's number, and
opened only by the lead or coordinator who asked, after entering their password again."""

from privacy.applicant_access.render import export_data, render_html, render_json, render_pdf
from privacy.applicant_access.services import (
    CONTENT_TYPES,
    FORMATS,
    applicant_access_build,
    applicant_access_export_get,
    applicant_access_exports,
    applicant_access_fail,
    applicant_access_file,
    applicant_access_files_expire,
    applicant_access_request,
    applicant_erase,
)

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "applicant_access_build",
    "applicant_access_export_get",
    "applicant_access_exports",
    "applicant_access_fail",
    "applicant_access_file",
    "applicant_access_files_expire",
    "applicant_access_request",
    "applicant_erase",
    "export_data",
    "render_html",
    "render_json",
    "render_pdf",
]
