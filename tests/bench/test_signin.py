"""The benchmark's own TOTP codes agree with the server's."""

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value

from bench import signin
from bench.signin import PERIOD, totp, wait_for_code


def test_the_codes_are_those_the_server_accepts():
    secret = generate_totp_secret()

    for at in (0, 29.9, 30, 1_764_633_600, 1_764_633_629):
        assert totp(secret, at) == format_hotp_value(hotp_value(secret, int(at) // 30))


def test_the_rfc_6238_test_vector():
    # RFC 6238, appendix B: SHA-1 with the ASCII key "12345678901234567890", 59 s → 94287082;
    # six digits are its last six.
    assert totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59) == "287082"


def test_a_code_is_taken_only_with_time_left_in_its_step(monkeypatch):
    now = {"t": 100 * PERIOD + 25.0}
    slept: list[float] = []
    monkeypatch.setattr(signin, "time", SimpleNamespace(time=lambda: now["t"], sleep=slept.append))

    assert wait_for_code() == pytest.approx(5.2)  # 5 s left: too few, wait for the next step
    now["t"] = 100 * PERIOD + 10.0
    assert wait_for_code() == 0.0  # 20 s left
    assert slept == [pytest.approx(5.2)]
