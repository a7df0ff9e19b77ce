"""A young person who applied for a summer job, as the subject of their data (GDPR arts. 15 and
17): found by their personnummer among one programme's seasons, everything held on them, and
their erasure on request. The pages, the export's files and the jobs are the privacy app's;
what is held and how it is removed belongs here, beside the models.

What the export holds is declared once, in ``PARTS``: one part per model with rows about the
applicant, every column of it but the bookkeeping in ``OMITTED`` (and a part's own ``omit``),
so a new column is exported too. A test walks Django's model registry and fails when a model
with a chain of foreign keys to ``Application`` is not a part. The lottery's draws are not
rows of their own: each run keeps every applicant's position in its result (``draws``).

Erasure keeps what the lottery and the season's figures are built from, and names nobody: the
season, gender, the birth *year* (the date becomes 1 July, as a participant's), the priority
tier, the ranked work areas and periods, the run's allocation, changes by hand and offers as
keys, statuses and dates, and the hours worked.
An application still in the running is withdrawn, so that no draw, reserve list or offer
reaches a person nobody can contact. Run again, an old run no longer has the inputs it had:
its stored inputs digest says so (docs/privacy.md)."""

import contextlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import memberships
from accounts.models import Country, User
from audit.models import AccessEvent, ChangeAction, ChangeEvent
from audit.services import change_record, changes_redact
from audit.subject_access import ApplicantAccessExport
from config.errors import ApplicationError
from participants import national_id as nid
from programs.models import Programme, ProgrammeKind
from summerjobs.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Attestation,
    Choice,
    EmailChange,
    HoursEntry,
    LotteryRun,
    Offer,
    Override,
    PayrollLine,
    Place,
    PreStart,
    Season,
    StaffAnswer,
    SupervisorEvaluation,
    WorkplaceLook,
    YouthEvaluation,
)
from summerjobs.payroll import payroll_files_withdraw, payroll_unpaid

logger = logging.getLogger(__name__)

# Bookkeeping that says nothing about the person: the edit counter, the look-up hash, the
# masked number and the hashes of the links' secrets. The encrypted number is exported
# decrypted, as ``national_id``.
OMITTED = frozenset(
    {
        "version",
        "national_id_hash",
        "national_id_masked",
        "edit_token_hash",
        "token_hash",
        "guardian_token_hash",
        "reminder_token_hash",
        "guardian_reminder_token_hash",
        "certificate_token_hash",
    }
)
ENCRYPTED_ID = "national_id_encrypted"

# What an erased application holds instead of names and a personnummer. The look-up hash
# becomes a random value that no number hashes to (not hexadecimal), unique as the season's
# constraint asks.
ANONYMISED = "Anonymised"
REMOVED = "–"
ERASED_HASH_PREFIX = "erased-"
MAX_REASON_LENGTH = 500


# ----- who may, and whom -------------------------------------------------------------------


def programme_for_requests(*, user: User, pk: int) -> Programme:
    """A summer-job programme of the user's municipality whose leads or coordinators the user
    is among: they answer requests about its applicants. 404 for anyone else."""
    if user.municipality_id is None:
        raise Http404
    mine = memberships.programme_ids_with_summer_jobs(user)
    runs = [p for p in mine if memberships.runs_summer_jobs(user, p)]
    has_seasons = Exists(Season.objects.filter(programme=OuterRef("pk")))
    programmes = Programme.objects.filter(
        Q(kind=ProgrammeKind.SUMMER_JOBS) | Q(has_seasons),
        municipality_id=user.municipality_id,
        pk__in=runs,
    )
    return get_object_or_404(programmes, pk=pk)


@dataclass(frozen=True)
class Applicant:
    """One young person's applications in the seasons of one programme, newest first."""

    programme: Programme
    applications: list[Application]

    @property
    def ids(self) -> list[int]:
        return [a.pk for a in self.applications]

    @property
    def latest(self) -> Application:
        return self.applications[0]

    @property
    def erased(self) -> bool:
        return all(is_erased(a) for a in self.applications)


def is_erased(application: Application) -> bool:
    return application.national_id_hash.startswith(ERASED_HASH_PREFIX)


def _applications_of(programme_id: int, id_hash: str) -> QuerySet[Application]:
    return (
        Application.objects.filter(season__programme_id=programme_id, national_id_hash=id_hash)
        .select_related("season__programme", "tier")
        .order_by("-season__applications_open_at", "-pk")
    )


def applicant_search(*, programme: Programme, national_id: str) -> Applicant | None:
    """The person with this personnummer or samordningsnummer among the programme's
    applicants, or None. The number is checked (an ApplicationError on ``national_id`` says
    what is wrong) and looked up by its keyed hash only: one query, found or not."""
    number = nid.parse(national_id, country=Country.SWEDEN)
    found = list(_applications_of(programme.pk, nid.lookup_hash(number.value)))
    return Applicant(programme, found) if found else None


def applicant_get(*, user: User, pk: int) -> Applicant:
    """The young person who made application ``pk``, with all their applications in its
    programme's seasons; 404 unless the user leads or coordinates that programme's summer
    jobs (caseworkers see applications, but do not answer for them)."""
    application = get_object_or_404(
        Application.objects.visible_to(user).select_related("season__programme"), pk=pk
    )
    programme = application.season.programme
    if not memberships.runs_summer_jobs(user, programme.pk):
        raise Http404
    return Applicant(programme, list(_applications_of(programme.pk, application.national_id_hash)))


def applicant_outcomes(*, applicant: Applicant) -> dict[int, Allocation]:
    """Each application's outcome of its season's run for real, as it stands: a place or a
    reserve position."""
    rows = Allocation.objects.filter(
        application_id__in=applicant.ids, run__dry_run=False
    ).select_related("place__workplace", "place__area", "place__period")
    return {row.application_id: row for row in rows}


# ----- what is held ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """The rows of one model that are about the applicant, found from their applications'
    keys by ``rows``."""

    key: str
    model: type[models.Model]
    title: str | Promise
    rows: Callable[[list[int]], "QuerySet[Any]"]
    table: bool = False  # many short rows: a table in the PDF, not a block per row
    omit: tuple[str, ...] = ()

    @property
    def columns(self) -> "list[models.Field[Any, Any]]":
        fields = [*self.model._meta.concrete_fields, *self.model._meta.many_to_many]
        return [
            f
            for f in fields
            if isinstance(f, models.Field) and f.name not in OMITTED and f.name not in self.omit
        ]


def _applications(ids: list[int]) -> "QuerySet[Application]":
    return (
        Application._base_manager.filter(pk__in=ids)
        .select_related("season", "tier")
        .prefetch_related("periods")
        .order_by("-created_at", "-pk")
    )


def _email_changes(ids: list[int]) -> "QuerySet[EmailChange]":
    return EmailChange.objects.filter(application_id__in=ids).order_by("pk")


def _choices(ids: list[int]) -> "QuerySet[Choice]":
    return Choice.objects.filter(application_id__in=ids).select_related("area")


_PLACE = ("place__workplace", "place__area", "place__period")


def _allocations(ids: list[int]) -> "QuerySet[Allocation]":
    return (
        Allocation.objects.filter(application_id__in=ids)
        .select_related("run", *_PLACE)
        .order_by("run__run_at", "pk")
    )


def _overrides(ids: list[int]) -> "QuerySet[Override]":
    return Override.objects.filter(allocation__application_id__in=ids).select_related(
        "made_by",
        *(f"{end}_place__{part}" for end in ("from", "to") for part in ("workplace", "area")),
        "from_place__period",
        "to_place__period",
    )


def _offers(ids: list[int]) -> "QuerySet[Offer]":
    return (
        Offer.objects.filter(allocation__application_id__in=ids)
        .select_related(*_PLACE)
        .order_by("created_at", "pk")
    )


def _hours(ids: list[int]) -> "QuerySet[HoursEntry]":
    return (
        HoursEntry.objects.filter(offer__allocation__application_id__in=ids)
        .select_related("entered_by")
        .order_by("day", "entered_at", "pk")
    )


def _attestations(ids: list[int]) -> "QuerySet[Attestation]":
    return Attestation.objects.filter(offer__allocation__application_id__in=ids).order_by("pk")


def _pay(ids: list[int]) -> "QuerySet[PayrollLine]":
    return (
        PayrollLine.objects.filter(offer__allocation__application_id__in=ids)
        .select_related("batch")
        .order_by("batch__pay_date", "pk")
    )


def _checklists(ids: list[int]) -> "QuerySet[PreStart]":
    return PreStart.objects.filter(offer__allocation__application_id__in=ids).order_by("pk")


def _staff_answers(ids: list[int]) -> "QuerySet[StaffAnswer]":
    return (
        StaffAnswer.objects.filter(offer__allocation__application_id__in=ids)
        .select_related("made_by")
        .order_by("made_at", "pk")
    )


def _youth_evaluations(ids: list[int]) -> "QuerySet[YouthEvaluation]":
    return YouthEvaluation.objects.filter(offer__allocation__application_id__in=ids).order_by("pk")


def _supervisor_evaluations(ids: list[int]) -> "QuerySet[SupervisorEvaluation]":
    return SupervisorEvaluation.objects.filter(offer__allocation__application_id__in=ids).order_by(
        "pk"
    )


def history_filter(ids: list[int]) -> Q:
    """The change history about the applications, their outcomes and their offers."""
    allocations = list(
        Allocation.objects.filter(application_id__in=ids).values_list("pk", flat=True)
    )
    offers = Offer.objects.filter(allocation_id__in=allocations).values_list("pk", flat=True)
    return (
        Q(model=Application._meta.label_lower, object_id__in=[str(pk) for pk in ids])
        | Q(model=Allocation._meta.label_lower, object_id__in=[str(pk) for pk in allocations])
        | Q(model=Offer._meta.label_lower, object_id__in=[str(pk) for pk in offers])
    )


def _changes(ids: list[int]) -> "QuerySet[ChangeEvent]":
    return ChangeEvent.objects.filter(history_filter(ids)).select_related("user")


def _looks(ids: list[int]) -> "QuerySet[AccessEvent]":
    return AccessEvent.objects.filter(
        model=Application._meta.label_lower, object_id__in=[str(pk) for pk in ids]
    ).select_related("user")


def _workplace_looks(ids: list[int]) -> "QuerySet[WorkplaceLook]":
    return WorkplaceLook.objects.filter(application_key__in=ids)


def _exports(ids: list[int]) -> "QuerySet[ApplicantAccessExport]":
    return (
        ApplicantAccessExport.objects.filter(applications__in=ids)
        .distinct()
        .select_related("programme", "requested_by")
    )


PARTS: tuple[Part, ...] = (
    Part("applications", Application, gettext_lazy("Applications"), _applications),
    Part("choices", Choice, gettext_lazy("Ranked work areas"), _choices, table=True),
    Part(
        "email_changes",
        EmailChange,
        gettext_lazy("A new e-mail address waiting for its code"),
        _email_changes,
        omit=("code_hash",),
    ),
    Part(
        "allocations",
        Allocation,
        gettext_lazy("The lottery's outcome (the run for real, as it stands)"),
        _allocations,
        table=True,
    ),
    Part("overrides", Override, gettext_lazy("Changes by hand to the outcome"), _overrides),
    Part("offers", Offer, gettext_lazy("Offers of a place"), _offers),
    Part("hours", HoursEntry, gettext_lazy("Hours at work"), _hours, table=True),
    Part("attestations", Attestation, gettext_lazy("Hours attested"), _attestations, table=True),
    Part("pay", PayrollLine, gettext_lazy("Pay sent to payroll"), _pay, table=True),
    Part("checklists", PreStart, gettext_lazy("Before the start"), _checklists),
    Part(
        "staff_answers",
        StaffAnswer,
        gettext_lazy("Answers taken by staff on the phone"),
        _staff_answers,
        table=True,
    ),
    Part(
        "youth_evaluations",
        YouthEvaluation,
        gettext_lazy("The young person's evaluation of the summer job"),
        _youth_evaluations,
    ),
    Part(
        "supervisor_evaluations",
        SupervisorEvaluation,
        gettext_lazy("The handledare's evaluation"),
        _supervisor_evaluations,
    ),
    Part(
        "change_events",
        ChangeEvent,
        gettext_lazy("What changed, when, by whom"),
        _changes,
        omit=("participant",),
    ),
    Part(
        "access_events",
        AccessEvent,
        gettext_lazy("Who on the staff has looked at or exported the applications"),
        _looks,
        table=True,
        omit=("participant",),
    ),
    Part(
        "workplace_looks",
        WorkplaceLook,
        gettext_lazy("Who at a workplace has looked at your contact details"),
        _workplace_looks,
        table=True,
    ),
    Part(
        "access_exports",
        ApplicantAccessExport,
        gettext_lazy("Earlier exports"),
        _exports,
        table=True,
        omit=("pdf_file", "json_file", "error"),
    ),
)

COVERED_MODELS = frozenset(part.model for part in PARTS)


@dataclass(frozen=True)
class DrawRow:
    """An application's place in one lottery run (dry or for real), from the run's result."""

    run: LotteryRun
    application_id: int
    position: int  # in the order of the draw, 1 first
    place: Place | None
    choice_rank: int | None
    reserve_position: int | None


@dataclass
class ApplicantRecords:
    """Everything held on one applicant, gathered at one moment, part by part."""

    applicant: Applicant
    actor: User
    generated_at: datetime
    rows: dict[str, list[models.Model]] = field(default_factory=dict)
    draws: list[DrawRow] = field(default_factory=list)


def applicant_records(*, actor: User, applicant: Applicant) -> ApplicantRecords:
    """Every row of every part about the applicant, and their draws. The caller has checked
    that ``actor`` may (``applicant_get``)."""
    with transaction.atomic():  # one moment's rows, where the database isolates reads
        records = ApplicantRecords(applicant, actor, timezone.now())
        for part in PARTS:
            records.rows[part.key] = list(part.rows(applicant.ids))
        records.draws = applicant_draws(applicant.ids)
    return records


def applicant_draws(ids: list[int]) -> list[DrawRow]:
    """Where each application stood in every run of its season: its position in the draw,
    and the place it was given or its position on the reserve list."""
    wanted = set(ids)
    seasons = Application._base_manager.filter(pk__in=ids).values("season_id")
    runs = list(LotteryRun.objects.filter(season__in=seasons).order_by("run_at", "pk"))
    found = [(run, key) for run in runs for key in run.result.get("order", []) if key in wanted]
    placed = {
        (run.pk, row["applicant"]): row for run in runs for row in run.result.get("assignments", [])
    }
    places = Place.objects.select_related("workplace", "area", "period").in_bulk(
        [row["place"] for key, row in placed.items() if key[1] in wanted]
    )
    rows = []
    for run, key in found:
        assigned = placed.get((run.pk, key))
        reserve = run.result.get("reserve", [])
        rows.append(
            DrawRow(
                run=run,
                application_id=key,
                position=run.result["order"].index(key) + 1,
                place=places.get(assigned["place"]) if assigned else None,
                choice_rank=assigned["choice_rank"] if assigned else None,
                reserve_position=reserve.index(key) + 1 if key in reserve else None,
            )
        )
    return rows


# ----- erasure ---------------------------------------------------------------------------------


def _current_places(ids: list[int], today: date) -> "QuerySet[Allocation]":
    return Allocation.objects.filter(
        application_id__in=ids,
        run__dry_run=False,
        place__isnull=False,
        place__period__ends_on__gte=today,
    )


def applicant_erasure_refusal(*, applicant: Applicant, today: date | None = None) -> str | None:
    """Why the applicant cannot be erased now, or None.

    A place in a period that has not ended is given back first (the young person declines its
    offer, or staff take it back by hand on the run's page): a workplace and a handledare are
    expecting the young person, and the place should go to the next on the reserve list
    rather than to nobody."""
    if applicant.erased:
        return _("These applications have already been erased.")
    if _current_places(applicant.ids, today or timezone.localdate()).exists():
        return _(
            "The young person has a place in a period that has not ended. It is given back "
            "first: they decline its offer through the link in it, or you take the place back "
            "by hand on the run's page, with the reason. Then the applications can be erased."
        )
    if payroll_unpaid(application_ids=applicant.ids):
        # The payroll file needs the personnummer that erasure removes.
        return _(
            "The young person has hours that no payroll file has paid yet. Have them attested "
            "and make the payroll file first; then the applications can be erased."
        )
    return None


def applicant_identifiers(applications: Iterable[Application]) -> list[str]:
    """What would name the young person or their guardian in free text."""
    values: list[str] = []
    for a in applications:
        values += [a.first_name, a.last_name, f"{a.first_name} {a.last_name}", a.email, a.phone]
        values += [a.guardian_name, a.guardian_email, a.guardian_phone]
        if a.national_id_encrypted:
            # A number no key reads is left out: nobody could have copied it either.
            with contextlib.suppress(ApplicationError):
                values.append(nid.decrypt(a.national_id_encrypted))
    return [v.strip() for v in values if v and len(v.strip()) >= 2]


def applicant_anonymise(
    *,
    actor: User,
    applicant: Applicant,
    reason: str,
    scrub: Callable[[str, list[str]], str],
    today: date | None = None,
) -> Applicant:
    """Erase the applicant on their request: remove everything that names them from their
    applications, the reasons of changes by hand to their outcome and the values of their
    change history; keep what the lottery and the figures are built from (the module's
    docstring). Only a lead or coordinator of the programme; refused while the young person
    has a place in a period not yet over (``applicant_erasure_refusal``).

    ``scrub(text, identifiers)`` takes the person's names and numbers out of the reason
    before it is kept in the history (the privacy app's ``blot``)."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the erasure."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ApplicationError(
            _("At most %(n)d characters.") % {"n": MAX_REASON_LENGTH}, field="reason"
        )
    if not memberships.runs_summer_jobs(actor, applicant.programme.pk):
        raise ApplicationError(_("Only the programme's leads and coordinators can do this."))
    with transaction.atomic():
        locked = list(Application.objects.select_for_update().filter(pk__in=applicant.ids))
        now_held = Applicant(applicant.programme, locked)
        refusal = applicant_erasure_refusal(applicant=now_held, today=today)
        if refusal:
            raise ApplicationError(refusal)
        note = scrub(reason, applicant_identifiers(locked))
        _anonymise_applications(locked)
        _scrub_outcomes(applicant.ids)
        changes_redact(ChangeEvent.objects.filter(history_filter(applicant.ids)))
        for application in locked:
            change_record(
                actor=actor,
                instance=application,
                action=ChangeAction.UPDATE,
                before={"anonymised": None},
                after={"anonymised": note},
            )
    payroll_files_withdraw(application_ids=applicant.ids)
    logger.info("summer jobs: applications %s erased on request", applicant.ids)
    return Applicant(applicant.programme, list(_applications(applicant.ids)))


def _anonymise_applications(applications: list[Application]) -> None:
    placed = set(
        Allocation.objects.filter(
            application_id__in=[a.pk for a in applications], run__dry_run=False, place__isnull=False
        ).values_list("application_id", flat=True)
    )
    for application in applications:
        # Still in the running (not drawn, or on the reserve list): out of every later draw
        # and offer. A place in a period that is over stays what it was.
        status = application.status if application.pk in placed else ApplicationStatus.WITHDRAWN
        Application.objects.filter(pk=application.pk).update(
            first_name=ANONYMISED,
            last_name=f"#{application.pk}",
            national_id_encrypted="",
            national_id_hash=ERASED_HASH_PREFIX + secrets.token_hex(24),
            national_id_masked="",
            email="",
            phone="",
            postcode="",
            guardian_name="",
            guardian_email="",
            guardian_phone="",
            school="",
            school_year="",
            motivation="",
            # The year is what figures use (age bands); the middle of it is closest.
            birth_date=date(application.birth_date.year, 7, 1),
            edit_token_hash=None,
            status=status,
            version=F("version") + 1,
        )


def _scrub_outcomes(ids: list[int]) -> None:
    """A change by hand keeps who made it, when, and from and to which place; its reason,
    which may tell the young person's circumstances, goes. An offer keeps its place, status
    and dates; its links stop working and the reason given for a no goes. Hours worked and
    their attestation stay (pay and the season's figures), without the reasons of corrections."""
    Override.objects.filter(allocation__application_id__in=ids).update(reason=REMOVED)
    HoursEntry.objects.filter(offer__allocation__application_id__in=ids).exclude(
        correction_reason=""
    ).update(correction_reason=REMOVED)
    Offer.objects.filter(allocation__application_id__in=ids).update(
        decline_reason="",
        token_hash=None,
        guardian_token_hash=None,
        reminder_token_hash=None,
        guardian_reminder_token_hash=None,
        certificate_token_hash=None,
        version=F("version") + 1,
    )
    # The answers' figures stay for the season's summaries; what was written about or by the
    # young person goes.
    YouthEvaluation.objects.filter(offer__allocation__application_id__in=ids).update(text="")
    SupervisorEvaluation.objects.filter(offer__allocation__application_id__in=ids).update(
        statement="", printable=False
    )
    # The checklist keeps what was ticked, by whom and when (the employment's record); the next
    # of kin, a third person, and the notes of answers taken on the phone go.
    PreStart.objects.filter(offer__allocation__application_id__in=ids).update(
        next_of_kin_name="", next_of_kin_phone=""
    )
    StaffAnswer.objects.filter(offer__allocation__application_id__in=ids).update(note=REMOVED)
    EmailChange.objects.filter(application_id__in=ids).delete()
