"""Handling of marked material.

- Attachments of a marked product (above the lowest marking, OFFICIAL) are PDFs, judged by their
  content, refused otherwise by the service, the page and the API; a file kept from before is
  not served.
- A record of material above the ceiling holds only a short title its holder declares
  releasable at the ceiling, the holder and how to ask: free text is refused by the service, the
  form and the API, and it has no PDF and no acknowledgement.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lde.accounts.models import PostHolding
from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.core.access.markings import Marking
from lde.sharing import selectors, services
from lde.sharing.models import Attachment, BriefingProduct
from lde.sharing.stamping import MARKED_ATTACHMENTS_PDF_ONLY, marking_is_marked
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PostFactory
from tests.sharing.builders import Gateway, draft, gateway, marking, move_to, pdf_bytes, release

pytestmark = pytest.mark.django_db

CEILING = "SECRET is above this platform's ceiling (OFFICIAL-SENSITIVE)"


def _as(user: Any) -> Client:
    facts_forget(user)
    return sign_in(Client(), user)


def _api(user: Any) -> tuple[Client, dict[str, str]]:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def _upload(name: str, data: bytes, kind: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=kind)


# --- Attachments of marked products are PDFs ------------------------------------------------


def test_which_markings_are_marked() -> None:
    found = {m.code: marking_is_marked(m) for m in Marking.objects.all()}
    assert {code: found[code] for code in ("official", "official-sensitive", "secret")} == {
        "official": False,
        "official-sensitive": True,
        "secret": True,
    }
    # Older markings are handled as the marking of today's scheme they map onto.
    assert (found["protect"], found["restricted"]) == (False, False)


# Named and declared as a PDF but not one by its content, the file is refused as for any upload
# (lde.core.uploads), saying what it is; the header alone is not enough: pypdf must read it.
NOT_A_PDF = "The file is called annex.pdf but it is a text file. Upload a PDF"
DAMAGED_PDF = (
    "The file is called annex.pdf and starts like a PDF, but it is damaged, so it cannot be "
    "read. Open it, save it again, and upload the new copy"
)


@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("annex.txt", b"Annex.", "text/plain", MARKED_ATTACHMENTS_PDF_ONLY),
        ("annex.pdf", b"Annex.", "application/pdf", NOT_A_PDF),
        ("annex.pdf", b"%PDF-1.4 not really", "application/pdf", DAMAGED_PDF),
        ("map.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png", MARKED_ATTACHMENTS_PDF_ONLY),
    ],
)
def test_the_service_refuses_a_file_that_is_not_a_pdf_on_a_marked_product(
    name: str, data: bytes, kind: str, message: str
) -> None:
    g = gateway()
    product = draft(g)
    with pytest.raises(ValidationError) as raised:
        services.attachment_add(actor=g.author, product=product, upload=_upload(name, data, kind))
    assert raised.value.message_dict == {"file": [message]}
    assert list(product.attachments.values_list("file_name", flat=True)) == ["annex.pdf"]


def test_a_pdf_is_judged_by_its_content_not_its_declared_type() -> None:
    g = gateway()
    product = draft(g)
    kept = services.attachment_add(
        actor=g.author,
        product=product,
        upload=_upload("minutes", pdf_bytes("Minutes."), "application/octet-stream"),
    )
    assert (kept.file_name, kept.content_type) == ("minutes", "application/pdf")


def test_the_page_and_the_api_refuse_it_with_the_message() -> None:
    g = gateway()
    product = draft(g)
    page = _as(g.author).post(
        reverse("sharing:attachment-add", args=[product.pk]),
        {"file": _upload("notes.docx", b"PK\x03\x04 not a pdf", "application/octet-stream")},
    )
    assert page.status_code == 400
    assert "Attachments to marked products must be PDF files" in page.content.decode()
    client, headers = _api(g.author)
    answer = client.post(
        f"/api/v1/sharing/products/{product.pk}/attachments",
        {"file": _upload("notes.txt", b"Notes.", "text/plain")},
        headers=headers,
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"file": [MARKED_ATTACHMENTS_PDF_ONLY]}
    assert product.attachments.count() == 1


def test_a_draft_with_a_file_that_is_not_a_pdf_cannot_be_marked_up() -> None:
    g = gateway()
    product = draft(g, marking=marking("official"))
    services.attachment_add(
        actor=g.author, product=product, upload=_upload("notes.txt", b"Notes.", "text/plain")
    )
    with pytest.raises(ValidationError) as raised:
        services.product_update(
            actor=g.author,
            product=product,
            title=product.title,
            marking=marking("official-sensitive"),
            recipients=[g.partnership],
            protocol=g.protocol,
        )
    assert raised.value.message_dict == {
        "marking": [
            "Attachments to marked products must be PDF files, so that every page carries the "
            "marking: remove the files that are not PDFs first"
        ]
    }


def test_a_file_kept_from_before_that_is_not_a_pdf_is_not_served() -> None:
    g = gateway()
    product = release(g, draft(g))
    # As a file attached before marked products took PDFs only would be.
    stored = uuid.uuid4().hex
    (services.attachment_path(product.attachments.get()).parent / stored).write_bytes(b"Old.")
    old = Attachment.objects.create(
        product=product,
        file_name="old.txt",
        stored_name=stored,
        content_hash="0" * 64,
        size=4,
        content_type="text/plain",
    )
    page = _as(g.reader).get(reverse("sharing:attachment-download", args=[product.pk, old.pk]))
    assert page.status_code == 409
    assert "attachments to marked products must be PDF files" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    client, headers = _api(g.reader)
    answer = client.get(
        f"/api/v1/sharing/products/{product.pk}/attachments/{old.pk}", headers=headers
    )
    assert answer.status_code == 409
    # The page and the API give the same reason: one service decides what is served.
    assert answer.json() == {"detail": services.NOT_PDF_REFUSAL}
    assert services.NOT_PDF_REFUSAL in page.content.decode().replace("&#x27;", "'")


# --- Records of material above the ceiling --------------------------------------------------


def _record_values(g: Gateway, **overrides: Any) -> dict[str, Any]:
    holder = overrides.pop("holder_post", None) or PostFactory(organisation=g.unit)
    values: dict[str, Any] = {
        "title": "Regional threat assessment",
        "marking": marking("secret"),
        "recipients": [g.partnership],
        "protocol": g.protocol,
        "holder_post": holder,
        "how_to_ask": "Ask the intelligence manager.",
        "title_releasable_declared": True,
    }
    values.update(overrides)
    return values


def test_the_service_keeps_only_a_declared_short_title_the_holder_and_how_to_ask() -> None:
    g = gateway()
    with pytest.raises(ValidationError) as raised:
        services.product_create(
            actor=g.author,
            **_record_values(
                g,
                title="x" * 121,
                summary="What it says.",
                body="The assessment itself.",
                title_releasable_declared=False,
            ),
        )
    assert raised.value.message_dict == {
        "summary": [
            f"{CEILING}: do not put a summary here. Record only a short title, who holds it "
            "and how to ask"
        ],
        "body": [
            f"{CEILING}: do not put its text here. Record only a short title, who holds it and "
            "how to ask"
        ],
        "title": [
            "Keep the title of a record of material held elsewhere to 120 characters or fewer"
        ],
        "title_releasable_declared": [
            "Confirm that the title itself may be released at OFFICIAL-SENSITIVE, the "
            "platform's ceiling"
        ],
    }
    assert not BriefingProduct.objects.exists()
    record = services.product_create(actor=g.author, **_record_values(g))
    assert (record.held_elsewhere, record.title_releasable_declared, record.summary) == (
        True,
        True,
        "",
    )
    # Changing it is held to the same rule.
    with pytest.raises(ValidationError) as raised:
        services.product_update(
            actor=g.author,
            product=record,
            **_record_values(g, summary="Now with a summary.", title_releasable_declared=False),
        )
    assert sorted(raised.value.message_dict) == ["summary", "title_releasable_declared"]


def test_the_form_refuses_free_text_on_a_record() -> None:
    g = gateway()
    holder = PostFactory(organisation=g.unit, title="Intelligence Manager")
    response = _as(g.author).post(
        reverse("sharing:product-create"),
        {
            "title": "Regional threat assessment",
            "marking": marking("secret").pk,
            "summary": "What it says.",
            "body": "",
            "recipients": [g.partnership.pk],
            "protocol": g.protocol.pk,
            "holder_post": holder.pk,
            "how_to_ask": "Ask.",
            "title_releasable_declared": "on",
        },
    )
    assert response.status_code == 400
    assert "do not put a summary here" in response.content.decode()
    assert not BriefingProduct.objects.exists()


def test_the_api_refuses_free_text_on_a_record() -> None:
    g = gateway()
    holder = PostFactory(organisation=g.unit, title="Intelligence Manager")
    client, headers = _api(g.author)
    body = {
        "title": "Regional threat assessment",
        "marking": "secret",
        "summary": "What it says.",
        "holder_post_id": holder.pk,
        "how_to_ask": "Ask.",
        "title_releasable_declared": True,
    }
    refused = client.post(
        "/api/v1/sharing/products", body, content_type="application/json", headers=headers
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["summary"]
    undeclared = client.post(
        "/api/v1/sharing/products",
        {**body, "summary": "", "title_releasable_declared": False},
        content_type="application/json",
        headers=headers,
    )
    assert list(undeclared.json()["errors"]) == ["title_releasable_declared"]
    created = client.post(
        "/api/v1/sharing/products",
        {**body, "summary": ""},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    assert (created.json()["held_elsewhere"], created.json()["title_releasable_declared"]) == (
        True,
        True,
    )


def test_a_released_record_has_no_pdf_and_no_acknowledgement() -> None:
    g = gateway()
    holder = PostFactory(organisation=g.council, title="Records holder")
    PostHolding.objects.create(post=holder, user=g.council_approver, started_on="2026-01-01")
    record = draft(g, **{**_record_values(g, holder_post=holder), "summary": "", "body": ""})
    record = release(g, record)
    page = _as(g.reader)
    detail = page.get(reverse("sharing:product-detail", args=[record.pk])).content.decode()
    assert "Regional threat assessment" in detail
    assert "Records holder" in detail
    assert "I have read and understood it" not in detail
    assert reverse("sharing:product-pdf", args=[record.pk]) not in detail
    assert page.get(reverse("sharing:product-pdf", args=[record.pk])).status_code == 404
    assert page.post(reverse("sharing:product-acknowledge", args=[record.pk])).status_code == 403
    client, headers = _api(g.reader)
    base = f"/api/v1/sharing/products/{record.pk}"
    assert client.get(f"{base}/pdf", headers=headers).status_code == 404
    assert client.post(f"{base}/acknowledge", headers=headers).status_code == 403
    assert not record.acknowledgements.exists()


def test_the_next_version_of_a_record_must_be_declared_again() -> None:
    g = gateway()
    holder = PostFactory(organisation=g.council, title="Records holder")
    record = release(
        g, draft(g, **{**_record_values(g, holder_post=holder), "summary": "", "body": ""})
    )
    MembershipFactory(partnership=g.partnership, user=g.author)
    record.dissemination.create(kind="user", user=g.author)
    move_to(g.author, g.council)
    successor = services.product_new_version(actor=g.author, product=record)
    assert successor.title_releasable_declared is False
    assert "Confirm that the title itself may be released at the platform's ceiling" in (
        selectors.product_submit_problems(product=successor)
    )
