"""Load the fictional demo world of DESIGN.md §7. Running it again changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Country, Municipality, ProgrammeRole, User
from accounts.services import ROLE_ARBEIDSLEDER, ROLE_MUNICIPALITY_ADMIN
from demo.cases import NORWEGIAN
from demo.solvik import solvik_build
from demo.stories import health_track, kristiansand_outcomes, lyngdal_funding, lyngdal_reports
from demo.world import DemoWorld, sign_off_dated
from participants.models import Enrollment
from placements.models import (
    ExamResult,
    PlacementType,
    Route,
    WorkField,
    Worksite,
    WorksiteKind,
)
from placements.qualification import module_sign_off, path_create
from placements.services import capacity_set
from programs.models import (
    Cohort,
    EnrollmentStatus,
    Grant,
    Programme,
    ProgrammeKind,
)
from programs.services import deadline_add, grant_save

# Invented names; any likeness to a real person is chance.
LYNGDAL_PEOPLE = [
    ("Amalie", "Fjellstad", WorkField.HEALTH_CARE),
    ("Jonas", "Brekkevik", WorkField.CLEANING),
    ("Sara", "Lindtveit", WorkField.HEALTH_CARE),
    ("Mohammed", "Aasli", WorkField.CARETAKER),
    ("Ingrid", "Tjørnhom", WorkField.HEALTH_CARE),
    ("Elias", "Sølvberg", WorkField.CLEANING),
    ("Nora", "Kvinlaug", WorkField.HEALTH_CARE),
    ("Filip", "Heskestad", WorkField.CARETAKER),
    ("Hiba", "Rosfjord", WorkField.HEALTH_CARE),
    ("Tobias", "Skjævesland", WorkField.CLEANING),
]
ATTENDANCE_DAYS = 365
KRISTIANSAND_SITES = ["Ternevig", "Presteheia", "Lundsbakken", "Vågsheia"]
KRISTIANSAND_PEOPLE = [
    ("Emma", "Hægeland"),
    ("Lukas", "Flekkerøy"),
    ("Maja", "Randesund"),
    ("Aksel", "Justvik"),
    ("Selma", "Tveitevåg"),
    ("Isak", "Dvergsnes"),
    ("Leah", "Hamresand"),
    ("Noah", "Kjerrheia"),
    ("Yasmin", "Bråvann"),
    ("Oskar", "Torsvik"),
    ("Aurora", "Gimlevang"),
    ("Henrik", "Strømsbu"),
]
# Kristiansand's earlier participants, who have left: (first, last, weeks since they started).
KRISTIANSAND_EARLIER = [
    ("Vilde", "Kvarstein", 70),
    ("Sander", "Odderhei", 66),
    ("Ylva", "Grimsmyr", 62),
    ("Theo", "Fidjeland", 60),
    ("Mathilde", "Bjørndalen", 56),
    ("Kasper", "Vigeland", 52),
    ("Ronja", "Hellemyr", 48),
    ("Jakob", "Slettheia", 44),
    ("Eline", "Kolsdal", 40),
    ("Adrian", "Tinnheia", 36),
]
# How many of the people a newcomer opens first get a full, lived record.
LYNGDAL_FULL_CASES = 3


class Command(BaseCommand):
    help = "Load the demo municipalities, programmes, worksites, people and sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: refusing to load demo data. Use --force to insist.")
        with transaction.atomic():
            self.today = date.today()
            self.world = DemoWorld(today=self.today)
            self._lyngdal()
            self._kristiansand()
            solvik_build(self.world)
        # Reports are drawn after the world is committed, as a worker would draw them.
        lyngdal = Grant.objects.filter(municipality__name="Lyngdal").first()
        lyngdal_reports(
            today=self.today,
            grant=lyngdal,
            lead=User.objects.get(email="programleder@lyngdal.example.org"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Every demo user's password is: {settings.FOTFESTE_DEMO_PASSWORD}"
            )
        )

    # --- the three municipalities -------------------------------------------------------------
    def _lyngdal(self) -> None:
        lyngdal, _ = Municipality.objects.get_or_create(name="Lyngdal", country=Country.NORWAY)
        programme, _ = Programme.objects.get_or_create(
            municipality=lyngdal,
            name="En av mange",
            defaults={
                "kind": ProgrammeKind.INN_I_JOBB,
                "starts_on": date(2025, 8, 1),
                "ends_on": date(2027, 12, 31),
                "target_participants": 10,
            },
        )
        cohort, _ = Cohort.objects.get_or_create(
            programme=programme,
            name="Høst 2026",
            defaults={"starts_on": date(2026, 8, 17), "capacity": 10},
        )
        helsehus = self.world.worksite(
            lyngdal, "Lyngdal helsehus", WorksiteKind.HEALTH_HOUSE, "Kirkeveien 1, 4580 Lyngdal"
        )
        veileder = self.world.user(
            lyngdal,
            "veileder@lyngdal.example.org",
            "Kari Veileder",
            ProgrammeRole.CASEWORKER,
            programme=programme,
        )
        arbeidsleder = self.world.user(
            lyngdal,
            "arbeidsleder@lyngdal.example.org",
            "Per Arbeidsleder",
            ROLE_ARBEIDSLEDER,
            worksite=helsehus,
        )
        lead = self.world.user(
            lyngdal,
            "programleder@lyngdal.example.org",
            "Liv Programleder",
            ProgrammeRole.PROGRAMME_LEAD,
            programme=programme,
        )
        self._lim_grant(lyngdal, programme, lead)
        for field, places in (
            (WorkField.HEALTH_CARE, 6),
            (WorkField.CLEANING, 3),
            (WorkField.CARETAKER, 2),
        ):
            capacity_set(actor=lead, worksite=helsehus, field=field, places=places)
        self.world.user(
            lyngdal, "admin@lyngdal.example.org", "Ola Systemansvarlig", ROLE_MUNICIPALITY_ADMIN
        )
        for index, (first, last, field) in enumerate(LYNGDAL_PEOPLE):
            self.world.person(
                lyngdal,
                first,
                last,
                programme=programme,
                cohort=cohort,
                caseworker=veileder,
                worksite=helsehus,
                field=field,
                supervisor=arbeidsleder,
                weeks_ago=15 + index % 3,
            )
        self._lyngdal_story(lyngdal, programme, veileder, arbeidsleder, helsehus, lead)
        people = self.world.by_name(programme)
        active = [e for e in people if e.status == EnrollmentStatus.ACTIVE]
        self.world.write_cases(people, NORWEGIAN, {e.pk for e in active[:LYNGDAL_FULL_CASES]})

    def _lim_grant(self, municipality, programme, lead) -> None:
        """A LIM grant from the fylkeskommune that funds half an arbeidsleder position."""
        if Grant.objects.filter(municipality=municipality).exists():
            return
        year = self.today.year
        grant = grant_save(
            actor=lead,
            municipality=municipality,
            programmes=[programme],
            funder="Agder fylkeskommune",
            name=f"LIM-tilskudd {year} – En av mange",
            amount=Decimal("450000"),
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            own_contribution_percent=Decimal("20"),
            funded_position_share=Decimal("0.5"),
        )
        deadline_add(actor=lead, grant=grant, due_on=date(year, 8, 31), label="Halvårsrapport LIM")
        deadline_add(
            actor=lead, grant=grant, due_on=date(year + 1, 2, 15), label="Sluttrapport LIM"
        )

    def _lyngdal_story(self, municipality, programme, caseworker, supervisor, worksite, lead):
        grant = Grant.objects.filter(municipality=municipality).first()
        lyngdal_funding(
            today=self.today,
            programme=programme,
            grant=grant,
            caseworker=caseworker,
            supervisor=supervisor,
            lead=lead,
        )

    def _kristiansand_story(self, municipality, programme, caseworker) -> None:
        earlier = [
            self.world.person(
                municipality,
                first,
                last,
                programme=programme,
                cohort=None,
                caseworker=caseworker,
                worksite=worksite,
                supervisor=_supervisor(worksite),
                weeks_ago=weeks_ago,
                placement_weeks=weeks_ago // 2,
            )
            for (first, last, weeks_ago), worksite in zip(
                KRISTIANSAND_EARLIER,
                list(Worksite.objects.filter(municipality=municipality).order_by("name")) * 3,
                strict=False,
            )
        ]
        kristiansand_outcomes(
            today=self.today,
            programme=programme,
            enrollments=[e for e in earlier if e is not None],
            caseworker=caseworker,
            lead=User.objects.get(email="programleder@kristiansand.example.org"),
        )

    def _kristiansand(self) -> None:
        kristiansand, _ = Municipality.objects.get_or_create(
            name="Kristiansand", country=Country.NORWAY
        )
        programme, _ = Programme.objects.get_or_create(
            municipality=kristiansand,
            name="Flere i arbeid",
            defaults={
                "kind": ProgrammeKind.INN_I_JOBB,
                "starts_on": date(2025, 1, 1),
                "ends_on": date(2027, 12, 31),
                "target_participants": 24,
            },
        )
        cohort, _ = Cohort.objects.get_or_create(
            programme=programme,
            name="Vår 2026",
            defaults={"starts_on": date(2026, 1, 12), "capacity": 16},
        )
        veileder = self.world.user(
            kristiansand,
            "veileder@kristiansand.example.org",
            "Sigrid Veileder",
            ProgrammeRole.CASEWORKER,
            programme=programme,
        )
        self.world.user(
            kristiansand,
            "programleder@kristiansand.example.org",
            "Trond Programleder",
            ProgrammeRole.PROGRAMME_LEAD,
            programme=programme,
        )
        for index, site in enumerate(KRISTIANSAND_SITES):
            worksite = self.world.worksite(
                kristiansand,
                f"{site} omsorgssenter",
                WorksiteKind.CARE_CENTRE,
                f"{site}veien {index + 2}, Kristiansand",
            )
            slug = site.lower().replace("å", "a")
            supervisor = self.world.user(
                kristiansand,
                f"arbeidsleder.{slug}@kristiansand.example.org",
                f"Arbeidsleder {site}",
                ROLE_ARBEIDSLEDER,
                worksite=worksite,
            )
            for first, last in KRISTIANSAND_PEOPLE[index * 3 : (index + 1) * 3]:
                self.world.person(
                    kristiansand,
                    first,
                    last,
                    programme=programme,
                    cohort=cohort,
                    caseworker=veileder,
                    worksite=worksite,
                    supervisor=supervisor,
                    ptype=PlacementType.TRAINEE_CANDIDATE,
                    weeks_ago=10 + index,
                )
        self._mfy_paths(programme, veileder)
        self._kristiansand_story(kristiansand, programme, veileder)
        people = self.world.by_name(programme)
        # The first person on each arbeidsleder's list, which is also the caseworker's first.
        firsts: dict[int, int] = {}
        for enrollment in people:
            placement = enrollment.placements.first()
            if enrollment.status == EnrollmentStatus.ACTIVE and placement is not None:
                firsts.setdefault(placement.worksite_id, enrollment.pk)
        self.world.write_cases(people, NORWEGIAN, set(firsts.values()))

    def _mfy_paths(self, programme, caseworker) -> None:
        """MFY toward helsearbeiderfaget for everyone in «Flere i arbeid», at different stages;
        one contract ends soon enough that the fagprøve must be registered within weeks."""
        track = health_track()
        modules = list(track.modules.order_by("number"))
        # The cohort's people; those who left before it began are not on a route.
        enrollments = Enrollment.objects.filter(programme=programme, cohort__isnull=False).order_by(
            "pk"
        )
        for index, enrollment in enumerate(enrollments):
            if enrollment.qualification_paths.exists():
                continue
            months_left = 4 if index == 0 else 8 + index % 5
            path = path_create(
                actor=caseworker,
                enrollment=enrollment,
                track=track,
                route=Route.MFY,
                training_office="Opplæringskontoret for offentlig sektor (demo)",
                contract_starts_on=self.today - timedelta(weeks=10),
                contract_ends_on=self.today + timedelta(days=30 * months_left),
            )
            placement = enrollment.placements.first()
            assert placement is not None and placement.supervisor is not None  # placed above
            supervisor = placement.supervisor
            passed = modules[: index % (len(modules) + 1)]
            for number, module in enumerate(passed):
                progress = module_sign_off(
                    actor=supervisor, path=path, module=module, result=ExamResult.PASSED
                )
                # Signed off one by one since the contract began, not all today.
                weeks = 2 * (len(passed) - number) - 1
                sign_off_dated(progress, self.today - timedelta(weeks=weeks))


def _supervisor(worksite: Worksite) -> User:
    """The worksite's first arbeidsleder: the demo gives every worksite one."""
    supervision = worksite.supervisors.first()
    assert supervision is not None
    return supervision.user
