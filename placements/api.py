"""The worksite side of the API: worksites, placements, attendance, progress entries and the
road to a fagbrev.

Each endpoint sees what the pages show the same user: a caseworker or lead the placements of
people they follow, an arbeidsleder the current placements at their own worksites of people
whose consent to share with the worksite is in force, and of those only what the job needs
(no NAV agreement, no stop reason, no enrollment). Writes go through the pages' services."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from config.rest import (
    InputSerializer,
    ScopedPrimaryKeyField,
    StrictBooleanField,
    StrictCharField,
    blank_choice,
    bounded_date,
    etag_for_state,
    id_filter,
    ordering_field,
)
from config.viewsets import ServiceViewSet, documented, ordered_by
from participants.api import EnrollmentViewSet
from participants.api.serializers import EnrollmentStatusInputSerializer
from participants.api.viewsets import CaseViewSet
from participants.models import Enrollment
from participants.services import EXIT_STATUSES
from placements.attendance import attendance_record
from placements.exits import ExitChoices, enrollment_exit
from placements.models import (
    RATING_CHOICES,
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
    WorksiteKind,
)
from placements.progress import progress_reply, progress_write
from placements.qualification import fagprove_record, module_sign_off, path_create
from placements.selectors import (
    attendance_list,
    module_progress_list,
    path_list,
    placement_list,
    progress_list,
    progress_reply_list,
    worksite_list,
)
from placements.services import placement_end, placement_start
from programs.models import EnrollmentStatus, Module, QualificationTrack

# --- scopes: what a user may point at in a request body ----------------------------------------


def _open_enrollments(user) -> QuerySet[Enrollment]:
    """Enrollments a person can be placed from (as the placement page offers them)."""
    open_statuses = [EnrollmentStatus.INTAKE, EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED]
    return Enrollment.objects.visible_to(user).filter(status__in=open_statuses)


def _own_worksites(user) -> QuerySet[Worksite]:
    return Worksite.objects.filter(municipality_id=user.municipality_id)


def _worksite_supervisors(user) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, supervised_worksites__worksite__in=_own_worksites(user)
    ).distinct()


def _seen_placements(user) -> QuerySet[Placement]:
    return placement_list(user=user)


def _seen_paths(user) -> QuerySet[QualificationPath]:
    return path_list(user=user)


def _seen_entries(user) -> QuerySet[ProgressEntry]:
    return progress_list(user=user)


def _seen_modules(user) -> QuerySet[Module]:
    return Module.objects.filter(track__paths__in=path_list(user=user).values("pk")).distinct()


def _tracks(user) -> QuerySet[QualificationTrack]:
    return QualificationTrack.objects.all()


# --- fields and query parameters ---------------------------------------------------------------


def _optional_date(**kwargs) -> serializers.DateField:
    return bounded_date(required=False, allow_null=True, **kwargs)


def _hours(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=0, max_value=24, **kwargs
    )


def _rating() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=RATING_CHOICES, required=False, allow_null=True)


def _text(max_length: int, **kwargs) -> StrictCharField:
    return StrictCharField(max_length=max_length, **kwargs)


class WorksiteFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WorksiteKind.choices, required=False)
    ordering = ordering_field(["id", "-id", "name", "-name"])


class PlacementFilters(serializers.Serializer):
    participant = id_filter(_("Only this person's placements."))
    worksite = id_filter(_("Only placements at this worksite."))
    enrollment = id_filter(_("Only placements of this enrollment."))
    status = serializers.ChoiceField(choices=PlacementStatus.choices, required=False)
    type = serializers.ChoiceField(choices=PlacementType.choices, required=False)
    field = serializers.ChoiceField(choices=WorkField.choices, required=False)
    ordering = ordering_field(["id", "-id", "starts_on", "-starts_on"])


class AttendanceFilters(serializers.Serializer):
    placement = id_filter(_("Only this placement's days."))
    participant = id_filter(_("Only this person's days."))
    date_from = bounded_date(required=False, help_text=_("Only days on or after this date."))
    date_to = bounded_date(required=False, help_text=_("Only days on or before this date."))
    status = serializers.ChoiceField(choices=AttendanceStatus.choices, required=False)
    ordering = ordering_field(["id", "-id", "date", "-date"])


class ProgressFilters(serializers.Serializer):
    placement = id_filter(_("Only entries on this placement."))
    participant = id_filter(_("Only entries on this person."))
    ordering = ordering_field(["id", "-id", "written_on", "-written_on"])


class ReplyFilters(serializers.Serializer):
    entry = id_filter(_("Only replies to this progress entry."))
    ordering = ordering_field(["id", "-id"])


class PathFilters(serializers.Serializer):
    participant = id_filter(_("Only this person's paths."))
    enrollment = id_filter(_("Only paths of this enrollment."))
    track = id_filter(_("Only paths toward this trade."))
    route = serializers.ChoiceField(choices=Route.choices, required=False)
    ordering = ordering_field(["id", "-id"])


class ModuleProgressFilters(serializers.Serializer):
    path = id_filter(_("Only this qualification path's modules."))
    result = serializers.ChoiceField(choices=ExamResult.choices, required=False)
    ordering = ordering_field(["id", "-id"])


# --- output ------------------------------------------------------------------------------------


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


# --- input -------------------------------------------------------------------------------------


class PlacementStartInputSerializer(InputSerializer):
    enrollment = ScopedPrimaryKeyField(scope=_open_enrollments, queryset=Enrollment.objects.none())
    worksite = ScopedPrimaryKeyField(scope=_own_worksites, queryset=Worksite.objects.none())
    supervisor = ScopedPrimaryKeyField(
        scope=_worksite_supervisors, queryset=User.objects.none(), required=False, allow_null=True
    )
    type = serializers.ChoiceField(choices=PlacementType.choices)
    field = serializers.ChoiceField(choices=WorkField.choices)
    starts_on = bounded_date()
    ends_on = _optional_date()
    schedule_days = _text(
        7,
        required=False,
        help_text=_("The weekdays the person is expected, Monday = 0: 01234 is Monday to Friday."),
    )
    hours_per_day = _hours(required=False, allow_null=True)
    percentage = serializers.IntegerField(min_value=1, max_value=100, required=False)
    nav_agreement = _text(50, required=False, allow_blank=True)
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
    stop_reason = _text(200, required=False, allow_blank=True)


class AttendanceInputSerializer(InputSerializer):
    placement = ScopedPrimaryKeyField(scope=_seen_placements, queryset=Placement.objects.none())
    date = bounded_date()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    hours = _hours(
        required=False,
        allow_null=True,
        help_text=_("Left out: the day's scheduled hours when present or late, else 0."),
    )


class AttendanceChangeInputSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    hours = _hours(required=False, allow_null=True)


class ProgressInputSerializer(InputSerializer):
    placement = ScopedPrimaryKeyField(scope=_seen_placements, queryset=Placement.objects.none())
    written_on = _optional_date()
    punctuality = _rating()
    cooperation = _rating()
    independence = _rating()
    text = _text(5000)


class ReplyInputSerializer(InputSerializer):
    entry = ScopedPrimaryKeyField(scope=_seen_entries, queryset=ProgressEntry.objects.none())
    text = _text(5000)


class PathInputSerializer(InputSerializer):
    enrollment = ScopedPrimaryKeyField(
        scope=lambda user: Enrollment.objects.visible_to(user), queryset=Enrollment.objects.none()
    )
    track = ScopedPrimaryKeyField(scope=_tracks, queryset=QualificationTrack.objects.none())
    route = serializers.ChoiceField(choices=Route.choices)
    training_office = _text(150, required=False, allow_blank=True)
    contract_starts_on = _optional_date()
    contract_ends_on = _optional_date()
    vg3_exam_on = _optional_date()


class FagproveInputSerializer(InputSerializer):
    fagprove_on = bounded_date()
    fagprove_result = serializers.ChoiceField(
        choices=ExamResult.choices, required=False, allow_blank=True
    )


class SignOffInputSerializer(InputSerializer):
    path = ScopedPrimaryKeyField(scope=_seen_paths, queryset=QualificationPath.objects.none())
    module = ScopedPrimaryKeyField(scope=_seen_modules, queryset=Module.objects.none())
    result = serializers.ChoiceField(choices=ExamResult.choices)


# --- endpoints ---------------------------------------------------------------------------------


class _RowLockMixin:
    """For rows without a version: the ETag is a fingerprint of what may change, compared
    under a row lock so that two changes cannot both match it."""

    def get_object_for_update(self):
        instance = super().get_object_for_update()
        type(instance).objects.select_for_update().filter(pk=instance.pk).first()
        instance.refresh_from_db()
        return instance


def _followed_or_404(instance):
    """Changes that are the caseworker's (ending a placement, the fagprøve), not the
    worksite's: for an arbeidsleder the row is out of scope."""
    if not instance.case_access:
        raise Http404
    return instance


@documented("placements")
class PlacementViewSet(CaseViewSet):
    """Placements of people the user follows, and for an arbeidsleder the current ones at
    their worksites. Creating places a person (a full field at the worksite is a 400 with code
    ``capacity`` until confirmed); changing one ends it or stops it early."""

    serializer_class = PlacementSerializer
    create_serializer_class = PlacementStartInputSerializer
    update_serializer_class = PlacementEndInputSerializer
    filter_serializer_class = PlacementFilters
    http_method_names = ["get", "post", "patch", "head", "options"]
    partial_patch = False
    orderings = ordered_by("starts_on")

    def get_queryset(self):
        return self.narrow(
            placement_list(user=self.request.user),
            enrollment__participant_id="participant",
            worksite_id="worksite",
            enrollment_id="enrollment",
            status="status",
            type="type",
            field="field",
        )

    def create_with(self, data: dict) -> Placement:
        return placement_start(actor=self.request.user, **data)

    def get_object_for_update(self) -> Placement:
        return _followed_or_404(self.get_object())

    def update_with(self, instance: Placement, data: dict, *, expected_version) -> Placement:
        return placement_end(
            actor=self.request.user,
            placement=instance,
            expected_version=expected_version,
            status=data["status"],
            ends_on=data["ends_on"],
            stop_reason=data.get("stop_reason", ""),
        )


@documented("attendance")
class AttendanceViewSet(_RowLockMixin, ServiceViewSet):
    """Recorded days at the placements the user may see. Creating records a day in one tap
    (recording the same day again replaces it, and the change history keeps the earlier
    value); changing one corrects its status or hours."""

    serializer_class = AttendanceSerializer
    create_serializer_class = AttendanceInputSerializer
    update_serializer_class = AttendanceChangeInputSerializer
    filter_serializer_class = AttendanceFilters
    http_method_names = ["get", "post", "patch", "head", "options"]
    orderings = ordered_by("date")

    def get_queryset(self):
        return self.narrow(
            attendance_list(user=self.request.user),
            placement_id="placement",
            placement__enrollment__participant_id="participant",
            date__gte="date_from",
            date__lte="date_to",
            status="status",
        )

    def etag(self, instance: AttendanceRecord) -> str:
        return etag_for_state(instance.status, instance.hours, instance.recorded_at)

    def create_with(self, data: dict) -> AttendanceRecord:
        return attendance_record(
            actor=self.request.user,
            placement=data["placement"],
            day=data["date"],
            status=data["status"],
            hours=data.get("hours"),
        )

    def update_with(self, instance: AttendanceRecord, data: dict, *, expected_version):
        # A new status without hours takes that status's default, as a tap on the page does.
        kept_hours = None if "status" in data else instance.hours
        return attendance_record(
            actor=self.request.user,
            placement=instance.placement,
            day=instance.date,
            status=data.get("status", instance.status),
            hours=data.get("hours", kept_hours),
        )


@documented("progress")
class ProgressViewSet(ServiceViewSet):
    """Progress entries on the placements the user may see, with their replies; anyone who
    sees the placement writes one, as on the person's page."""

    serializer_class = ProgressSerializer
    create_serializer_class = ProgressInputSerializer
    filter_serializer_class = ProgressFilters
    http_method_names = ["get", "post", "head", "options"]
    orderings = ordered_by("written_on")

    def get_queryset(self):
        return self.narrow(
            progress_list(user=self.request.user),
            placement_id="placement",
            placement__enrollment__participant_id="participant",
        )

    def etag(self, instance: ProgressEntry) -> str:
        return etag_for_state(instance.pk, instance.text)

    def create_with(self, data: dict) -> ProgressEntry:
        return progress_write(actor=self.request.user, **data)


@documented("progress")
class ProgressReplyViewSet(ServiceViewSet):
    """Replies to the progress entries the user sees."""

    serializer_class = ReplySerializer
    create_serializer_class = ReplyInputSerializer
    filter_serializer_class = ReplyFilters
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return self.narrow(progress_reply_list(user=self.request.user), entry_id="entry")

    def etag(self, instance: ProgressReply) -> str:
        return etag_for_state(instance.pk, instance.text)

    def create_with(self, data: dict) -> ProgressReply:
        return progress_reply(actor=self.request.user, **data)


@documented("qualification")
class PathViewSet(_RowLockMixin, CaseViewSet):
    """Qualification paths of people the user follows, and for an arbeidsleder those of the
    people placed at their worksites (without the contract's details). Creating opens a path;
    changing one records the fagprøve's date and result."""

    serializer_class = PathSerializer
    create_serializer_class = PathInputSerializer
    update_serializer_class = FagproveInputSerializer
    filter_serializer_class = PathFilters
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return self.narrow(
            path_list(user=self.request.user),
            enrollment__participant_id="participant",
            enrollment_id="enrollment",
            track_id="track",
            route="route",
        )

    def etag(self, instance: QualificationPath) -> str:
        return etag_for_state(instance.fagprove_on, instance.fagprove_result)

    def create_with(self, data: dict) -> QualificationPath:
        return path_create(actor=self.request.user, **data)

    def get_object_for_update(self) -> QualificationPath:
        return _followed_or_404(super().get_object_for_update())

    def update_with(self, instance: QualificationPath, data: dict, *, expected_version):
        return fagprove_record(
            actor=self.request.user,
            path=instance,
            fagprove_on=data.get("fagprove_on", instance.fagprove_on),
            result=data.get("fagprove_result", instance.fagprove_result),
        )


@documented("qualification")
class ModuleProgressViewSet(ServiceViewSet):
    """Module sign-offs on the paths the user sees. Creating signs a module off as passed or
    not passed (a passed module is final), as the arbeidsleder or caseworker does on the
    person's page."""

    serializer_class = ModuleProgressSerializer
    create_serializer_class = SignOffInputSerializer
    filter_serializer_class = ModuleProgressFilters
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return self.narrow(
            module_progress_list(user=self.request.user), path_id="path", result="result"
        )

    def etag(self, instance: ModuleProgress) -> str:
        return etag_for_state(instance.result, instance.signed_off_on)

    def create_with(self, data: dict) -> ModuleProgress:
        return module_sign_off(actor=self.request.user, **data)


@documented("worksites")
class WorksiteViewSet(ServiceViewSet):
    """Worksites the signed-in user may see, each with the number of current placements there
    that the user may see. Read-only: worksites are set up on the pages."""

    serializer_class = WorksiteSerializer
    filter_serializer_class = WorksiteFilters
    http_method_names = ["get", "head", "options"]
    orderings = ordered_by("name")

    def get_queryset(self):
        return self.narrow(worksite_list(user=self.request.user), kind="kind")


# --- enrollments: an exit through the API closes the case as the status page does ------------
_CLOSING = ("close_goals", "close_tasks", "end_placements", "end_consent")


class EnrollmentExitInputSerializer(EnrollmentStatusInputSerializer):
    close_goals = StrictBooleanField(
        required=False, default=True, help_text=_("With an exit: close open goals as not reached.")
    )
    close_tasks = StrictBooleanField(
        required=False, default=True, help_text=_("With an exit: mark open tasks done.")
    )
    end_placements = StrictBooleanField(
        required=False, default=True, help_text=_("With an exit: end current placements.")
    )
    end_consent = StrictBooleanField(
        required=False,
        default=True,
        help_text=_("With an exit: withdraw the consent to share with the worksite."),
    )


@documented("enrollments")
class EnrollmentWithExitViewSet(EnrollmentViewSet):
    """Enrollments in the user's own programmes. Changing moves the enrollment along its status
    pipeline; an exit needs its date, reason and destination, may not be dated before the last
    recorded attendance, and closes open goals, open tasks, current placements and the
    worksite consent unless told to keep them."""

    update_serializer_class = EnrollmentExitInputSerializer

    def update_with(self, instance: Enrollment, data: dict, *, expected_version) -> Enrollment:
        choices = ExitChoices(**{name: data.pop(name) for name in _CLOSING})
        if data["status"] not in EXIT_STATUSES:
            return super().update_with(instance, data, expected_version=expected_version)
        return enrollment_exit(
            actor=self.request.user,
            enrollment=instance,
            expected_version=expected_version,
            status=data["status"],
            exit_date=data.get("exit_date"),
            reason=data.get("exit_reason", ""),
            destination=data.get("destination", ""),
            choices=choices,
        )
