"""Consents (and what withdrawing one does) and documents checked by content."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessEvent
from participants.models import Consent, Document
from tests.support.archives import DOCX_PARTS, ODT_PARTS, XLSX_PARTS, entries_bomb, zeros_bomb

pytestmark = pytest.mark.django_db
TODAY = date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        elif kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        else:
            archive.writestr("readme.txt", "just a zip")
    return buffer.getvalue()


def upload(client, world, name: str, content: bytes, category: str = "cv"):
    return client.post(
        reverse("participants:document-upload", args=[world.participant.pk]),
        {"category": category, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("cv.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("contract.docx", office("docx"), "wordprocessingml"),
        ("letter.odt", office("odt"), "opendocument.text"),
        ("no-extension", PDF, "application/pdf"),
    ],
)
def test_real_documents_are_accepted_by_their_content(world, client_for, name, content, kind):
    response = upload(client_for(world.caseworker), world, name, content)
    assert response.status_code == 302
    document = Document.objects.get()
    assert kind in document.content_type
    assert name.split(".")[0] not in document.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"I am only text pretending to be a PDF"),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 60),
        ("archive.docx", office("zip")),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(world, client_for, name, content):
    response = upload(client_for(world.caseworker), world, name, content)
    assert response.status_code == 200
    assert "whatever its name says" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "parts"),
    [("cv.docx", DOCX_PARTS), ("budget.xlsx", XLSX_PARTS), ("letter.odt", ODT_PARTS)],
)
def test_an_office_file_that_would_unpack_to_too_much_or_holds_too_many_parts_is_refused(
    world, client_for, name, parts
):
    client = client_for(world.caseworker)
    bomb = zeros_bomb(parts, megabytes=300)
    assert len(bomb) < 400 * 1024
    refusal = upload(client, world, name, bomb).context["form"].errors["file"]
    assert refusal == ["The file would unpack to more than 50 MB, too much to be read safely."]
    crowded = entries_bomb(parts, entries=20_000)
    refusal = upload(client, world, name, crowded).context["form"].errors["file"]
    assert refusal == ["The file holds 20002 parts; at most 1000 can be read safely."]
    assert not Document.objects.exists()


def test_an_empty_or_oversized_file_is_refused(world, client_for, settings):
    client = client_for(world.caseworker)
    assert "empty" in upload(client, world, "empty.pdf", b"").content.decode()
    settings.FOTFESTE_UPLOAD_MAX_BYTES = 1024 * 1024
    big = upload(client, world, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert "too large" in big.content.decode()
    assert not Document.objects.exists()


def test_a_name_with_path_tricks_is_only_a_label(world, client_for):
    upload(client_for(world.caseworker), world, "../../../etc/passwd.pdf", PDF)
    document = Document.objects.get()
    assert document.display_name == "passwd.pdf"
    assert document.file.name.startswith("documents/") and ".." not in document.file.name


def test_a_download_is_audited_and_its_file_name_tells_nothing(world, client_for):
    client = client_for(world.caseworker)
    upload(client, world, "Amalie Testesen CV.pdf", PDF)
    document = Document.objects.get()
    response = client.get(reverse("participants:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and "Amalie" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessEvent.objects.filter(action="download", participant=world.participant).exists()


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "admin", "foreign_caseworker"])
def test_documents_are_out_of_reach_for_everyone_else(world, client_for, who):
    upload(client_for(world.caseworker), world, "cv.pdf", PDF)
    document = Document.objects.get()
    client = client_for(getattr(world, who))
    assert client.get(reverse("participants:document", args=[document.pk])).status_code == 404
    assert upload(client, world, "more.pdf", PDF).status_code == 404
    assert Document.objects.count() == 1


class TestConsent:
    def record(self, client, world, **overrides):
        data = {
            "purpose": "share_nav",
            "recipient": "NAV Lister",
            "given_on": TODAY.isoformat(),
            **overrides,
        }
        return client.post(
            reverse("participants:consent-create", args=[world.participant.pk]), data
        )

    def test_a_consent_with_evidence_is_recorded(self, world, client_for):
        response = self.record(
            client_for(world.caseworker), world, evidence=SimpleUploadedFile("signed.pdf", PDF)
        )
        assert response.status_code == 302
        consent = Consent.objects.get(purpose="share_nav")
        assert consent.evidence.category == "consent" and consent.in_force

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"given_on": (TODAY + timedelta(days=1)).isoformat()}, "future"),
            ({"expires_on": (TODAY - timedelta(days=1)).isoformat()}, "expire before"),
            ({"purpose": "everything"}, "valid choice"),
            ({"evidence": SimpleUploadedFile("x.pdf", b"not a pdf")}, "whatever its name says"),
        ],
    )
    def test_bad_consents_are_refused(self, world, client_for, overrides, message):
        response = self.record(client_for(world.caseworker), world, **overrides)
        assert message in response.content.decode()
        assert not Consent.objects.filter(purpose="share_nav").exists()
        assert not Document.objects.exists()

    def test_withdrawing_worksite_sharing_ends_the_arbeidsleders_access_at_once(
        self, world, client_for
    ):
        detail = reverse("participants:detail", args=[world.participant.pk])
        supervisor = client_for(world.arbeidsleder)
        assert supervisor.get(detail).status_code == 200
        sharing = Consent.objects.get(purpose="share_worksite", participant=world.participant)
        response = client_for(world.caseworker).post(
            reverse("participants:consent-withdraw", args=[sharing.pk]),
            {"withdrawn_on": TODAY.isoformat(), "version": sharing.version},
        )
        assert response.status_code == 302
        assert supervisor.get(detail).status_code == 404
        worksite = reverse("placements:worksite", args=[world.worksite.pk])
        assert "Testesen" not in supervisor.get(worksite).content.decode()
        # The caseworker still follows the person.
        assert client_for(world.caseworker).get(detail).status_code == 200

    def test_an_expired_worksite_consent_hides_the_person_from_the_arbeidsleder(
        self, world, client_for
    ):
        sharing = Consent.objects.get(purpose="share_worksite", participant=world.participant)
        sharing.expires_on = TODAY - timedelta(days=1)
        sharing.save()
        detail = reverse("participants:detail", args=[world.participant.pk])
        assert client_for(world.arbeidsleder).get(detail).status_code == 404

    def test_a_consent_is_withdrawn_once_and_never_before_it_was_given(self, world, client_for):
        sharing = Consent.objects.get(purpose="share_worksite", participant=world.participant)
        url = reverse("participants:consent-withdraw", args=[sharing.pk])
        client = client_for(world.caseworker)
        early = client.post(url, {"withdrawn_on": "2000-01-01", "version": 1})
        assert "before it was given" in early.content.decode()
        client.post(url, {"withdrawn_on": TODAY.isoformat(), "version": 1})
        again = client.post(url, {"withdrawn_on": TODAY.isoformat(), "version": 2})
        assert "already been withdrawn" in again.content.decode()

    @pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker"])
    def test_others_cannot_record_or_withdraw(self, world, client_for, who):
        client = client_for(getattr(world, who))
        assert self.record(client, world).status_code == 404
        sharing = Consent.objects.get(purpose="share_worksite", participant=world.participant)
        response = client.post(
            reverse("participants:consent-withdraw", args=[sharing.pk]),
            {"withdrawn_on": TODAY.isoformat(), "version": 1},
        )
        assert response.status_code == 404
        sharing.refresh_from_db()
        assert sharing.withdrawn_on is None
