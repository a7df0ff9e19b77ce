"""The demo world's building blocks: sign-ins, worksites, and people enrolled, consented,
placed and recorded at work, all through the services, dated relative to today. Running a
builder again changes nothing: whatever exists already is left as it is."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import Country, User
from accounts.services import role_grant
from demo.cases import CaseBook, case_write
from demo.names import address_in, gender_of
from participants.consents import consent_record
from participants.models import Enrollment, Participant
from participants.services import enrollment_create, participant_create
from participants.synthetic import synthetic_fodselsnummer, synthetic_personnummer
from participants.vocabularies import ConsentPurpose, EducationLevel, LanguageLevel, NeetStatus
from placements.attendance import MISSING_LOOKBACK_DAYS, attendance_record, expected_days
from placements.models import (
    AttendanceStatus,
    ModuleProgress,
    PlacementStatus,
    PlacementType,
    WorkField,
    Worksite,
)
from placements.services import placement_create, worksite_create
from programs.models import EnrollmentStatus

ATTENDANCE_DAYS = 365


def sign_off_dated(progress: ModuleProgress, day: date) -> None:
    """A demo sign-off made on ``day``, not when the demo was loaded: its date and its time,
    so the page shows the day it was signed and offers no undo."""
    progress.signed_off_on = day
    progress.signed_off_at = timezone.make_aware(datetime.combine(day, time(14, 0)))
    progress.save(update_fields=["signed_off_on", "signed_off_at"])


class DemoWorld:
    """What every municipality of the demo is built from."""

    def __init__(self, *, today: date) -> None:
        self.today = today
        self.serial = 0  # people made so far: numbers their IDs, phones and addresses

    def user(
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

    def worksite(self, municipality, name: str, kind: str, address: str) -> Worksite:
        existing = Worksite.objects.filter(municipality=municipality, name=name).first()
        return existing or worksite_create(
            actor=None, municipality=municipality, name=name, kind=kind, address=address
        )

    def person(
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
            national_id=self.national_id(municipality, age),
            values={**self.details(municipality, first), **(details or {})},
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
        self.dated(enrollment, status, starts_on)
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
            self.attendance(placement, supervisor)
        return enrollment

    def dated(self, enrollment, status: str, day: date) -> None:
        """The status change shown on the record dated when it happened, not when the demo
        was loaded."""
        moment = timezone.make_aware(datetime.combine(day, time(9)))
        enrollment.status_changes.filter(status=status).update(at=moment)

    def attendance(self, placement, supervisor) -> None:
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

    def national_id(self, municipality, age: int | None = None) -> str:
        """Synthetic numbers only: they can never belong to a real person."""
        self.serial += 1
        if age is None:
            young = municipality.country == Country.NORWAY
            age = 16 + self.serial % 9 if young else 16 + self.serial % 4
        born = date(self.today.year - age, 1 + self.serial % 12, 1 + (self.serial * 7) % 28)
        if municipality.country == Country.SWEDEN:
            return synthetic_personnummer(born, 200 + self.serial)
        return synthetic_fodselsnummer(born, (500 if born.year >= 2000 else 100) + self.serial)

    def details(self, municipality, first: str) -> dict:
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

    def by_name(self, programme) -> list[Enrollment]:
        """A programme's people in the order the caseload lists them."""
        return list(
            Enrollment.objects.filter(programme=programme)
            .select_related("participant__municipality", "programme", "caseworker")
            .order_by("participant__last_name", "participant__first_name", "pk")
        )

    def write_cases(self, enrollments: list[Enrollment], book: CaseBook, full: set[int]) -> None:
        for index, enrollment in enumerate(enrollments):
            case_write(
                today=self.today,
                enrollment=enrollment,
                book=book,
                full=enrollment.pk in full,
                index=index,
            )
