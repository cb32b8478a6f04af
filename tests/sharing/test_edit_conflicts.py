"""Two people editing the same protocol or draft product: the second to save is told and shown
both versions, nothing is overwritten, and saving again keeps theirs knowingly (issue 18,
lde/core/concurrency.py). Pages answer 409 with the comparison; the API answers 409 naming each
field that differs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.sharing import services
from lde.sharing.models import BriefingProduct, Protocol
from tests.conftest import sign_in
from tests.sharing.builders import Gateway, draft, gateway
from tests.sharing.test_api import Api
from tests.sharing.test_pages import _product_form, _protocol_form

pytestmark = pytest.mark.django_db


def shown_revision(page: Any) -> str:
    found = re.search(r'name="revision" value="(\d+)"', page.content.decode())
    assert found, "the edit page carries the revision it shows"
    return found.group(1)


def protocol_values(protocol: Protocol, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(protocol, name)
        for name in (
            "title",
            "reference",
            "purpose",
            "legal_basis",
            "dpia_reference",
            "information_shared",
            "who_may_see",
            "handling",
            "retention_days",
            "review_on",
            "external_url",
        )
    }
    values.update(changes)
    return values


def in_force_form(g: Gateway, **overrides: Any) -> dict[str, Any]:
    return _protocol_form(g, **{"controllers": [], **overrides})


def test_a_protocol_saved_by_someone_else_is_not_overwritten_and_both_are_shown() -> None:
    g = gateway()
    first = sign_in(Client(), g.council_approver)
    url = reverse("sharing:protocol-update", args=[g.protocol.pk])
    opened = first.get(url)
    assert shown_revision(opened) == "1"

    # Someone else saves while the first person has the page open.
    services.protocol_update(
        actor=g.council_approver,
        protocol=g.protocol,
        parties=[g.council, g.unit],
        seen_revision=1,
        **protocol_values(g.protocol, title="Their title", handling="Their handling."),
    )

    refused = first.post(url, in_force_form(g, title="My title", revision="1"))

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this protocol after you opened it" in page
    assert "Their title" in page and "My title" in page
    assert "Their handling." in page and "Accredited systems." in page
    g.protocol.refresh_from_db()
    assert (g.protocol.title, g.protocol.revision) == ("Their title", 2)
    # The page now carries the saved revision: saving again keeps theirs, knowingly.
    assert shown_revision(refused) == "2"
    kept = first.post(url, in_force_form(g, title="My title", revision="2"))
    assert kept.status_code == 302
    g.protocol.refresh_from_db()
    assert (g.protocol.title, g.protocol.revision) == ("My title", 3)


def test_the_api_refuses_a_protocol_change_over_an_unseen_revision_with_409() -> None:
    g = gateway()
    api = Api(g.council_approver)
    read = api.get(f"/protocols/{g.protocol.pk}").json()
    body = {
        "title": "From the API",
        "reference": "",
        "party_ids": [g.council.pk, g.unit.pk],
        "controller_ids": [],
        "purpose": read["purpose"],
        "legal_basis": read["legal_basis"],
        "dpia_reference": read["dpia_reference"],
        "information_shared": read["information_shared"],
        "who_may_see": read["who_may_see"],
        "handling": read["handling"],
        "retention_days": read["retention_days"],
        "review_on": read["review_on"],
        "external_url": "",
        "revision": read["revision"],
    }
    services.protocol_update(
        actor=g.council_approver,
        protocol=g.protocol,
        parties=[g.council, g.unit],
        **protocol_values(g.protocol, title="Saved meanwhile"),
    )

    refused = api.send("put", f"/protocols/{g.protocol.pk}", body)

    assert refused.status_code == 409
    message = refused.json()["errors"]["revision"][0]
    assert "Title: saved “Saved meanwhile”, yours “From the API”" in message
    assert "Send revision 2" in message
    g.protocol.refresh_from_db()
    assert g.protocol.title == "Saved meanwhile"
    saved = api.send("put", f"/protocols/{g.protocol.pk}", {**body, "revision": 2})
    assert (saved.status_code, saved.json()["title"], saved.json()["revision"]) == (
        200,
        "From the API",
        3,
    )


def test_a_draft_saved_by_someone_else_is_not_overwritten_and_both_are_shown() -> None:
    g = gateway()
    product = draft(g)
    first = sign_in(Client(), g.author)
    url = reverse("sharing:product-update", args=[product.pk])
    assert shown_revision(first.get(url)) == str(product.revision)

    values = {
        "title": "Their title",
        "marking": product.marking,
        "summary": product.summary,
        "body": "Their body.",
        "caveats": list(product.caveats.all()),
        "area_gss_codes": product.area_gss_codes,
        "recipients": list(product.recipients.all()),
        "protocol": product.protocol,
    }
    services.product_update(actor=g.author, product=product, **values)

    refused = first.post(
        url, _product_form(g, title="My title", body="My body.", revision=str(product.revision))
    )

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this product after you opened it" in page
    assert "Their body." in page and "My body." in page
    saved = BriefingProduct.objects.get(pk=product.pk)
    assert (saved.title, saved.body) == ("Their title", "Their body.")
    kept = first.post(
        url,
        _product_form(g, title="My title", body="My body.", revision=shown_revision(refused)),
    )
    assert kept.status_code == 302
    assert BriefingProduct.objects.get(pk=product.pk).body == "My body."


def test_a_draft_changed_through_the_api_over_an_unseen_revision_is_refused() -> None:
    g = gateway()
    product = draft(g)
    api = Api(g.author)
    read = api.get(f"/products/{product.pk}").json()
    services.product_update(
        actor=g.author,
        product=product,
        title="Saved meanwhile",
        marking=product.marking,
        body=product.body,
        caveats=list(product.caveats.all()),
        recipients=list(product.recipients.all()),
        protocol=product.protocol,
        area_gss_codes=product.area_gss_codes,
    )
    body = {
        "title": "From the API",
        "marking": read["marking"]["code"],
        "summary": read["summary"],
        "body": read["body"],
        "caveats": read["caveats"],
        "area_gss_codes": read["area_gss_codes"],
        "contributing_organisation_ids": [],
        "recipient_ids": [g.partnership.pk],
        "protocol_id": g.protocol.pk,
        "revision": read["revision"],
    }

    refused = api.send("put", f"/products/{product.pk}", body)

    assert refused.status_code == 409, refused.json()
    assert (
        "Title: saved “Saved meanwhile”, yours “From the API”"
        in (refused.json()["errors"]["revision"][0])
    )
    assert BriefingProduct.objects.get(pk=product.pk).title == "Saved meanwhile"
