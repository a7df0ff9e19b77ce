"""Load the fictional demo world of DESIGN.md §7. Running it again changes nothing."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Country, Municipality, ProgrammeRole, User
from accounts.services import ROLE_ARBEIDSLEDER, ROLE_MUNICIPALITY_ADMIN, role_grant
from demo import solvik as se
from demo.cases import NORWEGIAN, case_write
from demo.names import address_in, gender_of
from demo.stories import health_track, kristiansand_outcomes, lyngdal_funding, lyngdal_reports
from participants.consents import consent_record, consent_withdraw
from participants.models import (
    ConsentPurpose,
    Destination,
    EducationLevel,
    Enrollment,
    EnrollmentStatus,
    ExitReason,
    LanguageLevel,
    NeetStatus,
    Participant,
)
from participants.services import enrollment_change_status, enrollment_create, participant_create
from participants.synthetic import synthetic_fodselsnummer, synthetic_personnummer
from placements.attendance import MISSING_LOOKBACK_DAYS, attendance_record, expected_days
from placements.models import (
    AttendanceStatus,
    ExamResult,
    PlacementStatus,
    PlacementType,
    Route,
    WorkField,
    Worksite,
    WorksiteKind,
)
from placements.qualification import module_sign_off, path_create
from placements.services import capacity_set, placement_create, placement_end, worksite_create
from programs.models import (
    Cohort,
    Grant,
    Module,
    Programme,
    ProgrammeKind,
    QualificationTrack,
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
SOLVIK_FULL_CASES = 2


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
        age: int | None = None,
        enrolled_on: date | None = None,
        placed: tuple[date, date] | None = None,
        schedule: dict | None = None,
        details: dict | None = None,
    ) -> Enrollment | None:
        """A person enrolled ``weeks_ago`` (or on ``enrolled_on``) and placed a week later,
        until ``placement_weeks`` after that (or 20 weeks from today), or for the ``placed``
        dates; None when they exist already."""
        if Participant.objects.filter(
            municipality=municipality, first_name=first, last_name=last
        ).exists():
            return None
        person = participant_create(
            actor=None,
            municipality=municipality,
            first_name=first,
            last_name=last,
            national_id=self._national_id(municipality, age),
            values={**self._details(municipality, first), **(details or {})},
        )
        starts_on = enrolled_on or self.today - timedelta(weeks=weeks_ago)
        consent_record(
            actor=caseworker,
            participant=person,
            purpose=ConsentPurpose.PROCESSING,
            given_on=starts_on,
        )
        if worksite is not None:
            consent_record(
                actor=caseworker,
                participant=person,
                purpose=ConsentPurpose.SHARE_WORKSITE,
                recipient=worksite.name,
                given_on=starts_on,
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
        self._dated(enrollment, status, starts_on)
        if worksite is not None:
            placed_on = starts_on + timedelta(days=7)
            placed_until = (
                placed_on + timedelta(weeks=placement_weeks)
                if placement_weeks
                else self.today + timedelta(weeks=20)
            )
            placed_on, placed_until = placed or (placed_on, placed_until)
            placement = placement_create(
                actor=None,
                enrollment=enrollment,
                worksite=worksite,
                type=ptype,
                field=field,
                starts_on=placed_on,
                supervisor=supervisor,
                ends_on=placed_until,
                status=PlacementStatus.PLANNED
                if placed_on > self.today
                else PlacementStatus.ACTIVE,
                **(schedule or {}),
            )
            self._attendance(placement, supervisor)
        return enrollment

    def _dated(self, enrollment, status: str, day: date) -> None:
        """The status change shown on the record dated when it happened, not when the demo
        was loaded."""
        moment = timezone.make_aware(datetime.combine(day, time(9)))
        enrollment.status_changes.filter(status=status).update(at=moment)

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

    def _national_id(self, municipality, age: int | None = None) -> str:
        """Synthetic numbers only: they can never belong to a real person."""
        self.serial = getattr(self, "serial", 0) + 1
        if age is None:
            young = municipality.country == Country.NORWAY
            age = 16 + self.serial % 9 if young else 16 + self.serial % 4
        born = date(self.today.year - age, 1 + self.serial % 12, 1 + (self.serial * 7) % 28)
        if municipality.country == Country.SWEDEN:
            return synthetic_personnummer(born, 200 + self.serial)
        return synthetic_fodselsnummer(born, (500 if born.year >= 2000 else 100) + self.serial)

    def _details(self, municipality, first: str) -> dict:
        n = self.serial
        swedish = municipality.country == Country.SWEDEN
        level = (
            LanguageLevel.NATIVE
            if swedish
            else [LanguageLevel.NATIVE, LanguageLevel.B1, LanguageLevel.A2][n % 3]
        )
        languages = {
            LanguageLevel.NATIVE: "svenska" if swedish else "norsk",
            LanguageLevel.B1: "arabisk, norsk",
            LanguageLevel.A2: "tigrinja, norsk",
        }
        return {
            "gender": gender_of(first),
            "phone": f"+46 70 000 {n:03d}" if swedish else f"+47 400 00 {n:03d}",
            "language_level": level,
            "languages": languages[level],
            "education_level": [EducationLevel.PRIMARY, EducationLevel.UPPER_SECONDARY_STARTED][
                n % 2
            ],
            "neet_status": NeetStatus.NEET_SEEKING if n % 4 else NeetStatus.NEET_INACTIVE,
            "protected_address": n == 3,
            **address_in(municipality.name, n),
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
        people = self._by_name(programme)
        active = [e for e in people if e.status == EnrollmentStatus.ACTIVE]
        self._write_cases(people, NORWEGIAN, {e.pk for e in active[:LYNGDAL_FULL_CASES]})

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
        people = self._by_name(programme)
        # The first person on each arbeidsleder's list, which is also the caseworker's first.
        firsts: dict[int, int] = {}
        for enrollment in people:
            placement = enrollment.placements.first()
            if enrollment.status == EnrollmentStatus.ACTIVE and placement is not None:
                firsts.setdefault(placement.worksite_id, enrollment.pk)
        self._write_cases(people, NORWEGIAN, set(firsts.values()))

    def _by_name(self, programme) -> list[Enrollment]:
        """A programme's people in the order the caseload lists them."""
        return list(
            Enrollment.objects.filter(programme=programme)
            .select_related("participant__municipality", "programme", "caseworker")
            .order_by("participant__last_name", "participant__first_name", "pk")
        )

    def _write_cases(self, enrollments: list[Enrollment], book, full: set[int]) -> None:
        for index, enrollment in enumerate(enrollments):
            case_write(
                today=self.today,
                enrollment=enrollment,
                book=book,
                full=enrollment.pk in full,
                index=index,
            )

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
        """Solvik's avdelning för arbete och utbildning: arbetsträning, two Jobbspår and
        feriearbete, with a handläggare, two handledare and a projektledare."""
        solvik, _ = Municipality.objects.get_or_create(name="Solvik", country=Country.SWEDEN)
        programmes = {key: self._solvik_programme(solvik, key) for key in se.PROGRAMMES}
        programmes["sommar"] = self._summer_programme(solvik)
        handlaggare = self._user(
            solvik, *se.HANDLAGGARE, ProgrammeRole.CASEWORKER, programme=programmes["sommar"]
        )
        lead = self._user(
            solvik, *se.PROJEKTLEDARE, ProgrammeRole.PROGRAMME_LEAD, programme=programmes["sommar"]
        )
        for programme in programmes.values():
            role_grant(
                actor=None, user=handlaggare, role=ProgrammeRole.CASEWORKER, programme=programme
            )
            role_grant(
                actor=None, user=lead, role=ProgrammeRole.PROGRAMME_LEAD, programme=programme
            )
        sites = {}
        for key, (name, kind, address, who) in se.WORKSITES.items():
            worksite = self._worksite(solvik, name, kind, address)
            supervisor = self._user(
                solvik, *se.HANDLEDARE[who], ROLE_ARBEIDSLEDER, worksite=worksite
            )
            sites[key] = (worksite, supervisor)
        for key, people in se.PEOPLE.items():
            programme = programmes[key]
            _name, _kind, _cohort, ptype, hours, percentage = se.PROGRAMMES[key]
            for first, last, site, field, age, weeks_ago in people:
                worksite, supervisor = sites[site]
                self._person(
                    solvik,
                    first,
                    last,
                    programme=programme,
                    cohort=programme.cohorts.first(),
                    caseworker=handlaggare,
                    worksite=worksite,
                    supervisor=supervisor,
                    field=field,
                    ptype=se.placement_type(ptype),
                    weeks_ago=weeks_ago,
                    age=age,
                    schedule={"hours_per_day": Decimal(hours), "percentage": percentage},
                )
        self._care_paths(programmes["vard"], handlaggare)
        self._summer(solvik, programmes["sommar"], handlaggare, sites)
        self._solvik_cases(programmes)

    def _solvik_programme(self, solvik, key: str) -> Programme:
        name, kind, cohort, _ptype, _hours, _percentage = se.PROGRAMMES[key]
        programme, _ = Programme.objects.get_or_create(
            municipality=solvik,
            name=name,
            defaults={"kind": kind, "starts_on": date(2025, 1, 1), "ends_on": date(2027, 12, 31)},
        )
        if cohort is not None:
            Cohort.objects.get_or_create(
                programme=programme,
                name=cohort[0],
                defaults={"starts_on": cohort[1], "capacity": 12},
            )
        return programme

    def _summer_programme(self, solvik) -> Programme:
        """Feriearbete in the summer that has begun this year, or last year's."""
        year = se.summer_year(self.today)
        programme = Programme.objects.filter(
            municipality=solvik, kind=ProgrammeKind.SUMMER_JOBS
        ).first() or Programme.objects.create(
            municipality=solvik,
            name=f"Feriearbete {year}",
            kind=ProgrammeKind.SUMMER_JOBS,
            starts_on=date(year, 6, 1),
            ends_on=date(year, 8, 31),
            target_participants=len(se.SUMMER_PEOPLE),
        )
        Cohort.objects.get_or_create(
            programme=programme,
            name=f"Sommar {year}",
            defaults={"starts_on": se.summer_periods(year)[0][0], "capacity": 8},
        )
        return programme

    def _summer(self, solvik, programme, handlaggare, sites) -> None:
        """Each youth works one three-week period; once it is over, the placement has ended
        and the youth has completed the feriearbete."""
        cohort = programme.cohorts.first()
        periods = se.summer_periods(cohort.starts_on.year)
        for first, last, site, field, age, period in se.SUMMER_PEOPLE:
            worksite, supervisor = sites[site]
            enrollment = self._person(
                solvik,
                first,
                last,
                programme=programme,
                cohort=cohort,
                caseworker=handlaggare,
                worksite=worksite,
                supervisor=supervisor,
                field=field,
                ptype=PlacementType.SUMMER_JOB,
                age=age,
                # The offers were accepted in April.
                enrolled_on=date(cohort.starts_on.year, 4, 20),
                placed=periods[period],
                schedule={"hours_per_day": Decimal(se.SUMMER_HOURS)},
                details={"neet_status": NeetStatus.IN_EDUCATION},  # pupils on their holiday
            )
            if enrollment is None or periods[period][1] >= self.today:
                continue
            placement = enrollment.placements.get()
            placement_end(
                actor=supervisor,
                placement=placement,
                expected_version=placement.version,
                ends_on=placement.ends_on,
                status=PlacementStatus.ENDED,
            )
            enrollment_change_status(
                actor=handlaggare,
                enrollment=enrollment,
                expected_version=enrollment.version,
                status=EnrollmentStatus.COMPLETED,
                exit_date=placement.ends_on,
                exit_reason=ExitReason.COMPLETED,
                destination=Destination.EDUCATION,
            )
            self._dated(enrollment, EnrollmentStatus.COMPLETED, placement.ends_on)
            # The workplace's access ends with the job.
            shared = enrollment.participant.consents.get(purpose=ConsentPurpose.SHARE_WORKSITE)
            consent_withdraw(
                actor=handlaggare,
                consent=shared,
                expected_version=shared.version,
                withdrawn_on=placement.ends_on + timedelta(days=1),
            )

    def _care_paths(self, programme, handlaggare) -> None:
        """Jobbspår vård och omsorg leads through the vård- och omsorgsutbildning to
        undersköterska; the first courses are done."""
        route = se.care_route()
        if route is None:
            return
        track, _ = QualificationTrack.objects.get_or_create(name=se.CARE_TRACK)
        for number, name in enumerate(se.CARE_MODULES, start=1):
            Module.objects.get_or_create(track=track, number=number, defaults={"name": name})
        modules = list(track.modules.order_by("number"))
        for index, enrollment in enumerate(self._by_name(programme)):
            if enrollment.qualification_paths.exists():
                continue
            path = path_create(
                actor=handlaggare,
                enrollment=enrollment,
                track=track,
                route=route,
                training_office=se.ADULT_EDUCATION,
                contract_starts_on=enrollment.starts_on + timedelta(days=14),
            )
            for module in modules[: 2 - index % 2]:
                module_sign_off(
                    actor=handlaggare, path=path, module=module, result=ExamResult.PASSED
                )

    def _solvik_cases(self, programmes: dict) -> None:
        """Full records for the first person in each programme and the first on the
        handläggare's list; the summer youths a short journal and the handledare's notes."""
        full: set[int] = set()
        caseload: list[Enrollment] = []
        for key in se.PROGRAMMES:
            people = self._by_name(programmes[key])
            full.update(e.pk for e in people[:1])
            caseload.extend(people)
        caseload.sort(key=lambda e: (e.participant.last_name, e.participant.first_name))
        full.update(e.pk for e in caseload[:SOLVIK_FULL_CASES])
        self._write_cases(caseload, se.SWEDISH, full)
        self._write_cases(self._by_name(programmes["sommar"]), se.SUMMER, set())
