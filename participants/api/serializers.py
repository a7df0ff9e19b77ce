"""What the participants endpoints answer (output) and take (input). An input serializer only
checks the shape and the scope of the ids it names; the services decide."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from config.rest import (
    InputSerializer,
    ModelInputSerializer,
    ScopedPrimaryKeyField,
    StrictBooleanField,
    StrictCharField,
    blank_choice,
)
from participants.models import CaseNote, Enrollment, Goal, Milestone, Participant, Task
from participants.selectors import (
    ParticipantView,
    colleagues,
    followed_goals,
    followed_participants,
    own_caseworkers,
    own_cohorts,
    own_programmes,
)
from participants.services import ADDRESS_FIELDS, PERSON_FIELDS
from participants.vocabularies import Destination, ExitReason, ReferralSource
from programs.models import Cohort, EnrollmentStatus, Programme

# --- scopes: what a user may point at in a request body ----------------------------------------


def _person_field(**kwargs) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(
        scope=followed_participants, queryset=Participant.objects.none(), **kwargs
    )


# --- output ------------------------------------------------------------------------------------


# The placements app sits above this one in the layers: its model is reached through the
# enrollment's relation, not imported. The arbeidsleder's answer is made of these rows.
Placement = Enrollment._meta.get_field("placements").related_model


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
        hidden: tuple[str, ...] = () if seen.address_visible else ADDRESS_FIELDS
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
