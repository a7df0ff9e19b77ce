"""The funder's side of the demo world.

Lyngdal's «En av mange» holds a LIM grant from Agder fylkeskommune for the year: half an
arbeidsleder position, courses toward the MFY modules, work clothes; costs booked month by
month, the first payment received, the position's use recorded, targets set, the half-year
report sent. Four of its ten people are on the route to a trade certificate as
helsearbeider. Kristiansand's «Flere i arbeid» has a year and a half of people who have left,
for work, an apprenticeship or school, and their status six months on.

Every date follows today, so the demo tells the same story whenever it is loaded; nothing is
made twice.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from demo.world import sign_off_dated
from participants.models import Enrollment
from participants.services import add_months, enrollment_change_status, follow_up_record
from participants.vocabularies import Destination, ExitReason, FollowUpSource, FollowUpStatus
from placements.models import ExamResult, Route
from placements.qualification import module_sign_off, path_create
from programs.models import (
    BudgetLineKind,
    EnrollmentStatus,
    Financing,
    Module,
    QualificationTrack,
    TargetMetric,
)
from programs.money import budget_line_save, cost_create, payment_create, position_month_set
from programs.services import target_set
from reporting.services import report_build, report_request
from reporting.submission import report_submit

HEALTH_TRACK = "Helsearbeiderfaget"
MFY_MODULES = [
    "Helsefremmende arbeid",
    "Kommunikasjon og samhandling",
    "Yrkesutøvelse og etikk",
    "Praksis i sykehjem",
    "Praksis i hjemmetjenesten",
]
TRAINING_OFFICE = "Opplæringskontoret for offentlig sektor (demo)"

# (kind, label, amount, financing of its costs): 562 500 kr in all, of which the grant pays
# 450 000 and the municipality the 20 % own contribution.
BUDGET = [
    (BudgetLineKind.POSITION, "Arbeidsleder, 50 % stilling", "330000", Financing.GRANT),
    (BudgetLineKind.ACTIVITIES, "Kurs, MFY-moduler og HMS-opplæring", "120000", Financing.GRANT),
    (
        BudgetLineKind.ACTIVITIES,
        "Veiledning og oppfølging (kommunal egeninnsats)",
        "80000",
        Financing.OWN,
    ),
    (BudgetLineKind.OTHER, "Arbeidsklær, verneutstyr og reiser", "32500", Financing.GRANT),
]
# (budget line index, account, amount, text) booked every month.
MONTHLY = [
    (0, "10100", "27500", "Lønn arbeidsleder 50 %"),
    (2, "10150", "7200", "Veileder, 10 % stilling (egenandel)"),
    (3, "71400", "950", "Reiser, arbeidstrening"),
]
# (month of the year, day, budget line index, account, amount, text) booked once.
ONCE = [
    (3, 12, 1, "11500", "18000", "HMS-kurs for deltakere og arbeidsledere"),
    (8, 20, 3, "11000", "14800", "Arbeidsklær og vernesko, 10 sett"),
    (9, 18, 1, "11500", "24000", "MFY modul 1 og 2, Opplæringskontoret"),
    (10, 9, 1, "11500", "12000", "Førstehjelpskurs"),
    (11, 6, 2, "10150", "6500", "Samling med NAV og arbeidsgivere (egenandel)"),
]
GRANT_TARGETS = [
    (TargetMetric.REACHED, 10),
    (TargetMetric.IN_WORK_TRAINING, 8),
    (TargetMetric.STARTED_QUALIFICATION, 4),
    (TargetMetric.IN_WORK_OR_EDUCATION_AT_EXIT, 3),
]
# Where Kristiansand's earlier participants went, in the order they left.
KRISTIANSAND_EXITS = [
    (ExitReason.GOT_JOB, Destination.WORK_FULL_TIME, FollowUpStatus.IN_WORK),
    (ExitReason.STARTED_EDUCATION, Destination.APPRENTICESHIP, FollowUpStatus.IN_WORK),
    (ExitReason.GOT_JOB, Destination.WORK_PART_TIME, FollowUpStatus.IN_WORK),
    (ExitReason.STARTED_EDUCATION, Destination.EDUCATION, FollowUpStatus.IN_EDUCATION),
    (ExitReason.OTHER_MEASURE, Destination.NAV_MEASURE, FollowUpStatus.IN_MEASURE),
    (ExitReason.GOT_JOB, Destination.WORK_FULL_TIME, FollowUpStatus.IN_WORK),
    (ExitReason.STARTED_EDUCATION, Destination.APPRENTICESHIP, FollowUpStatus.IN_WORK),
    (ExitReason.HEALTH, Destination.OTHER, FollowUpStatus.UNKNOWN),
    (ExitReason.GOT_JOB, Destination.WORK_PART_TIME, FollowUpStatus.IN_WORK),
    (ExitReason.COMPLETED, Destination.WORK_FULL_TIME, FollowUpStatus.IN_WORK),
]
PROGRAMME_TARGETS = [
    (TargetMetric.STARTED_QUALIFICATION, 12),
    (TargetMetric.IN_WORK_OR_EDUCATION_AT_EXIT, 8),
    (TargetMetric.IN_WORK_OR_EDUCATION_AFTER_6, 5),
]


def health_track() -> QualificationTrack:
    """Helsearbeiderfaget with its five MFY modules."""
    track, _ = QualificationTrack.objects.get_or_create(name=HEALTH_TRACK)
    for number, name in enumerate(MFY_MODULES, start=1):
        Module.objects.get_or_create(track=track, number=number, defaults={"name": name})
    return track


# --- Lyngdal -----------------------------------------------------------------------------------


def lyngdal_funding(*, today: date, programme, grant, caseworker, supervisor, lead) -> None:
    """Routes to a trade, one person gone to a job, and the grant's money and targets."""
    enrollments = list(programme.enrollments.select_related("participant").order_by("pk"))
    _routes_to_trade(today, enrollments, caseworker, supervisor)
    _one_into_work(today, enrollments, caseworker)
    if grant is not None and not grant.budget_lines.exists():
        _money(today, grant, lead)
        for metric, value in GRANT_TARGETS:
            target_set(actor=lead, grant=grant, metric=metric, value=value)


def _routes_to_trade(today: date, enrollments: list, caseworker, supervisor) -> None:
    """Four of the helsehus people toward the fagbrev as helsearbeider, as praksiskandidat;
    two have passed their first module."""
    track = health_track()
    health = [e for e in enrollments if e.placements.filter(field="helse_omsorg").exists()]
    modules = list(track.modules.order_by("number"))
    for index, enrollment in enumerate(health[:4]):
        if enrollment.qualification_paths.exists():
            continue
        path = path_create(
            actor=caseworker,
            enrollment=enrollment,
            track=track,
            route=Route.PRACTICE_CANDIDATE,
            training_office=TRAINING_OFFICE,
            contract_starts_on=today - timedelta(weeks=6 - index),
        )
        if index < 2:
            progress = module_sign_off(
                actor=supervisor, path=path, module=modules[0], result=ExamResult.PASSED
            )
            sign_off_dated(progress, today - timedelta(weeks=1))


def _one_into_work(today: date, enrollments: list, caseworker) -> None:
    """The last of the ten left two weeks ago for a part-time job in the helsehus's cleaning."""
    leaving = enrollments[-1] if enrollments else None
    if leaving is None or leaving.status != EnrollmentStatus.ACTIVE:
        return
    enrollment_change_status(
        actor=caseworker,
        enrollment=leaving,
        expected_version=leaving.version,
        status=EnrollmentStatus.COMPLETED,
        exit_date=today - timedelta(weeks=2),
        exit_reason=ExitReason.GOT_JOB,
        destination=Destination.WORK_PART_TIME,
    )


def _money(today: date, grant, lead) -> None:
    """The budget, the costs of every month that has ended, the payments received and the
    position's use, within the grant's year."""
    lines = [
        budget_line_save(actor=lead, grant=grant, kind=kind, label=label, amount=Decimal(amount))
        for kind, label, amount, _ in BUDGET
    ]
    months = _ended_months(grant.starts_on, min(grant.ends_on, today))
    for month in months:
        for index, account, amount, text in MONTHLY:
            _cost(lead, grant, lines, index, month.replace(day=25), account, amount, text)
        july = month.month == 7
        share = Decimal("0.30") if july else Decimal("0.50")  # the arbeidsleder's holiday
        position_month_set(actor=lead, grant=grant, month=month, share=share)
    for month_number, day, index, account, amount, text in ONCE:
        spent_on = date(grant.starts_on.year, month_number, day)
        if spent_on < today:
            _cost(lead, grant, lines, index, spent_on, account, amount, text)
    for received_on, amount, reference in (
        (date(grant.starts_on.year, 2, 15), "225000", "LIM, første utbetaling"),
        (date(grant.starts_on.year, 9, 15), "180000", "LIM, andre utbetaling etter halvår"),
    ):
        if received_on <= today:
            payment_create(
                actor=lead,
                grant=grant,
                received_on=received_on,
                amount=Decimal(amount),
                reference=reference,
            )


def _cost(lead, grant, lines, index, spent_on, account, amount, text) -> None:
    cost_create(
        actor=lead,
        grant=grant,
        spent_on=spent_on,
        account=account,
        amount=Decimal(amount),
        text=text,
        financing=BUDGET[index][3],
        budget_line=lines[index],
    )


def _ended_months(first: date, until: date) -> list[date]:
    """First days of the months from ``first`` that have ended before ``until``."""
    months, month = [], first.replace(day=1)
    while add_months(month, 1) <= until:
        months.append(month)
        month = add_months(month, 1)
    return months


# --- Kristiansand ------------------------------------------------------------------------------


def kristiansand_outcomes(
    *, today: date, programme, enrollments: list[Enrollment], caseworker, lead
) -> None:
    """Each earlier participant leaves when their placement ended, for where
    ``KRISTIANSAND_EXITS`` says; those gone six months are followed up. Then the
    programme's targets."""
    for enrollment, (reason, destination, later) in zip(
        enrollments, KRISTIANSAND_EXITS, strict=False
    ):
        placement = enrollment.placements.order_by("-starts_on").first()
        assert placement is not None and placement.ends_on is not None  # placed above, to an end
        exit_date = min(placement.ends_on, today - timedelta(days=1))
        enrollment_change_status(
            actor=caseworker,
            enrollment=enrollment,
            expected_version=enrollment.version,
            status=EnrollmentStatus.COMPLETED,
            exit_date=exit_date,
            exit_reason=reason,
            destination=destination,
        )
        follow_up = enrollment.follow_ups.filter(months=6, due_on__lte=today).first()
        if follow_up is not None:
            follow_up_record(
                actor=caseworker,
                follow_up=follow_up,
                expected_version=follow_up.version,
                status=later,
                source=FollowUpSource.NAV if later != FollowUpStatus.UNKNOWN else "other",
                verified=later != FollowUpStatus.UNKNOWN,
            )
    if enrollments and not programme.targets.exists():
        for metric, value in PROGRAMME_TARGETS:
            target_set(actor=lead, programme=programme, metric=metric, value=value)


# --- reports -----------------------------------------------------------------------------------

HALF_YEAR_NARRATIVE = {
    "narrative_activities": (
        "Arbeidslederen i halv stilling begynte i januar. Våren gikk med til å avtale plasser "
        "på Lyngdal helsehus i helse og omsorg, renhold og vaktmester, og til å rekruttere "
        "deltakere sammen med NAV Lyngdal."
    ),
    "narrative_deviations": (
        "Første kull skulle starte i juni, men starter i august: rekrutteringen tok lengre tid "
        "enn planlagt. Kurskostnadene kommer derfor senere i året enn budsjettert."
    ),
    "narrative_cooperation": (
        "NAV Lyngdal henviser deltakerne og deltar i månedlige samarbeidsmøter. "
        "Opplæringskontoret for offentlig sektor er med på å planlegge praksiskandidatløpet."
    ),
    "narrative_next_period": "Ti deltakere starter i august; fire av dem mot fagbrev.",
}
YEAR_NARRATIVE = {
    "narrative_activities": (
        "Ti ungdommer begynte i læringsarenaen på Lyngdal helsehus i august: seks i helse og "
        "omsorg, fire i servicegruppen (renhold og vaktmester). Arbeidslederen følger dem hver "
        "dag; veilederen har ukentlige samtaler med hver deltaker. Fire er praksiskandidater "
        "mot fagbrev som helsearbeider, og to har bestått sin første MFY-modul."
    ),
    "narrative_deviations": (
        "Oppstarten ble flyttet fra juni til august. Én deltaker har gått over i deltidsjobb "
        "i renhold før programmet var slutt; plassen fylles i januar."
    ),
    "narrative_cooperation": (
        "NAV Lyngdal henviser deltakerne og deltar i månedlige samarbeidsmøter. "
        "Opplæringskontoret for offentlig sektor har godkjent fire praksiskandidater. Helsehuset "
        "og to private arbeidsgivere har tatt imot deltakere for hospitering."
    ),
    "narrative_next_period": (
        "To nye MFY-moduler starter i januar. Servicegruppen får kurs i renholdsteknikk."
    ),
    "narrative_continuation": (
        "Kommunen planlegger å videreføre arbeidslederstillingen i ordinær drift fra 2028, "
        "finansiert av helse og omsorg."
    ),
}


def lyngdal_reports(*, today: date, grant, lead) -> None:
    """The half-year LIM report, sent to the county three days before its deadline once that
    deadline has passed, and this year's report so far as a draft with the lead's words."""
    if grant is None or grant.report_runs.exists():
        return
    deadline = grant.deadlines.order_by("due_on").first()
    half_year_end = date(grant.starts_on.year, 6, 30)
    if deadline is not None and deadline.due_on < today and half_year_end < today:
        run = _built(grant, grant.starts_on, half_year_end, lead, HALF_YEAR_NARRATIVE)
        sent = deadline.due_on - timedelta(days=3)
        run.created_at = run.created_at.replace(year=sent.year, month=sent.month, day=sent.day)
        run.save(update_fields=["created_at"])
        report_submit(
            actor=lead, run=run, submitted_on=sent, submitted_to=grant.funder, deadline=deadline
        )
    _built(grant, grant.starts_on, min(grant.ends_on, today), lead, YEAR_NARRATIVE)


def _built(grant, start: date, end: date, lead, narrative: dict[str, Any]):
    run = report_request(
        actor=None,
        from_shell=True,
        kind="lim",
        grant=grant,
        period_start=start,
        period_end=end,
        language="nb",
        **narrative,
    )
    run.requested_by = lead
    run.save(update_fields=["requested_by"])
    report_build(run_id=run.pk, notify=False)  # nobody asked: no mail
    run.refresh_from_db()
    return run
