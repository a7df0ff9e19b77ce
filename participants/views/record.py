"""The case record: follow-ups, notes and drafts, tasks, documents and consents."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views import View

from audit.models import AccessAction
from audit.services import access_record
from config.errors import ApplicationError
from config.views import ServiceFormView
from participants.access import CaseAccessMixin
from participants.consents import consent_record, consent_withdraw, document_upload
from participants.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    DocumentForm,
    FollowUpForm,
    NoteEditForm,
    NoteForm,
    TaskForm,
)
from participants.journal import draft_save, note_create, note_update, task_create, task_set_done
from participants.selectors import (
    consent_get,
    document_get,
    follow_up_get,
    note_draft_get,
    note_get,
    task_get,
)
from participants.services import (
    follow_up_record,
)


class ParticipantRecordMixin:
    """A page about one record of a person (an enrollment, a note, a goal …): the template gets
    the record and the person, and saving returns to the person's page."""

    record_name: str = "record"
    anchor: str = ""
    record: Any  # each page's own (a cached_property)

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

    success_message = gettext_lazy("The follow-up has been recorded.")

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
    success_message = gettext_lazy("The note has been saved.")

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
    success_message = gettext_lazy("The note has been saved.")

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
    success_message = gettext_lazy("The task has been added.")

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
    success_message = gettext_lazy("The document has been uploaded.")

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
    success_message = gettext_lazy("The consent has been recorded.")

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
    success_message = gettext_lazy("The consent has been withdrawn.")

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
