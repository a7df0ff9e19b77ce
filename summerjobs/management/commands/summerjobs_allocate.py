"""Runs a season's lottery from the shell, so that a run can be checked and repeated:

    python manage.py summerjobs_allocate --season 3 --seed 20260415 --dry-run --json

A dry run is kept as a run of its own (it shows what a run would give) and changes nothing
else. The JSON holds keys and counts (application, place and area keys; tiers; the reserve
order), never a name or a personnummer."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import ApplicationError
from summerjobs.models import Season
from summerjobs.services import lottery_run


class Command(BaseCommand):
    help = "Allocate a summer-job season's places by its priority tiers and a seeded lottery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--season", type=int, required=True, help="The season's id.")
        parser.add_argument("--seed", type=int, required=True, help="The same seed, the same draw.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show and keep the result; allocate no places."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options) -> None:
        season = Season.objects.filter(pk=options["season"]).first()
        if season is None:
            raise CommandError(f"No season with id {options['season']}.")
        try:
            run = lottery_run(
                season=season, seed=options["seed"], dry_run=options["dry_run"], actor=None
            )
        except (ApplicationError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"run": run.pk, "dry_run": run.dry_run, **run.result}))
            return
        result = run.result
        self.stdout.write(
            f"Run {run.pk} ({'dry' if run.dry_run else 'for real'}), seed {run.seed}, "
            f"algorithm {run.algorithm_version}, inputs {run.inputs_digest[:12]}: "
            f"{len(result['assignments'])} placed, {len(result['reserve'])} on the reserve list."
        )
