"""The summer-job part of the benchmark: the lottery's timing on a season as staff run it, the
burst's forms as the e-service takes them, its pacing, the codes read from the mail files, and
the figures' verdicts."""

import time
from pathlib import Path

import pytest
from django.core.mail import EmailMessage, get_connection

from bench import burst, summer, summer_inside
from summerjobs.models import Application, PendingApplication, Season


@pytest.mark.django_db
def test_the_lottery_timing_runs_the_same_seed_three_times_and_leaves_nothing(monkeypatch):
    monkeypatch.setattr(summer_inside, "LOTTERY_APPLICANTS", 80)
    monkeypatch.setattr(summer_inside, "LOTTERY_PLACES", 9)

    found = summer_inside.lottery()

    assert found["applicants"] == 80
    assert found["places"] == 9 * summer_inside.LOTTERY_SLOTS
    assert 0 < found["placed"] <= found["places"]
    assert found["same_result"] is True
    assert len(found["seconds"]) == summer_inside.LOTTERY_RUNS
    assert not Season.objects.filter(name=summer_inside.SEASON_NAME).exists()


@pytest.mark.django_db
def test_the_bursts_forms_are_taken_by_the_e_service(client, monkeypatch):
    monkeypatch.setattr(summer_inside, "BURST_APPLICANTS", 12)
    season = summer_inside.summer()

    for form in season["applicants"]:
        answer = client.post(f"/apply/{season['season']}/", form, REMOTE_ADDR="10.0.0.1")
        assert answer.status_code == 302, answer.content.decode()[:2000]
        assert "/confirm/" in answer["Location"]

    assert PendingApplication.objects.filter(season_id=season["season"]).count() == 12
    numbers = {form["national_id"] for form in season["applicants"]}
    assert len(numbers) == 12  # a personnummer each: none refused as a second application
    assert not Application.objects.filter(season_id=season["season"]).exists()


def test_a_paced_burst_sends_each_request_on_its_schedule_and_counts_what_came_back():
    sent: dict[int, float] = {}

    def send(i: int) -> tuple[int, str, dict]:
        sent[i] = time.perf_counter()
        if i == 3:
            raise ConnectionResetError
        status = 500 if i == 5 else 302
        return status, f"/apply/1/confirm/{i}/", {"app": 1.0, "audit": 0.0}

    seen, locations = burst.paced(10, 100, send, expected=302)

    order = sorted(sent, key=sent.get)
    assert order == list(range(10))
    assert sent[9] - sent[0] == pytest.approx(0.09, abs=0.03)  # 100 a second
    assert seen.failures == 1
    assert sorted(seen.statuses) == [200] * 8 + [500]
    assert locations[4] == "/apply/1/confirm/4/" and locations[3] == ""


def test_the_codes_are_read_from_the_files_djangos_mail_backend_writes(tmp_path: Path, settings):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    connection = get_connection("django.core.mail.backends.filebased.EmailBackend")
    for n, code in enumerate(("123456", "654321")):
        body = f"Din kod är {code}\n\nAnge den inom 15 minuter för Sommarjobb åt 2027."
        EmailMessage("Din kod", body, to=[f"burst{n}@example.org"], connection=connection).send()

    found = burst.codes(tmp_path, {"burst0@example.org", "burst1@example.org"}, seconds=1)

    assert found == {"burst0@example.org": "123456", "burst1@example.org": "654321"}


def _run(latency: float, status: int = 200, n: int = 20) -> dict:
    return {
        "started": [0.0] * n,
        "latencies_ms": [latency] * n,
        "statuses": [status] * n,
        "server": [],
        "failures": 0,
        "seconds": 1.0,
        "late_ms_max": 3.0,
    }


def test_a_burst_figure_is_its_p95_over_the_hello_page_at_the_same_pace():
    runs = [
        {"hello": _run(10), "apply": _run(25), "confirm": _run(40), "received": 20}
        for _ in range(3)
    ]

    sent, entered = summer.burst_figures(runs)

    assert sent.ratio == pytest.approx(2.5) and sent.passed is True
    assert entered.ratio == pytest.approx(4.0) and entered.passed is False


def test_a_burst_with_an_error_fails_whatever_its_speed():
    runs = [
        {"hello": _run(10), "apply": _run(12, status=429), "confirm": _run(12), "received": 0}
        for _ in range(3)
    ]

    sent, _ = summer.burst_figures(runs)

    assert sent.passed is False
    assert "60 errors" in sent.note


def test_the_lottery_figure_fails_when_the_runs_disagree_or_are_slow():
    found = {"applicants": 5000, "places": 2000, "placed": 1900, "same_result": True}

    fast = summer.lottery_figures(found | {"seconds": [2.0, 2.1, 2.0], "median_seconds": 2.0})
    slow = summer.lottery_figures(found | {"seconds": [11.0] * 3, "median_seconds": 11.0})
    differ = summer.lottery_figures(
        found | {"same_result": False, "seconds": [2.0] * 3, "median_seconds": 2.0}
    )

    assert [fast[0].passed, slow[0].passed, differ[0].passed] == [True, False, False]
