"""An organisation whose posts are the partnership's spokespeople stays a partner (ADR 0028):
engagement registers their count with partnerships, which refuses to take the organisation out
until each is another partner's post. The media briefing log keeps naming who spoke."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lde.accounts.models import Post
from lde.engagement import services
from lde.engagement.models import MediaBriefing
from lde.engagement.selectors import spokespeople_posts_of
from lde.partnerships.models import PartnerOrganisation
from lde.partnerships.services import partner_organisation_remove
from tests.factories import OrganisationFactory
from tests.partnerships.dependents import assert_counted_for_its_own_only, removal_refused

pytestmark = pytest.mark.django_db


def test_spokespeople_keep_their_organisation_a_partner_and_past_briefings_do_not(
    cast: dict[str, Any],
) -> None:
    partnership = cast["partnership"]
    coordinator = cast["people"]["coordinator"]
    trust = OrganisationFactory(name="Oakfield Schools Trust", type="other")
    PartnerOrganisation.objects.create(partnership=partnership, organisation=trust)
    head = Post.objects.create(organisation=trust, kind="other", title="Head of inclusion")
    council_post = Post.objects.create(
        organisation=cast["council"], kind="other", title="Press officer"
    )
    spokespeople = [
        services.spokesperson_create(
            actor=coordinator,
            partnership=partnership,
            post=head,
            speaks_for=speaks_for,
            topics="Schools and Prevent",
        )
        for speaks_for in ("The trust's schools", "Parents")
    ]
    briefing = services.media_briefing_record(
        actor=coordinator,
        partnership=partnership,
        held_on=timezone.localdate() - timedelta(days=2),
        outlet="Oakfield Echo",
        topic="Schools' Prevent work",
        spoke=head,
    )

    assert_counted_for_its_own_only(spokespeople_posts_of, partnership, trust, 2)
    assert removal_refused(coordinator, partnership, trust) == [
        "2 spokespeople held by its posts: change each to a post of another partner "
        "organisation first"
    ]
    services.spokesperson_update(actor=coordinator, spokesperson=spokespeople[0], post=council_post)
    assert removal_refused(coordinator, partnership, trust) == [
        "1 spokesperson held by one of its posts: change each to a post of another partner "
        "organisation first"
    ]
    services.spokesperson_update(actor=coordinator, spokesperson=spokespeople[1], post=council_post)
    # The briefing the trust's post gave is in the past: it does not keep the trust in.
    partner_organisation_remove(actor=coordinator, partnership=partnership, organisation=trust)
    assert not PartnerOrganisation.objects.filter(
        partnership=partnership, organisation=trust
    ).exists()
    assert MediaBriefing.objects.get(pk=briefing.pk).spoke_id == head.pk
