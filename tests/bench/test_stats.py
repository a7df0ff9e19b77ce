"""The latency statistics of a load run."""

import math
import statistics

import pytest

from bench.stats import audit_overhead, merge, percentile, saturation, summarise, within


def test_percentiles_interpolate_between_ranks_like_numpy():
    values = [float(v) for v in range(1, 101)]  # 1 … 100

    assert percentile(values, 50) == 50.5
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100


def test_percentiles_agree_with_the_standard_library():
    values = [3.2, 18.0, 7.5, 7.4, 120.0, 9.9, 11.1, 6.0, 5.5, 30.3, 8.8]
    cut_points = statistics.quantiles(values, n=20, method="inclusive")

    assert percentile(values, 95) == pytest.approx(cut_points[18])
    assert percentile(values, 50) == pytest.approx(statistics.median(values))


def test_order_of_the_samples_does_not_matter():
    assert percentile([5, 1, 4, 2, 3], 50) == 3


def test_one_sample_is_every_percentile():
    assert percentile([42.0], 95) == 42.0


@pytest.mark.parametrize("p", [-1, 101])
def test_a_percentile_outside_0_to_100_is_refused(p):
    with pytest.raises(ValueError):
        percentile([1.0, 2.0], p)


def test_no_samples_is_refused():
    with pytest.raises(ValueError):
        percentile([], 50)


def run(latencies, statuses, failures=0, seconds=2.0, server=None, started=None):
    """What bench/load.py prints: one entry per answered request in each list."""
    return {
        "started": started or [1000.0 + i for i in range(len(latencies))],
        "latencies_ms": latencies,
        "statuses": statuses,
        "failures": failures,
        "seconds": seconds,
        "server": server or [{"app": 0.0, "audit": 0.0}] * len(latencies),
    }


def test_a_summary_counts_server_errors_other_statuses_and_failures_apart():
    summary = summarise(run([10.0] * 6, [200, 200, 200, 302, 500, 502], failures=2))

    assert (summary.ok, summary.server_errors, summary.other_statuses) == (3, 2, 1)
    assert summary.failures == 2
    assert summary.errors == 5
    assert summary.requests == 8


def test_throughput_is_answered_requests_per_second():
    assert summarise(run([5.0] * 100, [200] * 100, seconds=4.0)).throughput == 25.0


def test_the_audit_overhead_compares_server_time_with_and_without_the_write():
    server = [{"app": 20.0, "audit": 2.0}, {"app": 40.0, "audit": 4.0}]
    summary = summarise(run([25.0, 45.0], [200, 200], server=server))

    assert audit_overhead(summary) == pytest.approx(60 / 54)


def test_no_server_time_gives_no_audit_overhead():
    assert math.isnan(audit_overhead(summarise(run([1.0], [200]))))


def test_saturation_is_the_first_step_near_the_best_throughput():
    assert saturation({1: 20.0, 2: 38.0, 4: 55.0, 8: 58.0, 16: 57.0}) == 4
    assert saturation({1: 20.0, 2: 30.0, 4: 40.0, 8: 50.0, 16: 60.0}) == 16
    assert saturation({1: 50.0, 2: 50.0}) == 1


def test_a_window_keeps_the_requests_that_began_and_ended_inside_it():
    # Requests start at 10, 11, 12 and 13 s and take 500 ms, except the one at 12 s (2 s).
    whole = run(
        [500.0, 500.0, 2000.0, 500.0],
        [200, 200, 500, 200],
        failures=1,
        started=[10.0, 11.0, 12.0, 13.0],
    )

    part = within(whole, 10.5, 13.6)

    assert part["latencies_ms"] == [500.0, 500.0]
    assert part["statuses"] == [200, 200]
    assert part["started"] == [11.0, 13.0]
    assert part["seconds"] == 2.5
    assert part["failures"] == 1
    assert summarise(part).requests == 3


def test_runs_of_one_page_merge_into_one():
    first = run([10.0, 20.0], [200, 200], failures=1, seconds=1.0)
    second = run([30.0], [500], seconds=0.5)

    merged = summarise(merge([first, second]))

    assert merged.requests == 4
    assert (merged.ok, merged.server_errors, merged.failures) == (2, 1, 1)
    assert merged.throughput == 2.0  # three answers in 1.5 s
    assert merged.p50_ms == 20.0
