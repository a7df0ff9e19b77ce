"""The mixed workload's figures from what bench.mixed prints, and the sign-ins' TOTP steps."""

import pytest

from bench import signin
from bench.mixfigures import mixed_figures
from bench.repeats import describe
from bench.signin import PERIOD, SignIns


def kind(latencies, statuses=None, unexpected=0, failures=0):
    return {
        "started": [1000.0 + i for i in range(len(latencies))],
        "latencies_ms": latencies,
        "statuses": statuses or [200] * len(latencies),
        "failures": failures,
        "unexpected": unexpected,
        "seconds": 60.0,
    }


def phase(hello_ms, caseload_ms, **more):
    kinds = {
        "hello": kind([hello_ms] * 40),
        "caseload": kind([caseload_ms] * 30),
        "tap": kind([50.0] * 60),
        "note": kind([80.0] * 15),
        "sign_in": kind([300.0] * 10),
    }
    return {"kinds": kinds | more, "seconds": 60.0}


def repeats(*pairs):
    """Each pair: (hello, caseload) p95 with writes; without them the caseload is 1.5 × hello."""
    return [{"write_free": phase(h, 1.5 * h), "with_writes": phase(h, c)} for h, c in pairs]


def figures(runs, asked=None):
    return {f.key: f for f in mixed_figures(runs, asked or {})}


def test_a_page_under_the_mix_is_judged_against_hello_under_the_same_mix_in_the_same_repeat():
    found = figures(repeats((10.0, 25.0), (20.0, 70.0), (10.0, 32.0)))

    caseload = found["mixed.caseload.p95_ms"]
    assert caseload.ratios.values == (2.5, 3.5, 3.2)
    assert caseload.ratio == 3.2
    assert caseload.passed is False


def test_with_writes_against_without_is_reported_without_a_bar():
    found = figures(repeats((10.0, 30.0), (10.0, 30.0), (10.0, 30.0)))

    versus = found["mixed.caseload.vs_write_free"]
    assert versus.ratio == 2.0  # 30 against 15
    assert versus.passed is None


def test_the_write_rates_are_per_minute_against_what_was_asked():
    found = figures(repeats((10.0, 20.0)), {"tap": 80.0})

    taps = found["mixed.tap.per_minute"]
    assert taps.value == 60.0
    assert "asked 80/min" in taps.note


def test_every_error_counts_whatever_its_kind_or_phase():
    runs = repeats((10.0, 20.0), (10.0, 20.0))
    runs[0]["with_writes"]["kinds"]["note"] = kind([80.0] * 3, [302, 200, 302], unexpected=1)
    runs[1]["write_free"]["kinds"]["caseload"] = kind([20.0] * 3, [200, 302, 500], unexpected=1)
    runs[1]["with_writes"]["kinds"]["tap"] = kind([50.0] * 2, [403, 200], failures=1)

    errors = figures(runs)["mixed.errors"]

    assert errors.value == 5
    assert errors.detail == {"note": 1, "caseload": 2, "tap": 2}
    assert errors.passed is False


def test_a_clean_mix_has_no_errors():
    errors = figures(repeats((10.0, 20.0)))["mixed.errors"]

    assert errors.value == 0
    assert errors.passed is True


def test_too_few_samples_in_a_repeat_fail_the_page():
    runs = repeats((10.0, 20.0), (10.0, 20.0), (10.0, 20.0))
    runs[2]["with_writes"]["kinds"]["caseload"] = kind([20.0] * 4)

    assert figures(runs)["mixed.caseload.p95_ms"].passed is False


class Clock:
    def __init__(self, now: float):
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(100 * PERIOD + 5.0)
    monkeypatch.setattr(signin, "time", clock)
    return clock


def test_a_user_signed_in_within_this_totp_step_waits_for_the_next(clock):
    signer = SignIns(1, "pw", {"a@example.org": "S"}, last={"a@example.org": 100})

    signer.ready("a@example.org")

    assert clock.slept == [pytest.approx(PERIOD - 5.0 + 0.2)]
    assert int(clock.now // PERIOD) == 101


def test_a_user_signed_in_in_an_earlier_step_goes_at_once(clock):
    signer = SignIns(1, "pw", {"a@example.org": "S"}, last={"a@example.org": 99})

    signer.ready("a@example.org")
    signer.ready("b@example.org")

    assert clock.slept == []


def test_the_progress_line_counts_errors_as_the_figure_does():
    clean = phase(10.0, 20.0, note=kind([80.0] * 3, [302, 302, 302]))

    assert describe("with_writes", clean).endswith("; 0 errors")
