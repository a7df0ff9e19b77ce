"""Build a large synthetic municipality for benchmarks: programmes, about 300 worksites, staff,
10 000 people and three years of their cases, placements and daily attendance; or a national
world of such municipalities around it.

    python manage.py seed_scale --participants 10000 [--seed 2026] [--replace]
    python manage.py seed_scale --national        # 100 000 people in 30 municipalities
    python manage.py seed_scale --municipalities 3 --total 300 --participants 100
"""

import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from accounts.models import Municipality, User
from demo.scale import DEFAULT_NAME, Town, build, email_domain
from demo.scale.nation import MAX_MUNICIPALITIES, towns
from demo.scale.removal import blockers, municipality_remove
from demo.scale.world import World, Writer
from participants.models import Enrollment
from participants.services import EXIT_STATUSES
from placements.models import AttendanceMonth, Placement

NATIONAL = {"municipalities": 30, "total": 100_000}


class Command(BaseCommand):
    help = (
        "Build a large synthetic municipality (synthetic people only) for benchmarks, or a "
        "national world of them: the city first, exactly as it is built alone, then others."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants",
            type=int,
            default=10_000,
            help="People in the city (--municipality-name). The same number and seed build the "
            "same city, alone or in a national world. Default 10 000.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="The same seed, the same city.")
        parser.add_argument("--municipality-name", default=DEFAULT_NAME)
        parser.add_argument(
            "--municipalities",
            type=int,
            help=f"Build the city and this many less one others, Norwegian and some Swedish, "
            f"each with staff at its own domain (at most {MAX_MUNICIPALITIES}). Default 1.",
        )
        parser.add_argument(
            "--total",
            type=int,
            help="People in all the municipalities together, the city's included; the others "
            "share what the city leaves, in varied sizes.",
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="The national world of the benchmarks: --municipalities 30 --total 100000 "
            "(unless given), around the city of --participants (10 000).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the data of the municipalities to be built, if they exist, first.",
        )
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: refusing to load synthetic data. Use --force to insist."
            )
        chosen = self._towns(options)
        for town in chosen:
            self._check_room(town, replace=options["replace"])
        writer = Writer(self.stdout.write)
        national_ids: set[str] = set()
        first = None
        for town in chosen:
            # One transaction per municipality: a failed run leaves none half-built, and the
            # database never holds more than one city's deferred foreign-key checks.
            with transaction.atomic():
                self._make_room(town)
                world = build(town, writer, national_ids)
            writer.say(f"«{town.name}» committed")
            first = first or world
        assert first is not None  # at least the city
        self._settle(writer)
        self._report(first, writer, chosen)

    def _towns(self, options: dict) -> list[Town]:
        national = NATIONAL if options["national"] else {}
        municipalities = options["municipalities"] or national.get("municipalities", 1)
        participants = options["participants"]
        total = options["total"] or national.get("total", participants)
        if participants < 1:
            raise CommandError("--participants must be at least 1.")
        if municipalities < 1:
            raise CommandError("--municipalities must be at least 1.")
        if municipalities == 1 and total != participants:
            raise CommandError("--total is for more than one municipality (--municipalities).")
        try:
            return towns(
                name=options["municipality_name"],
                participants=participants,
                seed=options["seed"],
                municipalities=municipalities,
                total=total,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None

    def _check_room(self, town: Town, *, replace: bool) -> None:
        """Refuse before anything is written: a municipality that exists and may not be
        replaced, or staff addresses taken by another municipality."""
        domain = email_domain(town.name)
        existing = Municipality.objects.filter(name=town.name).first()
        if existing is not None:
            self._check_replaceable(existing, domain, replace=replace)
        others = User.objects.filter(email__endswith=f"@{domain}")
        if existing is not None:
            others = others.exclude(municipality=existing)
        if others.exists():
            raise CommandError(f"Users at @{domain} already exist in another municipality.")

    def _make_room(self, town: Town) -> None:
        existing = Municipality.objects.filter(name=town.name).first()
        if existing is not None:
            self.stdout.write(f"Removing the municipality «{town.name}» and all its data…")
            started = time.monotonic()
            municipality_remove(existing)
            self.stdout.write(f"Removed in {time.monotonic() - started:.1f} s.")

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

    def _settle(self, writer: Writer) -> None:
        """PostgreSQL: vacuum and analyse the tables written, so that the planner knows their
        sizes and index-only scans work at once, as in a database that has been running,
        instead of whenever autovacuum comes round. Called inside a transaction (a test), it
        can only analyse."""
        if connection.vendor != "postgresql":
            return
        models = {label for label, n in writer.counts.items() if n}
        tables = [AttendanceMonth._meta.db_table]  # written by the attendance triggers
        tables += [
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.label in models
        ]
        quote = connection.ops.quote_name
        names = ", ".join(quote(t) for t in sorted(tables))
        vacuum = not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {names}" if vacuum else f"ANALYZE {names}")
        writer.say("Vacuumed and analysed" if vacuum else "Analysed")

    def _report(self, world: World, writer: Writer, chosen: list[Town]) -> None:
        counts = writer.counts
        self.stdout.write("\nRows written:")
        for label, n in counts.items():
            self.stdout.write(f"  {label:<36} {n:>10,}")
        self.stdout.write(f"  {'total':<36} {sum(counts.values()):>10,}")
        self.stdout.write(f"Done in {writer.elapsed:.1f} s.\n")
        if len(chosen) > 1:
            self.stdout.write("Municipalities (staff sign in as admin@, veileder1@… the domain):")
            for town in chosen:
                self.stdout.write(
                    f"  {town.name:<14} {town.country}  {town.participants:>7,} people  "
                    f"@{email_domain(town.name)}"
                )
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
