"""The demo's building blocks: a name's gender, a town's addresses, a readable PDF."""

import re

import pytest

from demo.names import address_in, gender_of
from demo.pdf import text_pdf


def test_a_name_gets_its_own_gender_and_an_unknown_name_is_refused():
    assert gender_of("Alva") == "female" and gender_of("Elton") == "male"
    with pytest.raises(ValueError):
        gender_of("Kim")


def test_a_swedish_address_has_a_swedish_street_and_postcode():
    address = address_in("Solvik", 5)
    assert re.fullmatch(r"\w+(gatan|vägen) \d+", address["address"])
    assert re.fullmatch(r"\d{3} \d{2}", address["postcode"]) and address["city"] == "Solvik"
    assert address_in("Lyngdal", 5)["postcode"].isdigit()


def test_the_generated_pdf_points_to_its_own_objects_and_keeps_nordic_letters():
    pdf = text_pdf("Överenskommelse om arbetsträning", ["Fjellstad (ø, å)", "back\\slash"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.endswith(b"%%EOF\n")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref")
    offsets = re.findall(rb"(\d{10}) 00000 n", pdf)
    for number, offset in enumerate(offsets, start=1):
        assert pdf[int(offset) :].startswith(b"%d 0 obj" % number)
    assert "Överenskommelse".encode("cp1252") in pdf and b"\\(" in pdf and b"\\\\" in pdf
