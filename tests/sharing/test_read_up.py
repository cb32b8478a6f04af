"""Read-up attempts: someone who fails any one clause of the gateway rule cannot find a product by
any route — its page, its attachment, its readership, feedback and acknowledgement, the API's
read, download and list, the list page, the home page and every count — and each answer is the
same 404, word for word, as for a product that does not exist. No role and no superuser flag
bypasses the rule, and the Django admin registers no `sharing` model."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import CaveatGrant, Clearance, PostHolding, User
from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.core.access.markings import VettingLevel
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import AssignmentKind, Membership, Role
from lde.sharing.models import BriefingProduct, DisseminationKind, ProductStatus, ProtocolStatus
from tests.conftest import sign_in
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    UserFactory,
)
from tests.sharing.builders import SECRET_TITLE, Gateway, draft, gateway, grant, released, vet

pytestmark = pytest.mark.django_db

MISSING = 999_999


def _cleared(g: Gateway, organisation: Any = None, **vetting: Any) -> User:
    user = UserFactory(organisation=organisation or g.council)
    vet(user, **vetting)
    grant(user, g.caveat, g.recorder)
    return user


def _member(g: Gateway, partnership: Any = None, **kwargs: Any) -> User:
    user = _cleared(g, **kwargs)
    MembershipFactory(partnership=partnership or g.partnership, user=user, role=Role.VIEWER)
    return user


# Each returns someone who fails exactly one clause (or the product's state fails clause 1).
Scenario = Callable[[Gateway, BriefingProduct], User]


def _expired_yesterday(g: Gateway, product: BriefingProduct) -> User:
    return _member(g, expires_in=-1)


def _no_clearance(g: Gateway, product: BriefingProduct) -> User:
    return g.uncleared


def _clearance_too_low(g: Gateway, product: BriefingProduct) -> User:
    user = _member(g)
    Clearance.objects.filter(user=user).update(level=VettingLevel.NONE)
    return user


def _clearance_revoked(g: Gateway, product: BriefingProduct) -> User:
    Clearance.objects.filter(user=g.reader).update(revoked_on=timezone.localdate())
    return g.reader


def _caveat_missing(g: Gateway, product: BriefingProduct) -> User:
    user = _member(g)
    CaveatGrant.objects.filter(user=user).delete()
    return user


def _caveat_revoked(g: Gateway, product: BriefingProduct) -> User:
    CaveatGrant.objects.filter(user=g.reader).update(revoked_on=timezone.localdate())
    return g.reader


def _not_on_the_list(g: Gateway, product: BriefingProduct) -> User:
    elsewhere = OrganisationFactory()
    g.protocol.parties.add(elsewhere)
    return _member(g, organisation=elsewhere)


def _organisation_not_a_party(g: Gateway, product: BriefingProduct) -> User:
    user = _member(g, organisation=OrganisationFactory())
    product.dissemination.create(kind=DisseminationKind.USER, user=user)
    return user


def _no_organisation(g: Gateway, product: BriefingProduct) -> User:
    user = _member(g)
    User.objects.filter(pk=user.pk).update(organisation=None)
    product.dissemination.create(kind=DisseminationKind.USER, user=user)
    return User.objects.get(pk=user.pk)


def _protocol_suspended(g: Gateway, product: BriefingProduct) -> User:
    type(g.protocol).objects.filter(pk=g.protocol.pk).update(status=ProtocolStatus.SUSPENDED)
    return g.reader


def _protocol_ended(g: Gateway, product: BriefingProduct) -> User:
    type(g.protocol).objects.filter(pk=g.protocol.pk).update(status=ProtocolStatus.ENDED)
    return g.reader


def _not_in_a_recipient(g: Gateway, product: BriefingProduct) -> User:
    return _member(g, partnership=g.other_partnership)


def _membership_lost(g: Gateway, product: BriefingProduct) -> User:
    Membership.objects.filter(user=g.reader).delete()
    return g.reader


def _post_given_up(g: Gateway, product: BriefingProduct) -> User:
    elsewhere = OrganisationFactory()
    g.protocol.parties.add(elsewhere)
    user = _member(g, organisation=elsewhere)
    post = PostFactory(organisation=elsewhere)
    today = timezone.localdate()
    PostHolding.objects.create(
        post=post, user=user, started_on=today - timedelta(30), ended_on=today - timedelta(1)
    )
    product.dissemination.create(kind=DisseminationKind.POST, post=post)
    return user


def _withdrawn(g: Gateway, product: BriefingProduct) -> User:
    BriefingProduct.objects.filter(pk=product.pk).update(status=ProductStatus.WITHDRAWN)
    return g.reader


def _peer_reviewer(g: Gateway, product: BriefingProduct) -> User:
    user = _cleared(g)
    AssignmentFactory(user=user, kind=AssignmentKind.PEER_REVIEWER, partnerships=[g.partnership])
    return user


def _inspector_whose_assignment_ended(g: Gateway, product: BriefingProduct) -> User:
    user = _cleared(g)
    today = timezone.localdate()
    AssignmentFactory(
        user=user,
        kind=AssignmentKind.INSPECTOR,
        partnerships=[g.partnership],
        starts_on=today - timedelta(30),
        ends_on=today - timedelta(1),
    )
    return user


def _superuser(g: Gateway, product: BriefingProduct) -> User:
    user = _cleared(g)
    User.objects.filter(pk=user.pk).update(
        is_superuser=True, is_staff=True, is_site_administrator=True, is_national_analyst=True
    )
    return User.objects.get(pk=user.pk)


def _coordinator_of_a_recipient_without_vetting(g: Gateway, product: BriefingProduct) -> User:
    user = UserFactory(organisation=g.council)
    MembershipFactory(partnership=g.partnership, user=user, role=Role.COORDINATOR)
    product.dissemination.create(kind=DisseminationKind.ROLE, role=Role.COORDINATOR)
    return user


def _draft_not_named(g: Gateway, product: BriefingProduct) -> User:
    BriefingProduct.objects.filter(pk=product.pk).update(status=ProductStatus.DRAFT)
    return g.reader


def _named_but_not_cleared(g: Gateway, product: BriefingProduct) -> User:
    BriefingProduct.objects.filter(pk=product.pk).update(status=ProductStatus.IN_REVIEW)
    product.people.create(user=g.uncleared, kind="critical_reader")
    return g.uncleared


SCENARIOS: dict[str, Scenario] = {
    "clearance expired yesterday": _expired_yesterday,
    "no clearance": _no_clearance,
    "clearance below the marking": _clearance_too_low,
    "clearance revoked": _clearance_revoked,
    "a caveat not held": _caveat_missing,
    "the caveat revoked": _caveat_revoked,
    "not on the dissemination list": _not_on_the_list,
    "organisation not a party": _organisation_not_a_party,
    "no organisation": _no_organisation,
    "protocol suspended": _protocol_suspended,
    "protocol ended": _protocol_ended,
    "not in a recipient partnership": _not_in_a_recipient,
    "membership lost": _membership_lost,
    "the listed post given up": _post_given_up,
    "withdrawn": _withdrawn,
    "peer reviewer of the recipient": _peer_reviewer,
    "inspector whose assignment ended": _inspector_whose_assignment_ended,
    "superuser, site administrator and national analyst": _superuser,
    "coordinator of the recipient, unvetted": _coordinator_of_a_recipient_without_vetting,
    "draft, not named on it": _draft_not_named,
    "named on it, not cleared": _named_but_not_cleared,
}


def _routes(product_id: int, attachment_id: int) -> dict[str, tuple[str, str]]:
    api = f"/api/v1/sharing/products/{product_id}"
    return {
        "page": ("get", reverse("sharing:product-detail", args=[product_id])),
        "download": (
            "get",
            reverse("sharing:attachment-download", args=[product_id, attachment_id]),
        ),
        "pdf": ("get", reverse("sharing:product-pdf", args=[product_id])),
        "feedback page": ("get", reverse("sharing:product-feedback", args=[product_id])),
        "readership page": ("get", reverse("sharing:product-readership", args=[product_id])),
        "acknowledge": ("post", reverse("sharing:product-acknowledge", args=[product_id])),
        "access request page": (
            "get",
            reverse("sharing:product-access-request", args=[product_id]),
        ),
        "api read": ("get", api),
        "api download": ("get", f"{api}/attachments/{attachment_id}"),
        "api readership": ("get", f"{api}/readership"),
        "api acknowledge": ("post", f"{api}/acknowledge"),
        "api pdf": ("get", f"{api}/pdf"),
        "api personal-data check": ("get", f"{api}/personal-data-check"),
    }


def _clients(user: User) -> tuple[Client, dict[str, str]]:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="probe")
    return sign_in(Client(), user), {"Authorization": f"Bearer {raw}"}


def _same(content: bytes) -> bytes:
    """The page without its form's CSRF token, which differs on every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _ask(client: Client, headers: dict[str, str], method: str, url: str) -> Any:
    send = client.post if method == "post" else client.get
    return send(url, headers=headers if url.startswith("/api/") else {})


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_read_up_finds_nothing_by_any_route(scenario: str) -> None:
    g = gateway()
    product = released(g)
    attachment = product.attachments.get()
    user = SCENARIOS[scenario](g, product)
    client, headers = _clients(user)
    viewed_before = AuditEvent.objects.filter(verb="PRODUCT_VIEWED").count()
    routes = _routes(product.pk, attachment.pk)
    missing = _routes(MISSING, MISSING)
    for name, (method, url) in routes.items():
        answer = _ask(client, headers, method, url)
        absent = _ask(client, headers, *missing[name])
        assert answer.status_code == 404, (name, answer.status_code)
        assert _same(answer.content) == _same(absent.content), name
        assert SECRET_TITLE.encode() not in answer.content
    listing = client.get(reverse("sharing:product-list"))
    assert SECRET_TITLE not in listing.content.decode()
    assert "There are no briefing products you can see" in listing.content.decode()
    home = client.get(reverse("core:home"))
    assert SECRET_TITLE not in home.content.decode()
    assert "waiting for you to read" not in home.content.decode()
    api_list = client.get("/api/v1/sharing/products", headers=headers).json()
    assert api_list == {"count": 0, "items": []}
    for status in ProductStatus.values:
        filtered = client.get(f"/api/v1/sharing/products?status={status}", headers=headers)
        assert filtered.json()["count"] == 0
    assert AuditEvent.objects.filter(verb="PRODUCT_VIEWED").count() == viewed_before


@pytest.mark.parametrize(
    "who",
    ["reader", "clearance expires today", "live inspector on the list", "a post held today"],
)
def test_those_the_rule_lets_in_find_it_by_every_route(who: str) -> None:
    g = gateway()
    product = released(g)
    attachment = product.attachments.get()
    if who == "reader":
        user = g.reader
    elif who == "clearance expires today":
        user = _member(g, expires_in=0)
    elif who == "live inspector on the list":
        user = _cleared(g)
        AssignmentFactory(user=user, kind=AssignmentKind.INSPECTOR, partnerships=[g.partnership])
    else:
        elsewhere = OrganisationFactory()
        g.protocol.parties.add(elsewhere)
        user = _member(g, organisation=elsewhere)
        post = PostFactory(organisation=elsewhere)
        PostHolding.objects.create(post=post, user=user, started_on=timezone.localdate())
        product.dissemination.create(kind=DisseminationKind.POST, post=post)
    client, headers = _clients(user)
    expected = {
        "page": 200,
        "download": 200,
        "pdf": 200,
        "feedback page": 200,
        "readership page": 403,
        "acknowledge": 302,
        "access request page": 403,
        "api read": 200,
        "api download": 200,
        "api readership": 403,
        "api acknowledge": 200,
        "api pdf": 200,
        "api personal-data check": 403,
    }
    got = {
        name: _ask(client, headers, method, url).status_code
        for name, (method, url) in _routes(product.pk, attachment.pk).items()
    }
    assert got == expected
    listing = client.get(reverse("sharing:product-list")).content.decode()
    assert SECRET_TITLE in listing
    assert "1 product you can see" in listing
    assert client.get("/api/v1/sharing/products", headers=headers).json()["count"] == 1
    assert AuditEvent.objects.filter(verb="PRODUCT_VIEWED", actor_id=user.pk).count() == 2
    assert AuditEvent.objects.filter(verb="ATTACHMENT_DOWNLOADED", actor_id=user.pk).count() == 2


def test_a_draft_is_seen_only_by_the_people_named_on_it_who_are_cleared() -> None:
    g = gateway()
    product = draft(g)
    for user, answer in [
        (g.author, 200),
        (g.approver, 200),
        (g.reader, 404),
        (g.council_approver, 404),
    ]:
        client, _ = _clients(user)
        got = client.get(reverse("sharing:product-detail", args=[product.pk])).status_code
        assert got == answer, user


def test_the_admin_registers_no_sharing_model() -> None:
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "sharing" not in registered
    assert "core" in registered  # the admin itself is there, with site-level models


def test_the_site_administrator_sees_no_product_in_the_admin_or_anywhere() -> None:
    g = gateway()
    product = released(g)
    administrator = UserFactory(organisation=None)
    User.objects.filter(pk=administrator.pk).update(
        is_superuser=True, is_staff=True, is_site_administrator=True
    )
    client, headers = _clients(User.objects.get(pk=administrator.pk))
    assert client.get(f"/admin/sharing/briefingproduct/{product.pk}/change/").status_code == 404
    assert client.get(reverse("sharing:product-detail", args=[product.pk])).status_code == 404
    assert client.get("/api/v1/sharing/products", headers=headers).json()["count"] == 0
