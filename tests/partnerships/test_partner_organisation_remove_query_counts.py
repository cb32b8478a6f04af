"""The partner removal page's refusal (ADR 0028) makes the same number of queries whatever
depends on the organisation and however much: each kind is counted in one query, whether it is
one of the partnership's own (roles, strategic posts, a BCU) or one an app above registers
(`partner_dependents_register`). The number grows by one only when another app registers what
depends on a partner."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lde.accounts.models import OrganisationType, Post
from lde.capacity import services as capacity_services
from lde.engagement import services as engagement_services
from lde.narratives import services as narrative_services
from lde.narratives.models import PlanKind
from lde.partnerships.models import PartnerOrganisation, Role, StrategicPost
from lde.partnerships.selectors import PARTNER_DEPENDENTS
from tests.conftest import sign_in
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

# Nine queries come before the page's own: the session, the user, the second factor, and the
# six that load a coordinator's access facts (roles, assignments, partner organisations, posts
# held, clearance, caveats). Then the partnership asked for `manage`, the partner link with its
# organisation, whether it is a police BCU, the roles representing it (with their people), its
# posts named as strategic, and one count for each kind an app above registers.
OWN = 9 + 5
REGISTERED = {
    "action_plans.open_actions",
    "capacity.community_relationships",
    "engagement.spokespeople",
    "narratives.open_version_plans",
    "narratives.open_version_signatories",
}


class Grown:
    """A partner with more of everything that keeps it in, a step at a time."""

    def __init__(self) -> None:
        self.partnership = PartnershipFactory(name="Oakfield")
        council = self.partnership.lead_council
        self.coordinator = MembershipFactory(
            partnership=self.partnership,
            role=Role.COORDINATOR,
            user__organisation=council,
            organisation=council,
        ).user
        self.trust = OrganisationFactory(name="Oakfield Schools Trust", type=OrganisationType.OTHER)
        PartnerOrganisation.objects.create(partnership=self.partnership, organisation=self.trust)
        self.version = narrative_services.version_start(
            actor=self.coordinator, partnership=self.partnership
        )
        narrative_services.version_update(
            actor=self.coordinator,
            version=self.version,
            review_on=None,
            influences_reviewed_on=None,
            standalone_reason="",
            public_summary="",
            signatories=[self.trust],
        )
        self.steps = 0

    def grow(self, size: int) -> None:
        for _ in range(size):
            n = self.steps = self.steps + 1
            MembershipFactory(
                partnership=self.partnership,
                role=Role.VIEWER,
                user__organisation=self.trust,
                organisation=self.trust,
            )
            post = Post.objects.create(organisation=self.trust, kind="other", title=f"Lead {n}")
            StrategicPost.objects.create(
                partnership=self.partnership, post=post, named_by=self.coordinator
            )
            engagement_services.spokesperson_create(
                actor=self.coordinator,
                partnership=self.partnership,
                post=post,
                speaks_for=f"Schools {n}",
                topics="Prevent in schools",
            )
            capacity_services.community_relationship_record(
                actor=self.coordinator,
                partnership=self.partnership,
                organisation=OrganisationFactory(type=OrganisationType.OTHER),
                nature="Youth work.",
                held_by=[post],
            )
            narrative_services.plan_add(
                actor=self.coordinator,
                version=self.version,
                kind=PlanKind.OTHER,
                name=f"Plan {n}",
                organisation=self.trust,
                how_carried="Prevent is one of its priorities.",
            )


def _count(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_refusal_makes_the_same_queries_however_much_depends_on_the_partner(
    client: Client,
) -> None:
    # A new registration changes the expected number by one: name it here when it is added.
    assert set(PARTNER_DEPENDENTS) == REGISTERED
    grown = Grown()
    sign_in(client, grown.coordinator)
    url = f"/partnerships/{grown.partnership.pk}/organisations/{grown.trust.pk}/remove/"
    grown.grow(2)
    small, body = _count(client, url)
    assert "You cannot remove Oakfield Schools Trust yet" in body
    assert "2 spokespeople held by its posts" in body
    grown.grow(8)
    large, body = _count(client, url)
    assert "10 spokespeople held by its posts" in body
    assert "10 relationships with community organisations held by its posts" in body
    assert "10 mainstream plans it owns in the narrative being written" in body
    assert "1 narrative version being written or consulted on names it to sign" in body
    assert (small, large) == (OWN + len(REGISTERED), OWN + len(REGISTERED)) == (19, 19)
