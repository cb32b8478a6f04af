"""The gateway demo: every state present, who can and cannot see each product, and a second run
that changes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.accounts.models import User
from lde.core.access.facts import facts_for, facts_forget
from lde.core.audit.chain import audit_verify
from lde.partnerships.demo import DEMO_PASSWORD, DOMAIN
from lde.partnerships.demo import demo_build as foundation_demo
from lde.sharing.demo import demo_build
from lde.sharing.models import (
    AccessRequest,
    Approval,
    Attachment,
    BriefingProduct,
    Protocol,
    ProtocolStatus,
)
from lde.sharing.policies import product_policy, protocol_policy
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, built once for the module and rolled back at its end; each test's own writes
    are rolled back after it."""
    with kept_for_the_module(django_db_blocker):
        foundation_demo()
        demo_build()
        yield


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Iterator[None]:
    """Replaces tests/conftest.py's: the demo's attachments stay until the module ends."""
    yield


def _titles(email: str) -> set[str]:
    user = User.objects.get(email=email)
    facts_forget(user)
    return set(product_policy.visible_to(user).values_list("title", flat=True))


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Protocol, BriefingProduct, Approval, Attachment, AccessRequest)
    }


def test_every_state_marking_and_protocol_status_is_in_the_demo(demo: Any) -> None:
    states = Counter(BriefingProduct.objects.values_list("status", flat=True))
    assert set(states) == {"draft", "in_review", "released", "withdrawn", "superseded"}
    markings = set(BriefingProduct.objects.values_list("marking__code", flat=True))
    assert {"official", "official-sensitive", "secret"} <= markings
    assert BriefingProduct.objects.filter(caveats__code="harrowfield-gateway-readers").exists()
    assert BriefingProduct.objects.filter(held_elsewhere=True, body="").count() == 1
    assert sorted(Protocol.objects.values_list("status", flat=True)) == [
        ProtocolStatus.IN_FORCE,
        ProtocolStatus.SUSPENDED,
    ]
    assert audit_verify().problems == []


def test_who_sees_what_in_the_demo(demo: Any) -> None:
    profile = "Counter-terrorism local profile summary: Harrowfield"
    caveated = "Gateway readers' briefing: online radicalisation trends"
    picture = "Harrowfield threat picture for the programme board"
    record = "Regional threat assessment (held by the unit)"
    coordinator = _titles(f"coordinator@harrowfield.{DOMAIN}")
    assert {profile, caveated, picture} <= coordinator
    assert record not in coordinator  # CTC does not cover SECRET
    chief = _titles(f"chief.executive@harrowfield.{DOMAIN}")
    assert {profile, picture, record} <= chief
    assert caveated not in chief  # she does not hold the caveat
    # The board member's clearance expired yesterday: gone, though he is on the list by role.
    board = _titles(f"board@harrowfield.{DOMAIN}")
    assert profile not in board and caveated not in board
    assert picture in board  # OFFICIAL needs no vetting
    viewer = _titles(f"viewer@harrowfield.{DOMAIN}")
    assert profile in viewer  # fire service, on the list, BPSS
    assert "Quarterly community tension summary" in viewer  # a critical reader, in review
    contributor = _titles(f"contributor@harrowfield.{DOMAIN}")
    assert profile not in contributor  # not on the list, no clearance
    # Kestlebury's protocol is suspended: its product is read by nobody.
    assert _titles(f"coordinator@kestlebury.{DOMAIN}") == set()
    for user in User.objects.all():
        facts_forget(user)
        titles = set(product_policy.visible_to(user).values_list("title", flat=True))
        assert "Kestlebury local profile summary" not in titles
        assert "Event security advice for the summer festival" not in titles
    # Nobody can see the superseded version without seeing the next one too.
    assert len([t for t in chief if t == picture]) == 1
    assert BriefingProduct.objects.filter(title=picture).count() == 2


def test_a_demo_user_signs_in_and_finds_their_briefings(demo: Any) -> None:
    client = Client()
    response = client.post(
        "/sign-in/", {"username": f"viewer@harrowfield.{DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(reverse("core:home")).content.decode()
    assert "Briefing products" in home
    listing = client.get(reverse("sharing:product-list")).content.decode()
    assert "Counter-terrorism local profile summary: Harrowfield" in listing
    assert "Regional threat assessment" not in listing


def test_running_the_demo_again_makes_no_duplicates(demo: Any) -> None:
    first = _counts()
    demo_build()
    assert _counts() == first
    assert first["BriefingProduct"] == 9


def test_every_demo_page_renders_for_those_who_may_see_it(demo: Any) -> None:
    """Each demo user opens every product and protocol they can see, in every state, and the
    pages their role gives them there."""
    pages = 0
    for user in User.objects.filter(email__endswith=DOMAIN):
        facts_forget(user)
        client = sign_in(Client(), user)
        for product in product_policy.visible_to(user):
            can = product_policy.abilities(facts_for(user), product)
            names = ["sharing:product-detail"] + [
                name
                for action, name in (
                    ("view_readership", "sharing:product-readership"),
                    ("feedback", "sharing:product-feedback"),
                    ("request_access", "sharing:product-access-request"),
                    ("edit", "sharing:product-update"),
                    ("edit", "sharing:product-dissemination"),
                    ("edit", "sharing:attachment-add"),
                    ("manage_people", "sharing:product-people"),
                    ("submit", "sharing:product-submit"),
                    ("approve", "sharing:product-approve"),
                    ("release", "sharing:product-release"),
                    ("withdraw", "sharing:product-withdraw"),
                )
                if can[action]
            ]
            for name in names:
                response = client.get(reverse(name, args=[product.pk]))
                assert response.status_code == 200, (user.email, name, product.title)
                pages += 1
        for protocol in Protocol.objects.all():
            expected = 200 if protocol_policy.user_can(user, "view", protocol) else 404
            url = reverse("sharing:protocol-detail", args=[protocol.pk])
            assert client.get(url).status_code == expected
        assert client.get(reverse("sharing:access-request-list")).status_code == 200
    assert pages >= 40
