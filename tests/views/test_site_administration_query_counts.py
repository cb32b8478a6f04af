"""Query counts of the site-administration pages (issue 18) do not grow with the data: the
marking scheme and one marking, the ceiling, a partnership's edit page, and the alliances' list,
detail and create pages, each asked for with a little data and again with much more."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lde.accounts.models import OrganisationType
from lde.core.access.markings import Marking, MarkingScheme
from lde.partnerships.models import Alliance, PartnerOrganisation
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


class Grown:
    """The data a site administrator's pages read, grown a step at a time: older markings mapped
    onto today's, partnerships with a police BCU and areas, councils and BCUs in the register,
    and alliances of three partnerships each."""

    def __init__(self) -> None:
        self.steps = 0
        self.partnership = PartnershipFactory(name="Edited")
        self.alliance: Alliance | None = None
        self.official = Marking.objects.get(code="official")

    def grow(self, size: int) -> None:
        for _ in range(size):
            n = self.steps = self.steps + 1
            Marking.objects.create(
                code=f"older-{n}",
                label=f"Older {n}",
                scheme=MarkingScheme.LEGACY,
                rank=self.official.rank,
                maps_to=self.official,
            )
            bcu = OrganisationFactory(type=OrganisationType.POLICE_BCU)
            OrganisationFactory(type=OrganisationType.COUNCIL)
            self.partnership.police_bcus.add(bcu)
            PartnerOrganisation.objects.create(partnership=self.partnership, organisation=bcu)
            members = [PartnershipFactory(area_gss_codes=[f"E0{n:07d}"]) for _ in range(3)]
            alliance = Alliance.objects.create(name=f"Alliance {n}")
            alliance.partnerships.set(members)
            self.alliance = self.alliance or alliance
            self.alliance.partnerships.add(members[0])


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


# Eight of each page's queries are the same on every page: the session, the user, the second
# factor, and the five that load the user's access facts (a site administrator's are empty).
PAGES: list[tuple[str, Callable[[Grown], str], int]] = [
    # the site's settings (its row looked up, then read with the ceiling) and every marking with
    # what it maps onto, in one
    ("marking-list", lambda g: "/site-administration/markings/", 11),
    # the marking, with what it maps onto
    ("marking-change", lambda g: f"/site-administration/markings/{g.official.pk}/", 9),
    # the settings (two) and today's markings to choose from
    ("ceiling", lambda g: "/site-administration/ceiling/", 11),
    # the partnership, its BCUs' ids for the form's initial choice, and the councils and the
    # BCUs of the register offered by the two autocompletes' selects
    ("partnership-edit", lambda g: f"/partnerships/{g.partnership.pk}/edit/", 12),
    # the alliances, and all their partnerships in one prefetch
    ("alliance-list", lambda g: "/partnerships/alliances/", 10),
    # the alliance, and its partnerships in one prefetch
    (
        "alliance-detail",
        lambda g: f"/partnerships/alliances/{g.alliance.pk}/",  # type: ignore[union-attr]
        10,
    ),
    # the national list of partnerships offered by the autocomplete's select
    ("alliance-create", lambda g: "/partnerships/alliances/new/", 9),
]


@pytest.mark.parametrize(
    ("page", "expected"),
    [(url, expected) for _, url, expected in PAGES],
    ids=[n for n, _, _ in PAGES],
)
def test_site_administration_queries_do_not_grow_with_data(
    client: Client, page: Callable[[Grown], str], expected: int
) -> None:
    sign_in(client, UserFactory(is_site_administrator=True, is_staff=True))
    grown = Grown()
    grown.grow(2)
    small = count(client, page(grown))
    grown.grow(8)
    large = count(client, page(grown))
    assert (small, large) == (expected, expected)
