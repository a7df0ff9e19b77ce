"""What a user may point at in a request body (the scopes), and the fields the filters and
serializers share."""

from django.db.models import QuerySet
from rest_framework import serializers

from accounts.models import User
from config.rest import (
    StrictCharField,
    bounded_date,
)
from participants.models import Enrollment
from placements.models import (
    RATING_CHOICES,
    Placement,
    ProgressEntry,
    QualificationPath,
    Worksite,
)
from placements.selectors import (
    path_list,
    placement_list,
    progress_list,
)
from programs.models import EnrollmentStatus, Module, QualificationTrack


def open_enrollments(user) -> QuerySet[Enrollment]:
    """Enrollments a person can be placed from (as the placement page offers them)."""
    open_statuses = [EnrollmentStatus.INTAKE, EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED]
    return Enrollment.objects.visible_to(user).filter(status__in=open_statuses)


def own_worksites(user) -> QuerySet[Worksite]:
    return Worksite.objects.filter(municipality_id=user.municipality_id)


def worksite_supervisors(user) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, supervised_worksites__worksite__in=own_worksites(user)
    ).distinct()


def seen_placements(user) -> QuerySet[Placement]:
    return placement_list(user=user)


def seen_paths(user) -> QuerySet[QualificationPath]:
    return path_list(user=user)


def seen_entries(user) -> QuerySet[ProgressEntry]:
    return progress_list(user=user)


def seen_modules(user) -> QuerySet[Module]:
    return Module.objects.filter(track__paths__in=path_list(user=user).values("pk")).distinct()


def tracks(user) -> QuerySet[QualificationTrack]:
    return QualificationTrack.objects.all()


def optional_date(**kwargs) -> serializers.DateField:
    return bounded_date(required=False, allow_null=True, **kwargs)


def hours(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=0, max_value=24, **kwargs
    )


def rating() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=RATING_CHOICES, required=False, allow_null=True)


def text(max_length: int, **kwargs) -> StrictCharField:
    return StrictCharField(max_length=max_length, **kwargs)
