"""Downloads carry the marking: the product as a PDF and every attachment that is a PDF are
stamped at the top and bottom of every page with the marking and caveats, and with the reader's
name and the time; marked products take only PDFs, and other files of a product at the lowest
marking are served unchanged. Every download is audited, without the
marked text. Each test reads the stamped PDF back with pypdf."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.core.audit.models import AuditEvent
from lde.sharing import services
from lde.sharing.models import BriefingProduct
from tests.conftest import sign_in
from tests.sharing.builders import SECRET_TITLE, draft, gateway, marking, pdf_bytes, release

pytestmark = pytest.mark.django_db

MARKING = "OFFICIAL-SENSITIVE – GATEWAY READERS"


def _as(user: Any) -> Client:
    facts_forget(user)
    return sign_in(Client(), user)


def _page_lines(page: Any) -> list[tuple[str, str]]:
    """One page's text lines with where they sit: top or bottom twentieth, or the body."""
    height = float(page.mediabox.height)
    seen: list[tuple[str, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            place = "top" if y > height * 0.95 else "bottom" if y < height * 0.05 else "body"
            seen.append((place, text.strip()))

    page.extract_text(visitor_text=visit)
    return seen


def _lines(data: bytes) -> list[list[tuple[str, str]]]:
    return [_page_lines(page) for page in PdfReader(io.BytesIO(data)).pages]


def _assert_marked(data: bytes, reader_name: str) -> list[list[tuple[str, str]]]:
    pages = _lines(data)
    assert pages
    for seen in pages:
        assert ("top", MARKING) in seen
        assert ("bottom", MARKING) in seen
        handling = [text for place, text in seen if place == "bottom" and reader_name in text]
        assert len(handling) == 1
        assert handling[0].startswith(f"Downloaded by {reader_name} on ")
        assert handling[0].endswith("(UK time)")
    return pages


def _with_pdf(g: Any) -> tuple[BriefingProduct, Any]:
    product = draft(g)
    attachment = services.attachment_add(
        actor=g.author,
        product=product,
        upload=SimpleUploadedFile(
            "annex.pdf",
            pdf_bytes("Annex page one.", "Annex page two.", "Annex page three."),
            content_type="application/pdf",
        ),
    )
    return release(g, product), attachment


def test_a_pdf_attachment_is_stamped_on_every_page_and_the_download_audited() -> None:
    g = gateway()
    product, attachment = _with_pdf(g)
    reader = _as(g.reader)
    answer = reader.get(reverse("sharing:attachment-download", args=[product.pk, attachment.pk]))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "private, no-store"
    assert answer["Content-Disposition"] == 'attachment; filename="annex.pdf"'
    pages = _assert_marked(answer.content, g.reader.full_name)
    assert [[t for p, t in seen if p == "body"] for seen in pages] == [
        ["Annex page one."],
        ["Annex page two."],
        ["Annex page three."],
    ]
    event = AuditEvent.objects.filter(verb="ATTACHMENT_DOWNLOADED").get()
    assert '"stamped":true' in event.payload
    for text in ("annex", "OFFICIAL-SENSITIVE", SECRET_TITLE, "Annex page"):
        assert text not in event.payload


def test_at_the_lowest_marking_a_file_that_is_not_a_pdf_is_served_unchanged_and_audited() -> None:
    g = gateway()
    product = draft(g, marking=marking("official"))
    services.attachment_add(
        actor=g.author,
        product=product,
        upload=SimpleUploadedFile("notes.txt", b"Notes.", content_type="text/plain"),
    )
    product = release(g, product)
    attachment = product.attachments.get(file_name="notes.txt")
    answer = _as(g.reader).get(
        reverse("sharing:attachment-download", args=[product.pk, attachment.pk])
    )
    assert b"".join(answer.streaming_content) == b"Notes."
    event = AuditEvent.objects.filter(verb="ATTACHMENT_DOWNLOADED").get()
    assert '"stamped":false' in event.payload


def test_a_pdf_that_can_no_longer_be_read_is_not_served_unmarked() -> None:
    g = gateway()
    product, attachment = _with_pdf(g)
    services.attachment_path(attachment).write_bytes(b"%PDF-1.4 damaged")
    answer = _as(g.reader).get(
        reverse("sharing:attachment-download", args=[product.pk, attachment.pk])
    )
    assert answer.status_code == 409
    assert "This file cannot be downloaded" in answer.content.decode()
    assert not AuditEvent.objects.filter(verb="ATTACHMENT_DOWNLOADED").exists()


def test_the_released_product_downloads_as_a_marked_pdf() -> None:
    g = gateway()
    long_body = "\n".join(f"Paragraph {n} of the picture." for n in range(120))
    product = release(g, draft(g, body=long_body))
    reader = _as(g.reader)
    url = reverse("sharing:product-pdf", args=[product.pk])
    assert (
        'href="' + url + '"'
        in reader.get(reverse("sharing:product-detail", args=[product.pk])).content.decode()
    )
    answer = reader.get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "private, no-store"
    pages = _assert_marked(answer.content, g.reader.full_name)
    assert len(pages) > 1
    assert ("body", SECRET_TITLE) in pages[0]
    event = AuditEvent.objects.filter(verb="PRODUCT_PDF_DOWNLOADED").get()
    assert f'"version_hash":"{product.version_hash}"' in event.payload
    assert SECRET_TITLE not in event.payload and "Paragraph" not in event.payload


def test_no_pdf_of_a_draft_and_none_for_someone_the_rule_keeps_out() -> None:
    g = gateway()
    product = draft(g)
    # The author sees the draft but prints it only once released: visible, not allowed.
    refused = _as(g.author).get(reverse("sharing:product-pdf", args=[product.pk]))
    assert refused.status_code == 403
    assert "You cannot print a product before it is released." in refused.content.decode()
    product = release(g, product)
    answer = _as(g.uncleared).get(reverse("sharing:product-pdf", args=[product.pk]))
    assert answer.status_code == 404
    assert SECRET_TITLE not in answer.content.decode()
    assert not AuditEvent.objects.filter(verb="PRODUCT_PDF_DOWNLOADED").exists()


def test_the_api_serves_the_same_marked_pdfs() -> None:
    g = gateway()
    product, attachment = _with_pdf(g)
    facts_forget(g.reader)
    _, raw = api_token_create(actor=g.reader, name="test")
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    base = f"/api/v1/sharing/products/{product.pk}"
    whole = client.get(f"{base}/pdf", headers=headers)
    assert whole.status_code == 200
    _assert_marked(whole.content, g.reader.full_name)
    annex = client.get(f"{base}/attachments/{attachment.pk}", headers=headers)
    assert annex.status_code == 200
    assert len(_assert_marked(annex.content, g.reader.full_name)) == 3


def test_the_product_pdf_stays_tagged_through_the_marking_stamp() -> None:
    from tests.tagged_pdf import assert_tagged, tagged_pdf_facts

    g = gateway()
    long_body = "\n".join(f"Paragraph {n} of the picture." for n in range(120))
    product = release(g, draft(g, body=long_body))
    stamped = _as(g.reader).get(reverse("sharing:product-pdf", args=[product.pk])).content
    _assert_marked(stamped, g.reader.full_name)
    # The structure tree, the language and the title survive the stamp, which is marked as an
    # artifact on every page rather than left as untagged text.
    facts = assert_tagged(stamped, title=SECRET_TITLE)
    assert facts["pages"] > 1
    artifacts = [
        page.get_contents().get_data().count(b"/Artifact")  # type: ignore[union-attr]
        for page in PdfReader(io.BytesIO(stamped)).pages
    ]
    assert artifacts == [1] * facts["pages"]
    # A PDF drawn without tags stays as it was, with the stamp an artifact all the same.
    plain = stamping_of(pdf_bytes("An untagged annex."))
    assert tagged_pdf_facts(plain)["marked"] is False
    assert b"/Artifact" in PdfReader(io.BytesIO(plain)).pages[0].get_contents().get_data()  # type: ignore[union-attr]


def stamping_of(data: bytes) -> bytes:
    from lde.sharing import stamping

    return stamping.stamp_pdf(data, marking=MARKING, handling="Downloaded by A Reader")
