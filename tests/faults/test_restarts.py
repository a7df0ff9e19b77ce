"""The restart drills sort each answer by when it was asked and answered: one in flight when
the restart began counts as during it, never as before."""

from faults.restarts import GRACE, sort_answers


def test_answers_are_sorted_before_during_and_after_the_restart():
    down, up = 100.0, 103.0
    result = {
        "started": [90.0, 99.5, 101.0, 103.0 + GRACE - 0.1, 103.0 + GRACE, 110.0],
        "latencies_ms": [100.0, 1000.0, 50.0, 10.0, 10.0, 10.0],
        "statuses": [200, 500, 500, 500, 200, 200],
    }
    assert sort_answers(result, down, up) == {
        "before": {"answers": 1, "errors": 0},
        "during": {"answers": 3, "errors": 3},
        "after": {"answers": 2, "errors": 0},
    }
