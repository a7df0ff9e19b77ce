import copy
import re
from datetime import timedelta

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import RoleRequiredMixin, Roles
from audit.models import AccessAction
from audit.selectors import participant_access_log, participant_change_log
from audit.services import access_record
from config.errors import ApplicationError, DuplicateError, StaleEditError
from config.pagecache import JOURNAL_AND_JOBS, PageCacheMixin
from config.views import ServiceFormView
from participants.access import CaseAccessMixin
from participants.consents import consent_record, consent_withdraw, document_upload
from participants.erasure import erasure_allowed, erasure_refusal, participant_anonymise
from participants.exports import participants_csv
from participants.forms import (
    BulkForm,
    CaseloadFilterForm,
    ConsentForm,
    ConsentWithdrawForm,
    DocumentForm,
    EnrollmentForm,
    EraseForm,
    FollowUpForm,
    GoalEditForm,
    GoalForm,
    IntakeForm,
    MergeForm,
    MilestoneForm,
    NoteEditForm,
    NoteForm,
    ParticipantEditForm,
    TaskForm,
)
from participants.journal import draft_save, note_create, note_update, task_create, task_set_done
from participants.merge import participants_merge
from participants.models import Participant
from participants.plan import goal_create, goal_update, milestone_add, milestone_set_done
from participants.selectors import (
    SORTS,
    CaseloadFilters,
    caseload_search,
    consent_get,
    document_get,
    follow_up_get,
    goal_get,
    merge_candidates,
    milestone_get,
    note_draft_get,
    note_get,
    participant_consents,
    participant_documents,
    participant_get,
    participant_list,
    participant_notes,
    participant_plan,
    participant_tasks,
    participant_todo,
    task_get,
)
from participants.services import (
    PersonData,
    enrollment_enroll,
    enrollments_reassign,
    follow_up_record,
    participant_intake,
    participant_reveal_national_id,
    participant_update,
)
from participants.subject_access import (
    CONTENT_TYPES,
    FILES_KEPT_DAYS,
    FORMATS,
    subject_access_export_get,
    subject_access_exports,
    subject_access_file,
    subject_access_participant,
    subject_access_request,
)

CASELOAD_FILTERS = "caseload_filters"
EXPORT_SELECTION = "export_selection"


def _filters_from_session(request) -> CaseloadFilters:
    stored = request.session.get(CASELOAD_FILTERS) or {}
    sort = request.GET.get("sort", "name")
    return CaseloadFilters(
        name=stored.get("name", ""),
        id_hash=stored.get("id_hash", ""),
        programme_id=stored.get("programme"),
        cohort_id=stored.get("cohort"),
        caseworker_id=stored.get("caseworker"),
        status=stored.get("status", ""),
        sort=sort if sort in SORTS else "name",
        quiet=request.GET.get("attention") == "quiet",
    )


class CaseloadView(LoginRequiredMixin, RoleRequiredMixin, PageCacheMixin, ListView):
    template_name = "participants/caseload.html"
    context_object_name = "participants"
    paginate_by = 25
    # Written all day and not on this page: attendance taps and progress notes besides.
    page_cache_ignores = (
        *JOURNAL_AND_JOBS,
        "placements.AttendanceRecord",
        "placements.ProgressEntry",
        "placements.ProgressReply",
    )

    page_cache_query = {"sort": "|".join(re.escape(sort) for sort in SORTS), "page": r"\d{1,4}"}

    def page_cache_extra(self) -> object:
        return sorted((self.request.session.get(CASELOAD_FILTERS) or {}).items())

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants or roles.arbeidsleder

    def get_queryset(self):
        self.filters = _filters_from_session(self.request)
        return participant_list(user=self.request.user, filters=self.filters)

    def post(self, request, *args, **kwargs):
        """Searches are posted and kept in the session: names and national IDs never go into a
        URL, and a national ID is kept only as its keyed hash."""
        form = CaseloadFilterForm(request.POST, user=request.user)
        stored = {}
        if "clear" not in request.POST and form.is_valid():
            stored = self._stored(form)
        request.session[CASELOAD_FILTERS] = stored
        return HttpResponseRedirect(reverse("participants:caseload"), status=303)

    def _stored(self, form) -> dict:
        data = form.cleaned_data
        stored = {key: data[key].pk for key in ("programme", "cohort", "caseworker") if data[key]}
        if data["status"]:
            stored["status"] = data["status"]
        try:
            stored.update(caseload_search(user=self.request.user, query=data["q"]))
        except ApplicationError as exc:
            messages.error(self.request, str(exc.message))
            return {}
        return stored

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        # A missing, malformed or too large page number shows the nearest real page.
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        stored = self.request.session.get(CASELOAD_FILTERS) or {}
        shown = stored.get("name") or (_("(national ID)") if stored.get("id_hash") else "")
        initial = {**stored, "q": shown}
        form = CaseloadFilterForm(initial=initial, user=self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "filters": self.filters,
            "filter_form": form,
            "bulk_form": BulkForm(user=self.request.user),
            "sort": self.filters.sort,
        }


class CaseloadBulkView(LoginRequiredMixin, RoleRequiredMixin, View):
    """Reassign or export the people ticked on the caseload page."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def post(self, request):
        form = BulkForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(reverse("participants:caseload"), status=303)
        selected = form.cleaned_data["selected"]
        if request.POST.get("action") == "export":
            request.session[EXPORT_SELECTION] = selected[:1000]
            return HttpResponseRedirect(reverse("participants:export"), status=303)
        caseworker = form.cleaned_data["caseworker"]
        if caseworker is None:
            messages.error(request, _("Choose the new caseworker."))
        else:
            try:
                changed, skipped = enrollments_reassign(
                    actor=request.user, participant_ids=selected, caseworker=caseworker
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
                return HttpResponseRedirect(reverse("participants:caseload"), status=303)
            messages.success(
                request,
                _("Reassigned: %(changed)d. Skipped: %(skipped)d.")
                % {"changed": changed, "skipped": skipped},
            )
        return HttpResponseRedirect(reverse("participants:caseload"), status=303)


@method_decorator(reauthentication_required, name="dispatch")
class CaseloadExportView(LoginRequiredMixin, RoleRequiredMixin, View):
    """The ticked people as CSV, after a recent re-entry of the password."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get(self, request):
        selected = request.session.pop(EXPORT_SELECTION, None)
        if not selected:
            messages.error(request, _("Select someone first."))
            return HttpResponseRedirect(reverse("participants:caseload"))
        content = participants_csv(user=request.user, participant_ids=selected)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="fotfeste-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response


class ParticipantDetailView(LoginRequiredMixin, TemplateView):
    template_name = "participants/detail.html"

    def get_context_data(self, **kwargs):
        seen = participant_get(user=self.request.user, pk=self.kwargs["pk"])
        access_record(
            user=self.request.user, participant=seen.participant, page="participants:detail"
        )
        context = {
            **super().get_context_data(**kwargs),
            "seen": seen,
            "participant": seen.participant,
        }
        if seen.case_access:
            context["notes"] = participant_notes(
                user=self.request.user, participant=seen.participant
            )
            context["consents"] = participant_consents(participant=seen.participant)
            context["documents"] = participant_documents(participant=seen.participant)
            context["tasks"] = tasks = list(
                participant_tasks(user=self.request.user, participant=seen.participant)
            )
            context["todo"] = participant_todo(tasks=tasks, enrollments=seen.enrollments)
        return context


class DuplicatesMixin:
    """Shows the people a DuplicateError found: a link where the user may open the record."""

    def duplicates_context(self) -> dict:
        error = getattr(self, "duplicate", None)
        if error is None:
            return {}
        visible = set(
            Participant.objects.visible_to(self.request.user)
            .filter(pk__in=[p.pk for p in error.matches])
            .values_list("pk", flat=True)
        )
        rows = [(person, person.pk in visible) for person in error.matches]
        return {"duplicate": error, "duplicate_rows": rows}


class ParticipantCreateView(
    LoginRequiredMixin, RoleRequiredMixin, DuplicatesMixin, ServiceFormView
):
    template_name = "participants/intake.html"
    form_class = IntakeForm
    success_message = _("The person has been registered.")

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        try:
            return participant_intake(
                actor=self.request.user,
                municipality=self.request.user.municipality,
                person=PersonData(
                    data["first_name"], data["last_name"], data["national_id"], form.person_values()
                ),
                programme=data["programme"],
                cohort=data["cohort"],
                caseworker=data["caseworker"],
                referral_source=data["referral_source"],
                confirmed_new=data["confirmed_new"],
            )
        except DuplicateError as exc:
            self.duplicate = exc
            raise

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.duplicates_context()}

    def get_success_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.result.pk})


class ParticipantEditView(CaseAccessMixin, DuplicatesMixin, ServiceFormView):
    template_name = "participants/edit.html"
    form_class = ParticipantEditForm
    success_message = _("The changes have been saved.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            # A copy: the form writes the posted values onto it, and the service must compare
            # the record as it was loaded.
            "instance": copy.copy(self.seen.participant),
            "country": self.seen.participant.municipality.country,
        }

    def get_initial(self):
        return {"version": self.seen.participant.version}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.seen.address_visible:
            for name in ("address", "postcode", "city", "protected_address"):
                del form.fields[name]
        return form

    def perform(self, form):
        data = form.cleaned_data
        person = PersonData(
            data["first_name"], data["last_name"], data["national_id"], form.person_values()
        )
        try:
            return participant_update(
                actor=self.request.user,
                participant=self.seen.participant,
                expected_version=data["version"],
                person=person,
            )
        except (StaleEditError, DuplicateError) as exc:
            if isinstance(exc, StaleEditError):
                self.stale = exc
            else:
                self.duplicate = exc
            raise

    def form_invalid(self, form):
        stale = getattr(self, "stale", None)
        if stale is not None:
            # Offer the current version, so the next save is based on what is there now.
            data = form.data.copy()
            data["version"] = str(stale.current_version)
            form.data = data
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {
            **context,
            **self.duplicates_context(),
            "participant": self.seen.participant,
            "stale": getattr(self, "stale", None),
        }

    def get_success_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.seen.participant.pk})


class NationalIdRevealView(LoginRequiredMixin, View):
    """POST only: shows the full national ID once, and records that it was shown."""

    def post(self, request, pk: int):
        seen = participant_get(user=request.user, pk=pk)
        if not seen.case_access:
            raise Http404
        try:
            value = participant_reveal_national_id(actor=request.user, participant=seen.participant)
        except ApplicationError as exc:
            return render(
                request,
                "participants/includes/national_id.html",
                {"participant": seen.participant, "error": exc.message},
            )
        return render(
            request,
            "participants/includes/national_id.html",
            {"participant": seen.participant, "revealed": value},
        )


class ParticipantRecordMixin:
    """A page about one record of a person (an enrollment, a note, a goal …): the template gets
    the record and the person, and saving returns to the person's page."""

    record_name: str = "record"
    anchor: str = ""

    def participant_of(self, record):
        return record.participant

    def get_context_data(self, **kwargs):
        record = self.record
        return {
            **super().get_context_data(**kwargs),
            self.record_name: record,
            "participant": self.participant_of(record),
        }

    def get_success_url(self) -> str:
        person = self.participant_of(self.record)
        return reverse("participants:detail", kwargs={"pk": person.pk}) + self.anchor


class FollowUpView(ParticipantRecordMixin, LoginRequiredMixin, ServiceFormView):
    template_name = "participants/follow_up.html"
    form_class = FollowUpForm
    record_name = "follow_up"

    def participant_of(self, record):
        return record.enrollment.participant

    success_message = _("The follow-up has been recorded.")

    @cached_property
    def record(self):
        return follow_up_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        f = self.record
        return {
            "status": f.status,
            "source": f.source,
            "verified": f.verified,
            "version": f.version,
        }

    def perform(self, form):
        data = form.cleaned_data
        return follow_up_record(
            actor=self.request.user,
            follow_up=self.record,
            expected_version=data["version"],
            status=data["status"],
            source=data["source"],
            verified=data["verified"],
        )


class NoteCreateView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/note_form.html"
    form_class = NoteForm
    success_message = _("The note has been saved.")

    def get_initial(self):
        draft = note_draft_get(user=self.request.user, participant=self.seen.participant)
        self.draft = draft
        return draft.data if draft else {"occurred_on": timezone.localdate(), "kind": "meeting"}

    def perform(self, form):
        return note_create(
            actor=self.request.user, participant=self.seen.participant, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "draft": getattr(self, "draft", None)}


class NoteDraftView(CaseAccessMixin, View):
    """htmx: saves what is being typed, a couple of seconds after the last key."""

    def post(self, request, pk: int):
        draft = draft_save(
            actor=request.user, participant=self.seen.participant, data=request.POST.dict()
        )
        return render(request, "participants/includes/draft_saved.html", {"draft": draft})


class NoteEditView(ParticipantRecordMixin, LoginRequiredMixin, ServiceFormView):
    template_name = "participants/note_form.html"
    form_class = NoteEditForm
    record_name = "note"
    anchor = "#journal"
    success_message = _("The note has been saved.")

    @cached_property
    def record(self):
        note = note_get(user=self.request.user, pk=self.kwargs["pk"])
        if note.author_id != self.request.user.pk:
            raise Http404
        return note

    def get_initial(self):
        n = self.record
        return {
            "kind": n.kind,
            "occurred_on": n.occurred_on,
            "text": n.text,
            "confidential": n.confidential,
            "version": n.version,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return note_update(
            actor=self.request.user, note=self.record, expected_version=data.pop("version"), **data
        )


class TaskCreateView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/task_form.html"
    form_class = TaskForm
    success_message = _("The task has been added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "participant": self.seen.participant}

    def get_initial(self):
        return {
            "assignee": self.request.user.pk,
            "due_on": timezone.localdate() + timedelta(days=7),
        }

    def perform(self, form):
        return task_create(
            actor=self.request.user, participant=self.seen.participant, **form.cleaned_data
        )


class TaskDoneView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        task = task_get(user=request.user, pk=pk)
        try:
            task_set_done(actor=request.user, task=task, done=request.POST.get("done") == "1")
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(
            request.POST.get("next")
            if request.POST.get("next") == reverse("home")
            else reverse("participants:detail", kwargs={"pk": task.participant_id})
        )


class DocumentUploadView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/document_form.html"
    form_class = DocumentForm
    success_message = _("The document has been uploaded.")

    def perform(self, form):
        return document_upload(
            actor=self.request.user,
            participant=self.seen.participant,
            category=form.cleaned_data["category"],
            upload=form.cleaned_data["file"],
        )


class DocumentDownloadView(LoginRequiredMixin, View):
    """Serves a document to those who follow the person; every download is in the access log.
    The file name says nothing about the person."""

    def get(self, request, pk: int):
        document = document_get(user=request.user, pk=pk)
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        access_record(
            user=request.user,
            participant=document.participant,
            page="participants:document",
            action=AccessAction.DOWNLOAD,
        )
        response = FileResponse(
            handle,
            content_type=document.content_type,
            as_attachment=True,
            filename=f"document-{document.pk}.{document.file.name.rsplit('.', 1)[-1]}",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ConsentCreateView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/consent_form.html"
    form_class = ConsentForm
    success_message = _("The consent has been recorded.")

    def get_initial(self):
        return {"given_on": timezone.localdate()}

    def perform(self, form):
        return consent_record(
            actor=self.request.user, participant=self.seen.participant, **form.cleaned_data
        )


class ConsentWithdrawView(ParticipantRecordMixin, LoginRequiredMixin, ServiceFormView):
    template_name = "participants/consent_withdraw.html"
    form_class = ConsentWithdrawForm
    record_name = "consent"
    success_message = _("The consent has been withdrawn.")

    @cached_property
    def record(self):
        return consent_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"withdrawn_on": timezone.localdate(), "version": self.record.version}

    def perform(self, form):
        return consent_withdraw(
            actor=self.request.user,
            consent=self.record,
            expected_version=form.cleaned_data["version"],
            withdrawn_on=form.cleaned_data["withdrawn_on"],
        )


class ParticipantAuditView(CaseAccessMixin, TemplateView):
    """Who has looked and what changed: loaded when the section scrolls into view (htmx), or
    as a page of its own without JavaScript."""

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["participants/includes/audit.html"]
        return ["participants/audit.html"]

    def get_context_data(self, **kwargs):
        participant = self.seen.participant
        return {
            **super().get_context_data(**kwargs),
            "access_log": participant_access_log(participant=participant),
            "change_log": participant_change_log(participant=participant),
        }


class PlanView(CaseAccessMixin, TemplateView):
    """The action plan as a timeline: a fragment for htmx, a page of its own without it."""

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["participants/includes/plan.html"]
        return ["participants/plan.html"]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "goals": participant_plan(participant=self.seen.participant),
            "today": timezone.localdate(),
        }


class GoalCreateView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/goal_form.html"
    form_class = GoalForm
    success_message = _("The goal has been added to the plan.")

    def perform(self, form):
        return goal_create(
            actor=self.request.user, participant=self.seen.participant, **form.cleaned_data
        )


class GoalEditView(ParticipantRecordMixin, LoginRequiredMixin, ServiceFormView):
    template_name = "participants/goal_form.html"
    form_class = GoalEditForm
    record_name = "goal"
    anchor = "#plan"
    success_message = _("The goal has been saved.")

    @cached_property
    def record(self):
        return goal_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        g = self.record
        return {
            "category": g.category,
            "title": g.title,
            "target_on": g.target_on,
            "status": g.status,
            "version": g.version,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return goal_update(
            actor=self.request.user, goal=self.record, expected_version=data.pop("version"), **data
        )

    def get_context_data(self, **kwargs):
        # Its own ids: the goal's form on the same page has a title field too.
        milestone_form = MilestoneForm(auto_id="milestone_%s")
        return {**super().get_context_data(**kwargs), "milestone_form": milestone_form}


class MilestoneAddView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        goal = goal_get(user=request.user, pk=pk)
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                milestone_add(actor=request.user, goal=goal, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return HttpResponseRedirect(reverse("participants:goal-edit", kwargs={"pk": goal.pk}))


class MilestoneDoneView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        milestone = milestone_get(user=request.user, pk=pk)
        try:
            milestone_set_done(
                actor=request.user, milestone=milestone, done=request.POST.get("done") == "1"
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(
            reverse("participants:detail", kwargs={"pk": milestone.goal.participant_id}) + "#plan"
        )


@method_decorator(reauthentication_required, name="dispatch")
class MergeView(CaseAccessMixin, RoleRequiredMixin, ServiceFormView):
    """A programme lead merges a duplicate record into this one, after re-entering the
    password."""

    template_name = "participants/merge.html"
    form_class = MergeForm
    success_message = _("The records have been merged.")

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def get_form_kwargs(self):
        candidates = merge_candidates(user=self.request.user, participant=self.seen.participant)
        return {**super().get_form_kwargs(), "candidates": candidates}

    def perform(self, form):
        return participants_merge(
            actor=self.request.user,
            keep=self.seen.participant,
            remove=form.cleaned_data["other"],
            reason=form.cleaned_data["reason"],
        )


@method_decorator(reauthentication_required, name="get")
@method_decorator(reauthentication_required, name="post")
class ParticipantEraseView(CaseAccessMixin, RoleRequiredMixin, ServiceFormView):
    """A programme lead of the person's programme erases the person at once, after re-entering
    the password and giving a reason. Anyone else gets 404, before being asked for a password."""

    template_name = "participants/erase.html"
    form_class = EraseForm
    success_message = _("The person has been anonymised.")

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not erasure_allowed(
            user=request.user, participant=self.seen.participant
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return participant_anonymise(
            participant=self.seen.participant,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
        )

    def get_context_data(self, **kwargs):
        refusal = erasure_refusal(actor=self.request.user, participant=self.seen.participant)
        return {**super().get_context_data(**kwargs), "refusal": refusal}


class EnrollmentCreateView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/enrollment_form.html"
    form_class = EnrollmentForm
    success_message = _("The person has been enrolled.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return enrollment_enroll(
            actor=self.request.user, participant=self.seen.participant, **form.cleaned_data
        )


@method_decorator(reauthentication_required, name="get")
@method_decorator(reauthentication_required, name="post")
class SubjectAccessView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """Everything held on the person (GDPR art. 15): a programme lead of the person's
    programme asks for it and follows it here, after re-entering the password. Anyone else
    gets 404, before being asked for a password."""

    template_name = "participants/subject_access.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.participant = subject_access_participant(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk: int):
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            subject_access_request(
                actor=request.user, participant=self.participant, language=language
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("participants:subject-access", args=[pk]), status=303)

    def get_context_data(self, **kwargs):
        exports = subject_access_exports(user=self.request.user, participant=self.participant)
        return {
            **super().get_context_data(**kwargs),
            "participant": self.participant,
            "exports": exports[:5],
            "kept_days": FILES_KEPT_DAYS,
        }


class SubjectAccessStatusView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """htmx: one export's state, polled until its files are ready. It shows no data about the
    person, so the password is not asked for again (the files are)."""

    template_name = "participants/subject_access_status.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def get_context_data(self, **kwargs):
        export = subject_access_export_get(user=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "export": export}


@method_decorator(reauthentication_required, name="get")
class SubjectAccessFileView(LoginRequiredMixin, RoleRequiredMixin, View):
    """One file of an export, for the lead who asked, recorded in the access log; the file
    name holds the export's number only."""

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.export = subject_access_export_get(user=request.user, pk=kwargs["pk"])
            if kwargs["fmt"] not in FORMATS:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int, fmt: str):
        try:
            handle = subject_access_file(user=request.user, export=self.export, fmt=fmt)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            back = reverse("participants:subject-access", args=[self.export.participant_id])
            return HttpResponseRedirect(back)
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES[fmt],
            as_attachment=True,
            filename=f"fotfeste-subject-access-{self.export.pk}.{fmt}",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
