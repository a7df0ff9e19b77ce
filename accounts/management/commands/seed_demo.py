"""Load the fictional demo world of DESIGN.md §7. Running it again changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Country, Municipality, ProgrammeRole, User
from accounts.services import ROLE_ARBEIDSLEDER, ROLE_MUNICIPALITY_ADMIN, role_grant
from demo.stories import health_track, kristiansand_outcomes, lyngdal_funding, lyngdal_reports
from participants.consents import consent_record
from participants.models import (
    ConsentPurpose,
    EducationLevel,
    Enrollment,
    EnrollmentStatus,
    Gender,
    LanguageLevel,
    NeetStatus,
    Participant,
)
from participants.services import enrollment_create, participant_create
from participants.synthetic import synthetic_fodselsnummer, synthetic_personnummer
from placements.attendance import MISSING_LOOKBACK_DAYS, attendance_record, expected_days
from placements.models import (
    AttendanceStatus,
    ExamResult,
    PlacementType,
    Route,
    WorkField,
    Worksite,
    WorksiteKind,
)
from placements.qualification import module_sign_off, path_create
from placements.services import capacity_set, placement_create, worksite_create
from programs.models import (
    Cohort,
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
SOLVIK_PEOPLE = [
    ("Alva", "Bergqvist"),
    ("Elton", "Lindahl"),
    ("Wilma", "Sjöberg"),
    ("Melvin", "Åkerlund"),
    ("Ebba", "Holmgren"),
    ("Liam", "Falkvik"),
    ("Saga", "Nordling"),
    ("Adam", "Ekström"),
]


class Command(BaseCommand):
    help = "Load the demo municipalities, programmes, worksites, people and sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: refusing to load demo data. Use --force to insist.")
        with transaction.atomic():
            self.today = date.today()
            self._lyngdal()
            self._kristiansand()
            self._solvik()
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

    # --- building blocks ----------------------------------------------------------------------
    def _user(
        self, municipality, email: str, full_name: str, role: str, *, programme=None, worksite=None
    ) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                password=settings.FOTFESTE_DEMO_PASSWORD,
                full_name=full_name,
                municipality=municipality,
            )
        role_grant(actor=None, user=user, role=role, programme=programme, worksite=worksite)
        return user

    def _worksite(self, municipality, name: str, kind: str, address: str) -> Worksite:
        existing = Worksite.objects.filter(municipality=municipality, name=name).first()
        return existing or worksite_create(
            actor=None, municipality=municipality, name=name, kind=kind, address=address
        )

    def _person(
        self,
        municipality,
        first: str,
        last: str,
        *,
        programme,
        cohort,
        caseworker,
        worksite=None,
        field=WorkField.HEALTH_CARE,
        ptype=PlacementType.WORK_TRAINING,
        supervisor=None,
        weeks_ago: int = 6,
        status=EnrollmentStatus.ACTIVE,
        placement_weeks: int | None = None,
    ) -> Enrollment | None:
        """A person enrolled ``weeks_ago`` and placed a week later, until ``placement_weeks``
        after that (or 20 weeks from today); None when they exist already."""
        if Participant.objects.filter(
            municipality=municipality, first_name=first, last_name=last
        ).exists():
            return None
        person = participant_create(
            actor=None,
            municipality=municipality,
            first_name=first,
            last_name=last,
            national_id=self._national_id(municipality),
            values=self._details(municipality),
        )
        starts_on = self.today - timedelta(weeks=weeks_ago)
        for purpose in (ConsentPurpose.PROCESSING, ConsentPurpose.SHARE_WORKSITE):
            consent_record(
                actor=caseworker, participant=person, purpose=purpose, given_on=starts_on
            )
        enrollment = enrollment_create(
            actor=None,
            participant=person,
            programme=programme,
            cohort=cohort,
            caseworker=caseworker,
            status=status,
            starts_on=starts_on,
        )
        if worksite is not None:
            placed_on = starts_on + timedelta(days=7)
            placement = placement_create(
                actor=None,
                enrollment=enrollment,
                worksite=worksite,
                type=ptype,
                field=field,
                starts_on=placed_on,
                supervisor=supervisor,
                ends_on=placed_on + timedelta(weeks=placement_weeks)
                if placement_weeks
                else self.today + timedelta(weeks=20),
            )
            self._attendance(placement, supervisor)
        return enrollment

    def _attendance(self, placement, supervisor) -> None:
        """The placement's days recorded (the last four months at most), with the odd day
        nobody recorded in the last weeks (shown as missing)."""
        start = max(placement.starts_on, self.today - timedelta(days=ATTENDANCE_DAYS))
        last = min(self.today - timedelta(days=1), placement.ends_on or self.today)
        for day in expected_days(placement, start, last):
            n = self.serial + day.toordinal()
            recent = day >= self.today - timedelta(days=MISSING_LOOKBACK_DAYS)
            if n % 9 == 0 and recent:
                continue  # missing: the demo should show what that looks like
            status = (
                AttendanceStatus.LATE
                if n % 7 == 0
                else AttendanceStatus.EXCUSED
                if n % 11 == 0
                else AttendanceStatus.PRESENT
            )
            attendance_record(actor=supervisor, placement=placement, day=day, status=status)

    def _national_id(self, municipality) -> str:
        """Synthetic numbers only: they can never belong to a real person."""
        self.serial = getattr(self, "serial", 0) + 1
        age = (
            16 + self.serial % 9 if municipality.country == Country.NORWAY else 16 + self.serial % 4
        )
        born = date(self.today.year - age, 1 + self.serial % 12, 1 + (self.serial * 7) % 28)
        if municipality.country == Country.SWEDEN:
            return synthetic_personnummer(born, 200 + self.serial)
        return synthetic_fodselsnummer(born, (500 if born.year >= 2000 else 100) + self.serial)

    def _details(self, municipality) -> dict:
        n = self.serial
        prefix = "+46 70 000" if municipality.country == Country.SWEDEN else "+47 400 00"
        return {
            "gender": [Gender.FEMALE, Gender.MALE][n % 2],
            "phone": f"{prefix} {n:03d}",
            "language_level": [LanguageLevel.NATIVE, LanguageLevel.B1, LanguageLevel.A2][n % 3],
            "education_level": [EducationLevel.PRIMARY, EducationLevel.UPPER_SECONDARY_STARTED][
                n % 2
            ],
            "neet_status": NeetStatus.NEET_SEEKING if n % 4 else NeetStatus.NEET_INACTIVE,
            "protected_address": n == 3,
            "address": f"Demoveien {n}",
        }

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
        helsehus = self._worksite(
            lyngdal, "Lyngdal helsehus", WorksiteKind.HEALTH_HOUSE, "Kirkeveien 1, 4580 Lyngdal"
        )
        veileder = self._user(
            lyngdal,
            "veileder@lyngdal.example.org",
            "Kari Veileder",
            ProgrammeRole.CASEWORKER,
            programme=programme,
        )
        arbeidsleder = self._user(
            lyngdal,
            "arbeidsleder@lyngdal.example.org",
            "Per Arbeidsleder",
            ROLE_ARBEIDSLEDER,
            worksite=helsehus,
        )
        lead = self._user(
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
        self._user(
            lyngdal, "admin@lyngdal.example.org", "Ola Systemansvarlig", ROLE_MUNICIPALITY_ADMIN
        )
        for index, (first, last, field) in enumerate(LYNGDAL_PEOPLE):
            self._person(
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
            self._person(
                municipality,
                first,
                last,
                programme=programme,
                cohort=None,
                caseworker=caseworker,
                worksite=worksite,
                supervisor=worksite.supervisors.first().user,
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
        veileder = self._user(
            kristiansand,
            "veileder@kristiansand.example.org",
            "Sigrid Veileder",
            ProgrammeRole.CASEWORKER,
            programme=programme,
        )
        self._user(
            kristiansand,
            "programleder@kristiansand.example.org",
            "Trond Programleder",
            ProgrammeRole.PROGRAMME_LEAD,
            programme=programme,
        )
        for index, site in enumerate(KRISTIANSAND_SITES):
            worksite = self._worksite(
                kristiansand,
                f"{site} omsorgssenter",
                WorksiteKind.CARE_CENTRE,
                f"{site}veien {index + 2}, Kristiansand",
            )
            slug = site.lower().replace("å", "a")
            supervisor = self._user(
                kristiansand,
                f"arbeidsleder.{slug}@kristiansand.example.org",
                f"Arbeidsleder {site}",
                ROLE_ARBEIDSLEDER,
                worksite=worksite,
            )
            for first, last in KRISTIANSAND_PEOPLE[index * 3 : (index + 1) * 3]:
                self._person(
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
            supervisor = enrollment.placements.first().supervisor
            passed = modules[: index % (len(modules) + 1)]
            for number, module in enumerate(passed):
                progress = module_sign_off(
                    actor=supervisor, path=path, module=module, result=ExamResult.PASSED
                )
                # Signed off one by one since the contract began, not all today.
                weeks = 2 * (len(passed) - number) - 1
                progress.signed_off_on = self.today - timedelta(weeks=weeks)
                progress.save(update_fields=["signed_off_on"])

    def _solvik(self) -> None:
        solvik, _ = Municipality.objects.get_or_create(name="Solvik", country=Country.SWEDEN)
        programme, _ = Programme.objects.get_or_create(
            municipality=solvik,
            name="Feriearbete 2026",
            defaults={
                "kind": ProgrammeKind.SUMMER_JOBS,
                "starts_on": date(2026, 6, 15),
                "ends_on": date(2026, 12, 31),
                "target_participants": 8,
            },
        )
        cohort, _ = Cohort.objects.get_or_create(
            programme=programme,
            name="Sommar 2026",
            defaults={"starts_on": date(2026, 6, 15), "capacity": 8},
        )
        kok = self._worksite(
            solvik, "Solviks äldreboende", WorksiteKind.CARE_CENTRE, "Storgatan 12, Solvik"
        )
        handlaggare = self._user(
            solvik,
            "handlaggare@solvik.example.org",
            "Maria Handläggare",
            ProgrammeRole.CASEWORKER,
            programme=programme,
        )
        handledare = self._user(
            solvik,
            "handledare@solvik.example.org",
            "Johan Handledare",
            ROLE_ARBEIDSLEDER,
            worksite=kok,
        )
        for index, (first, last) in enumerate(SOLVIK_PEOPLE):
            self._person(
                solvik,
                first,
                last,
                programme=programme,
                cohort=cohort,
                caseworker=handlaggare,
                worksite=kok,
                supervisor=handledare,
                field=WorkField.KITCHEN if index % 2 else WorkField.HEALTH_CARE,
                ptype=PlacementType.SUMMER_JOB,
                weeks_ago=3,
            )
