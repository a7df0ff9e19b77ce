"""The backup drill's comparison finds a changed row, a missing row and a moved sequence, and
nothing when the copy is faithful (PostgreSQL only: it reads pg_tables and pg_sequences)."""

import pytest

from faults.backup_roundtrip import compare
from faults.common import BUILT_SOURCE, RESTORED, Figures, connect, createdb, dropdb

pytestmark = pytest.mark.services

TABLE = "CREATE TABLE person (id serial PRIMARY KEY, name text, born date)"
ROWS = (
    "INSERT INTO person (name, born) VALUES ('A', '2001-01-01'), ('B', NULL), ('C', '2003-03-03')"
)


@pytest.fixture
def twins():
    for name in (BUILT_SOURCE, RESTORED):
        dropdb(name)
        createdb(name)
        with connect(name) as conn:
            conn.execute(TABLE)
            conn.execute(ROWS)
    yield
    for name in (BUILT_SOURCE, RESTORED):
        dropdb(name)


def differences(change: str | None = None) -> list[str]:
    if change:
        with connect(RESTORED) as conn:
            conn.execute(change)
    return compare(BUILT_SOURCE, RESTORED, Figures("test"))


def test_a_faithful_copy_has_no_differences(twins):
    assert differences() == []


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE person SET name = 'X' WHERE id = 2",
        "UPDATE person SET born = NULL WHERE id = 1",
        "DELETE FROM person WHERE id = 3",
        "SELECT setval('person_id_seq', 40)",
        "CREATE TABLE extra (id int)",
    ],
)
def test_any_change_in_the_copy_is_found(twins, change):
    assert differences(change) != []
