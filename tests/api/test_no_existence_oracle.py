"""No existence oracle: an id a body names that does not exist, and one that exists but is not
the caller's to choose, get the same answer — the API resolves every referenced id among the
choices the page would offer (lde.core.api_schemas.chosen), never by raw primary key."""

from __future__ import annotations

from typing import Any

import pytest

from lde.accounts.models import Caveat, Organisation, Post, User
from lde.partnerships.models import Role
from tests.factories import OrganisationFactory, PostFactory, UserFactory
from tests.sharing.builders import gateway
from tests.sharing.test_api import Api

pytestmark = pytest.mark.django_db
MISSING = 987_654_321


def _errors(answer: Any) -> tuple[int, Any]:
    return answer.status_code, answer.json()


def _words(answer: Any, field: str, value: Any) -> str:
    named = value[0] if isinstance(value, list) else value
    return str(answer.json()["errors"][field][0]).replace(str(named), "…")


def test_a_product_names_only_what_its_author_may_choose() -> None:
    g = gateway()
    author = Api(g.author)
    # A post of an organisation with no part in the product, a caveat the author does not hold.
    stranger_post = PostFactory(organisation=OrganisationFactory(name="Unconnected Trust"))
    withheld = Caveat.objects.create(code="held-by-others", name="Held by others")
    assert not Caveat.objects.filter(code="no-such-caveat").exists()
    base = {"title": "T", "marking": "official"}
    for field, existing, missing in (
        ("holder_post_id", stranger_post.pk, MISSING),
        ("caveats", [withheld.code], ["no-such-caveat"]),
    ):
        shown = author.send("post", "/products", {**base, field: existing})
        hidden = author.send("post", "/products", {**base, field: missing})
        assert shown.status_code == 400, field
        assert field in shown.json()["errors"], field

        # The values named are the caller's own; the words around them are the same.
        assert _words(shown, field, existing) == _words(hidden, field, missing), field
        assert hidden.status_code == 400, field


def test_a_product_names_only_active_people() -> None:
    g = gateway()
    author = Api(g.author)
    departed = UserFactory(is_active=False)
    product = author.send("post", "/products", {"title": "T", "marking": "official"}).json()
    path = f"/products/{product['id']}/people"
    gone = author.send("put", path, {"people": [{"user_id": departed.pk, "kind": "author"}]})
    never = author.send("put", path, {"people": [{"user_id": MISSING, "kind": "author"}]})
    assert gone.status_code == never.status_code == 400
    assert gone.json()["errors"]["people"] == [f"{departed.pk}: not a person you may choose."]
    assert never.json()["errors"]["people"] == [f"{MISSING}: not a person you may choose."]


def test_a_signatory_speaks_only_for_a_party() -> None:
    g = gateway()
    coordinator = Api(g.council_approver)
    outsider = OrganisationFactory(name="Not a party")
    protocol = g.protocol
    path = f"/protocols/{protocol.pk}/signatories"
    body = {"name": "A Signer", "post_title": "Director", "signed_on": "2026-01-05"}
    outside = coordinator.send("post", path, {**body, "organisation_id": outsider.pk})
    missing = coordinator.send("post", path, {**body, "organisation_id": MISSING})
    if outside.status_code in (403, 404):
        pytest.skip("this coordinator may not add signatories to the builder's protocol")
    assert _errors(outside) == _errors(missing)
    assert outside.status_code == 400


def test_a_member_works_only_for_a_partner_organisation(client: Any) -> None:
    from lde.accounts.services import api_token_create
    from tests.factories import MembershipFactory, PartnershipFactory

    partnership = PartnershipFactory()
    coordinator = MembershipFactory(
        partnership=partnership,
        role=Role.COORDINATOR,
        user__organisation=partnership.lead_council,
    ).user
    _, raw = api_token_create(actor=coordinator, name="probe")
    outsider = OrganisationFactory(name="Not a partner")
    url = f"/api/v1/partnerships/{partnership.pk}/memberships"

    def invite(organisation_id: int) -> Any:
        return client.post(
            url,
            {
                "email": "someone@example.test",
                "full_name": "Someone",
                "role": Role.VIEWER,
                "organisation_id": organisation_id,
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    assert Organisation.objects.filter(pk=outsider.pk).exists()
    assert _errors(invite(outsider.pk)) == _errors(invite(MISSING))
    assert invite(MISSING).status_code == 400
    assert not User.objects.filter(email="someone@example.test").exists()
    assert not Post.objects.filter(organisation=outsider).exists()
