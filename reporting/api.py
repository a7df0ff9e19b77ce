"""Report runs in the API: the runs a programme lead may see on the reports page, and asking
for a new one. The files are not in the API: a ready run names the page that hands them out
(scoped and recorded like every download), for a signed-in browser."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from accounts.http import SignedInApiRequest
from accounts.roles import roles_of
from config.rest import (
    InputSerializer,
    ScopedPrimaryKeyField,
    StrictCharField,
    etag_for_state,
    id_filter,
    ordering_field,
)
from config.viewsets import ServiceViewSet, documented
from programs.models import Grant, Programme
from programs.selectors import led_programmes
from reporting.models import FunderProfile, ReportFormat, ReportKind, ReportRun, RunStatus
from reporting.profiles import Audience
from reporting.selectors import funder_profiles, report_runs, reportable_grants
from reporting.services import report_request


class ReportRunFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices, required=False)
    status = serializers.ChoiceField(choices=RunStatus.choices, required=False)
    programme = id_filter(_("Only runs about this programme."))
    grant = id_filter(_("Only runs about this grant."))
    ordering = ordering_field(["id", "-id", "newest"])


class DownloadSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    url = serializers.URLField(help_text=_("The download page; it needs a signed-in browser."))


class ReportRunSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    downloads = serializers.SerializerMethodField(
        help_text=_("Where a ready run's files are, until they expire.")
    )

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "kind",
            "programme",
            "grant",
            "subject_name",
            "period_start",
            "period_end",
            "language",
            "status",
            "progress",
            "scheduled",
            "requested_by",
            "audience",
            "profile",
            "edition",
            "corrects",
            "narrative_activities",
            "narrative_deviations",
            "narrative_cooperation",
            "narrative_next_period",
            "narrative_continuation",
            "submitted_on",
            "submitted_to",
            "checksum",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "downloads",
        ]
        read_only_fields = fields

    @extend_schema_field(DownloadSerializer(many=True))
    def get_downloads(self, run: ReportRun) -> list[dict]:
        if run.status != RunStatus.READY or run.expired:
            return []
        request = self.context["request"]
        return [
            {
                "format": fmt.value,
                "url": request.build_absolute_uri(
                    reverse("reporting:download", kwargs={"pk": run.pk, "fmt": fmt.value})
                ),
            }
            for fmt in ReportFormat
            if getattr(run, f"{fmt.value}_file")
        ]


class ReportRequestInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    programme = ScopedPrimaryKeyField(
        scope=led_programmes,
        queryset=Programme.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("For the KS report and the programme summary: a programme you lead."),
    )
    grant = ScopedPrimaryKeyField(
        scope=reportable_grants,
        queryset=Grant.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("For a grant report: a grant whose every programme you lead."),
    )
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        required=False,
        help_text=_(
            "Who reads it: the recipient named on the grant or programme (default), or "
            "a publication, where every small count is hidden."
        ),
    )
    profile = ScopedPrimaryKeyField(
        scope=funder_profiles,
        queryset=FunderProfile.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("A report profile of your municipality's; the run takes its kind."),
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The report's language; by default the language of the request."),
    )
    narrative_activities = StrictCharField(max_length=5000, required=False, allow_blank=True)
    narrative_deviations = StrictCharField(max_length=5000, required=False, allow_blank=True)
    narrative_cooperation = StrictCharField(max_length=5000, required=False, allow_blank=True)
    narrative_next_period = StrictCharField(max_length=5000, required=False, allow_blank=True)
    narrative_continuation = StrictCharField(max_length=5000, required=False, allow_blank=True)


@documented("reports")
class ReportRunViewSet(ServiceViewSet):
    """Report runs of the programmes the user leads and of the grants whose programmes they
    all lead. Creating asks for a report: it is built in the background, and the run's status
    and progress say when it is ready."""

    request: SignedInApiRequest

    serializer_class = ReportRunSerializer
    create_serializer_class = ReportRequestInputSerializer
    filter_serializer_class = ReportRunFilters
    http_method_names = ["get", "post", "head", "options"]
    orderings = {**ServiceViewSet.orderings, "newest": ("-created_at", "-pk")}

    def get_queryset(self):
        return self.narrow(
            report_runs(user=self.request.user),
            kind="kind",
            status="status",
            programme_id="programme",
            grant_id="grant",
        )

    def etag(self, run: ReportRun) -> str:
        return etag_for_state(run.status, run.progress, run.checksum)

    def check_may_create(self) -> None:
        if not roles_of(self.request.user).programme_lead:
            raise exceptions.PermissionDenied()

    def create_with(self, data: dict) -> ReportRun:
        if "language" not in data:
            # As the page does: the language the user reads Fotfeste in.
            current = translation.get_language() or ""
            data["language"] = current if current in dict(settings.LANGUAGES) else "nb"
        return report_request(actor=self.request.user, **data)
