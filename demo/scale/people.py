"""The people and their cases: the register entry with an encrypted synthetic national ID,
enrollments with their status history, consents, follow-ups, notes, tasks and action plans."""

import random
from datetime import date, timedelta

from demo.scale.plan import PersonPlan, pick
from demo.scale.world import World
from participants import national_id as nid
from participants.models import (
    CaseNote,
    Consent,
    Enrollment,
    EnrollmentStatusChange,
    FollowUp,
    Goal,
    Milestone,
    Participant,
    Task,
)
from participants.services import FOLLOW_UP_MONTHS, add_months, national_id_columns
from participants.vocabularies import (
    ConsentPurpose,
    Destination,
    EducationLevel,
    FollowUpSource,
    FollowUpStatus,
    Gender,
    GoalStatus,
    LanguageLevel,
    NeetStatus,
    NoteKind,
    ReferralSource,
)
from programs.models import EnrollmentStatus

S = EnrollmentStatus
_DETAILS = {
    "gender": ((Gender.FEMALE, 0.46), (Gender.MALE, 0.5), (Gender.OTHER, 0.04)),
    "language_level": (
        (LanguageLevel.NATIVE, 0.55),
        (LanguageLevel.C1, 0.05),
        (LanguageLevel.B2, 0.12),
        (LanguageLevel.B1, 0.14),
        (LanguageLevel.A2, 0.1),
        (LanguageLevel.A1, 0.04),
    ),
    "education_level": (
        (EducationLevel.PRIMARY, 0.45),
        (EducationLevel.UPPER_SECONDARY_STARTED, 0.35),
        (EducationLevel.UPPER_SECONDARY, 0.12),
        (EducationLevel.NONE, 0.03),
        (EducationLevel.UNKNOWN, 0.05),
    ),
    "neet_status": (
        (NeetStatus.NEET_SEEKING, 0.5),
        (NeetStatus.NEET_INACTIVE, 0.3),
        (NeetStatus.PART_TIME_WORK, 0.1),
        (NeetStatus.IN_EDUCATION, 0.05),
        (NeetStatus.UNKNOWN, 0.05),
    ),
    "nav_innsatsgruppe": (),  # the country's (words.innsatsgrupper), drawn in this place
    "referral_source": (
        (ReferralSource.NAV, 0.45),
        (ReferralSource.FOLLOW_UP_SERVICE, 0.2),
        (ReferralSource.SOCIAL_SERVICES, 0.12),
        (ReferralSource.SCHOOL, 0.08),
        (ReferralSource.CHILD_WELFARE, 0.05),
        (ReferralSource.SELF, 0.05),
        (ReferralSource.HEALTH, 0.03),
        (ReferralSource.FAMILY, 0.02),
    ),
}
_NOTE_KINDS = (
    (NoteKind.MEETING, 0.5),
    (NoteKind.PHONE, 0.3),
    (NoteKind.NAV_MEETING, 0.1),
    (NoteKind.HOME_VISIT, 0.05),
    (NoteKind.OTHER, 0.05),
)
_FOLLOW_UP_STATUS: dict[str, FollowUpStatus] = {
    Destination.WORK_FULL_TIME: FollowUpStatus.IN_WORK,
    Destination.WORK_PART_TIME: FollowUpStatus.IN_WORK,
    Destination.APPRENTICESHIP: FollowUpStatus.IN_EDUCATION,
    Destination.EDUCATION: FollowUpStatus.IN_EDUCATION,
    Destination.NAV_MEASURE: FollowUpStatus.IN_MEASURE,
    Destination.OTHER: FollowUpStatus.OTHER,
    Destination.UNKNOWN: FollowUpStatus.UNKNOWN,
}


def caseworker(world: World, person: PersonPlan):
    return world.caseworkers[person.programme][person.caseworker]


def participants_create(world: World, people: list[PersonPlan]) -> list[Participant]:
    """The register, in the order of ``people``. National IDs are synthetic and stored as the
    services store them: encrypted, with the keyed look-up hash and the masked form."""
    return world.writer.create(Participant, (_participant(world, p) for p in people))


def _participant(world: World, person: PersonPlan) -> Participant:
    rng, words = world.rng, world.words
    age_days = rng.randint(16 * 365 + 5, 29 * 365)
    born = person.referred_on - timedelta(days=age_days)
    number = _national_id(world, born)
    details = _details(world)
    # Drawn twice, the first draw unused: the same seed builds the same city as it always has.
    details.pop("referral_source")
    person.referral_source = pick(rng, _DETAILS["referral_source"])
    n = person.index + 1
    return Participant(
        municipality=world.municipality,
        first_name=rng.choice(words.first_names_for(details["gender"])),
        last_name=words.surname(rng.randrange(words.surname_count)),
        birth_date=born,
        email=f"deltaker{n}@{world.domain}",
        address=f"{words.street} {n}",
        city=world.municipality.name,
        protected_address=rng.random() < 0.01,
        languages=rng.choice(words.languages),
        social_assistance=rng.random() < 0.3,
        created_at=world.moment(person.referred_on, 9),
        updated_at=world.moment(person.referred_on, 9),
        **details,
        **national_id_columns(number),
    )


def _details(world: World) -> dict[str, str]:
    """Gender, language, education, NEET status, NAV's innsatsgruppe (Norway only) and who
    referred the person, drawn in that order."""
    details = {}
    for name, weighted in _DETAILS.items():
        if name == "nav_innsatsgruppe":
            groups = world.words.innsatsgrupper
            details[name] = pick(world.rng, groups) if groups else ""
        else:
            details[name] = pick(world.rng, weighted)
    return details


def _national_id(world: World, born: date) -> nid.NationalId:
    """A synthetic national ID of the municipality's country for ``born``, unique among those of
    every municipality the run has built (``world.national_ids``)."""
    while True:
        number = world.words.national_id(world.rng, born)
        if number is not None and number not in world.national_ids:
            world.national_ids.add(number)
            return nid.NationalId(number, born, synthetic=True)


def enrollments_create(
    world: World, people: list[PersonPlan], participants: list, cohorts: dict
) -> list[Enrollment]:
    enrollments = world.writer.create(
        Enrollment,
        (
            Enrollment(
                participant=participant,
                programme=world.programmes[p.programme],
                cohort=cohorts[p.index],
                status=p.status,
                caseworker=caseworker(world, p),
                referral_source=p.referral_source,
                starts_on=p.referred_on,
                ends_on=p.ends_on,
                exit_reason=p.exit_reason,
                destination=p.destination,
                version=len(p.pipeline),
            )
            for p, participant in zip(people, participants, strict=True)
        ),
    )
    world.writer.stream(
        EnrollmentStatusChange,
        (
            {
                "enrollment_id": enrollment.pk,
                "status": status,
                "at": world.moment(day, 10),
                "by_id": caseworker(world, p).pk,
            }
            for p, enrollment in zip(people, enrollments, strict=True)
            for status, day in p.pipeline
        ),
    )
    return enrollments


def consents_create(world: World, people: list[PersonPlan], participants: list) -> None:
    """Consent to processing at referral, to sharing with the worksite before a placement,
    and often to sharing with NAV; a few withdrew the worksite consent when they left."""
    world.writer.stream(
        Consent,
        (
            consent
            for p, participant in zip(people, participants, strict=True)
            for consent in _consents(world, p, participant.pk)
        ),
    )


def _consents(world: World, person: PersonPlan, participant_id: int) -> list[dict]:
    def consent(purpose: str, given_on: date, **more) -> dict:
        by = caseworker(world, person).pk
        return {
            "participant_id": participant_id,
            "purpose": purpose,
            "given_on": given_on,
            "recorded_by_id": by,
            **more,
        }

    consents = [consent(ConsentPurpose.PROCESSING, person.referred_on)]
    if world.rng.random() < 0.5:
        nav = world.words.agency
        consents.append(consent(ConsentPurpose.SHARE_NAV, person.referred_on, recipient=nav))
    if person.placement is not None:
        given = min(person.referred_on + timedelta(days=3), person.placement.starts_on)
        withdrawn = person.ends_on if person.ends_on and world.rng.random() < 0.05 else None
        consents.append(consent(ConsentPurpose.SHARE_WORKSITE, given, withdrawn_on=withdrawn))
    return consents


def follow_ups_create(world: World, people: list[PersonPlan], enrollments: list) -> None:
    """+ 6 and + 12 months after each exit; most of those due are recorded."""
    world.writer.create(
        FollowUp,
        (
            _follow_up(world, p, enrollment, months)
            for p, enrollment in zip(people, enrollments, strict=True)
            if p.ends_on is not None
            for months in FOLLOW_UP_MONTHS
        ),
    )


def _follow_up(world: World, person: PersonPlan, enrollment, months: int) -> FollowUp:
    assert person.ends_on is not None  # only people who left are followed up
    due = add_months(person.ends_on, months)
    follow_up = FollowUp(enrollment=enrollment, months=months, due_on=due)
    recorded = due + timedelta(days=world.rng.randrange(14))
    if recorded < world.today and world.rng.random() < 0.8:
        follow_up.status = _FOLLOW_UP_STATUS[person.destination]
        follow_up.source = world.rng.choice(FollowUpSource.values)
        follow_up.verified = world.rng.random() < 0.5
        follow_up.recorded_on, follow_up.recorded_by = recorded, caseworker(world, person)
        follow_up.version = 2
    return follow_up


def notes_create(world: World, people: list[PersonPlan], participants: list) -> None:
    """A note every three to six weeks of the case; a recent note may ask for a follow-up,
    which makes a task, as the note form does."""
    world.writer.stream(
        CaseNote,
        (
            note
            for p, participant in zip(people, participants, strict=True)
            for note in _notes(world, p, participant.pk)
        ),
    )
    asking = CaseNote.objects.filter(
        participant__municipality=world.municipality, follow_up_on__isnull=False
    ).values_list("pk", "participant_id", "author_id", "follow_up_on", "created_at")
    world.writer.create(
        Task,
        (
            Task(
                participant_id=person,
                title=world.words.follow_up_task,
                due_on=due,
                assignee_id=author,
                created_by_id=author,
                note_id=note,
                created_at=created,
            )
            for note, person, author, due, created in asking
            if due is not None  # as the filter above asks
        ),
    )


def _notes(world: World, person: PersonPlan, participant_id: int) -> list[dict]:
    rng, author = world.rng, caseworker(world, person).pk
    last = min(person.ends_on or world.today, world.today)
    day, notes = person.referred_on, []
    while day <= last:
        notes.append(
            {
                "participant_id": participant_id,
                "author_id": author,
                "kind": pick(rng, _NOTE_KINDS),
                "occurred_on": day,
                "text": rng.choice(world.words.note_texts),
                "confidential": rng.random() < 0.04,
                "created_at": world.moment(day, 15),
            }
        )
        day += timedelta(days=rng.randrange(21, 43))
    if person.is_open and notes and rng.random() < 0.3:
        notes[-1]["follow_up_on"] = world.today + timedelta(days=rng.randrange(1, 21))
    return notes


def tasks_create(world: World, people: list[PersonPlan], participants: list) -> None:
    """Reminders: open cases have one or two, some overdue; closed cases one that was done."""
    world.writer.create(
        Task,
        (
            task
            for p, participant in zip(people, participants, strict=True)
            for task in _tasks(world, p, participant)
        ),
    )


def _tasks(world: World, person: PersonPlan, participant) -> list[Task]:
    rng, assignee = world.rng, caseworker(world, person)
    if person.is_open:
        dues = [
            world.today + timedelta(days=rng.randrange(-10, 30)) for _ in range(rng.randint(1, 2))
        ]
    else:
        assert person.ends_on is not None  # a closed case has ended
        dues = [max(person.referred_on, person.ends_on - timedelta(days=rng.randrange(1, 30)))]
    tasks = []
    for due in dues:
        done = due < world.today and (not person.is_open or rng.random() < 0.4)
        created = max(person.referred_on, due - timedelta(days=14))
        tasks.append(
            Task(
                participant=participant,
                title=rng.choice(world.words.task_titles),
                due_on=due,
                assignee=assignee,
                created_by=assignee,
                created_at=world.moment(created, 11),
                done_at=world.moment(due, 16) if done else None,
                done_by=assignee if done else None,
            )
        )
    return tasks


def goals_create(world: World, people: list[PersonPlan], participants: list) -> None:
    """An action plan for everyone past intake: one to three goals with their milestones."""
    plans = [
        (goal, steps)
        for p, participant in zip(people, participants, strict=True)
        if len(p.pipeline) > 1
        for goal, steps in _goals(world, p, participant)
    ]
    goals = world.writer.create(Goal, (goal for goal, _ in plans))
    world.writer.stream(
        Milestone,
        (
            {"goal_id": goal.pk, "title": title, "due_on": due, "done_on": done}
            for goal, (_, steps) in zip(goals, plans, strict=True)
            for title, due, done in steps
        ),
    )


def _goals(world: World, person: PersonPlan, participant) -> list[tuple[Goal, list]]:
    rng, goals = world.rng, world.words.goals
    categories = [c for c in goals if c != "fagbrev"]
    chosen = rng.sample(categories, rng.randint(1, 2))
    if person.placement is not None and person.placement.type in world.words.trade_types:
        chosen.insert(0, "fagbrev")
    status = _goal_status(rng, person)
    start = person.pipeline[1][1]
    plans = []
    for category in chosen:
        title, step_titles = goals[category]
        target = start + timedelta(days=rng.randrange(120, 540))
        goal = Goal(
            participant=participant,
            category=category,
            title=title,
            target_on=target,
            status=status,
            created_by=caseworker(world, person),
            created_at=world.moment(start, 13),
        )
        plans.append((goal, _milestones(world, start, target, step_titles, status)))
    return plans


def _goal_status(rng: random.Random, person: PersonPlan) -> str:
    if person.status == S.COMPLETED:
        return GoalStatus.ACHIEVED if rng.random() < 0.7 else GoalStatus.DROPPED
    if person.status == S.WITHDRAWN:
        return GoalStatus.DROPPED
    return GoalStatus.IN_PROGRESS if person.status != S.INTAKE else GoalStatus.PLANNED


def _milestones(world: World, start: date, target: date, titles, status: str) -> list:
    steps = []
    count = world.rng.randint(1, len(titles))
    for n, title in enumerate(titles[:count], start=1):
        due = start + (target - start) * n / count
        done = status == GoalStatus.ACHIEVED or (
            status == GoalStatus.IN_PROGRESS and due < world.today and world.rng.random() < 0.7
        )
        steps.append((title, due, min(due, world.today) if done else None))
    return steps
