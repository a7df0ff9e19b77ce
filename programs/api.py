"""Programmes and grants in the API, as the set-up page shows them.

A caseworker sees the programmes they work in (name, kind, dates, cohorts: what the intake
and caseload pages offer); their leads also see the targets, the retention period and the
enrollment counts, and change the programme. Grants are for the leads of the programmes they
fund. Writes go through programs/services.py."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from accounts.http import SignedInApiRequest, own_municipality
from accounts.roles import roles_of
from config.rest import (
    ModelInputSerializer,
    ScopedPrimaryKeyField,
    bounded_date,
    id_filter,
    ordering_field,
)
from config.viewsets import ServiceViewSet, documented, ordered_by
from programs.models import (
    MAX_POSITION_SHARE,
    MAX_RETENTION_MONTHS,
    MIN_RETENTION_MONTHS,
    Cohort,
    Grant,
    Programme,
    ProgrammeKind,
    ReportDeadline,
)
from programs.selectors import Led, grant_list, led_programmes, programme_list
from programs.services import grant_save, programme_update

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _led(user) -> QuerySet[Programme]:
    return led_programmes(user)


# --- query parameters --------------------------------------------------------------------------


class ProgrammeFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices, required=False)
    ordering = ordering_field(["id", "-id", "name", "-name"])


class GrantFilters(serializers.Serializer):
    programme = id_filter(_("Only grants that fund this programme."))
    ordering = ordering_field(["id", "-id", "starts_on", "-starts_on"])


# --- output ------------------------------------------------------------------------------------


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "name", "starts_on", "capacity"]
        read_only_fields = fields


# The lead's set-up figures: left out (not empty) for someone who only works in the programme.
LEAD_ONLY = (
    "target_participants",
    "retention_months",
    "active_count",
    "pending_count",
    "total_count",
)


class ProgrammeSerializer(serializers.ModelSerializer):
    cohorts = CohortSerializer(many=True, read_only=True)
    led = serializers.BooleanField(read_only=True, help_text=_("Whether the user leads it."))
    active_count = serializers.IntegerField(required=False)
    pending_count = serializers.IntegerField(required=False)
    total_count = serializers.IntegerField(required=False)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "cohorts",
            "led",
            *LEAD_ONLY,
            "version",
        ]
        read_only_fields = [name for name in fields if name not in LEAD_ONLY]
        extra_kwargs = {name: {"required": False} for name in LEAD_ONLY}

    def to_representation(self, instance: "WithAnnotations[Programme, Led]") -> dict:
        data = super().to_representation(instance)
        if not instance.led:
            for name in LEAD_ONLY:
                data.pop(name, None)
        return data


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportDeadline
        fields = ["id", "due_on", "label", "submitted_on", "submitted_to"]
        read_only_fields = fields


class GrantSerializer(serializers.ModelSerializer):
    deadlines = DeadlineSerializer(many=True, read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "funder",
            "name",
            "amount",
            "starts_on",
            "ends_on",
            "own_contribution_percent",
            "funded_position_share",
            "programmes",
            "deadlines",
            "version",
        ]
        read_only_fields = fields


# --- input -------------------------------------------------------------------------------------


class ProgrammeInputSerializer(ModelInputSerializer):
    starts_on = bounded_date(required=False, allow_null=True)
    ends_on = bounded_date(required=False, allow_null=True)

    class Meta:
        model = Programme
        fields = ["name", "kind", "starts_on", "ends_on", "target_participants", "retention_months"]
        extra_kwargs = {
            "target_participants": {"max_value": 100000},
            "retention_months": {
                "min_value": MIN_RETENTION_MONTHS,
                "max_value": MAX_RETENTION_MONTHS,
                "help_text": _("Months a person's record is kept after their last exit."),
            },
        }


class GrantInputSerializer(ModelInputSerializer):
    starts_on = bounded_date()
    ends_on = bounded_date()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    own_contribution_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    funded_position_share = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        min_value=0,
        max_value=MAX_POSITION_SHARE,
        required=False,
        help_text=_("For example 0.5 for half a position."),
    )
    programmes = ScopedPrimaryKeyField(
        scope=_led,
        queryset=Programme.objects.none(),
        many=True,
        allow_empty=False,
        help_text=_("The programmes the grant funds: each one you lead."),
    )

    class Meta:
        model = Grant
        fields = [
            "funder",
            "name",
            "amount",
            "starts_on",
            "ends_on",
            "own_contribution_percent",
            "funded_position_share",
            "programmes",
        ]


GRANT_VALUES = [name for name in GrantInputSerializer.Meta.fields if name != "programmes"]


# --- endpoints ---------------------------------------------------------------------------------


@documented("programmes")
class ProgrammeViewSet(ServiceViewSet):
    """The programmes the user works in; their leads change them (anyone else gets 404 for a
    change, as for the edit page)."""

    request: SignedInApiRequest
    serializer_class = ProgrammeSerializer
    update_serializer_class = ProgrammeInputSerializer
    filter_serializer_class = ProgrammeFilters
    http_method_names = ["get", "put", "patch", "head", "options"]
    orderings = ordered_by("name")

    def get_queryset(self):
        return self.narrow(programme_list(user=self.request.user), kind="kind")

    def get_object_for_update(self) -> Programme:
        programme = self.get_object()
        if not programme.led:
            raise exceptions.NotFound()
        return programme

    def update_with(self, instance: Programme, data: dict, *, expected_version) -> Programme:
        return programme_update(
            actor=self.request.user,
            programme=instance,
            expected_version=expected_version,
            **self.with_current(instance, data),
        )


@documented("programmes")
class GrantViewSet(ServiceViewSet):
    """Grants that fund a programme the user leads. A lead registers a grant for programmes
    they lead, and changes one whose every programme they lead."""

    request: SignedInApiRequest

    serializer_class = GrantSerializer
    create_serializer_class = GrantInputSerializer
    update_serializer_class = GrantInputSerializer
    filter_serializer_class = GrantFilters
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    orderings = ordered_by("starts_on")

    def get_queryset(self):
        return self.narrow(grant_list(user=self.request.user), programmes="programme")

    def check_may_create(self) -> None:
        if not roles_of(self.request.user).programme_lead:
            raise exceptions.PermissionDenied()

    def create_with(self, data: dict) -> Grant:
        user = self.request.user
        return grant_save(
            actor=user,
            municipality=own_municipality(user),
            programmes=data.pop("programmes"),
            **data,
        )

    def update_with(self, instance: Grant, data: dict, *, expected_version) -> Grant:
        user = self.request.user
        programmes = data.pop("programmes", None) or list(instance.programmes.all())
        return grant_save(
            actor=user,
            municipality=own_municipality(user),
            programmes=programmes,
            grant=instance,
            expected_version=expected_version,
            **self.with_current(instance, data, names=GRANT_VALUES),
        )
