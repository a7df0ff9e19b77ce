"""Payroll (docs/summerjobs.md, «Payroll»): a season's attested hours as a batch for a pay date,
built by a worker into a PAXml 2.0 file and a CSV (summerjobs/payroll_files.py).

What a batch pays is what is owed when it is built: for every young person's attested period,
the hours that count now (summerjobs/work.py's newest entry of each day) less what earlier
batches paid for it. A period no batch paid is paid whole; a correction staff made after a
batch paid it is paid as the difference, more or less. Hours not attested wait. A batch's lines
are written in the same transaction that marks it ready, so a failed batch paid nothing and the
next one pays it; one batch per season is made at a time (a database constraint), so two never
pay the same hours.

The files hold the personnummer in full, which payroll needs: it is decrypted in the worker,
written into the files only, and never into a log, a file name or a task's arguments."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import User
from audit.models import AccessAction, ChangeAction
from audit.services import access_record_rows, change_record, snapshot
from config.errors import ApplicationError
from config.generated import (
    GeneratedStatus,
    file_store,
    generated_build,
    generated_claim,
    generated_fail,
    generated_files_expire,
    generated_finish,
    generated_progress,
)
from config.queue import send_after_commit
from participants import national_id as nid
from summerjobs.lottery import age_on
from summerjobs.models import Application, HoursEntry, Offer, PayRate, Season
from summerjobs.payroll_files import FileHeader, FileLine, csv_document, paxml
from summerjobs.payroll_models import PayrollBatch, PayrollDownload, PayrollLine
from summerjobs.work import effective_days

# A pay date is this month's or the next months': one long past or far ahead is a slip.
PAY_DATE_DAYS_BEFORE = 31
PAY_DATE_DAYS_AFTER = 183
# The files hold every young person's personnummer: kept for days, like the other exports, but
# always until a week after the pay date, for payroll to fetch them in time.
FILES_KEPT_DAYS = 14
DAYS_AFTER_PAY_DATE = 7
FORMATS = ("xml", "csv")
CONTENT_TYPES = {"xml": "application/xml", "csv": "text/csv; charset=utf-8"}
CENT = Decimal("0.01")


class MissingPayRate(ApplicationError):
    """A young person's age on their period's first day has no pay in the season."""


@dataclass(frozen=True)
class Owed:
    """A young person's attested period and what a batch owes it now: the hours no batch paid,
    or a correction's difference (``correction``), at the pay of their age band."""

    offer: Offer
    hours: Decimal
    age: int
    rate: PayRate | None
    correction: bool

    @property
    def pay(self) -> Decimal:
        assert self.rate is not None
        return (self.hours * self.rate.hourly_pay).quantize(CENT, ROUND_HALF_UP)

    @property
    def holiday_pay(self) -> Decimal:
        assert self.rate is not None
        return (self.pay * self.rate.holiday_pay_percent / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def name(self) -> str:
        application = self.offer.allocation.application
        return f"{application.first_name} {application.last_name}"


def rate_for(rates: Iterable[PayRate], age: int) -> PayRate | None:
    """The season's pay for someone ``age`` years old (its rates read once)."""
    return next((rate for rate in rates if rate.age_from <= age <= rate.age_to), None)


def payroll_owed(*, season: Season) -> list[Owed]:
    """What a batch of the season would pay now, by name. Four queries, whatever the number of
    young people."""
    offers = list(
        Offer.objects.filter(place__period__season=season, attestation__isnull=False)
        .select_related("allocation__application", "place__workplace", "place__period")
        .order_by("allocation__application__last_name", "allocation__application__first_name", "pk")
    )
    now = _hours_now(offers)
    paid = _hours_paid(offers)
    rates = list(season.pay_rates.all())
    owed = []
    for offer in offers:
        hours = now[offer.pk] - paid.get(offer.pk, Decimal(0))
        if hours:
            age = age_on(offer.allocation.application.birth_date, offer.place.period.starts_on)
            owed.append(Owed(offer, hours, age, rate_for(rates, age), offer.pk in paid))
    return owed


def _hours_paid(offers: list[Offer]) -> dict[int, Decimal]:
    """The hours earlier batches paid for each offer (a batch has lines only once ready)."""
    return dict(
        PayrollLine.objects.filter(
            offer__in=[offer.pk for offer in offers], batch__status=GeneratedStatus.READY
        )
        .values_list("offer_id")
        .annotate(hours=Sum("hours"))
        .values_list("offer_id", "hours")
    )


def payroll_unpaid(*, application_ids: list[int]) -> bool:
    """Whether any of these applications' offers has hours that count now and that no payroll
    file paid, attested or not yet: the personnummer is still needed for a payroll file. One
    query: each day's entries in their period, with what batches paid for their offer."""
    paid = (
        PayrollLine.objects.filter(offer=OuterRef("offer_id"), batch__status=GeneratedStatus.READY)
        .values("offer_id")
        .annotate(hours=Sum("hours"))
        .values("hours")
    )
    decimal: DecimalField[Decimal, Decimal] = DecimalField(max_digits=9, decimal_places=2)
    entries = list(
        HoursEntry.objects.filter(
            offer__allocation__application_id__in=application_ids,
            day__gte=F("offer__place__period__starts_on"),
            day__lte=F("offer__place__period__ends_on"),
        )
        .annotate(
            paid=Coalesce(
                Subquery(paid, output_field=decimal), Value(Decimal(0)), output_field=decimal
            )
        )
        .only("offer_id", "day", "hours", "entered_at")
    )
    paid_by_offer = {entry.offer_id: entry.paid for entry in entries}
    now: dict[int, Decimal] = defaultdict(Decimal)
    for (offer_id, _day), entry in effective_days(entries).items():
        now[offer_id] += entry.hours
    return any(now[offer_id] != hours for offer_id, hours in paid_by_offer.items())


def _hours_now(offers: list[Offer]) -> dict[int, Decimal]:
    """The hours that count now in each offer's period (``work.period_hours``, for many)."""
    entries = HoursEntry.objects.filter(offer__in=[offer.pk for offer in offers]).only(
        "offer_id", "day", "hours", "entered_at"
    )
    periods = {offer.pk: offer.place.period for offer in offers}
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for (offer_id, day), entry in effective_days(entries).items():
        if periods[offer_id].starts_on <= day <= periods[offer_id].ends_on:
            hours[offer_id] += entry.hours
    return hours


@dataclass(frozen=True)
class Ready:
    """What the season's next batch would pay, as the page says it before the button."""

    people: int
    hours: Decimal
    total: Decimal
    corrections: int
    missing_rates: list[Owed]


def payroll_ready(*, season: Season) -> Ready:
    owed = payroll_owed(season=season)
    priced = [o for o in owed if o.rate is not None]
    return Ready(
        people=len({o.offer.allocation.application_id for o in owed}),
        hours=sum((o.hours for o in owed), Decimal(0)),
        total=sum((o.pay + o.holiday_pay for o in priced), Decimal(0)),
        corrections=sum(1 for o in owed if o.correction),
        missing_rates=[o for o in owed if o.rate is None],
    )


# --- Making a batch ---------------------------------------------------------------------------


def payroll_batch_request(
    *, actor: User, season: Season, pay_date: date, today: date | None = None
) -> PayrollBatch:
    """Ask for a batch of the season for ``pay_date``; a worker builds it once the transaction
    has committed. Refused for anyone but the programme's leads and coordinators, a pay date
    long past or far ahead, nothing to pay, an age without pay, or a batch still being made."""
    from summerjobs.tasks import payroll_batch_build_task  # the task calls this module

    today = today or timezone.localdate()
    if not memberships.runs_summer_jobs(actor, season.programme_id):
        raise ApplicationError(
            _("Only the programme's leads and coordinators make payroll files."), code="forbidden"
        )
    _check_pay_date(pay_date, today)
    owed = payroll_owed(season=season)
    if not owed:
        raise ApplicationError(
            _("No attested hours are waiting for payroll: there is nothing to put in a file."),
            code="empty",
        )
    _check_rates(owed)
    try:
        with transaction.atomic():
            batch = PayrollBatch.objects.create(
                season=season, pay_date=pay_date, requested_by=actor
            )
            change_record(
                actor=actor,
                instance=batch,
                action=ChangeAction.CREATE,
                after=snapshot(batch, ["season", "pay_date"]),
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("A payroll file is already being made for the season. Wait until it is ready."),
            code="busy",
        ) from exc
    send_after_commit(payroll_batch_build_task, batch.pk)
    return batch


def _check_pay_date(pay_date: date, today: date) -> None:
    first = today - timedelta(days=PAY_DATE_DAYS_BEFORE)
    last = today + timedelta(days=PAY_DATE_DAYS_AFTER)
    if pay_date < first:
        raise ApplicationError(
            _("Choose a pay date on %(first)s or later.") % {"first": first.isoformat()},
            field="pay_date",
        )
    if pay_date > last:
        raise ApplicationError(
            _("Choose a pay date on %(last)s or earlier.") % {"last": last.isoformat()},
            field="pay_date",
        )


def _check_rates(owed: list[Owed]) -> None:
    missing = [o for o in owed if o.rate is None]
    if missing:
        people = ", ".join(f"{o.name} ({o.age})" for o in missing)
        raise MissingPayRate(
            _(
                "The season has no pay for the age of these young people on their period's "
                "first day: %(people)s. Add the age band to the season's pay first."
            )
            % {"people": people},
            code="no_pay_rate",
        )


# --- Building a batch (the worker) ------------------------------------------------------------


def stored_name(batch_id: int, fmt: str) -> str:
    """A batch's file: its number only, never a name or a personnummer."""
    return f"payroll/batch-{batch_id}.{fmt}"


def payroll_batch_build(*, batch_id: int) -> bool:
    """Build one batch. Safe to run twice: a conditional update claims it (queued, or running
    after a worker died); the batch is marked ready, its lines written and its two files (of
    fixed names) replaced in one transaction that begins with a conditional update of its
    status, so a second delivery finds it ready and writes nothing."""
    if not generated_claim(PayrollBatch, batch_id, progress=5):
        return False
    batch = PayrollBatch.objects.select_related(
        "season__programme__municipality", "requested_by__municipality"
    ).get(pk=batch_id)
    fail = partial(payroll_batch_fail, batch_id=batch_id)
    built = generated_build(lambda: _build(batch), fail=fail, label=f"payroll batch {batch_id}")
    return bool(built)


def _build(batch: PayrollBatch) -> bool:
    owed = payroll_owed(season=batch.season)
    _check_rates(owed)
    generated_progress(PayrollBatch, batch.pk, 30)
    lines = [_file_line(o) for o in owed]
    season = batch.season
    header = FileHeader(
        made_at=timezone.localtime(),
        employer_name=season.programme.municipality.name,
        employer_id=season.payroll_employer_id,
        hourly_code=season.payroll_hourly_code,
        holiday_code=season.payroll_holiday_code,
    )
    # The file payroll reads in the municipality's language; the table in the asker's.
    with translation.override(season.programme.municipality.default_language):
        document = paxml(header, lines)
    with translation.override(batch.requested_by.language):
        table = csv_document(lines)
    generated_progress(PayrollBatch, batch.pk, 70)
    names = {fmt: stored_name(batch.pk, fmt) for fmt in FORMATS}
    with transaction.atomic():
        finished = generated_finish(
            PayrollBatch,
            batch.pk,
            kept=files_kept(batch.pay_date),
            xml_file=names["xml"],
            csv_file=names["csv"],
            people=len({o.offer.allocation.application_id for o in owed}),
            hours=sum((o.hours for o in owed), Decimal(0)),
            total=sum((line.total for line in lines), Decimal(0)),
            progress=100,
        )
        if not finished:
            return False
        PayrollLine.objects.bulk_create([_line(batch, o) for o in owed])
        file_store(names["xml"], document)
        file_store(names["csv"], table)
    return True


def files_kept(pay_date: date, today: date | None = None) -> timedelta:
    """How long a batch's files are kept from now: two weeks, or until a week after the pay
    date when that is later."""
    today = today or timezone.localdate()
    until_paid = pay_date + timedelta(days=DAYS_AFTER_PAY_DATE) - today
    return max(timedelta(days=FILES_KEPT_DAYS), until_paid)


def _file_line(owed: Owed) -> FileLine:
    application = owed.offer.allocation.application
    place = owed.offer.place
    return FileLine(
        national_id=nid.decrypt(application.national_id_encrypted),
        last_name=application.last_name,
        first_name=application.first_name,
        workplace=place.workplace.name,
        cost_centre=place.workplace.cost_centre,
        period=place.period.number,
        starts_on=place.period.starts_on,
        ends_on=place.period.ends_on,
        hours=owed.hours,
        age=owed.age,
        hourly_pay=owed.rate.hourly_pay if owed.rate else Decimal(0),
        pay=owed.pay,
        holiday_pay_percent=owed.rate.holiday_pay_percent if owed.rate else Decimal(0),
        holiday_pay=owed.holiday_pay,
        correction=owed.correction,
    )


def _line(batch: PayrollBatch, owed: Owed) -> PayrollLine:
    assert owed.rate is not None
    return PayrollLine(
        batch=batch,
        offer=owed.offer,
        hours=owed.hours,
        age=owed.age,
        hourly_pay=owed.rate.hourly_pay,
        pay=owed.pay,
        holiday_pay_percent=owed.rate.holiday_pay_percent,
        holiday_pay=owed.holiday_pay,
        correction=owed.correction,
        cost_centre=owed.offer.place.workplace.cost_centre,
    )


def payroll_batch_fail(*, batch_id: int, reason: str) -> None:
    """Record a batch that could not be built (it paid nothing) and remove the files a part-way
    build left."""
    files = [stored_name(batch_id, fmt) for fmt in FORMATS]
    generated_fail(PayrollBatch, batch_id, reason=reason, files=files)


def payroll_files_expire() -> int:
    """Nightly: delete the files of batches past ``expires_at``, keeping the batches and their
    lines (what was paid stays known). Safe to run twice (``generated_files_expire``)."""
    return generated_files_expire(PayrollBatch, fields=["xml_file", "csv_file"])


# --- Reading and downloading ------------------------------------------------------------------


def payroll_batches(*, season: Season) -> QuerySet[PayrollBatch]:
    """The season's batches, newest first, with who asked and who downloaded them. Two
    queries."""
    downloads = PayrollDownload.objects.select_related("user")
    return season.payroll_batches.select_related("requested_by").prefetch_related(
        Prefetch("downloads", queryset=downloads)
    )


def payroll_batch_get(*, user: User, pk: int) -> PayrollBatch:
    """A batch of a season whose programme the user leads or coordinates summer jobs for;
    404 for everyone else, the programme's caseworkers too."""
    runs = memberships.programme_ids_led(user) + memberships.programme_ids_coordinated(user)
    batches = PayrollBatch.objects.filter(
        season__in=Season.objects.visible_to(user), season__programme_id__in=runs
    ).select_related("season")
    return get_object_or_404(batches, pk=pk)


def payroll_file(*, user: User, batch: PayrollBatch, fmt: str) -> FieldFile:
    """One of the batch's files, open for reading; the download is recorded (who, when, which
    file): the files hold every young person's personnummer."""
    if batch.status != GeneratedStatus.READY or fmt not in FORMATS:
        raise ApplicationError(_("There is no such file."))
    stored: FieldFile = getattr(batch, f"{fmt}_file")
    if batch.expired or not stored:
        raise ApplicationError(_("The payroll file has been deleted. Its hours stay paid."))
    try:
        handle = stored.open("rb")
    except OSError as exc:
        raise ApplicationError(
            _("The payroll file has been deleted. Its hours stay paid.")
        ) from exc
    PayrollDownload.objects.create(batch=batch, user=user, file_format=fmt)
    # In each young person's access log, as other exports of personal data are.
    paid = batch.lines.values_list("offer__allocation__application_id", flat=True).distinct()
    access_record_rows(
        user=user,
        model=Application,
        object_ids=list(paid),
        page="summerjobs:payroll_file",
        action=AccessAction.EXPORT,
    )
    return handle


def payroll_files_withdraw(*, application_ids: list[int]) -> int:
    """Delete the files of every batch that paid one of these applications, after the young
    person was erased: the files hold the personnummer. The batches and their lines stay
    (what was paid), marked expired. Returns how many batches lost their files."""
    batches = (
        PayrollBatch.objects.filter(lines__offer__allocation__application_id__in=application_ids)
        .exclude(xml_file="", csv_file="")
        .distinct()
        .only("pk", "xml_file", "csv_file")
    )
    count = 0
    for batch in list(batches):
        for stored in (batch.xml_file, batch.csv_file):
            if stored.name:
                default_storage.delete(stored.name)
        PayrollBatch.objects.filter(pk=batch.pk).update(
            xml_file="", csv_file="", expires_at=timezone.now()
        )
        count += 1
    return count
