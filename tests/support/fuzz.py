"""What the fuzzers share: how many examples they try and from which seed, a world with a row
of every kind its users may reach, and the ids of those rows to point requests at.

Bounded: FOTFESTE_FUZZ_EXAMPLES examples per operation (12 by default), from a fixed seed so
that CI is repeatable; set FOTFESTE_FUZZ_SEED to explore other inputs."""

import os
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from hypothesis import HealthCheck, Phase, seed, settings

from participants.journal import note_create, task_create
from participants.models import CaseNote, Enrollment, Goal, Milestone, Participant, Task
from participants.plan import goal_create, milestone_add
from placements.attendance import attendance_record
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
    Worksite,
)
from placements.progress import progress_reply, progress_write
from placements.qualification import module_sign_off, path_create
from programs.models import Cohort, Grant, Module, Programme, QualificationTrack
from programs.services import grant_save
from reporting.models import ReportRun
from tests.factories import CohortFactory, MembershipFactory

EXAMPLES = int(os.environ.get("FOTFESTE_FUZZ_EXAMPLES", "12"))
SEED = os.environ.get("FOTFESTE_FUZZ_SEED")
# Which rows an id in a path or a body may name, by the resource's path or the field's name.
MODELS = {
    "participants": Participant,
    "participant": Participant,
    "enrollments": Enrollment,
    "enrollment": Enrollment,
    "notes": CaseNote,
    "goals": Goal,
    "goal": Goal,
    "milestones": Milestone,
    "tasks": Task,
    "worksites": Worksite,
    "worksite": Worksite,
    "placements": Placement,
    "placement": Placement,
    "attendance": AttendanceRecord,
    "progress": ProgressEntry,
    "entry": ProgressEntry,
    "progress-replies": ProgressReply,
    "qualification-paths": QualificationPath,
    "path": QualificationPath,
    "module-progress": ModuleProgress,
    "module": Module,
    "track": QualificationTrack,
    "programmes": Programme,
    "programme": Programme,
    "cohort": Cohort,
    "grants": Grant,
    "grant": Grant,
    "report-runs": ReportRun,
}


def furnish(world) -> None:
    """A row of every kind the API serves, seen by the world's users."""
    today = timezone.localdate()
    lead, caseworker, supervisor = world.programme_lead, world.caseworker, world.arbeidsleder
    CohortFactory(programme=world.programme, name="Høst")
    MembershipFactory(user=lead, programme=world.other_programme, role="caseworker")
    note_create(
        actor=caseworker,
        participant=world.participant,
        kind="meeting",
        occurred_on=today,
        text="Talked.",
    )
    goal = goal_create(
        actor=caseworker, participant=world.participant, category="fagbrev", title="Fagbrev"
    )
    milestone_add(actor=caseworker, goal=goal, title="Vg2")
    task_create(
        actor=caseworker, participant=world.participant, title="Call", due_on=today, assignee=lead
    )
    placement = world.placement
    attendance_record(
        actor=supervisor, placement=placement, day=today - timedelta(days=1), status="present"
    )
    entry = progress_write(actor=supervisor, placement=placement, text="Good week.")
    progress_reply(actor=caseworker, entry=entry, text="Thanks.")
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    modules = [Module.objects.create(track=track, number=n, name=f"Modul {n}") for n in (1, 2)]
    path = path_create(
        actor=caseworker,
        enrollment=world.enrollment,
        track=track,
        route="mfy",
        contract_ends_on=today + timedelta(days=300),
    )
    module_sign_off(actor=supervisor, path=path, module=modules[0], result="passed")
    grant = grant_save(
        actor=lead,
        municipality=world.municipality,
        programmes=[world.programme],
        funder="Agder fylkeskommune",
        name="LIM 2025",
        amount=Decimal("500000"),
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=265),
    )
    ReportRun.objects.create(
        kind="lim",
        grant=grant,
        period_start=today - timedelta(days=100),
        period_end=today,
        requested_by=lead,
        status="ready",
        pdf_file="reports/run-1.pdf",
        expires_at=timezone.now() + timedelta(days=30),
    )
    ReportRun.objects.create(
        kind="ks", programme=world.programme, period_start=today, period_end=today
    )


def id_pools() -> dict[str, list[int]]:
    pools = MODELS.items()
    return {name: list(model.objects.values_list("pk", flat=True)) for name, model in pools}


def bounded(test: Callable, *, examples: int = EXAMPLES) -> Callable:
    """A Hypothesis test with the fuzzers' limits: EXAMPLES examples (or as many as given), no
    deadline, no example database, the fixed seed unless FOTFESTE_FUZZ_SEED names another."""
    test = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(test)
    return seed(int(SEED))(test) if SEED else test
