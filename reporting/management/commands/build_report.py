"""Build a report from the shell, for scripted month-end runs: the same run, figures and files
as the reports page makes, written into a folder.

    python manage.py build_report lim --grant 3 --from 2026-01-01 --to 2026-06-30 \\
        --audience recipient --language nb --out /srv/reports

The run is recorded like any other (the programme's leads see it on the reports page, and can
mark it submitted); it has no requester, and it is built here and now, not by a worker.
"""

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from programs.models import Grant, Programme
from reporting.models import GRANT_KINDS, FunderProfile, ReportKind, ReportRun
from reporting.profiles import Audience
from reporting.services import report_build, report_request


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Build a report (PDF, XLSX and CSV) for a grant or a programme into a folder."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values)
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--grant", type=int, help="The grant's id (lim, grant).")
        subject.add_argument("--programme", type=int, help="The programme's id (ks, summary).")
        parser.add_argument("--from", dest="start", type=_day, required=True)
        parser.add_argument("--to", dest="end", type=_day, required=True)
        parser.add_argument("--audience", choices=Audience.values, default=Audience.RECIPIENT)
        parser.add_argument("--language", choices=[c for c, _ in settings.LANGUAGES], default="nb")
        parser.add_argument("--profile", type=int, help="A municipality's own profile's id.")
        parser.add_argument("--out", type=Path, required=True, help="The folder to write to.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if (kind in GRANT_KINDS) != (options["grant"] is not None):
            raise CommandError(
                f"A {kind} report needs --grant for lim and grant, else --programme."
            )
        profile = self._get(FunderProfile, options["profile"])
        if profile is not None and profile.kind != kind:
            raise CommandError(f"Profile {profile.pk} makes {profile.kind} reports, not {kind}.")
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        try:
            run = report_request(
                actor=None,
                from_shell=True,
                kind=kind,
                grant=self._get(Grant, options["grant"]),
                programme=self._get(Programme, options["programme"]),
                profile=profile,
                period_start=options["start"],
                period_end=options["end"],
                audience=options["audience"],
                language=options["language"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        report_build(run_id=run.pk)
        run = ReportRun.objects.get(pk=run.pk)
        if run.status != "ready":
            raise CommandError(f"Report run {run.pk} failed: {run.error}")
        for fmt in ("pdf", "xlsx", "csv"):
            target = out / f"fotfeste-{run.kind}-{run.period_start}-{run.pk}.{fmt}"
            with getattr(run, f"{fmt}_file").open("rb") as source:
                target.write_bytes(source.read())
            self.stdout.write(str(target))
        self.stdout.write(self.style.SUCCESS(f"Report run {run.pk} ready; checksum {run.checksum}"))

    def _get(self, model, pk: int | None):
        if pk is None:
            return None
        found = model.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(f"No {model._meta.verbose_name} with id {pk}.")
        return found
