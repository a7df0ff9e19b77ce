"""Large synthetic municipalities for measuring Fotfeste at scale (``manage.py seed_scale``): one
city, or a national world of them (nation.py).

Rows are written in batches (world.py) instead of through the services, which would take
hours for two million attendance records; the rules the services enforce are kept by
construction (see plan.py), national IDs are stored with the services' own helpers, and
tests/demo/test_seed_scale.py and test_seed_nation.py check the result. No change history is
written: audit rows are append-only, and --replace must be able to remove everything the build
made."""

import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality
from demo.scale import organisation, work
from demo.scale import people as cases
from demo.scale.nation import Town
from demo.scale.plan import PersonPlan, plan_people
from demo.scale.words import words_for
from demo.scale.world import DEFAULT_NAME, World, Writer, email_domain

__all__ = ["DEFAULT_NAME", "Town", "build", "email_domain"]


def build(town: Town, writer: Writer, national_ids: set[str]) -> World:
    """Build one municipality in one transaction: all of it, or nothing. ``national_ids`` holds
    the numbers given in the municipalities built before; this one's are added."""
    with transaction.atomic():
        municipality = Municipality.objects.create(name=town.name, country=town.country)
        writer.counts[Municipality._meta.label] += 1
        world = World(
            municipality=municipality,
            today=timezone.localdate(),
            rng=random.Random(town.seed),  # noqa: S311 - made-up data, repeatable by seed
            domain=email_domain(town.name),
            writer=writer,
            words=words_for(town.country),
            national_ids=national_ids,
        )
        people = plan_people(world.rng, town.participants, world.today, world.words)
        writer.say(f"«{town.name}»: planned {len(people):,} people over three years")
        cohorts = _organisation(world, people, town.participants)
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
