"""The gateway's pages, through the test client: a protocol drafted and brought into force, a
product drafted, reviewed, released, read, acknowledged and commented on, and every form tried
with wrong, missing, oversized and hostile input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import PostHolding
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from lde.sharing.models import (
    BriefingProduct,
    DisseminationKind,
    PersonKind,
    ProductStatus,
    Protocol,
    ProtocolStatus,
)
from lde.sharing.versions import version_hash
from tests.conftest import CONFIRMED, date_input, sign_in
from tests.factories import MembershipFactory, PostFactory
from tests.sharing.builders import (
    Gateway,
    draft,
    gateway,
    marking,
    move_to,
    pdf_bytes,
    release,
    released,
)

pytestmark = pytest.mark.django_db


def _as(user: Any) -> Client:
    facts_forget(user)
    return sign_in(Client(), user)


def _errors(response: Any) -> str:
    body = response.content.decode()
    assert "There is a problem" in body
    return body


def _protocol_form(g: Gateway, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Borough briefing protocol",
        "reference": "ISP-2",
        "parties": [g.council.pk, g.unit.pk],
        "controllers": [g.council.pk],
        "purpose": "Briefing the partnership.",
        "legal_basis": "Section 115.",
        "dpia_reference": "DPIA-2",
        "information_shared": "Area trends.",
        "who_may_see": "The list.",
        "handling": "Accredited systems.",
        "retention_days": "365",
        **date_input("review_on", (timezone.localdate() + timedelta(days=300)).isoformat()),
        "external_url": "https://example.org/register/2",
    }
    data.update(overrides)
    return data


def test_a_coordinator_drafts_a_protocol_signs_it_and_brings_it_into_force() -> None:
    g = gateway()
    client = _as(g.council_approver)
    bad = client.post(
        reverse("sharing:protocol-create"),
        _protocol_form(
            g, parties=[], retention_days="0", **date_input("review_on", ("31", "2", "2026"))
        ),
    )
    assert bad.status_code == 400
    body = _errors(bad)
    for message in (
        "Choose the organisations that are parties",
        "The retention period must be at least 1 day",
        "Review date must be a real date",
    ):
        assert message in body
    response = client.post(reverse("sharing:protocol-create"), _protocol_form(g))
    protocol = Protocol.objects.get(title="Borough briefing protocol")
    assert response["Location"] == reverse("sharing:protocol-detail", args=[protocol.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "These parties have not signed it" in detail
    for party in (g.council, g.unit):
        signed = client.post(
            reverse("sharing:protocol-signatory-add", args=[protocol.pk]),
            {
                "organisation": party.pk,
                "name": "A Person",
                "post_title": "Chief Executive",
                **date_input("signed_on", timezone.localdate().isoformat()),
            },
        )
        assert signed.status_code == 302
    status_url = reverse("sharing:protocol-status", args=[protocol.pk])
    refused = client.post(status_url, {"to_status": "suspended"})
    assert refused.status_code == 400
    # The status chosen, the confirmation says what bringing it into force does ...
    confirmation = client.post(status_url, {"to_status": "in_force"})
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert ">Bring this protocol into force</button>" in page
    assert '<input type="hidden" name="to_status" value="in_force">' in page
    assert "You cannot undo this: a protocol in force cannot go back to draft." in page
    protocol.refresh_from_db()
    assert protocol.status == ProtocolStatus.DRAFT
    # ... and only from the confirmation does it change.
    moved = client.post(status_url, {"to_status": "in_force", "reason": "", **CONFIRMED})
    assert moved.status_code == 302
    protocol.refresh_from_db()
    assert protocol.status == ProtocolStatus.IN_FORCE
    suspended = client.post(status_url, {"to_status": "suspended", "reason": "", **CONFIRMED})
    assert "Say why" in _errors(suspended)
    ending = client.post(status_url, {"to_status": "ended", "reason": "Replaced."})
    assert ">End this protocol</button>" in ending.content.decode()
    assert "an ended protocol cannot come back into force" in ending.content.decode()
    ended = client.post(status_url, {"to_status": "ended", "reason": "Replaced.", **CONFIRMED})
    assert ended.status_code == 302
    protocol.refresh_from_db()
    assert (protocol.status, protocol.transitions.last().reason) == (
        ProtocolStatus.ENDED,
        "Replaced.",
    )


def test_the_protocol_list_shows_only_protocols_of_the_users_organisation() -> None:
    g = gateway()
    mine = _as(g.reader).get(reverse("sharing:protocol-list")).content.decode()
    assert "Test protocol" in mine
    # A coordinator of another partnership, of an organisation that is not a party.
    other = MembershipFactory(partnership=g.other_partnership, role=Role.COORDINATOR).user
    outsider = _as(other).get(reverse("sharing:protocol-list")).content.decode()
    assert "Test protocol" not in outsider
    assert "There are no protocols you can read" in outsider


def _product_form(g: Gateway, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Quarterly picture",
        "marking": marking("official-sensitive").pk,
        "summary": "For the board.",
        "body": "Trends by ward.",
        "caveats": [g.caveat.pk],
        "area_gss_codes": "E09999999, e09999998",
        "recipients": [g.partnership.pk],
        "protocol": g.protocol.pk,
        "holder_post": "",
        "how_to_ask": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Enter the title"),
        ({"marking": ""}, "Choose the protective marking"),
        ({"area_gss_codes": "Harrowfield"}, "Enter each area as a GSS code"),
        ({"body": "x" * 20_001}, "Body must be 20,000 characters or fewer"),
        ({"marking": "top-secret"}, "Select one of the options given for the protective marking"),
    ],
)
def test_the_draft_form_says_what_is_wrong(change: dict[str, Any], message: str) -> None:
    g = gateway()
    if change.get("marking") == "top-secret":
        # Above the author's own clearance (SC), so it is not even offered.
        change = {"marking": marking("top-secret").pk}
    response = _as(g.author).post(reverse("sharing:product-create"), _product_form(g, **change))
    assert response.status_code == 400
    assert message in _errors(response)
    assert not BriefingProduct.objects.exists()


def test_above_the_ceiling_the_form_keeps_only_a_record() -> None:
    g = gateway()
    holder = PostFactory(organisation=g.unit, title="Intelligence Manager")
    client = _as(g.author)
    response = client.post(
        reverse("sharing:product-create"),
        _product_form(g, marking=marking("secret").pk, body="The secret words."),
    )
    # SECRET is offered: the author's SC clearance covers it. Its text is refused.
    assert response.status_code == 400
    body = _errors(response)
    assert "SECRET is above this platform&#x27;s ceiling (OFFICIAL-SENSITIVE)" in body
    assert "do not put a summary here" in body
    assert "Choose the post that holds the material" in body
    assert "Confirm that the title itself may be released at OFFICIAL-SENSITIVE" in body
    response = client.post(
        reverse("sharing:product-create"),
        _product_form(
            g,
            marking=marking("secret").pk,
            summary="",
            body="",
            holder_post=holder.pk,
            how_to_ask="Ask the manager.",
            title_releasable_declared="on",
        ),
    )
    record = BriefingProduct.objects.get()
    assert response.status_code == 302
    assert (record.held_elsewhere, record.title_releasable_declared) == (True, True)
    assert (record.summary, record.body) == ("", "")
    page = client.get(reverse("sharing:attachment-add", args=[record.pk])).content.decode()
    assert "nothing of it is uploaded" in page


def test_hostile_text_is_shown_as_text() -> None:
    g = gateway()
    client = _as(g.author)
    client.post(
        reverse("sharing:product-create"),
        _product_form(g, title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>"),
    )
    product = BriefingProduct.objects.get()
    page = client.get(reverse("sharing:product-detail", args=[product.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_a_product_goes_through_the_gateway_on_its_pages() -> None:
    g = gateway()
    author, approver, reader = _as(g.author), _as(g.approver), _as(g.reader)
    created = author.post(reverse("sharing:product-create"), _product_form(g))
    product = BriefingProduct.objects.get()
    detail_url = reverse("sharing:product-detail", args=[product.pk])
    assert created["Location"] == detail_url
    assert product.area_gss_codes == ["E09999998", "E09999999"]

    # People: an unknown address is refused; the approver and a critical reader are named.
    people = reverse("sharing:product-people", args=[product.pk])
    unknown = author.post(people, {"email": "nobody@example.test", "kind": "approver"})
    assert "Nobody with that email address uses this platform" in _errors(unknown)
    assert author.post(people, {"email": g.approver.email, "kind": "approver"}).status_code == 302
    assert (
        author.post(people, {"email": g.reader.email, "kind": "critical_reader"}).status_code == 302
    )

    # The dissemination list: the chosen kind needs its target.
    listing = reverse("sharing:product-dissemination", args=[product.pk])
    assert "Choose the organisation" in _errors(author.post(listing, {"kind": "organisation"}))
    assert (
        author.post(listing, {"kind": "organisation", "organisation": g.council.pk}).status_code
        == 302
    )
    assert author.post(listing, {"kind": "role", "role": "coordinator"}).status_code == 302
    entry = product.dissemination.get(kind=DisseminationKind.ROLE)
    assert (
        author.post(
            reverse("sharing:dissemination-remove", args=[product.pk, entry.pk])
        ).status_code
        == 302
    )

    # Attachments: the product is marked, so a file that is not a PDF is refused; a PDF is kept.
    attach = reverse("sharing:attachment-add", args=[product.pk])
    wrong = author.post(
        attach, {"file": SimpleUploadedFile("annex.txt", b"Annex.", content_type="text/plain")}
    )
    assert "Attachments to marked products must be PDF files" in _errors(wrong)
    annex = pdf_bytes("Annex.")
    assert (
        author.post(
            attach,
            {"file": SimpleUploadedFile("annex.pdf", annex, content_type="application/pdf")},
        ).status_code
        == 302
    )

    # Review: the declaration is needed.
    submit = reverse("sharing:product-submit", args=[product.pk])
    assert "Confirm that the product" in _errors(author.post(submit, CONFIRMED))
    assert author.post(submit, {"no_personal_data_declared": "on"}).status_code == 200
    assert BriefingProduct.objects.get(pk=product.pk).status == ProductStatus.DRAFT
    assert author.post(submit, {"no_personal_data_declared": "on", **CONFIRMED}).status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.IN_REVIEW
    current = version_hash(product)

    # The critical reader comments on the version they were given.
    page = reader.get(detail_url).content.decode()
    assert current in page
    commented = reader.post(
        reverse("sharing:product-comment", args=[product.pk]),
        {"version_hash": current, "body": "Name the wards."},
    )
    assert commented.status_code == 302
    assert product.review_comments.get().version_hash == current

    # An approval of a version the approver was not shown is refused, then the real one counts.
    approve = reverse("sharing:product-approve", args=[product.pk])
    stale = approver.post(approve, {"version_hash": "0" * 64, **CONFIRMED})
    assert "The product has changed since you opened it" in _errors(stale)
    # The product page's button asks first, carrying the version the approver was shown.
    asked = approver.get(approve, {"version_hash": current}).content.decode()
    assert f'<input type="hidden" name="version_hash" value="{current}">' in asked
    assert "You cannot withdraw an approval" in asked
    assert approver.post(approve, {"version_hash": current, **CONFIRMED}).status_code == 302
    release_url = reverse("sharing:product-release", args=[product.pk])
    asked = author.get(release_url).content.decode()
    assert ">Release this product</button>" in asked
    assert "You cannot undo this: a released product cannot go back to draft." in asked
    released_ = author.post(release_url, CONFIRMED)
    # The unit's author is in no recipient partnership: once released, it is gone for them.
    assert released_["Location"] == reverse("sharing:product-list")
    product.refresh_from_db()
    assert product.status == ProductStatus.RELEASED

    # A reader opens it, downloads the annex, acknowledges it and sends feedback.
    page = reader.get(detail_url)
    assert page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    assert text.count("OFFICIAL-SENSITIVE – GATEWAY READERS") == 2  # top and bottom
    attachment = product.attachments.get()
    download = reader.get(reverse("sharing:attachment-download", args=[product.pk, attachment.pk]))
    assert download.content[:5] == b"%PDF-"  # stamped (test_marked_downloads reads the stamp)
    assert download["Content-Disposition"] == 'attachment; filename="annex.pdf"'
    assert reader.post(reverse("sharing:product-acknowledge", args=[product.pk])).status_code == 302
    assert "You acknowledged it on" in reader.get(detail_url).content.decode()
    feedback_url = reverse("sharing:product-feedback", args=[product.pk])
    form = reader.get(feedback_url).content.decode()
    assert "local safeguarding or Prevent referral route" in form
    assert "Enter your feedback" in _errors(reader.post(feedback_url, {"body": ""}))
    assert reader.post(feedback_url, {"body": "Useful."}).status_code == 302

    # The author sees who has read it... only while they can see it: put them on the list.
    readership = reverse("sharing:product-readership", args=[product.pk])
    assert author.get(readership).status_code == 404
    approver_view = approver.get(readership)
    assert approver_view.status_code == 404  # the unit is in no recipient partnership
    facts_forget(g.council_approver)
    BriefingProduct.objects.get(pk=product.pk).people.create(
        user=g.council_approver, kind=PersonKind.APPROVER
    )
    coordinator_view = _as(g.council_approver).get(readership).content.decode()
    assert g.reader.full_name in coordinator_view
    assert "Useful." in coordinator_view
    assert "1 person has opened it; 1 acknowledged" in coordinator_view


def test_a_product_in_review_can_be_returned_to_draft_with_a_reason() -> None:
    g = gateway()
    product = draft(g)
    client = _as(g.author)
    client.post(
        reverse("sharing:product-submit", args=[product.pk]),
        {"no_personal_data_declared": "on", **CONFIRMED},
    )
    url = reverse("sharing:product-return-to-draft", args=[product.pk])
    assert "Say why" in _errors(client.post(url, {"return-reason": ""}))
    assert client.post(url, {"return-reason": "A correction."}).status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT
    assert product.transitions.last().reason == "A correction."


def test_release_refused_shows_what_is_missing() -> None:
    g = gateway()
    product = draft(g)
    client = _as(g.author)
    client.post(
        reverse("sharing:product-submit", args=[product.pk]),
        {"no_personal_data_declared": "on", **CONFIRMED},
    )
    refused = client.post(reverse("sharing:product-release", args=[product.pk]), CONFIRMED)
    assert refused.status_code == 400
    assert "Not yet approved for Test Counter-Terrorism Unit" in _errors(refused)


def test_withdrawing_and_starting_a_new_version_on_the_pages() -> None:
    g = gateway()
    product = released(g)
    # The approver can act on the released product once they can read it.
    move_to(g.approver, g.council)
    MembershipFactory(partnership=g.partnership, user=g.approver)
    client = _as(g.approver)
    url = reverse("sharing:product-withdraw", args=[product.pk])
    asked = client.get(url).content.decode()
    assert ">Withdraw this product</button>" in asked
    assert "You cannot undo this: a withdrawn product cannot be released again." in asked
    assert "Say why" in _errors(client.post(url, {"reason": "", **CONFIRMED}))
    assert client.post(url, {"reason": "Out of date."}).status_code == 200  # not confirmed
    assert client.post(url, {"reason": "Out of date.", **CONFIRMED}).status_code == 302
    assert client.get(reverse("sharing:product-detail", args=[product.pk])).status_code == 404


def test_an_access_request_from_a_record_reaches_the_holder() -> None:
    g = gateway()
    holder_post = PostFactory(organisation=g.council, title="Records holder")
    PostHolding.objects.create(post=holder_post, user=g.council_approver, started_on="2026-01-01")
    record = draft(
        g,
        marking=marking("secret"),
        summary="",
        body="",
        holder_post=holder_post,
        how_to_ask="Ask the holder.",
        title_releasable_declared=True,
    )
    record = release(g, record)
    client = _as(g.reader)
    form_url = reverse("sharing:product-access-request", args=[record.pk])
    page = client.get(form_url).content.decode()
    assert "Records holder" in page
    assert "Say why you need it" in _errors(client.post(form_url, {"reason": ""}))
    assert client.post(form_url, {"reason": "For the exercise."}).status_code == 302
    request = record.access_requests.get()
    holder = _as(g.council_approver)
    answer_url = reverse("sharing:access-request-answer", args=[request.pk])
    listed = holder.get(reverse("sharing:access-request-list")).content.decode()
    assert f'href="{answer_url}"' in listed
    assert client.get(answer_url).status_code == 403
    assert holder.post(answer_url, {"answer": "Come to the unit."}).status_code == 302
    assert (
        "Come to the unit." in client.get(reverse("sharing:access-request-list")).content.decode()
    )


def test_the_product_list_makes_the_same_number_of_queries_whatever_its_length() -> None:
    g = gateway()
    released(g, title="First")
    client = _as(g.reader)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("sharing:product-list"))
        assert response.status_code == 200
        return len(captured)

    few = count()
    for n in range(5):
        released(g, title=f"More {n}", caveats=[] if n % 2 else [g.caveat])
    facts_forget(g.reader)
    assert count() == few
    assert "6 products you can see" in client.get(reverse("sharing:product-list")).content.decode()


def test_the_home_page_counts_only_what_the_user_may_see() -> None:
    g = gateway()
    released(g)
    page = _as(g.reader).get(reverse("core:home")).content.decode()
    assert "1 released product is waiting for you to read and acknowledge" in page
    other = _as(g.uncleared).get(reverse("core:home")).content.decode()
    assert "waiting for you to read" not in other
    assert "Briefing products you can see" in other


def test_the_home_page_leads_an_author_with_no_partnership_to_their_drafts() -> None:
    g = gateway()
    assert not g.author.memberships.exists()
    product = draft(g, title="A draft of the author's own")
    client = _as(g.author)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("sharing:product-detail", args=[product.pk]) in page
    assert "A draft of the author&#x27;s own</a> (draft)" in page
    assert reverse("sharing:product-create") in page
    assert "A partnership&#x27;s coordinator can invite you" not in page
    assert client.get(reverse("sharing:product-detail", args=[product.pk])).status_code == 200
    # Once released, it is no longer work in progress.
    release(g, product)
    page = client.get(reverse("core:home")).content.decode()
    assert "(draft)" not in page
    assert reverse("sharing:product-create") in page


def test_the_product_list_is_paged(monkeypatch: pytest.MonkeyPatch) -> None:
    from lde.sharing import views

    monkeypatch.setattr(views, "PRODUCTS_PER_PAGE", 2)
    g = gateway()
    for n in range(3):
        released(g, title=f"Briefing {n}")
    client = _as(g.reader)
    first = client.get(reverse("sharing:product-list")).content.decode()
    assert "3 products you can see" in first
    assert "Showing 1 to 2 of 3" in first
    assert first.count('href="/sharing/products/') - first.count("/new/") >= 2
    second = client.get(reverse("sharing:product-list") + "?page=2").content.decode()
    assert "Showing 3 to 3 of 3" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # A page past the end shows the last, not an error.
    assert "Showing 3 to 3 of 3" in client.get("/sharing/products/?page=9").content.decode()
