"""The query parameters of the participants endpoints' lists: each a whitelist, checked
before the query is built."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.rest import StrictCharField, id_filter, ordering_field
from participants.vocabularies import GoalCategory, GoalStatus, NoteKind
from programs.models import EnrollmentStatus


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
