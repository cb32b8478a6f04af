"""Hashes are not for reading in the text: a product's version hash and its attachments' SHA-256
appear only inside the GOV.UK "Technical details" component, on the product's page and its
attachments page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.sharing.builders import current_hash, draft, gateway

pytestmark = pytest.mark.django_db


def _outside_details(html: str) -> str:
    main = html.split("<main", 1)[1]
    return re.sub(r"<details.*?</details>", "", main, flags=re.S)


def test_the_version_and_file_hashes_are_in_technical_details_only() -> None:
    g = gateway()
    product = draft(g)
    version = current_hash(product)
    attachment = product.attachments.get()
    client = sign_in(Client(), g.author)
    for url in (
        reverse("sharing:product-detail", args=[product.pk]),
        reverse("sharing:attachment-add", args=[product.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Technical details" in page, url
        assert attachment.content_hash in page, url
        text = _outside_details(page)
        assert attachment.content_hash[:12] not in text, url
        assert version[:12] not in text, url
        assert "SHA-256" not in text, url
