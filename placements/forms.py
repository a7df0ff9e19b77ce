from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import Country, User
from config.dates import BoundedDateField
from participants.models import Enrollment
from participants.services import EXIT_STATUSES
from participants.vocabularies import Destination, ExitReason
from placements.exits import ExitChoices, OpenWork
from placements.models import (
    RATING_CHOICES,
    ExamResult,
    PlacementType,
    Route,
    WorkField,
    Worksite,
    WorksiteKind,
)
from programs.models import QualificationTrack

_RATING = [("", "–"), *RATING_CHOICES]


class ProgressForm(forms.Form):
    punctuality = forms.TypedChoiceField(
        label=_("Punctuality"), choices=_RATING, coerce=int, required=False, empty_value=None
    )
    cooperation = forms.TypedChoiceField(
        label=_("Cooperation"), choices=_RATING, coerce=int, required=False, empty_value=None
    )
    independence = forms.TypedChoiceField(
        label=_("Independence"), choices=_RATING, coerce=int, required=False, empty_value=None
    )
    text = forms.CharField(
        label=_("Observation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


WEEKDAYS = [
    ("0", _("Mon")),
    ("1", _("Tue")),
    ("2", _("Wed")),
    ("3", _("Thu")),
    ("4", _("Fri")),
    ("5", _("Sat")),
    ("6", _("Sun")),
]


class PlacementForm(forms.Form):
    enrollment = forms.ModelChoiceField(label=_("Enrollment"), queryset=Enrollment.objects.none())
    worksite = forms.ModelChoiceField(label=_("Worksite"), queryset=Worksite.objects.none())
    supervisor = forms.ModelChoiceField(
        label=_("Work supervisor"), required=False, queryset=User.objects.none()
    )
    type = forms.ChoiceField(label=_("Type"), choices=PlacementType.choices)
    field = forms.ChoiceField(label=_("Field"), choices=WorkField.choices)
    starts_on = BoundedDateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = BoundedDateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    schedule_days = forms.MultipleChoiceField(
        label=_("Days"),
        choices=WEEKDAYS,
        initial=["0", "1", "2", "3", "4"],
        widget=forms.CheckboxSelectMultiple,
    )
    hours_per_day = forms.DecimalField(
        label=_("Hours per day"), min_value=0, max_value=24, decimal_places=2, initial=6
    )
    percentage = forms.IntegerField(label=_("Percentage"), min_value=1, max_value=100, initial=100)
    nav_agreement = forms.CharField(
        label=_("NAV agreement reference"), max_length=50, required=False
    )
    confirmed_over_capacity = forms.BooleanField(
        label=_("Place the person even though the field is full"), required=False
    )

    def __init__(self, *args, user, participant, **kwargs):
        super().__init__(*args, **kwargs)
        country = participant.municipality.country
        self.fields["type"].choices = PlacementType.for_country(country)
        self.fields["enrollment"].queryset = (
            Enrollment.objects.visible_to(user)
            .filter(participant=participant, status__in=["intake", "active", "paused"])
            .select_related("programme")
        )
        self.fields["enrollment"].label_from_instance = lambda e: e.programme.name
        worksites = Worksite.objects.filter(municipality_id=participant.municipality_id)
        self.fields["worksite"].queryset = worksites
        self.fields["supervisor"].queryset = User.objects.filter(
            is_active=True, supervised_worksites__worksite__in=worksites
        ).distinct()


class PathForm(forms.Form):
    enrollment = forms.ModelChoiceField(label=_("Enrollment"), queryset=Enrollment.objects.none())
    track = forms.ModelChoiceField(label=_("Trade"), queryset=QualificationTrack.objects.all())
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    training_office = forms.CharField(label=_("Training office"), max_length=150, required=False)
    contract_starts_on = BoundedDateField(
        label=_("Contract starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contract_ends_on = BoundedDateField(
        label=_("Contract ends"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The fagprøve registration deadline is set three months before."),
    )
    vg3_exam_on = BoundedDateField(
        label=_("Vg3 exam"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, participant, **kwargs):
        super().__init__(*args, **kwargs)
        country = participant.municipality.country
        self.fields["route"].choices = Route.for_country(country)
        self.fields["track"].queryset = QualificationTrack.objects.filter(country=country)
        if country != Country.NORWAY:
            # The Swedish programme has no Vg3 exam and no fagprøve to register for.
            del self.fields["vg3_exam_on"]
            self.fields["contract_ends_on"].help_text = ""
            self.fields["training_office"].label = _("School or education provider")
            self.fields["contract_starts_on"].label = _("Training starts")
            self.fields["contract_ends_on"].label = _("Training ends")
        self.fields["enrollment"].queryset = (
            Enrollment.objects.visible_to(user)
            .filter(participant=participant)
            .select_related("programme")
        )
        self.fields["enrollment"].label_from_instance = lambda e: e.programme.name


class WorksiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=WorksiteKind.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class WorksiteEditForm(WorksiteForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class CapacityForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=WorkField.choices)
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=1000)


class PlacementEndForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How it ended"),
        choices=[("ended", _("Ended as planned")), ("stopped", _("Stopped early"))],
    )
    ends_on = BoundedDateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    stop_reason = forms.CharField(label=_("Stop reason"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class FagproveForm(forms.Form):
    fagprove_on = BoundedDateField(
        label=_("Fagprøve date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    fagprove_result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", "–"), *ExamResult.choices]
    )


class EnrollmentStatusForm(forms.Form):
    """The status form. The exit fields and the closing choices count only for an exit status;
    for any other they are ignored (the page says so, and a small script hides them)."""

    status = forms.ChoiceField(label=_("New status"), choices=[], widget=forms.RadioSelect)
    exit_date = BoundedDateField(
        label=_("Exit date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    exit_reason = forms.ChoiceField(
        label=_("Exit reason"), required=False, choices=[("", "–"), *ExitReason.choices]
    )
    destination = forms.ChoiceField(
        label=_("Destination"),
        required=False,
        choices=[("", "–"), *Destination.choices],
        help_text=_("Where the person went, as NAV and SSB count it."),
    )
    close_goals = forms.BooleanField(required=False, initial=True)
    achieved = forms.TypedMultipleChoiceField(
        label=_("Goals reached"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticked goals are closed as achieved, the others as not achieved."),
    )
    close_tasks = forms.BooleanField(required=False, initial=True)
    end_placements = forms.BooleanField(required=False, initial=True)
    end_consent = forms.BooleanField(required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    EXIT_FIELDS = ("exit_date", "exit_reason", "destination")
    CLOSING_FIELDS = ("close_goals", "achieved", "close_tasks", "end_placements", "end_consent")

    def __init__(self, *args, allowed: list[tuple[str, str]], work: OpenWork, **kwargs):
        super().__init__(*args, **kwargs)
        self.work = work
        self.status_labels = dict(allowed)
        cast(forms.ChoiceField, self.fields["status"]).choices = allowed
        cast(forms.ChoiceField, self.fields["achieved"]).choices = [
            (goal.pk, goal.title) for goal in work.goals
        ]
        self.fields["achieved"].initial = sorted(work.achieved_by_default)
        counted: dict[str, tuple[Sequence[object], Any]] = {
            "close_goals": (
                work.goals,
                ngettext_lazy(
                    "Close the open goal",
                    "Close the %(n)s open goals",
                    "n",
                ),
            ),
            "close_tasks": (
                work.tasks,
                ngettext_lazy(
                    "Mark the open task done",
                    "Mark the %(n)s open tasks done",
                    "n",
                ),
            ),
            "end_placements": (
                work.placements,
                ngettext_lazy(
                    "End the placement on the exit date",
                    "End the %(n)s placements on the exit date",
                    "n",
                ),
            ),
            "end_consent": (
                work.consents,
                ngettext_lazy(
                    "Withdraw the consent to share with the worksite from the exit date",
                    "Withdraw the %(n)s consents to share with worksites from the exit date",
                    "n",
                ),
            ),
        }
        for name, (rows, label) in counted.items():
            if rows:
                self.fields[name].label = label % {"n": len(rows)}
            else:
                del self.fields[name]
        if not work.goals:
            del self.fields["achieved"]

    @property
    def is_exit(self) -> bool:
        return self.is_bound and self.data.get("status") in EXIT_STATUSES

    def clean(self):
        data = super().clean()
        if data.get("status") not in EXIT_STATUSES:
            # Not an exit: whatever was typed in the exit fields is not kept.
            for name in self.EXIT_FIELDS:
                data[name] = None if name == "exit_date" else ""
        return data

    def choices(self) -> ExitChoices:
        data = self.cleaned_data
        return ExitChoices(
            close_goals=bool(data.get("close_goals")),
            achieved=frozenset(data.get("achieved") or ()),
            close_tasks=bool(data.get("close_tasks")),
            end_placements=bool(data.get("end_placements")),
            end_consent=bool(data.get("end_consent")),
        )

    def summary(self) -> dict:
        """What a confirmed exit will save and close, for the confirmation step."""
        data, work = self.cleaned_data, self.work
        return {
            "status": self.status_labels.get(data["status"], ""),
            "exit_date": data["exit_date"],
            "reason": ExitReason(data["exit_reason"]).label,
            "destination": Destination(data["destination"]).label,
            "goals": [(goal, goal.pk in (data.get("achieved") or ())) for goal in work.goals],
            "close_goals": data.get("close_goals"),
            "tasks": work.tasks,
            "close_tasks": data.get("close_tasks"),
            "placements": work.placements,
            "end_placements": data.get("end_placements"),
            "consents": work.consents,
            "end_consent": data.get("end_consent"),
        }

    def carried(self) -> list[tuple[str, str]]:
        """The values as sent, to send again with the confirmation (plain hidden inputs)."""
        return [
            (self.add_prefix(name), value)
            for name in self.fields
            for value in cast(QueryDict, self.data).getlist(self.add_prefix(name))
        ]
