"""Build a large synthetic municipality for benchmarks: programmes, about 300 worksites,
staff, 10 000 people and three years of their cases, placements and daily attendance.

    python manage.py seed_scale --participants 10000 [--seed 2026] [--replace]
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Municipality, User
from demo.scale import DEFAULT_NAME, ScaleOptions, build, email_domain
from demo.scale.removal import blockers, municipality_remove
from demo.scale.world import World
from participants.models import Enrollment
from participants.services import EXIT_STATUSES
from placements.models import Placement


class Command(BaseCommand):
    help = "Build a large synthetic municipality (synthetic people only) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026, help="The same seed, the same city.")
        parser.add_argument("--municipality-name", default=DEFAULT_NAME)
        parser.add_argument(
            "--replace", action="store_true", help="Remove that municipality's data first."
        )
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: refusing to load synthetic data. Use --force to insist."
            )
        if options["participants"] < 1:
            raise CommandError("--participants must be at least 1.")
        scale = ScaleOptions(options["participants"], options["seed"], options["municipality_name"])
        with transaction.atomic():
            self._make_room(scale, replace=options["replace"])
            world = build(scale, self.stdout.write)
        world.writer.say("Committed")
        self._report(world)

    def _make_room(self, scale: ScaleOptions, *, replace: bool) -> None:
        domain = email_domain(scale.name)
        existing = Municipality.objects.filter(name=scale.name).first()
        if existing is not None:
            self._check_replaceable(existing, domain, replace=replace)
            self.stdout.write(f"Removing the municipality «{scale.name}» and all its data…")
            started = time.monotonic()
            municipality_remove(existing)
            self.stdout.write(f"Removed in {time.monotonic() - started:.1f} s.")
        if User.objects.filter(email__endswith=f"@{domain}").exists():
            raise CommandError(f"Users at @{domain} already exist in another municipality.")

    def _check_replaceable(self, existing: Municipality, domain: str, *, replace: bool) -> None:
        if not User.objects.filter(municipality=existing, email=f"admin@{domain}").exists():
            raise CommandError(
                f"The municipality «{existing.name}» was not built by seed_scale: "
                "choose another --municipality-name."
            )
        if not replace:
            raise CommandError(
                f"The municipality «{existing.name}» already exists. Use --replace to rebuild "
                "it (only its own data is removed)."
            )
        if found := blockers(existing):
            listed = ", ".join(f"{n} {label}" for label, n in found.items())
            raise CommandError(
                f"«{existing.name}» cannot be replaced: {listed} refer to it, and audit rows "
                "are append-only. Build it in a fresh database or under another name."
            )

    def _report(self, world: World) -> None:
        counts = world.writer.counts
        self.stdout.write("\nRows written:")
        for label, n in counts.items():
            self.stdout.write(f"  {label:<36} {n:>10,}")
        self.stdout.write(f"  {'total':<36} {sum(counts.values()):>10,}")
        self.stdout.write(f"Done in {world.writer.elapsed:.1f} s.\n")
        self._sign_ins(world)

    def _sign_ins(self, world: World) -> None:
        caseworker, lead = world.caseworkers[0][0], world.leads[0]
        supervisor, site = world.supervisors[0], world.worksites[0]
        caseload = Enrollment.objects.filter(caseworker=caseworker).exclude(
            status__in=EXIT_STATUSES
        )
        placed = Placement.objects.current().filter(worksite=site)
        self.stdout.write(
            f"Sign-ins, all with the demo password {settings.FOTFESTE_DEMO_PASSWORD}:"
        )
        self.stdout.write(f"  caseworker      {caseworker.email} ({caseload.count()} open cases)")
        self.stdout.write(f"  programme lead  {lead.email} ({world.programmes[0].name})")
        self.stdout.write(
            f"  arbeidsleder    {supervisor.email} ({placed.count()} placed at {site.name})"
        )
        self.stdout.write(f"  admin           admin@{world.domain}")
