"""A large synthetic municipality for measuring Fotfeste at scale (``manage.py seed_scale``).

Rows are written in batches (world.py) instead of through the services, which would take
hours for two million attendance records; the rules the services enforce are kept by
construction (see plan.py), national IDs are stored with the services' own helpers, and
tests/accounts/test_seed_scale.py checks the result. No change history is written: audit rows
are append-only, and --replace must be able to remove everything the build made."""

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Country, Municipality
from demo.scale import organisation, work
from demo.scale import people as cases
from demo.scale.plan import PersonPlan, plan_people
from demo.scale.world import DEFAULT_NAME, World, Writer, email_domain

__all__ = ["DEFAULT_NAME", "ScaleOptions", "build", "email_domain"]


@dataclass(frozen=True)
class ScaleOptions:
    participants: int = 10_000
    seed: int = 2026
    name: str = DEFAULT_NAME


def build(options: ScaleOptions, say: Callable[[str], None]) -> World:
    """Build the whole municipality in one transaction: all of it, or nothing."""
    writer = Writer(say)
    with transaction.atomic():
        municipality = Municipality.objects.create(name=options.name, country=Country.NORWAY)
        writer.counts[Municipality._meta.label] += 1
        world = World(
            municipality=municipality,
            today=timezone.localdate(),
            rng=random.Random(options.seed),  # noqa: S311 - made-up data, repeatable by seed
            domain=email_domain(options.name),
            writer=writer,
        )
        people = plan_people(world.rng, options.participants, world.today)
        writer.say(f"Planned {len(people):,} people over three years")
        cohorts = _organisation(world, people, options.participants)
        enrollments = _cases(world, people, cohorts)
        _work(world, people, enrollments)
    return world


def _organisation(world: World, people: list[PersonPlan], size: int) -> dict:
    organisation.programmes_create(world, people)
    cohorts = organisation.cohorts_create(world, people)
    organisation.tracks_get(world)
    sites = max(3, round(size * organisation.SITES_PER_PERSON))
    organisation.worksites_create(world, sites)
    organisation.staff_create(world, people)
    organisation.grants_create(world)
    work.worksites_assign(world, people)
    work.capacities_create(world, people)
    world.writer.say("Programmes, cohorts, worksites, staff and grants")
    return cohorts


def _cases(world: World, people: list[PersonPlan], cohorts: dict) -> list:
    participants = cases.participants_create(world, people)
    world.writer.say("Participants, with encrypted national IDs")
    enrollments = cases.enrollments_create(world, people, participants, cohorts)
    cases.consents_create(world, people, participants)
    cases.follow_ups_create(world, people, enrollments)
    cases.notes_create(world, people, participants)
    cases.tasks_create(world, people, participants)
    cases.goals_create(world, people, participants)
    world.writer.say("Enrollments, consents, follow-ups, notes, tasks and action plans")
    return enrollments


def _work(world: World, people: list[PersonPlan], enrollments: list) -> None:
    placed = work.placements_create(world, people, enrollments)
    work.progress_create(world, placed)
    work.qualifications_create(world, placed)
    world.writer.say("Placements, progress notes, qualification paths and modules")
    world.writer.say("Attendance:")
    written = work.attendance_create(world, placed)
    world.writer.say(f"  {written:>9,} attendance records in all")
