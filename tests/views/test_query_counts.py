"""Query counts for the home and partnership pages do not grow with the data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lde.accounts.models import Post, PostHolding, PostKind
from lde.partnerships.models import AssignmentKind, Membership, PartnerOrganisation, Role
from tests.conftest import sign_in
from tests.factories import (
    AssignmentFactory,
    ClearanceFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def grow(coordinator_membership: Membership, size: int) -> None:
    """Add `size` more of everything around the coordinator's partnership."""
    partnership = coordinator_membership.partnership
    for _ in range(size):
        organisation = OrganisationFactory()
        PartnerOrganisation.objects.create(partnership=partnership, organisation=organisation)
        member = MembershipFactory(
            partnership=partnership, role=Role.VIEWER, user__organisation=organisation
        )
        post = Post.objects.create(
            organisation=organisation, kind=PostKind.OTHER, title="Lead", required_vetting=30
        )
        PostHolding.objects.create(post=post, user=member.user, started_on="2026-01-01")
        ClearanceFactory(user=member.user, sponsor=organisation)
        other = MembershipFactory(role=Role.COORDINATOR)  # another partnership entirely
        MembershipFactory(
            user=coordinator_membership.user, partnership=other.partnership, role=Role.BOARD_MEMBER
        )
        AssignmentFactory(
            user=UserFactory(), kind=AssignmentKind.INSPECTOR, partnerships=[partnership]
        )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# Nine of each page's queries are the same on every page: the session, the user, the second
# factor, and the six that load the user's access facts.
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # one lists the assessments needing attention, one the overdue actions, two the
        # briefing products: the user's parts in products being worked on (none here, so the
        # lists of those they draft or approve are not asked for) and the released ones they
        # have not acknowledged; two the assignments new into the coordinator's partnerships
        # (and their partnerships); then the panels of the capabilities: capacity three (its
        # partnerships, teams, relationships), commissioning three (panels, calls,
        # applicants), programme one (its partnerships with a project: none here; with one,
        # four more for its tier labels, projects and two of funding), the narrative one
        # (versions due), engagement one (forums to engage), consequence
        # management one (readiness plans past review) and monitoring two (late returns, the
        # returns an applicant owes); and four for the evaluation apps' panels (indicators,
        # survey data sets and the library of what works); one for the questionnaires panel
        # (the coordinator here has none: with some it is two, three when it shows only some);
        # one for similar areas (whether there is area data: here there is none, so no panel;
        # with it, two more: the partnerships linked and the peer review requests waiting)
        (lambda p: "/", 38),
        (lambda p: "/partnerships/", 11),
        (lambda p: f"/partnerships/{p}/", 15),
        (lambda p: f"/partnerships/{p}/members/", 11),
        # one more: which of the posts the user may change
        (lambda p: f"/partnerships/{p}/posts/", 13),
        (lambda p: f"/partnerships/{p}/clearances/", 15),
        (lambda p: f"/partnerships/{p}/audit/", 11),
        (lambda p: "/organisations/", 11),
    ],
    ids=[
        "home",
        "partnership-list",
        "partnership-detail",
        "members",
        "posts",
        "clearances",
        "audit",
        "organisations",
    ],
)
def test_page_queries_do_not_grow_with_data(
    client: Client, page: Callable[[int], str], expected: int
) -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR, partnership=PartnershipFactory())
    sign_in(client, coordinator.user)
    url = page(coordinator.partnership_id)
    grow(coordinator, 2)
    small = count(client, url)
    grow(coordinator, 8)
    large = count(client, url)
    assert large == small
    assert small == expected
