"""The payroll export: a batch of attested hours for a pay date, built by a worker into a PAXml
2.0 file and a CSV; each young person's period paid once, corrections paid as the difference,
a failed batch paying nothing, and the personnummer in the files alone."""

import logging
import os
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from config.errors import ApplicationError
from participants import national_id as nid
from summerjobs import payroll
from summerjobs.models import PayrollBatch, PayrollLine
from summerjobs.payroll import (
    files_kept,
    payroll_batch_build,
    payroll_batch_request,
    payroll_files_expire,
    payroll_owed,
)
from summerjobs.subject import Applicant, applicant_anonymise, applicant_erasure_refusal
from summerjobs.tasks import payroll_batch_build_task
from tests import factories as f
from tests.support.payroll import (
    START,
    TODAY,
    at_the_park,
    attest,
    born_aged,
    correct,
    csv_of,
    lonetrans,
    paxml_of,
    paxml_problems,
    pay_by_age,
    work,
)

pytestmark = pytest.mark.django_db
PAY_DATE = TODAY + timedelta(days=10)


@pytest.fixture
def lead(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="programme_lead")
    return user


@pytest.fixture
def worked(summer, lead):
    """A 16-year-old's 3 days of 7.5 hours and an 18-year-old's 4 days of 8, both attested."""
    rates = pay_by_age(summer)
    offers = at_the_park(summer, lead, {"16": born_aged(16), "18": born_aged(18)})
    work(offers["16"], 3)
    work(offers["18"], 4, ends=time(16, 30))
    attest(offers["16"])
    attest(offers["18"])
    return {**offers, "rates": rates}


def make_batch(lead, summer, captured, **kwargs) -> PayrollBatch:
    with captured(execute=True):
        batch = payroll_batch_request(
            actor=lead, season=summer.season, pay_date=kwargs.pop("pay_date", PAY_DATE), **kwargs
        )
    batch.refresh_from_db()
    return batch


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def personnummer(offer) -> str:
    return nid.decrypt(offer.allocation.application.national_id_encrypted)


def test_a_batch_pays_a_16_and_an_18_year_old_at_their_age_bands(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    batch = make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert (batch.status, batch.people, batch.hours) == ("ready", 2, Decimal("54.50"))
    young, adult = (PayrollLine.objects.get(offer=worked[k]) for k in ("16", "18"))
    assert (young.hours, young.age, young.hourly_pay) == (Decimal("22.50"), 16, Decimal(98))
    assert (young.pay, young.holiday_pay) == (Decimal("2205.00"), Decimal("264.60"))
    assert (adult.hours, adult.age, adult.hourly_pay) == (Decimal("32.00"), 18, Decimal(128))
    assert (adult.pay, adult.holiday_pay) == (Decimal("4096.00"), Decimal("491.52"))
    assert batch.total == Decimal("7057.12")
    transactions = lonetrans(paxml_of(read(batch.xml_file.name)))
    young_lines = [t for t in transactions if t["persnr"] == personnummer(worked["16"])]
    assert [(t["lonart"], t["antal"], t["apris"], t["belopp"]) for t in young_lines] == [
        ("TIMLON", "22.50", "98.00", "2205.00"),
        ("SEMERS", "2205.00", "0.1200", "264.60"),
    ]
    assert len(transactions) == 4


def test_the_xml_has_the_shape_of_paxml_2_0_with_the_cost_centre_as_a_resultatenhet(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    summer.season.payroll_employer_id = "SOLVIK-01"
    summer.season.save()
    batch = make_batch(lead, summer, django_capture_on_commit_callbacks)
    root = paxml_of(read(batch.xml_file.name))
    assert paxml_problems(root) == []
    header = root.find("header")
    assert (header.findtext("version"), header.findtext("foretagid")) == ("2.0", "SOLVIK-01")
    assert header.findtext("foretagnamn") == "Solvik"
    units = {(u.get("dim"), u.get("id")) for u in root.iter("resenhet")}
    assert units == {("1", "4711")}
    assert root.find("dimensioner/dimension").get("namn") == "Kostnadsställe"


@pytest.mark.skipif(
    not os.environ.get("FOTFESTE_PAXML_XSD"), reason="FOTFESTE_PAXML_XSD names no schema file"
)
def test_the_xml_validates_against_the_published_schema(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    """The first file, a file of one negative correction, and an empty one."""
    lxml = pytest.importorskip("lxml.etree")
    schema = lxml.XMLSchema(lxml.parse(os.environ["FOTFESTE_PAXML_XSD"]))
    first = make_batch(lead, summer, django_capture_on_commit_callbacks)
    correct(worked["18"], lead, day=START, starts=time(8, 0), ends=time(12, 0))
    correction = make_batch(lead, summer, django_capture_on_commit_callbacks)
    empty = PayrollBatch.objects.create(season=summer.season, pay_date=PAY_DATE, requested_by=lead)
    payroll_batch_build(batch_id=empty.pk)
    empty.refresh_from_db()
    for batch in (first, correction, empty):
        document = lxml.fromstring(read(batch.xml_file.name))
        assert schema.validate(document), schema.error_log


def test_the_csv_has_the_same_lines_and_sums_to_the_batchs_total(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    lead.chosen_language = "sv"
    lead.save()
    batch = make_batch(lead, summer, django_capture_on_commit_callbacks)
    rows = csv_of(read(batch.csv_file.name))
    assert {row["Personnummer"] for row in rows} == {personnummer(worked[k]) for k in ("16", "18")}
    young = next(r for r in rows if r["Personnummer"] == personnummer(worked["16"]))
    assert (young["Timmar"], young["Timlön"], young["Semesterersättning (%)"]) == (
        "22.50",
        "98.00",
        "12.00",
    )
    assert young["Kostnadsställe"] == "4711" and young["Arbetsplats"] == "Parkförvaltningen"
    paid = sum(Decimal(r["Lön"]) + Decimal(r["Semesterersättning"]) for r in rows)
    assert paid == batch.total == sum(Decimal(r["Summa"]) for r in rows)


def test_hours_not_attested_wait_for_a_later_batch(
    summer, lead, django_capture_on_commit_callbacks
):
    pay_by_age(summer)
    offers = at_the_park(summer, lead, {"done": born_aged(18), "late": born_aged(19)})
    work(offers["done"], 2)
    work(offers["late"], 2)
    attest(offers["done"])
    first = make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert list(first.lines.values_list("offer", flat=True)) == [offers["done"].pk]
    attest(offers["late"])
    second = make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert list(second.lines.values_list("offer", flat=True)) == [offers["late"].pk]


def test_a_second_batch_finds_nothing_to_pay(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert payroll_owed(season=summer.season) == []
    with pytest.raises(ApplicationError, match="nothing to put in a file"):
        make_batch(lead, summer, django_capture_on_commit_callbacks)
    # Made all the same (asked for before the first was built): empty, and a valid file.
    empty = PayrollBatch.objects.create(season=summer.season, pay_date=PAY_DATE, requested_by=lead)
    assert payroll_batch_build(batch_id=empty.pk)
    empty.refresh_from_db()
    assert (empty.status, empty.people, empty.total, empty.lines.count()) == ("ready", 0, 0, 0)
    root = paxml_of(read(empty.xml_file.name))
    assert paxml_problems(root) == [] and lonetrans(root) == []


def test_a_correction_after_export_is_paid_as_the_difference_in_the_next_batch(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    make_batch(lead, summer, django_capture_on_commit_callbacks)
    # A day of 7.5 hours was 5.5: two hours too many were paid.
    correct(worked["16"], lead, day=START, starts=time(8, 0), ends=time(14, 0))
    batch = make_batch(lead, summer, django_capture_on_commit_callbacks)
    line = batch.lines.get()
    assert (line.offer, line.hours, line.correction) == (worked["16"], Decimal("-2.00"), True)
    assert (line.pay, line.holiday_pay) == (Decimal("-196.00"), Decimal("-23.52"))
    assert batch.total == Decimal("-219.52")
    transactions = lonetrans(paxml_of(read(batch.xml_file.name)))
    assert [t["belopp"] for t in transactions] == ["-196.00", "-23.52"]
    assert all(t["kommentar"] for t in transactions)
    assert payroll_owed(season=summer.season) == []


def test_a_task_run_twice_writes_one_file_and_pays_once(worked, lead, summer):
    batch = PayrollBatch.objects.create(season=summer.season, pay_date=PAY_DATE, requested_by=lead)
    payroll_batch_build_task.delay(batch.pk)
    payroll_batch_build_task.delay(batch.pk)
    assert not payroll_batch_build(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "ready" and PayrollLine.objects.count() == 2
    _folders, files = default_storage.listdir("payroll")  # shared by the tests of this process
    mine = [name for name in files if name.startswith((f"batch-{batch.pk}.", f"batch-{batch.pk}_"))]
    assert sorted(mine) == [f"batch-{batch.pk}.csv", f"batch-{batch.pk}.xml"]


def test_a_batch_left_running_by_a_dead_worker_is_built_by_the_next_delivery(worked, lead, summer):
    batch = PayrollBatch.objects.create(
        season=summer.season, pay_date=PAY_DATE, requested_by=lead, status="running"
    )
    assert payroll_batch_build(batch_id=batch.pk)
    assert PayrollBatch.objects.get(pk=batch.pk).status == "ready"


def test_a_failed_batch_pays_nothing_and_the_next_one_pays_it(
    worked, lead, summer, monkeypatch, django_capture_on_commit_callbacks
):
    def broken_store(name, content):
        raise OSError("disk full")

    monkeypatch.setattr(payroll, "file_store", broken_store)
    failed = make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert (failed.status, failed.error, failed.lines.count()) == ("failed", "OSError", 0)
    assert not default_storage.exists(f"payroll/batch-{failed.pk}.xml")
    monkeypatch.undo()
    batch = make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert (batch.status, batch.people) == ("ready", 2)


@pytest.mark.parametrize("days", [-32, 184])
def test_a_pay_date_far_in_the_past_or_the_future_is_refused(
    worked, lead, summer, days, django_capture_on_commit_callbacks
):
    with pytest.raises(ApplicationError) as refused:
        make_batch(
            lead, summer, django_capture_on_commit_callbacks, pay_date=TODAY + timedelta(days)
        )
    assert refused.value.field == "pay_date" and "Choose a pay date" in str(refused.value)
    assert not PayrollBatch.objects.exists()


def test_an_age_without_pay_is_refused_naming_who(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    worked["rates"]["16"].delete()
    with pytest.raises(ApplicationError) as refused:
        make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert "Testförnamn Ung16 (16)" in str(refused.value) and "Ung18" not in str(refused.value)
    assert not PayrollBatch.objects.exists()


def test_an_age_band_removed_before_the_build_fails_the_batch_and_pays_nothing(
    worked, lead, summer
):
    batch = PayrollBatch.objects.create(season=summer.season, pay_date=PAY_DATE, requested_by=lead)
    worked["rates"]["18"].delete()
    payroll_batch_build(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.lines.count()) == ("failed", "MissingPayRate", 0)


def test_one_batch_at_a_time_per_season(worked, lead, summer):
    PayrollBatch.objects.create(season=summer.season, pay_date=PAY_DATE, requested_by=lead)
    with pytest.raises(ApplicationError, match="already being made"):
        payroll_batch_request(actor=lead, season=summer.season, pay_date=PAY_DATE)
    assert PayrollBatch.objects.count() == 1


def test_only_the_programmes_leads_and_coordinators_make_payroll_files(world, worked, summer):
    coordinator = f.UserFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(
        user=coordinator, programme=summer.season.programme, role="summer_coordinator"
    )
    assert payroll_batch_request(actor=coordinator, season=summer.season, pay_date=PAY_DATE)
    for user in (world.foreign_caseworker, world.programme_lead):
        with pytest.raises(ApplicationError, match="leads and coordinators"):
            payroll_batch_request(actor=user, season=summer.season, pay_date=PAY_DATE)


def test_the_personnummer_is_in_the_files_alone_never_in_a_log_or_a_file_name(
    worked, lead, summer, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    adults = worked["rates"]["18"]
    adults.delete()
    batch = PayrollBatch.objects.create(season=summer.season, pay_date=PAY_DATE, requested_by=lead)
    payroll_batch_build(batch_id=batch.pk)  # fails, and logs where
    adults.pk = None
    adults.save()
    made = make_batch(lead, summer, django_capture_on_commit_callbacks)
    numbers = [personnummer(worked[k]) for k in ("16", "18")]
    assert all(n in read(made.xml_file.name).decode() for n in numbers)
    for number in numbers:
        assert number not in caplog.text and number[2:] not in caplog.text
        assert number not in made.xml_file.name + made.csv_file.name


def test_the_files_are_kept_until_a_week_after_the_pay_date_and_then_deleted(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    assert files_kept(TODAY + timedelta(days=2), TODAY) == timedelta(days=14)
    assert files_kept(TODAY + timedelta(days=60), TODAY) == timedelta(days=67)
    batch = make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert batch.expires_at > timezone.now() + timedelta(days=13)
    PayrollBatch.objects.filter(pk=batch.pk).update(expires_at=timezone.now())
    assert payroll_files_expire() == 1
    batch.refresh_from_db()
    assert (batch.xml_file.name, batch.csv_file.name, batch.lines.count()) == ("", "", 2)
    assert not default_storage.exists(f"payroll/batch-{batch.pk}.xml")
    assert payroll_owed(season=summer.season) == []


def test_a_young_person_is_erased_only_once_their_hours_are_paid_and_then_leaves_no_file(
    worked, lead, summer, django_capture_on_commit_callbacks
):
    application = worked["18"].allocation.application
    applicant = Applicant(summer.season.programme, [application])
    assert "no payroll file has paid" in applicant_erasure_refusal(applicant=applicant)
    batch = make_batch(lead, summer, django_capture_on_commit_callbacks)
    assert applicant_erasure_refusal(applicant=applicant) is None
    applicant_anonymise(
        actor=lead, applicant=applicant, reason="Begäran", scrub=lambda text, _names: text
    )
    batch.refresh_from_db()
    assert (batch.xml_file.name, batch.csv_file.name, batch.lines.count()) == ("", "", 2)
    assert not default_storage.exists(f"payroll/batch-{batch.pk}.xml")
    assert payroll_owed(season=summer.season) == []
