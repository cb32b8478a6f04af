"""The protocol rule, proved over the gateway's generated worlds (test_gateway_properties.py).

For every (user, protocol) pair of each world and both actions, the database filter
(`protocol_policy.visible_to`), the policy's `allows` and a reference written here from
permissions.md over the plain world agree: a protocol is seen by the people of its party
organisations and by the coordinators of partnerships a product released under it is addressed
to; it is managed, until it has ended, only by a person of a party who coordinates a partnership
in which their own organisation is a partner. Being a partner of a partnership where a party
sits gives nothing.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings

from lde.core.access.facts import facts_for, facts_forget
from lde.partnerships.models import Role
from lde.sharing.models import ProductStatus, Protocol, ProtocolStatus
from lde.sharing.policies import protocol_policy
from tests.sharing.test_gateway_properties import World, _build, worlds

pytestmark = pytest.mark.django_db

EXAMPLES = 40
ACTIONS = ("view", "manage")


def reference(world: World, u: int, i: int, action: str) -> bool:
    user = world.users[u]
    status, parties = world.protocols[i]
    organisation = user.organisation
    coordinated = {p for p, role in user.memberships if role == Role.COORDINATOR}
    if action == "view":
        if organisation is not None and organisation in parties:
            return True
        return any(
            product.protocol == i
            and product.status in (ProductStatus.RELEASED, ProductStatus.SUPERSEDED)
            and product.recipients & coordinated
            for product in world.products
        )
    return (
        status != ProtocolStatus.ENDED
        and organisation is not None
        and organisation in parties
        and any((p, organisation) in world.partner_links for p in coordinated)
    )


def test_filter_allows_and_reference_agree_for_every_pair_of_every_world() -> None:
    tally = {"pairs": 0, "allowed": 0, "examples": 0, "view_by_release": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(world=worlds)
    def check(world: World) -> None:
        with transaction.atomic():
            users, _ = _build(world)
            protocols = list(
                Protocol.objects.filter(title__startswith="Protocol ")
                .prefetch_related("parties")
                .order_by("title")
            )
            assert [p.title for p in protocols] == [
                f"Protocol {i}" for i in range(len(world.protocols))
            ]
            for u, user in enumerate(users):
                facts_forget(user)
                facts = facts_for(user)
                for action in ACTIONS:
                    found = set(
                        protocol_policy.visible_to(user, action).values_list("pk", flat=True)
                    )
                    for i, protocol in enumerate(protocols):
                        want = reference(world, u, i, action)
                        assert protocol_policy.allows(facts, action, protocol) == want, (
                            u,
                            i,
                            action,
                        )
                        assert (protocol.pk in found) == want, (u, i, action)
                        tally["pairs"] += 1
                        tally["allowed"] += want
                        organisation = world.users[u].organisation
                        tally["view_by_release"] += (
                            action == "view" and want and organisation not in world.protocols[i][1]
                        )
            tally["examples"] += 1
            transaction.set_rollback(True)

    check()
    assert tally["examples"] == EXAMPLES
    # Not vacuous: both answers occur, and so does reading by release alone.
    assert tally["allowed"] >= 100, tally
    assert tally["pairs"] - tally["allowed"] >= 100, tally
    assert tally["view_by_release"] >= 10, tally
