"""The benchmark's own TOTP codes agree with the server's."""

from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value

from bench.signin import totp


def test_the_codes_are_those_the_server_accepts():
    secret = generate_totp_secret()

    for at in (0, 29.9, 30, 1_764_633_600, 1_764_633_629):
        assert totp(secret, at) == format_hotp_value(hotp_value(secret, int(at) // 30))


def test_the_rfc_6238_test_vector():
    # RFC 6238, appendix B: SHA-1 with the ASCII key "12345678901234567890", 59 s → 94287082;
    # six digits are its last six.
    assert totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59) == "287082"
