"""Hostile input for HTML forms and query strings: Hypothesis strategies for the values a form
field may be sent (out-of-range dates, huge and tiny numbers, NUL bytes, overlong text, unknown
choices, other municipalities' ids) and for the bodies a request may carry (raw bytes that are
not UTF-8, JSON nested a thousand deep, files that are not what their name says)."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

Strategy = st.SearchStrategy

DATES = [
    "0001-01-01",
    "0001-01-02",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "-2026-01-01",
    "2026-1-1",
    "31.12.2026",
    "2026-02",
    "0001-01",
    "9999-12",
    " 2026-01-01 ",
    "2026-01-01\x00",
]
NUMBERS = [
    "1e308",
    "-1e308",
    "-1",
    "0",
    "-0",
    str(10**30),
    str(-(10**30)),
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e-308",
    "0.000000001",
    "1,5",
    "9" * 400,
    "0x10",
    "٣",
    str(2**31),
    str(2**63),
]
TEXTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "\u202e\u0000\ufeff",
    "💥" * 2000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\r\n\r\n",
    "None",
    "[]",
    "{}",
]
FLAGS = ["on", "", "1", "0", "true", "false", "\x00", "yes"]
JUNK_IDS = ["0", "-1", str(10**18), str(10**30), "1.5", "abc", "", "\x00", "1 OR 1=1"]


def text() -> Strategy:
    return st.one_of(st.sampled_from(TEXTS), st.text(max_size=40))


def dates() -> Strategy:
    return st.one_of(st.sampled_from(DATES), st.dates().map(str), text())


def numbers() -> Strategy:
    return st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), st.floats().map(str))


def flags() -> Strategy:
    return st.sampled_from(FLAGS)


def ids(pool: list[int]) -> Strategy:
    """A real row's id (of any municipality) most of the time, else something that is not one."""
    junk = st.sampled_from(JUNK_IDS)
    return st.one_of(st.sampled_from(pool), junk) if pool else junk


def choices(known: list[str]) -> Strategy:
    """One of the field's choices, or a choice it does not know."""
    unknown = st.one_of(st.sampled_from(["unknown", "ANY", "\x00", "x" * 5000]), text())
    return st.one_of(st.sampled_from(known), unknown) if known else unknown


def uploads() -> Strategy:
    """A file that is not what its name says, or is empty, or is almost a real one."""
    contents = st.sampled_from(
        [b"", b"%PDF-", b"PK\x03\x04garbage", b"\x89PNG\r\n\x1a\n", b"\xff\xfe\x00" * 100]
    )
    names = st.sampled_from(["a.pdf", "../../x.docx", "\x00.png", "x" * 300 + ".xlsx", "noext"])
    return st.builds(lambda c, n: SimpleUploadedFile(n, c), st.one_of(contents, st.binary()), names)


# The extremes a field of each kind is sent in the fixed sweep of every page (Hypothesis draws
# the rest of the lists above).
EXTREMES = {
    "date": ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30"],
    "number": ["1e308", "NaN", str(10**30)],
    "text": ["a\x00b", "x" * 25_000],
    "flag": ["on", "", "\x00"],
    "choice": ["unknown", "\x00", "x" * 5000],
}


@dataclass(frozen=True)
class Field:
    """What a field takes: a date, a number, text, a flag, a choice, a row's id or a file."""

    kind: str
    options: tuple = ()

    def strategy(self) -> Strategy:
        if self.kind == "id":
            return ids(list(self.options))
        if self.kind == "choice":
            return choices(list(self.options))
        return _STRATEGIES[self.kind]()

    def plain(self) -> object:
        """A value the field would take from a person filling in the form."""
        if self.kind in {"id", "choice"}:
            return self.options[0] if self.options else ""
        if self.kind == "file":
            return SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
        return {"date": str(date.today()), "number": "1", "text": "Fuzz", "flag": "on"}[self.kind]

    def extreme(self, n: int) -> object:
        if self.kind == "id":
            return self.options[-1] if self.options and n % 2 else JUNK_IDS[n % len(JUNK_IDS)]
        if self.kind == "file":
            return SimpleUploadedFile("x.docx", b"PK\x03\x04" + b"\x00" * 100)
        return EXTREMES[self.kind][n % len(EXTREMES[self.kind])]


_STRATEGIES: dict[str, Callable[[], Strategy]] = {
    "date": dates,
    "number": numbers,
    "text": text,
    "flag": flags,
    "file": uploads,
}
DATE, NUMBER, TEXT, FLAG = Field("date"), Field("number"), Field("text"), Field("flag")


def _field_choices(field: forms.Field) -> tuple[str, ...]:
    try:
        return tuple(
            str(value) for value, label in field.choices if not isinstance(label, list | tuple)
        )
    except (TypeError, AttributeError):  # choices filled in by the form's __init__
        return ()


def field_of(field: forms.Field, pools: dict[type, list[int]]) -> Field:
    """What a Django form field takes."""
    if isinstance(field, forms.FileField):
        return Field("file")
    if isinstance(field, forms.ModelChoiceField):
        model = getattr(field.queryset, "model", None)  # None until the form's __init__
        return Field("id", tuple(pools.get(model, pools["any"])))
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return DATE
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return NUMBER
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return FLAG
    if isinstance(field, forms.ChoiceField):
        return Field("choice", _field_choices(field))
    return TEXT


@dataclass(frozen=True)
class Body:
    """A raw request body and its content type, for what a form's encoding cannot carry."""

    content: bytes
    content_type: str


def deep_json(depth: int = 1000) -> bytes:
    return b"[" * depth + b"]" * depth


RAW_BODIES = [
    Body(b"date=\xff\xfe&text=\xc3\x28&hours=\x80", "application/x-www-form-urlencoded"),
    Body(deep_json(), "application/json"),
    Body(b"--b\r\nbroken", "multipart/form-data; boundary=b"),
    Body(b"%ff%fe=%c3%28&a=%00", "application/x-www-form-urlencoded"),
    Body(b"\xff" * 200, "application/x-www-form-urlencoded"),
    Body(b'{"a": [1, 2', "application/json"),
    Body(json.dumps({"date": "0001-01-01", "hours": 1e308}).encode(), "application/json"),
    Body(b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\r\n', "multipart/form-data"),
    Body(b"<a>" * 1000, "text/xml"),
]


def raw_bodies() -> Strategy:
    return st.sampled_from(RAW_BODIES)


def form_data(fields: dict[str, Field]) -> Strategy:
    """A form's data: each field left out, sent once or sent twice, with hostile values."""
    parts = {}
    for name, kind in fields.items():
        values = kind.strategy()
        parts[name] = st.one_of(st.none(), values, st.lists(values, min_size=2, max_size=2))
    return st.fixed_dictionaries(parts).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )
