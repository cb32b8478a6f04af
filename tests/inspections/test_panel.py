"""The inspections home panel: a programme lead's programmes with their sites by step, an
inspector's sites with the next step, the case studies waiting for a site administrator, and
nothing (at no cost in queries) for anyone else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lde.core.access.facts import facts_for
from lde.inspections import learning_services, services
from lde.inspections.models import SiteStatus
from lde.inspections.panels import inspections_panel
from lde.partnerships.models import Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.inspections.builders import InspectionWorld, inspection_world, site_to
from tests.inspections.learning_builders import THEME

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> InspectionWorld:
    return inspection_world()


def _panel_queries(user: object) -> tuple[object, int]:
    """The panel for `user`, and the queries it made beyond the facts the request has loaded."""
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    facts_for(user)  # type: ignore[arg-type]
    with CaptureQueriesContext(connection) as captured:
        panel = inspections_panel(request)
    return panel, len(captured)


def _grow(world: InspectionWorld, size: int) -> None:
    for _ in range(size):
        site = services.site_add(
            actor=world.lead, programme=world.programme, partnership=PartnershipFactory()
        )
        services.inspector_assign(actor=world.lead, site=site, inspector=world.inspector)


def test_the_lead_sees_their_programmes_with_sites_by_step_in_one_query(
    client: Client, world: InspectionWorld
) -> None:
    site_to(world, SiteStatus.VISITED)
    _grow(world, 2)
    panel, small = _panel_queries(world.lead)
    _grow(world, 5)
    panel, large = _panel_queries(world.lead)
    assert (small, large) == (1, 1)
    assert panel is not None
    [row] = panel["programmes"]  # type: ignore[index]
    assert row["steps"] == [("Planned", 7), ("Visited", 1)]
    sign_in(client, world.lead)
    home = client.get(reverse("core:home")).text
    assert reverse("inspections:programme-detail", args=[world.programme.pk]) in home
    assert "8 sites" not in home
    assert "7 planned, 1 visited" in home
    assert reverse("inspections:programme-create") in home


def test_the_inspector_sees_their_sites_with_the_next_step_in_two_queries(
    client: Client, world: InspectionWorld
) -> None:
    _grow(world, 2)
    panel, small = _panel_queries(world.inspector)
    _grow(world, 5)
    panel, large = _panel_queries(world.inspector)
    # One for the sites the inspector's assignments name, one for those sites.
    assert (small, large) == (2, 2)
    assert panel is not None
    assert len(panel["sites"]) == 8  # type: ignore[index]
    sign_in(client, world.inspector)
    home = client.get(reverse("core:home")).text
    assert reverse("inspections:site-detail", args=[world.site.pk]) in home
    assert "Next: Send the document request" in home
    assert reverse("inspections:programme-create") not in home


def test_anyone_without_an_inspections_role_gets_nothing_for_no_query(
    world: InspectionWorld,
) -> None:
    for user in (
        world.coordinator,
        world.board_member,
        MembershipFactory(role=Role.VIEWER).user,
        UserFactory(is_national_analyst=True),
    ):
        assert _panel_queries(user) == (None, 0)


def test_a_site_administrator_is_told_of_the_case_studies_waiting(
    client: Client, world: InspectionWorld
) -> None:
    administrator = UserFactory(is_site_administrator=True)
    assert _panel_queries(administrator) == (None, 1)
    case_study = learning_services.case_study_add(
        actor=world.lead,
        programme=world.programme,
        site=world.site,
        title="A forum that hears concerns early",
        theme=THEME,
        summary="A forum with community organisations.",
        what_was_done="Monthly meetings.",
        outcome="Concerns were heard earlier.",
        strand="resilience",
        setting="community",
    )
    learning_services.case_study_send(actor=world.lead, case_study=case_study)
    panel, queries = _panel_queries(administrator)
    assert queries == 1
    assert panel is not None and panel["waiting"] == 1  # type: ignore[index]
    sign_in(client, administrator)
    home = client.get(reverse("core:home")).text
    assert "1 case study sent to the library" in home
    assert reverse("inspections_learning:case-studies-sent") in home
