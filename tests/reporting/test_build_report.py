"""``manage.py build_report`` writes the same files the reports page builds."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from programs.models import Grant
from reporting.models import ReportRun

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_the_shell_builds_a_grant_report_into_a_folder(world, tmp_path):
    grant = Grant.objects.create(
        municipality=world.municipality,
        funder="Agder fylkeskommune",
        name="LIM",
        amount=Decimal("450000"),
        starts_on=TODAY - timedelta(days=100),
        ends_on=TODAY + timedelta(days=100),
    )
    grant.programmes.add(world.programme)
    call_command(
        "build_report",
        "lim",
        grant=grant.pk,
        start=TODAY - timedelta(days=30),
        end=TODAY,
        audience="publication",
        language="sv",
        out=tmp_path,
    )
    run = ReportRun.objects.get()
    assert (run.kind, run.audience, run.language, run.requested_by) == (
        "lim",
        "publication",
        "sv",
        None,
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        f"fotfeste-lim-{run.period_start}-{run.pk}.{ext}" for ext in ("csv", "pdf", "xlsx")
    ]
    pdf = (tmp_path / written[1]).read_bytes()
    assert pdf.startswith(b"%PDF") and pdf == default_storage.open(run.pdf_file.name).read()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ks", "--grant", "1"], "needs --grant"),
        (["ks", "--programme", "999999"], "No programme"),
        (["ks", "--programme", "{p}", "--from", "2026-13-01"], "Not a date"),
        (["ks", "--programme", "{p}", "--to", "2020-01-01"], "cannot end before"),
    ],
)
def test_the_shell_says_what_is_wrong_and_builds_nothing(world, tmp_path, args, message):
    args = [a.replace("{p}", str(world.programme.pk)) for a in args]
    kind, *rest = args
    defaults = [kind, "--from", (TODAY - timedelta(days=10)).isoformat(), "--to", TODAY.isoformat()]
    with pytest.raises(CommandError, match=message):
        call_command("build_report", *defaults, *rest, "--out", str(tmp_path))
    assert not ReportRun.objects.exists()
