"""The gateway's API: a product through the gateway by API alone, under the same rule as the
pages, with refusals that name the fields."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Role
from lde.sharing.models import BriefingProduct, ProductStatus, Protocol, ProtocolStatus
from tests.factories import MembershipFactory, PostFactory, PostHoldingFactory
from tests.sharing.builders import SECRET_TITLE, gateway, marking, move_to, pdf_bytes, released

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sharing"


class Api:
    def __init__(self, user: Any) -> None:
        facts_forget(user)
        _, raw = api_token_create(actor=user, name="test")
        self.headers = {"Authorization": f"Bearer {raw}"}
        self.client = Client()

    def get(self, path: str) -> Any:
        return self.client.get(f"{BASE}{path}", headers=self.headers)

    def send(self, method: str, path: str, body: Any = None) -> Any:
        call = getattr(self.client, method)
        return call(
            f"{BASE}{path}", body or {}, content_type="application/json", headers=self.headers
        )

    def upload(self, path: str, name: str, data: bytes, kind: str) -> Any:
        return self.client.post(
            f"{BASE}{path}",
            {"file": SimpleUploadedFile(name, data, content_type=kind)},
            headers=self.headers,
        )


def test_a_product_goes_through_the_gateway_by_api() -> None:
    g = gateway()
    author, approver, reader = Api(g.author), Api(g.approver), Api(g.reader)
    body = {
        "title": "API picture",
        "marking": "official-sensitive",
        "summary": "By API.",
        "body": "Trends.",
        "caveats": ["gateway-readers"],
        "area_gss_codes": ["E09999999"],
        "recipient_ids": [g.partnership.pk],
        "protocol_id": g.protocol.pk,
    }
    created = author.send("post", "/products", body)
    assert created.status_code == 201, created.content
    product = created.json()
    assert (product["status"], product["held_elsewhere"]) == ("draft", False)
    assert product["review"]["problems"] == [
        "Add at least one line to the dissemination list",
        "Name at least one gateway approver",
    ]
    pid = product["id"]

    people = author.send(
        "put",
        f"/products/{pid}/people",
        {
            "people": [
                {"user_id": g.author.pk, "kind": "author"},
                {"user_id": g.approver.pk, "kind": "approver"},
            ]
        },
    )
    assert people.status_code == 200
    assert {(p["user_id"], p["kind"]) for p in people.json()["review"]["people"]} == {
        (g.author.pk, "author"),
        (g.approver.pk, "approver"),
    }
    no_author = author.send(
        "put",
        f"/products/{pid}/people",
        {"people": [{"user_id": g.approver.pk, "kind": "approver"}]},
    )
    assert no_author.status_code == 400
    assert no_author.json()["errors"] == {"people": ["A product keeps at least one author"]}

    listed = author.send(
        "put",
        f"/products/{pid}/dissemination",
        {"entries": [{"kind": "organisation", "organisation_id": g.council.pk}]},
    )
    assert listed.status_code == 200
    assert listed.json()["review"]["dissemination"] == [
        {
            "kind": "organisation",
            "post_id": None,
            "role": None,
            "organisation_id": g.council.pk,
            "user_id": None,
        }
    ]
    wrong_line = author.send(
        "put", f"/products/{pid}/dissemination", {"entries": [{"kind": "post"}]}
    )
    assert wrong_line.status_code == 400

    annex = pdf_bytes("Annex.")
    uploaded = author.upload(f"/products/{pid}/attachments", "annex.pdf", annex, "application/pdf")
    assert uploaded.status_code == 201
    attachment = uploaded.json()
    assert attachment["content_hash"] == hashlib.sha256(annex).hexdigest()
    assert attachment["url"] == f"{BASE}/products/{pid}/attachments/{attachment['id']}"

    refused = author.send("post", f"/products/{pid}/submit", {"no_personal_data_declared": False})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["no_personal_data_declared"]
    submitted = author.send("post", f"/products/{pid}/submit", {"no_personal_data_declared": True})
    assert submitted.json()["status"] == "in_review"
    shown = approver.get(f"/products/{pid}").json()
    assert shown["review"]["declared"] is True

    stale = approver.send("post", f"/products/{pid}/approve", {"version_hash": "a" * 64})
    assert stale.status_code == 400
    assert list(stale.json()["errors"]) == ["version_hash"]
    approved = approver.send(
        "post", f"/products/{pid}/approve", {"version_hash": shown["version_hash"]}
    )
    assert approved.status_code == 200
    assert [a["current"] for a in approved.json()["review"]["approvals"]] == [True]

    released_ = author.send("post", f"/products/{pid}/release")
    assert released_.status_code == 200
    assert released_.json() == {
        "id": pid,
        "status": "released",
        "version": 1,
        "version_hash": shown["version_hash"],
        "readable": False,
    }
    # Once released, the unit's own author is in no recipient partnership: it is gone for them.
    assert author.get(f"/products/{pid}").status_code == 404

    read = reader.get(f"/products/{pid}")
    assert read.status_code == 200
    assert read.json()["review"] is None
    assert read.json()["body"] == "Trends."
    download = reader.client.get(read.json()["attachments"][0]["url"], headers=reader.headers)
    assert download.status_code == 200
    assert download.content[:5] == b"%PDF-"  # stamped: test_marked_downloads reads the stamp
    acknowledged = reader.send("post", f"/products/{pid}/acknowledge")
    assert acknowledged.json()["version_hash"] == shown["version_hash"]
    feedback = reader.send("post", f"/products/{pid}/feedback", {"body": "Useful."})
    assert feedback.status_code == 201
    assert reader.get("/products").json()["count"] == 1
    assert reader.get(f"/products/{pid}/readership").status_code == 403
    assert AuditEvent.objects.filter(verb="PRODUCT_VIEWED", actor_id=g.reader.pk).count() == 1
    assert AuditEvent.objects.filter(verb="ATTACHMENT_DOWNLOADED").count() == 1


def test_the_api_refuses_malformed_input_with_422() -> None:
    g = gateway()
    author = Api(g.author)
    for body in (
        {"title": "", "marking": "official"},
        {"title": "T", "marking": "official", "surprise": 1},
        {"title": "T\x00", "marking": "official"},
        {"title": "T", "marking": "official", "recipient_ids": [0]},
    ):
        assert author.send("post", "/products", body).status_code == 422, body


def test_the_api_refuses_what_the_service_refuses_with_400_and_the_fields() -> None:
    g = gateway()
    author = Api(g.author)
    # A marking that does not exist and one above the author's clearance are refused alike.
    for code in ("no-such-marking", "top-secret"):
        unknown = author.send("post", "/products", {"title": "T", "marking": code})
        assert unknown.json() == {
            "detail": "The request was refused.",
            "errors": {"marking": ["That is not a marking you may choose."]},
        }, code
    secret = author.send(
        "post", "/products", {"title": "T", "marking": "secret", "body": "Secret words."}
    )
    assert secret.status_code == 400
    assert set(secret.json()["errors"]) == {
        "body",
        "holder_post",
        "how_to_ask",
        "title_releasable_declared",
    }
    assert not BriefingProduct.objects.exists()


def test_protocols_by_api() -> None:
    g = gateway()
    coordinator = Api(g.council_approver)
    body = {
        "title": "API protocol",
        "party_ids": [g.council.pk, g.unit.pk],
        "controller_ids": [g.council.pk],
        "purpose": "Briefing.",
        "legal_basis": "Section 115.",
        "dpia_reference": "DPIA-3",
        "information_shared": "Trends.",
        "who_may_see": "The list.",
        "handling": "Carefully.",
        "retention_days": 90,
        "review_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "external_url": "not a url",
    }
    bad = coordinator.send("post", "/protocols", body)
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["external_url"]
    body["external_url"] = "https://example.org/isp/3"
    created = coordinator.send("post", "/protocols", body)
    assert created.status_code == 201
    protocol = created.json()
    assert (protocol["status"], protocol["may_manage"]) == ("draft", True)
    for party in (g.council, g.unit):
        signed = coordinator.send(
            "post",
            f"/protocols/{protocol['id']}/signatories",
            {
                "organisation_id": party.pk,
                "name": "A Person",
                "post_title": "Head",
                "signed_on": timezone.localdate().isoformat(),
            },
        )
        assert signed.status_code == 201
    moved = coordinator.send(
        "post", f"/protocols/{protocol['id']}/status", {"to_status": "in_force"}
    )
    assert moved.json()["status"] == "in_force"
    assert Api(g.reader).get(f"/protocols/{protocol['id']}").json()["may_manage"] is False
    # The unit's author is a person of a party: reads it, but signs for nobody.
    assert Api(g.author).get(f"/protocols/{protocol['id']}").json()["may_manage"] is False
    outsider = MembershipFactory(partnership=g.other_partnership, role=Role.COORDINATOR).user
    assert Api(outsider).get(f"/protocols/{protocol['id']}").status_code == 404
    assert Api(g.reader).send("put", f"/protocols/{protocol['id']}", body).status_code == 403
    suspended = coordinator.send(
        "post", f"/protocols/{protocol['id']}/status", {"to_status": "suspended"}
    )
    assert suspended.json()["errors"] == {"reason": ["Say why"]}


def test_suspending_the_protocol_by_api_empties_the_readers_list() -> None:
    g = gateway()
    product = released(g)
    reader = Api(g.reader)
    assert reader.get("/products").json()["count"] == 1
    Api(g.council_approver).send(
        "post",
        f"/protocols/{g.protocol.pk}/status",
        {"to_status": "suspended", "reason": "Review."},
    )
    assert Protocol.objects.get(pk=g.protocol.pk).status == ProtocolStatus.SUSPENDED
    assert reader.get("/products").json() == {"count": 0, "items": []}
    assert reader.get(f"/products/{product.pk}").status_code == 404
    assert SECRET_TITLE not in reader.get("/products").content.decode()


def test_withdraw_new_version_and_access_requests_by_api() -> None:
    g = gateway()
    product = released(g)
    holder_post = PostFactory(organisation=g.council)
    PostHoldingFactory(post=holder_post, user=g.council_approver)
    record = released(
        g,
        title="A record",
        marking=marking("secret"),
        summary="",
        body="",
        holder_post=holder_post,
        how_to_ask="Ask.",
        title_releasable_declared=True,
    )
    # The unit's approver reads what was released once a member of the partnership and on the
    # list (here, by moving to the council).
    MembershipFactory(partnership=g.partnership, user=g.approver)
    move_to(g.approver, g.council)
    approver = Api(g.approver)
    started = approver.send("post", f"/products/{product.pk}/new-version")
    assert started.status_code == 403  # only an author starts a new version
    withdrawn = approver.send("post", f"/products/{product.pk}/withdraw", {"reason": "Old."})
    assert withdrawn.status_code == 204
    assert BriefingProduct.objects.get(pk=product.pk).status == ProductStatus.WITHDRAWN

    reader = Api(g.reader)
    sent = reader.send("post", f"/products/{record.pk}/access-requests", {"reason": "Please."})
    assert sent.status_code == 201
    request_id = sent.json()["id"]
    answer_path = f"/access-requests/{request_id}/answer"
    assert reader.send("post", answer_path, {"answer": "x"}).status_code == 403
    holder = Api(g.council_approver)
    assert holder.get("/access-requests").json()["count"] == 1
    answered = holder.send("post", answer_path, {"answer": "Yes."})
    assert answered.json()["status"] == "answered"
    assert reader.get("/access-requests").json()["items"][0]["answer"] == "Yes."
