"""The participants side of the API: people, enrollments, case notes, the action plan and tasks.

Each endpoint sees exactly what the pages show the same user (the same selectors and scoping
points) and writes through the same services: an input serializer checks the shape, the service
decides, the output serializer answers."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from audit.services import access_record
from config.rest import (
    InputSerializer,
    ModelInputSerializer,
    ScopedPrimaryKeyField,
    StrictBooleanField,
    StrictCharField,
    blank_choice,
    etag_for_state,
    id_filter,
    ordering_field,
)
from config.viewsets import CaseViewSet, ServiceViewSet, documented
from participants.journal import note_create, note_update, task_create, task_set_done
from participants.models import (
    CaseNote,
    Destination,
    Enrollment,
    EnrollmentStatus,
    ExitReason,
    Goal,
    GoalCategory,
    GoalStatus,
    Milestone,
    NoteKind,
    Participant,
    ReferralSource,
    Task,
)
from participants.plan import goal_create, goal_update, milestone_add, milestone_set_done
from participants.selectors import (
    CaseloadFilters,
    ParticipantView,
    colleagues,
    followed_goals,
    followed_participants,
    own_caseworkers,
    own_cohorts,
    own_programmes,
    participant_list,
)
from participants.services import (
    ADDRESS_FIELDS,
    PERSON_FIELDS,
    PersonData,
    enrollment_change_status,
    enrollment_enroll,
    participant_intake,
    participant_update,
)
from placements.models import Placement
from programs.models import Cohort, Programme

# --- scopes: what a user may point at in a request body ----------------------------------------


def _person_field(**kwargs) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(
        scope=followed_participants, queryset=Participant.objects.none(), **kwargs
    )


# --- query parameters --------------------------------------------------------------------------


class ParticipantFilters(serializers.Serializer):
    search = StrictCharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Part of a name.")
    )
    programme = id_filter(_("Only people enrolled in this programme."))
    cohort = id_filter(_("Only people enrolled in this cohort."))
    caseworker = id_filter(_("Only people with this assigned caseworker."))
    status = serializers.ChoiceField(
        choices=EnrollmentStatus.choices,
        required=False,
        help_text=_("Only people with an enrollment in this status."),
    )
    ordering = ordering_field(["id", "-id", "name", "-name", "newest"])


class EnrollmentFilters(serializers.Serializer):
    participant = id_filter(_("Only this person's enrollments."))
    programme = id_filter(_("Only enrollments in this programme."))
    caseworker = id_filter(_("Only enrollments with this caseworker."))
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices, required=False)
    ordering = ordering_field(["id", "-id"])


class NoteFilters(serializers.Serializer):
    participant = id_filter(_("Only notes on this person."))
    kind = serializers.ChoiceField(choices=NoteKind.choices, required=False)
    ordering = ordering_field(["id", "-id", "occurred_on", "-occurred_on"])


class GoalFilters(serializers.Serializer):
    participant = id_filter(_("Only this person's goals."))
    category = serializers.ChoiceField(choices=GoalCategory.choices, required=False)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    ordering = ordering_field(["id", "-id"])


class MilestoneFilters(serializers.Serializer):
    goal = id_filter(_("Only this goal's milestones."))
    ordering = ordering_field(["id", "-id"])


class TaskFilters(serializers.Serializer):
    participant = id_filter(_("Only tasks about this person."))
    assignee = id_filter(_("Only tasks assigned to this user."))
    done = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Done (true) or open (false).")
    )
    ordering = ordering_field(["id", "-id", "due_on", "-due_on"])


# --- output ------------------------------------------------------------------------------------


class PlacementBriefSerializer(serializers.ModelSerializer):
    worksite_name = serializers.CharField(source="worksite.name", read_only=True)

    class Meta:
        model = Placement
        fields = ["id", "worksite", "worksite_name", "type", "field", "starts_on", "ends_on"]
        read_only_fields = fields


class EnrollmentBriefSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)

    class Meta:
        model = Enrollment
        fields = ["id", "programme", "programme_name", "cohort", "status", "caseworker"]
        read_only_fields = fields


# Shown only to those who follow the person; an arbeidsleder's answer has none of these keys.
CASE_FIELDS = (
    "national_id",
    *PERSON_FIELDS[2:],
    "enrollments",
    "created_at",
    "updated_at",
)


class ParticipantSerializer(serializers.ModelSerializer):
    """A person as the user may see them. Keys the user may not see are left out, not empty:
    an arbeidsleder gets the name and the placements at their worksites; a protected address
    is left out for everyone but the assigned caseworker."""

    national_id = serializers.CharField(
        source="national_id_masked",
        required=False,
        help_text=_("Masked; the full number is shown only on the page, and recorded."),
    )
    enrollments = EnrollmentBriefSerializer(
        source="followed_enrollments", many=True, required=False
    )
    placements = PlacementBriefSerializer(source="visible_placements", many=True, read_only=True)
    created_at = serializers.DateTimeField(required=False)
    updated_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Participant
        fields = ["id", "first_name", "last_name", *CASE_FIELDS, "placements", "version"]
        read_only_fields = ["id", "first_name", "last_name", "version"]
        extra_kwargs = {name: {"required": False} for name in CASE_FIELDS}

    def to_representation(self, instance: Participant) -> dict:
        seen = ParticipantView(
            participant=instance,
            case_access=instance.case_access,
            viewer_id=self.context["request"].user.pk,
        )
        data = super().to_representation(instance)
        hidden = () if seen.address_visible else ADDRESS_FIELDS
        if not seen.case_access:
            hidden = CASE_FIELDS
        for name in hidden:
            data.pop(name, None)
        return data


class EnrollmentSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    # Declared for the schema: a read-only field from the model would not say it may be empty.
    referral_source = blank_choice(ReferralSource.choices)
    exit_reason = blank_choice(ExitReason.choices)
    destination = blank_choice(Destination.choices)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "participant",
            "programme",
            "programme_name",
            "cohort",
            "status",
            "caseworker",
            "referral_source",
            "starts_on",
            "ends_on",
            "exit_reason",
            "destination",
            "version",
        ]
        read_only_fields = fields


class NoteSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = CaseNote
        fields = [
            "id",
            "participant",
            "author",
            "author_name",
            "kind",
            "occurred_on",
            "text",
            "confidential",
            "follow_up_on",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "goal", "title", "due_on", "done_on"]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "participant",
            "category",
            "title",
            "target_on",
            "status",
            "milestones",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    assignee_name = serializers.CharField(source="assignee.full_name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "participant",
            "title",
            "due_on",
            "assignee",
            "assignee_name",
            "note",
            "done_at",
            "overdue",
            "created_at",
        ]
        read_only_fields = fields


# --- input -------------------------------------------------------------------------------------


class PersonInputSerializer(ModelInputSerializer):
    national_id = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_("Fødselsnummer, D-number, personnummer or samordningsnummer."),
    )

    class Meta:
        model = Participant
        fields = ["first_name", "last_name", "national_id", *PERSON_FIELDS[2:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        municipality = getattr(user, "municipality", None)
        if municipality is not None and municipality.country != "NO":
            # NAV's innsatsgruppe exists only in Norway; the pages do not offer it elsewhere.
            self.fields.pop("nav_innsatsgruppe", None)


class IntakeInputSerializer(PersonInputSerializer):
    programme = ScopedPrimaryKeyField(scope=own_programmes, queryset=Programme.objects.none())
    cohort = ScopedPrimaryKeyField(
        scope=own_cohorts, queryset=Cohort.objects.none(), required=False, allow_null=True
    )
    caseworker = ScopedPrimaryKeyField(
        scope=own_caseworkers, queryset=User.objects.none(), required=False, allow_null=True
    )
    referral_source = serializers.ChoiceField(
        choices=ReferralSource.choices, required=False, allow_blank=True
    )
    confirmed_new = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Set after checking that a similar person already registered is another."),
    )

    class Meta(PersonInputSerializer.Meta):
        fields = [
            *PersonInputSerializer.Meta.fields,
            "programme",
            "cohort",
            "caseworker",
            "referral_source",
            "confirmed_new",
        ]


class ParticipantUpdateInputSerializer(PersonInputSerializer):
    """The person's record; the address only for those who may see it (the assigned
    caseworker, where it is protected). An empty national ID keeps the registered one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.context.get("address_visible", True):
            for name in (*ADDRESS_FIELDS, "protected_address"):
                self.fields.pop(name, None)


class EnrollmentCreateInputSerializer(InputSerializer):
    participant = _person_field()
    programme = ScopedPrimaryKeyField(scope=own_programmes, queryset=Programme.objects.none())
    cohort = ScopedPrimaryKeyField(
        scope=own_cohorts, queryset=Cohort.objects.none(), required=False, allow_null=True
    )
    caseworker = ScopedPrimaryKeyField(
        scope=own_caseworkers, queryset=User.objects.none(), required=False, allow_null=True
    )
    referral_source = serializers.ChoiceField(
        choices=ReferralSource.choices, required=False, allow_blank=True
    )


class EnrollmentStatusInputSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    exit_date = serializers.DateField(required=False, allow_null=True)
    exit_reason = serializers.ChoiceField(
        choices=ExitReason.choices, required=False, allow_blank=True
    )
    destination = serializers.ChoiceField(
        choices=Destination.choices, required=False, allow_blank=True
    )


class NoteCreateInputSerializer(ModelInputSerializer):
    participant = _person_field()

    class Meta:
        model = CaseNote
        fields = ["participant", "kind", "occurred_on", "text", "confidential", "follow_up_on"]


class NoteUpdateInputSerializer(ModelInputSerializer):
    class Meta:
        model = CaseNote
        fields = ["kind", "occurred_on", "text", "confidential"]


class GoalCreateInputSerializer(ModelInputSerializer):
    participant = _person_field()

    class Meta:
        model = Goal
        fields = ["participant", "category", "title", "target_on"]


class GoalUpdateInputSerializer(ModelInputSerializer):
    class Meta:
        model = Goal
        fields = ["category", "title", "target_on", "status"]


class MilestoneCreateInputSerializer(ModelInputSerializer):
    goal = ScopedPrimaryKeyField(scope=followed_goals, queryset=Goal.objects.none())

    class Meta:
        model = Milestone
        fields = ["goal", "title", "due_on"]


class DoneInputSerializer(InputSerializer):
    done = StrictBooleanField(help_text=_("true marks it done, false opens it again."))


class TaskCreateInputSerializer(ModelInputSerializer):
    participant = _person_field()
    assignee = ScopedPrimaryKeyField(scope=colleagues, queryset=User.objects.none())

    class Meta:
        model = Task
        fields = ["participant", "title", "due_on", "assignee"]


# --- endpoints ---------------------------------------------------------------------------------


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
            municipality=user.municipality,
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
