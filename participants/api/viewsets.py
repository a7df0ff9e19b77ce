"""The participants endpoints: people, enrollments, case notes, the action plan and tasks."""

from django.http import Http404
from rest_framework import exceptions

from accounts.http import SignedInApiRequest, own_municipality
from accounts.roles import roles_of
from audit.services import access_record
from config.rest import etag_for_state
from config.viewsets import ServiceViewSet, documented
from participants.api.filters import (
    EnrollmentFilters,
    GoalFilters,
    MilestoneFilters,
    NoteFilters,
    ParticipantFilters,
    TaskFilters,
)
from participants.api.serializers import (
    DoneInputSerializer,
    EnrollmentCreateInputSerializer,
    EnrollmentSerializer,
    EnrollmentStatusInputSerializer,
    GoalCreateInputSerializer,
    GoalSerializer,
    GoalUpdateInputSerializer,
    IntakeInputSerializer,
    MilestoneCreateInputSerializer,
    MilestoneSerializer,
    NoteCreateInputSerializer,
    NoteSerializer,
    NoteUpdateInputSerializer,
    ParticipantSerializer,
    ParticipantUpdateInputSerializer,
    TaskCreateInputSerializer,
    TaskSerializer,
)
from participants.journal import note_create, note_update, task_create, task_set_done
from participants.models import CaseNote, Enrollment, Goal, Milestone, Participant, Task
from participants.plan import goal_create, goal_update, milestone_add, milestone_set_done
from participants.selectors import (
    CaseloadFilters,
    ParticipantView,
    followed_goals,
    participant_list,
)
from participants.services import (
    PersonData,
    enrollment_change_status,
    enrollment_enroll,
    participant_intake,
    participant_update,
)


class CaseViewSet(ServiceViewSet):
    """Creating case records is for caseworkers and programme leads."""

    request: SignedInApiRequest

    def check_may_create(self) -> None:
        if not roles_of(self.request.user).follows_participants:
            raise exceptions.PermissionDenied()


@documented("participants")
class ParticipantViewSet(CaseViewSet):
    """People the user may see; anyone else's id answers 404. Creating registers and enrolls
    the person (intake); reading one is recorded in the person's access log."""

    serializer_class = ParticipantSerializer
    create_serializer_class = IntakeInputSerializer
    update_serializer_class = ParticipantUpdateInputSerializer
    filter_serializer_class = ParticipantFilters
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    orderings = {
        "id": ("pk",),
        "-id": ("-pk",),
        "name": ("last_name", "first_name", "pk"),
        "-name": ("-last_name", "-first_name", "-pk"),
        "newest": ("-created_at", "-pk"),
    }

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return participant_list(user=user).select_related("municipality")
        f = self.filters
        return participant_list(
            user=user,
            filters=CaseloadFilters(
                name=f.get("search", "").replace("\x00", ""),
                programme_id=f.get("programme"),
                cohort_id=f.get("cohort"),
                caseworker_id=f.get("caseworker"),
                status=f.get("status", ""),
            ),
        )

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        access_record(user=request.user, participant=person, page="api:participant-detail")
        return self.respond(person)

    def create_with(self, data: dict) -> Participant:
        user = self.request.user
        return participant_intake(
            actor=user,
            municipality=own_municipality(user),
            programme=data.pop("programme"),
            cohort=data.pop("cohort", None),
            caseworker=data.pop("caseworker", None),
            referral_source=data.pop("referral_source", ""),
            confirmed_new=data.pop("confirmed_new", False),
            person=_person(data),
        )

    def get_object_for_update(self) -> Participant:
        person = self.get_object()
        if not person.case_access:
            # The case side of the person (which the edit page is) is out of this user's scope.
            raise Http404
        return person

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        person = self.editing
        if person is not None:
            context["address_visible"] = ParticipantView(
                participant=person, case_access=True, viewer_id=self.request.user.pk
            ).address_visible
        return context

    def update_with(self, instance: Participant, data: dict, *, expected_version) -> Participant:
        return participant_update(
            actor=self.request.user,
            participant=instance,
            expected_version=expected_version,
            person=_person(self.with_current(instance, data, names=("first_name", "last_name"))),
        )


def _person(data: dict) -> PersonData:
    """The validated fields as the services take them; the national ID is the raw input."""
    return PersonData(
        data.pop("first_name"), data.pop("last_name"), data.pop("national_id", ""), data
    )


@documented("enrollments")
class EnrollmentViewSet(CaseViewSet):
    """Enrollments in the user's own programmes. Creating enrolls someone the user follows;
    changing moves the enrollment along its status pipeline (an exit needs its date, reason
    and destination)."""

    serializer_class = EnrollmentSerializer
    create_serializer_class = EnrollmentCreateInputSerializer
    update_serializer_class = EnrollmentStatusInputSerializer
    filter_serializer_class = EnrollmentFilters
    http_method_names = ["get", "post", "patch", "head", "options"]
    partial_patch = False

    def get_queryset(self):
        enrollments = Enrollment.objects.visible_to(self.request.user).select_related(
            "programme", "participant"
        )
        return self.narrow(
            enrollments,
            participant_id="participant",
            programme_id="programme",
            caseworker_id="caseworker",
            status="status",
        )

    def create_with(self, data: dict) -> Enrollment:
        return enrollment_enroll(actor=self.request.user, **data)

    def update_with(self, instance: Enrollment, data: dict, *, expected_version) -> Enrollment:
        return enrollment_change_status(
            actor=self.request.user, enrollment=instance, expected_version=expected_version, **data
        )


@documented("notes")
class NoteViewSet(CaseViewSet):
    """Case notes on people the user follows; a confidential note only for its author and the
    programme leads. Only the author changes a note."""

    serializer_class = NoteSerializer
    create_serializer_class = NoteCreateInputSerializer
    update_serializer_class = NoteUpdateInputSerializer
    filter_serializer_class = NoteFilters
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    orderings = {
        **ServiceViewSet.orderings,
        "occurred_on": ("occurred_on", "pk"),
        "-occurred_on": ("-occurred_on", "-pk"),
    }

    def get_queryset(self):
        notes = CaseNote.objects.visible_to(self.request.user).select_related("author")
        return self.narrow(notes, participant_id="participant", kind="kind")

    def create_with(self, data: dict) -> CaseNote:
        return note_create(actor=self.request.user, **data)

    def update_with(self, instance: CaseNote, data: dict, *, expected_version) -> CaseNote:
        return note_update(
            actor=self.request.user,
            note=instance,
            expected_version=expected_version,
            **self.with_current(instance, data),
        )


@documented("plans")
class GoalViewSet(CaseViewSet):
    """The action plans of people the user follows: goals with their milestones."""

    serializer_class = GoalSerializer
    create_serializer_class = GoalCreateInputSerializer
    update_serializer_class = GoalUpdateInputSerializer
    filter_serializer_class = GoalFilters
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        goals = followed_goals(user=self.request.user).prefetch_related("milestones")
        return self.narrow(
            goals, participant_id="participant", category="category", status="status"
        )

    def create_with(self, data: dict) -> Goal:
        return goal_create(actor=self.request.user, **data)

    def update_with(self, instance: Goal, data: dict, *, expected_version) -> Goal:
        return goal_update(
            actor=self.request.user,
            goal=instance,
            expected_version=expected_version,
            **self.with_current(instance, data),
        )


class _DoneToggleViewSet(CaseViewSet):
    """Rows without a version (milestones, tasks): the ETag is a fingerprint of what may
    change, compared under a row lock."""

    update_serializer_class = DoneInputSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    partial_patch = False

    def get_object_for_update(self):
        instance = self.get_object()
        type(instance).objects.select_for_update().filter(pk=instance.pk).first()
        instance.refresh_from_db()
        return instance


@documented("plans")
class MilestoneViewSet(_DoneToggleViewSet):
    """Milestones of the goals the user sees; changing one marks it done or open."""

    serializer_class = MilestoneSerializer
    create_serializer_class = MilestoneCreateInputSerializer
    filter_serializer_class = MilestoneFilters

    def get_queryset(self):
        milestones = Milestone.objects.filter(goal__in=followed_goals(user=self.request.user))
        return self.narrow(milestones, goal_id="goal")

    def etag(self, instance: Milestone) -> str:
        return etag_for_state(instance.title, instance.due_on, instance.done_on)

    def create_with(self, data: dict) -> Milestone:
        return milestone_add(actor=self.request.user, **data)

    def update_with(self, instance: Milestone, data: dict, *, expected_version) -> Milestone:
        return milestone_set_done(actor=self.request.user, milestone=instance, done=data["done"])


@documented("tasks")
class TaskViewSet(_DoneToggleViewSet):
    """Tasks about people the user follows; changing one marks it done or open."""

    serializer_class = TaskSerializer
    create_serializer_class = TaskCreateInputSerializer
    filter_serializer_class = TaskFilters
    orderings = {
        **ServiceViewSet.orderings,
        "due_on": ("due_on", "pk"),
        "-due_on": ("-due_on", "-pk"),
    }

    def get_queryset(self):
        tasks = Task.objects.visible_to(self.request.user).select_related("assignee")
        tasks = self.narrow(tasks, participant_id="participant", assignee_id="assignee")
        if self.action == "list" and "done" in self.filters:
            tasks = tasks.filter(done_at__isnull=not self.filters["done"])
        return tasks

    def etag(self, instance: Task) -> str:
        return etag_for_state(
            instance.title, instance.due_on, instance.assignee_id, instance.done_at
        )

    def create_with(self, data: dict) -> Task:
        return task_create(actor=self.request.user, **data)

    def update_with(self, instance: Task, data: dict, *, expected_version) -> Task:
        return task_set_done(actor=self.request.user, task=instance, done=data["done"])
