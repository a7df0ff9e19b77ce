"""What the worksite endpoints answer (output) and accept (input)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from config.rest import (
    InputSerializer,
    ScopedPrimaryKeyField,
    StrictBooleanField,
    blank_choice,
    bounded_date,
)
from participants.models import Enrollment
from placements.api.fields import (
    hours,
    open_enrollments,
    optional_date,
    own_worksites,
    rating,
    seen_entries,
    seen_modules,
    seen_paths,
    seen_placements,
    text,
    tracks,
    worksite_supervisors,
)
from placements.models import (
    AttendanceRecord,
    AttendanceStatus,
    ExamResult,
    ModuleProgress,
    Placement,
    PlacementStatus,
    PlacementType,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
    Route,
    WorkField,
    Worksite,
)
from programs.models import Module, QualificationTrack


class WorksiteSerializer(serializers.ModelSerializer):
    placed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Worksite
        fields = ["id", "name", "kind", "address", "placed"]


# What the pages do not show an arbeidsleder, the API does not send: left out, not empty (and
# so not required in the schema).
PLACEMENT_CASE_ONLY = ("enrollment", "nav_agreement", "stop_reason")
PATH_CASE_ONLY = ("enrollment", "training_office", "contract_starts_on", "vg3_exam_on")


class RestrictedSerializer(serializers.ModelSerializer):
    """Leaves out the ``case_only`` keys where the row's ``case_access`` is False."""

    case_only: tuple[str, ...] = ()

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not getattr(instance, "case_access", False):
            for name in self.case_only:
                data.pop(name, None)
        return data


class PlacementSerializer(RestrictedSerializer):
    participant = serializers.IntegerField(source="enrollment.participant_id", read_only=True)
    participant_name = serializers.CharField(
        source="enrollment.participant.full_name", read_only=True
    )
    worksite_name = serializers.CharField(source="worksite.name", read_only=True)
    case_only = PLACEMENT_CASE_ONLY

    class Meta:
        model = Placement
        fields = [
            "id",
            "participant",
            "participant_name",
            "enrollment",
            "worksite",
            "worksite_name",
            "supervisor",
            "type",
            "field",
            "status",
            "starts_on",
            "ends_on",
            "schedule_days",
            "hours_per_day",
            "percentage",
            "nav_agreement",
            "stop_reason",
            "version",
        ]
        read_only_fields = [name for name in fields if name not in PLACEMENT_CASE_ONLY]
        extra_kwargs = {name: {"required": False} for name in PLACEMENT_CASE_ONLY}


class AttendanceSerializer(serializers.ModelSerializer):
    participant = serializers.IntegerField(
        source="placement.enrollment.participant_id", read_only=True
    )

    class Meta:
        model = AttendanceRecord
        fields = [
            "id",
            "placement",
            "participant",
            "date",
            "status",
            "hours",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = ProgressReply
        fields = ["id", "entry", "author", "author_name", "text", "created_at"]
        read_only_fields = fields


class ProgressSerializer(serializers.ModelSerializer):
    participant = serializers.IntegerField(
        source="placement.enrollment.participant_id", read_only=True
    )
    author_name = serializers.CharField(source="author.full_name", read_only=True)
    replies = ReplySerializer(many=True, read_only=True)

    class Meta:
        model = ProgressEntry
        fields = [
            "id",
            "placement",
            "participant",
            "author",
            "author_name",
            "written_on",
            "punctuality",
            "cooperation",
            "independence",
            "text",
            "replies",
            "created_at",
        ]
        read_only_fields = fields


class ModuleProgressSerializer(serializers.ModelSerializer):
    module_number = serializers.IntegerField(source="module.number", read_only=True)
    module_name = serializers.CharField(source="module.name", read_only=True)
    signed_off_by_name = serializers.CharField(
        source="signed_off_by.full_name", read_only=True, allow_null=True
    )
    result = blank_choice(ExamResult.choices)

    class Meta:
        model = ModuleProgress
        fields = [
            "id",
            "path",
            "module",
            "module_number",
            "module_name",
            "started_on",
            "result",
            "signed_off_by",
            "signed_off_by_name",
            "signed_off_on",
        ]
        read_only_fields = fields


class PathSerializer(RestrictedSerializer):
    participant = serializers.IntegerField(source="enrollment.participant_id", read_only=True)
    track_name = serializers.CharField(source="track.name", read_only=True)
    modules = ModuleProgressSerializer(many=True, read_only=True)
    fagprove_result = blank_choice(ExamResult.choices)
    case_only = PATH_CASE_ONLY

    class Meta:
        model = QualificationPath
        fields = [
            "id",
            "participant",
            "enrollment",
            "track",
            "track_name",
            "route",
            "training_office",
            "contract_starts_on",
            "contract_ends_on",
            "vg3_exam_on",
            "registration_deadline",
            "fagprove_on",
            "fagprove_result",
            "modules",
        ]
        read_only_fields = [name for name in fields if name not in PATH_CASE_ONLY]
        extra_kwargs = {name: {"required": False} for name in PATH_CASE_ONLY}


class PlacementStartInputSerializer(InputSerializer):
    enrollment = ScopedPrimaryKeyField(scope=open_enrollments, queryset=Enrollment.objects.none())
    worksite = ScopedPrimaryKeyField(scope=own_worksites, queryset=Worksite.objects.none())
    supervisor = ScopedPrimaryKeyField(
        scope=worksite_supervisors, queryset=User.objects.none(), required=False, allow_null=True
    )
    type = serializers.ChoiceField(choices=PlacementType.choices)
    field = serializers.ChoiceField(choices=WorkField.choices)
    starts_on = bounded_date()
    ends_on = optional_date()
    schedule_days = text(
        7,
        required=False,
        help_text=_("The weekdays the person is expected, Monday = 0: 01234 is Monday to Friday."),
    )
    hours_per_day = hours(required=False, allow_null=True)
    percentage = serializers.IntegerField(min_value=1, max_value=100, required=False)
    nav_agreement = text(50, required=False, allow_blank=True)
    confirmed_over_capacity = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Set after a 400 with code capacity, to place the person anyway."),
    )


END_STATUSES = [
    (PlacementStatus.ENDED.value, PlacementStatus.ENDED.label),
    (PlacementStatus.STOPPED.value, PlacementStatus.STOPPED.label),
]


class PlacementEndInputSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=END_STATUSES)
    ends_on = bounded_date(help_text=_("The last day."))
    stop_reason = text(200, required=False, allow_blank=True)


class AttendanceInputSerializer(InputSerializer):
    placement = ScopedPrimaryKeyField(scope=seen_placements, queryset=Placement.objects.none())
    date = bounded_date()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    hours = hours(
        required=False,
        allow_null=True,
        help_text=_("Left out: the day's scheduled hours when present or late, else 0."),
    )


class AttendanceChangeInputSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    hours = hours(required=False, allow_null=True)


class ProgressInputSerializer(InputSerializer):
    placement = ScopedPrimaryKeyField(scope=seen_placements, queryset=Placement.objects.none())
    written_on = optional_date()
    punctuality = rating()
    cooperation = rating()
    independence = rating()
    text = text(5000)


class ReplyInputSerializer(InputSerializer):
    entry = ScopedPrimaryKeyField(scope=seen_entries, queryset=ProgressEntry.objects.none())
    text = text(5000)


class PathInputSerializer(InputSerializer):
    enrollment = ScopedPrimaryKeyField(
        scope=lambda user: Enrollment.objects.visible_to(user), queryset=Enrollment.objects.none()
    )
    track = ScopedPrimaryKeyField(scope=tracks, queryset=QualificationTrack.objects.none())
    route = serializers.ChoiceField(choices=Route.choices)
    training_office = text(150, required=False, allow_blank=True)
    contract_starts_on = optional_date()
    contract_ends_on = optional_date()
    vg3_exam_on = optional_date()


class FagproveInputSerializer(InputSerializer):
    fagprove_on = bounded_date()
    fagprove_result = serializers.ChoiceField(
        choices=ExamResult.choices, required=False, allow_blank=True
    )


class SignOffInputSerializer(InputSerializer):
    path = ScopedPrimaryKeyField(scope=seen_paths, queryset=QualificationPath.objects.none())
    module = ScopedPrimaryKeyField(scope=seen_modules, queryset=Module.objects.none())
    result = serializers.ChoiceField(choices=ExamResult.choices)
