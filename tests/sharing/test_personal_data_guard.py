"""The personal-data guard on briefing products and feedback: what an author sees before review
(text and attachments, files not checked), what is stored (never the identifier), and feedback
refused when it holds a person's details."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.core.audit.models import AuditEvent
from lde.sharing import services
from lde.sharing.models import Attachment, BriefingProduct, Feedback, ProductStatus
from tests.conftest import CONFIRMED, sign_in
from tests.sharing.builders import draft, gateway, marking, pdf_bytes, released

pytestmark = pytest.mark.django_db

PHONE = "07700 900123"
NATIONAL_INSURANCE = "AB 12 34 56 C"


def _as(user: Any) -> Client:
    facts_forget(user)
    return sign_in(Client(), user)


def _api(user: Any) -> tuple[Client, dict[str, str]]:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def _attach(g: Any, product: BriefingProduct, name: str, data: bytes, kind: str) -> Attachment:
    return services.attachment_add(
        actor=g.author, product=product, upload=SimpleUploadedFile(name, data, content_type=kind)
    )


def test_an_attachments_findings_are_stored_at_upload_masked_with_their_place() -> None:
    g = gateway()
    # OFFICIAL, which takes files other than PDFs; marked products take PDFs only.
    product = draft(g, marking=marking("official"))
    text = _attach(g, product, "notes.txt", f"Contact\nCall {PHONE} today".encode(), "text/plain")
    pdf = _attach(
        g, product, "annex.pdf", pdf_bytes("Nothing here.", f"Ring {PHONE}."), "application/pdf"
    )
    image = _attach(g, product, "map.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")

    assert text.guard_findings == [
        {"kind": "Phone number", "place": "notes.txt, line 2", "excerpt": "07••••••••23"}
    ]
    assert pdf.guard_findings == [
        {"kind": "Phone number", "place": "annex.pdf, page 2, line 1", "excerpt": "07••••••••23"}
    ]
    assert image.guard_findings is None
    stored = Attachment.objects.filter(product=product).values_list("guard_findings", flat=True)
    assert all("900123" not in str(findings) for findings in stored)


def test_a_pdf_whose_text_cannot_be_read_is_refused() -> None:
    g = gateway()
    product = draft(g, marking=marking("official"))
    with pytest.raises(ValidationError) as refused:
        _attach(g, product, "broken.pdf", b"%PDF-1.4 not really", "application/pdf")
    assert "starts like a PDF, but it is damaged" in str(refused.value)
    assert not product.attachments.filter(file_name="broken.pdf").exists()


def test_the_submit_page_shows_what_was_found_and_where_then_nothing_once_fixed() -> None:
    g = gateway()
    product = draft(
        g, marking=marking("official"), body=f"Line one.\nHer NI number is {NATIONAL_INSURANCE}."
    )
    _attach(g, product, "notes.txt", f"Call {PHONE}".encode(), "text/plain")
    _attach(g, product, "map.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")
    author = _as(g.author)
    submit = reverse("sharing:product-submit", args=[product.pk])

    page = author.get(submit).content.decode()
    assert "2 things in this product look like a person's details" in page
    assert '<td class="govuk-table__cell">Body, line 2</td>' in page
    assert '<td class="govuk-table__cell">National Insurance number</td>' in page
    assert '<td class="govuk-table__cell">notes.txt, line 1</td>' in page
    assert "These files have no text the check can read" in page
    assert "<li>map.png</li>" in page
    assert NATIONAL_INSURANCE not in page and PHONE not in page

    # The author fixes the text and replaces the file; the check then finds nothing.
    BriefingProduct.objects.filter(pk=product.pk).update(body="Line one.")
    for attachment in product.attachments.filter(file_name__in=["notes.txt", "map.png"]):
        services.attachment_remove(actor=g.author, product=product, attachment=attachment)
    page = author.get(submit).content.decode()
    assert "The check found no dates of birth" in page
    assert "These files have no text" not in page

    # The declaration is still required, and the audit counts the findings, never copies them.
    assert author.post(submit, CONFIRMED).status_code == 400
    assert author.post(submit, {"no_personal_data_declared": "on", **CONFIRMED}).status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.IN_REVIEW
    declared = AuditEvent.objects.get(verb="PRODUCT_PERSONAL_DATA_DECLARED")
    assert '"files_not_checked":0,"guard_findings":0' in declared.payload


def test_the_audit_counts_findings_left_in_when_the_author_declares() -> None:
    g = gateway()
    product = draft(g, summary=f"Ring {PHONE}.")
    services.product_submit(actor=g.author, product=product, no_personal_data_declared=True)
    declared = AuditEvent.objects.get(verb="PRODUCT_PERSONAL_DATA_DECLARED")
    assert '"files_not_checked":0,"guard_findings":1' in declared.payload
    assert PHONE not in declared.payload


def test_the_api_gives_the_named_people_the_same_findings() -> None:
    g = gateway()
    product = draft(g, marking=marking("official"), title=f"Call {PHONE}")
    _attach(g, product, "map.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")
    client, headers = _api(g.author)
    url = f"/api/v1/sharing/products/{product.pk}/personal-data-check"
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {
        "findings": [{"where": "Title, line 1", "kind": "Phone number", "excerpt": "07••••••••23"}],
        "files_not_checked": ["map.png"],
        "declared": False,
    }
    reader, reader_headers = _api(g.reader)
    assert reader.get(url, headers=reader_headers).status_code == 404


def test_a_reader_who_is_not_named_on_a_released_product_is_refused_the_check() -> None:
    g = gateway()
    product = released(g)
    reader, headers = _api(g.reader)
    url = f"/api/v1/sharing/products/{product.pk}/personal-data-check"
    assert reader.get(url, headers=headers).status_code == 403


def test_feedback_with_a_persons_details_is_refused_on_the_page_with_the_referral_route() -> None:
    g = gateway()
    product = released(g)
    reader = _as(g.reader)
    url = reverse("sharing:product-feedback", args=[product.pk])
    refused = reader.post(url, {"body": f"Useful.\nThe man at {PHONE} worries me."})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "phone number on line 2" in page
    assert "use your local safeguarding or Prevent referral route" in page
    assert PHONE not in page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert not Feedback.objects.exists()
    assert reader.post(url, {"body": "Useful."}).status_code == 302
    assert list(Feedback.objects.values_list("body", flat=True)) == ["Useful."]


def test_feedback_with_a_persons_details_is_refused_by_the_api() -> None:
    g = gateway()
    product = released(g)
    client, headers = _api(g.reader)
    answer = client.post(
        f"/api/v1/sharing/products/{product.pk}/feedback",
        {"body": "Write to a.person@example.org"},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["body"] == [
        "Your feedback looks like it holds a person's details (email address on line 1): take "
        "them out. If you are worried about a person, do not use this form: use your local "
        "safeguarding or Prevent referral route"
    ]
    assert not Feedback.objects.exists()
