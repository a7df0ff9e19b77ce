"""When the benchmark seeds its databases again, and when it reuses them."""

from bench.config import LARGE, SMALL, keys_fingerprint, seed_version
from bench.databases import is_current, wanted


def test_a_seeded_database_of_the_same_version_size_and_keys_is_reused():
    want = wanted(LARGE, "abc", "keys")
    found = {"fotfeste-bench": True, **want, "seeded_on": "2026-12-01"}

    assert is_current(found, want)


def test_another_version_size_or_key_seeds_again():
    found = {"fotfeste-bench": True, **wanted(LARGE, "abc", "keys")}

    assert not is_current(found, wanted(LARGE, "abd", "keys"))
    assert not is_current(found, wanted(SMALL, "abc", "keys"))
    assert not is_current(found, wanted(LARGE, "abc", "other keys"))
    assert not is_current({}, wanted(LARGE, "abc", "keys"))
    assert not is_current(None, wanted(LARGE, "abc", "keys"))


def test_the_seed_version_follows_the_seeders_source(tmp_path):
    scale = tmp_path / "demo" / "scale"
    scale.mkdir(parents=True)
    (scale / "plan.py").write_text("PEOPLE = 1\n")
    command = tmp_path / "demo" / "management" / "commands"
    command.mkdir(parents=True)
    (command / "seed_scale.py").write_text("")
    before = seed_version(tmp_path)

    (scale / "plan.py").write_text("PEOPLE = 2\n")

    assert seed_version(tmp_path) != before
    assert len(before) == 16


def test_the_fingerprint_names_the_keys_without_showing_them():
    keys = {"FOTFESTE_NATIONAL_ID_KEYS": "k" * 40, "FOTFESTE_NATIONAL_ID_HASH_KEY": "h" * 40}

    fingerprint = keys_fingerprint(keys)

    assert "k" * 8 not in fingerprint and "h" * 8 not in fingerprint
    assert fingerprint != keys_fingerprint({**keys, "FOTFESTE_NATIONAL_ID_KEYS": "x" * 40})


def test_keep_seed_reuses_a_database_seeded_by_an_earlier_seeder():
    found = {"fotfeste-bench": True, **wanted(LARGE, "old", "keys")}

    assert is_current(found, wanted(LARGE, None, "keys"))
    assert not is_current(found, wanted(SMALL, None, "keys"))
