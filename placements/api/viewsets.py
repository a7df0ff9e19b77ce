"""The worksite endpoints, and the enrollment endpoint whose exit closes the case."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.http import SignedInApiRequest
from config.rest import (
    StrictBooleanField,
    etag_for_state,
)
from config.viewsets import ServiceViewSet, documented, ordered_by
from participants.api import EnrollmentViewSet
from participants.api.serializers import EnrollmentStatusInputSerializer
from participants.api.viewsets import CaseViewSet
from participants.models import Enrollment
from participants.services import EXIT_STATUSES
from placements.api.filters import (
    AttendanceFilters,
    ModuleProgressFilters,
    PathFilters,
    PlacementFilters,
    ProgressFilters,
    ReplyFilters,
    WorksiteFilters,
)
from placements.api.serializers import (
    AttendanceChangeInputSerializer,
    AttendanceInputSerializer,
    AttendanceSerializer,
    FagproveInputSerializer,
    ModuleProgressSerializer,
    PathInputSerializer,
    PathSerializer,
    PlacementEndInputSerializer,
    PlacementSerializer,
    PlacementStartInputSerializer,
    ProgressInputSerializer,
    ProgressSerializer,
    ReplyInputSerializer,
    ReplySerializer,
    SignOffInputSerializer,
    WorksiteSerializer,
)
from placements.attendance import attendance_record
from placements.exits import ExitChoices, enrollment_exit
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
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

    request: SignedInApiRequest

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

    request: SignedInApiRequest

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

    request: SignedInApiRequest

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

    request: SignedInApiRequest

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
