from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import ProgrammeRole
from participants.models import EnrollmentStatus
from programs.models import Cohort, Module, Programme


def led_programmes(user) -> QuerySet[Programme]:
    """The programmes the user leads: the one answer to "is this the user's to lead?" for
    set-up, reports, exports, imports, erasure and the right of access."""
    from accounts.models import ProgrammeMembership

    if user is None:  # a scheduled job, or a run whose requester's account is gone
        return Programme.objects.none()
    leads = ProgrammeMembership.objects.filter(user=user, role=ProgrammeRole.PROGRAMME_LEAD)
    return Programme.objects.visible_to(user).filter(pk__in=leads.values("programme_id"))


def programmes_led(*, user) -> QuerySet[Programme]:
    """Programmes the user leads, with enrollment counts by status."""
    active = Q(enrollments__status=EnrollmentStatus.ACTIVE)
    open_statuses = [EnrollmentStatus.REFERRED, EnrollmentStatus.INTAKE]
    return (
        led_programmes(user)
        .annotate(
            active_count=Count("enrollments", filter=active, distinct=True),
            pending_count=Count(
                "enrollments", filter=Q(enrollments__status__in=open_statuses), distinct=True
            ),
            total_count=Count("enrollments", distinct=True),
        )
        .prefetch_related("cohorts")
        .order_by("name")
    )


def cohort_get(*, user, pk: int) -> Cohort:
    """A cohort of one of the user's programmes, or 404."""
    return get_object_or_404(
        Cohort.objects.filter(
            programme__in=Programme.objects.visible_to(user).filter(memberships__user=user)
        )
        .select_related("programme")
        .distinct(),
        pk=pk,
    )


def cohort_module_progress(*, user, cohort: Cohort) -> dict:
    """Per trade: the modules, and each person's progress through them, in a fixed number of
    queries."""
    from participants.models import Enrollment
    from placements.models import ModuleProgress, QualificationPath

    paths = (
        QualificationPath.objects.filter(
            enrollment__in=Enrollment.objects.visible_to(user).filter(cohort=cohort)
        )
        .select_related("enrollment__participant", "track")
        .prefetch_related(
            Prefetch("track__modules", queryset=Module.objects.order_by("number")),
            Prefetch("modules", queryset=ModuleProgress.objects.filter(result="passed")),
        )
        .order_by("track__name", "enrollment__participant__last_name")
    )
    tracks: dict = {}
    for path in paths:
        modules = list(path.track.modules.all())
        passed = {p.module_id for p in path.modules.all()}
        entry = tracks.setdefault(
            path.track.name,
            {"modules": modules, "people": [], "passed_per_module": [0] * len(modules)},
        )
        row = [m.pk in passed for m in modules]
        entry["people"].append((path.enrollment.participant, row, sum(row)))
        entry["passed_per_module"] = [
            a + b for a, b in zip(entry["passed_per_module"], row, strict=True)
        ]
    return tracks


def programmes_for_setup(*, user) -> QuerySet[Programme]:
    """The programmes the user leads, with cohorts, members and grants."""
    from accounts.models import ProgrammeMembership

    return (
        led_programmes(user)
        .prefetch_related(
            "cohorts",
            Prefetch(
                "memberships",
                queryset=ProgrammeMembership.objects.select_related("user").order_by(
                    "role", "user__full_name"
                ),
            ),
            "grants",
        )
        .order_by("name")
    )


def programme_led_get(*, user, pk: int) -> Programme:
    return get_object_or_404(led_programmes(user), pk=pk)


def grant_list(*, user) -> QuerySet:
    from programs.models import Grant

    return Grant.objects.visible_to(user).prefetch_related("programmes", "deadlines")


def grant_get(*, user, pk: int):
    return get_object_or_404(grant_list(user=user), pk=pk)


def membership_get(*, user, pk: int):
    from accounts.models import ProgrammeMembership

    return get_object_or_404(
        ProgrammeMembership.objects.filter(programme__in=led_programmes(user)).select_related(
            "user", "programme"
        ),
        pk=pk,
    )


def programme_list(*, user) -> QuerySet[Programme]:
    """The programmes the user works in, each with ``led`` (the user leads it) and its
    enrollment counts by status, in one query."""
    from accounts.models import ProgrammeMembership

    mine = ProgrammeMembership.objects.filter(user=user)
    led = mine.filter(role=ProgrammeRole.PROGRAMME_LEAD, programme=OuterRef("pk"))
    active = Q(enrollments__status=EnrollmentStatus.ACTIVE)
    pending = Q(enrollments__status__in=[EnrollmentStatus.REFERRED, EnrollmentStatus.INTAKE])
    return (
        Programme.objects.visible_to(user)
        .filter(pk__in=mine.values("programme_id"))
        .annotate(
            led=Exists(led),
            active_count=Count("enrollments", filter=active, distinct=True),
            pending_count=Count("enrollments", filter=pending, distinct=True),
            total_count=Count("enrollments", distinct=True),
        )
        .prefetch_related("cohorts")
    )
