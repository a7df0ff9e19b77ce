"""The query parameters of the worksite endpoints."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.rest import (
    bounded_date,
    id_filter,
    ordering_field,
)
from placements.models import (
    AttendanceStatus,
    ExamResult,
    PlacementStatus,
    PlacementType,
    Route,
    WorkField,
    WorksiteKind,
)


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
