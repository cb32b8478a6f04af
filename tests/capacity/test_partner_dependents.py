"""An organisation whose posts hold relationships with community organisations stays a partner
(ADR 0028): capacity registers their count with partnerships, which refuses to take the
organisation out until other partners' posts hold them."""

from __future__ import annotations

from typing import Any

import pytest

from lde.accounts.models import Post
from lde.capacity import services
from lde.capacity.selectors import community_relationships_held_by_posts_of
from lde.partnerships.models import PartnerOrganisation
from lde.partnerships.services import partner_organisation_remove
from tests.factories import OrganisationFactory
from tests.partnerships.dependents import assert_counted_for_its_own_only, removal_refused

pytestmark = pytest.mark.django_db


def test_relationships_held_by_its_posts_keep_it_a_partner_until_others_hold_them(
    cast: dict[str, Any],
) -> None:
    partnership, council = cast["partnership"], cast["council"]
    coordinator = cast["people"]["coordinator"]
    trust = OrganisationFactory(name="Oakfield Schools Trust", type="other")
    PartnerOrganisation.objects.create(partnership=partnership, organisation=trust)
    head, deputy = (
        Post.objects.create(organisation=trust, kind="other", title=title)
        for title in ("Head of inclusion", "Deputy head")
    )
    council_post = Post.objects.get(pk=cast["capacity_officer_post_id"])
    alone = services.community_relationship_record(
        actor=coordinator,
        partnership=partnership,
        organisation=OrganisationFactory(name="Eastside Youth Club", type="voluntary"),
        nature="Youth work after school.",
        held_by=[head, deputy],
    )
    shared = services.community_relationship_record(
        actor=coordinator,
        partnership=partnership,
        organisation=OrganisationFactory(name="Westside Mosque", type="faith"),
        nature="Joint open days.",
        held_by=[deputy, council_post],
    )

    # Held by two of its posts, it is still one relationship.
    assert_counted_for_its_own_only(community_relationships_held_by_posts_of, partnership, trust, 2)
    assert removal_refused(coordinator, partnership, trust) == [
        "2 relationships with community organisations held by its posts: name posts of the "
        "partnership's other organisations as their holders first"
    ]
    services.community_relationship_holders_change(
        actor=coordinator, relationship=shared, held_by=[council_post]
    )
    assert removal_refused(coordinator, partnership, trust) == [
        "1 relationship with a community organisation held by its posts: name posts of the "
        "partnership's other organisations as their holders first"
    ]
    services.community_relationship_holders_change(
        actor=coordinator, relationship=alone, held_by=[council_post]
    )
    partner_organisation_remove(actor=coordinator, partnership=partnership, organisation=trust)
    assert not PartnerOrganisation.objects.filter(
        partnership=partnership, organisation=trust
    ).exists()
    assert council.pk in set(
        PartnerOrganisation.objects.filter(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )
