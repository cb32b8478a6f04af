"""The level of a post (¶92) lives on the post, once, for every app: set by whoever may manage
the post, shown with a tag in words, and given by the API."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lde.accounts.models import Post, PostLevel
from lde.accounts.services import api_token_create
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def _coordinator() -> object:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    coordinator.user.organisation = coordinator.partnership.lead_council
    coordinator.user.save()
    return coordinator


def test_a_coordinator_adds_a_tactical_post_from_the_radios(client: Client) -> None:
    coordinator = _coordinator()
    partnership = coordinator.partnership
    sign_in(client, coordinator.user)
    url = f"/partnerships/{partnership.pk}/posts/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'type="radio" name="level" id="id_level_1" value="tactical"' in page.content
    response = client.post(
        url,
        {
            "organisation": partnership.lead_council_id,
            "kind": "other",
            "title": "Community Safety Manager",
            "level": "tactical",
            "required_vetting": 0,
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(title="Community Safety Manager")
    assert post.level == PostLevel.TACTICAL
    event = AuditEvent.objects.get(verb="POST_CREATED")
    assert "level" in json.loads(event.payload)["changes"]
    listing = client.get(f"/partnerships/{partnership.pk}/posts/")
    assert b'govuk-tag--turquoise">Tactical</strong>' in listing.content


def test_a_level_not_offered_is_a_field_error(client: Client) -> None:
    coordinator = _coordinator()
    partnership = coordinator.partnership
    sign_in(client, coordinator.user)
    response = client.post(
        f"/partnerships/{partnership.pk}/posts/new/",
        {
            "organisation": partnership.lead_council_id,
            "kind": "other",
            "title": "Odd",
            "level": "supreme",
            "required_vetting": 0,
        },
    )
    assert response.status_code == 200
    assert b"Choose the level the post leads at" in response.content
    assert not Post.objects.filter(title="Odd").exists()


def test_a_new_post_is_delivery_unless_said_otherwise() -> None:
    assert PostFactory().level == PostLevel.DELIVERY


def test_the_api_gives_each_post_its_level(client: Client) -> None:
    coordinator = _coordinator()
    council = coordinator.partnership.lead_council
    PostFactory(organisation=council, title="Chief Executive", level=PostLevel.STRATEGIC)
    _, raw = api_token_create(actor=coordinator.user, name="probe")
    response = client.get(
        f"/api/v1/organisations/{council.pk}/posts", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert {(i["title"], i["level"]) for i in items} >= {("Chief Executive", "strategic")}
