"""Site administration of the marking scheme and the ceiling (issue 18): the pages, the services
in lde/core/services.py, their refusals and their audit events."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lde.accounts.models import Post
from lde.core.access.markings import Marking, SiteSettings, VettingLevel, marking_ceiling
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.services import marking_change, site_ceiling_change
from lde.sharing.models import BriefingProduct
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.sharing.builders import draft, gateway

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}


def _m(code: str) -> Marking:
    return Marking.objects.get(code=code)


@pytest.fixture
def administrator() -> object:
    return UserFactory(is_site_administrator=True)


@pytest.fixture
def admin_client(client: Client, administrator: object) -> Client:
    return sign_in(client, administrator)


def test_the_markings_page_shows_the_scheme_the_mapping_and_the_ceiling(
    admin_client: Client,
) -> None:
    response = admin_client.get("/site-administration/markings/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This site's ceiling is <strong>OFFICIAL-SENSITIVE</strong>" in page
    # CONFIDENTIAL is handled as OFFICIAL-SENSITIVE, within the ceiling; SECRET and TOP SECRET
    # (both schemes) are above it.
    assert page.count("Above the ceiling: recorded only") == 4
    assert (
        '<td class="govuk-table__cell">CONFIDENTIAL</td>'
        '<td class="govuk-table__cell">OFFICIAL-SENSITIVE</td>' in page
    )


def test_raising_the_ceiling_is_confirmed_then_done_and_audited(
    admin_client: Client, administrator: object
) -> None:
    asked = admin_client.post("/site-administration/ceiling/", {"ceiling": "secret"})
    assert asked.status_code == 200
    assert "Change the ceiling from OFFICIAL-SENSITIVE to SECRET" in asked.content.decode()
    assert marking_ceiling().code == "official-sensitive"
    done = admin_client.post("/site-administration/ceiling/", {"ceiling": "secret", **CONFIRMED})
    assert done.status_code == 302
    assert marking_ceiling().code == "secret"
    event = AuditEvent.objects.get(verb="SITE_CEILING_CHANGED")
    assert event.actor_id == administrator.pk  # type: ignore[attr-defined]
    assert event.scope == "site"
    assert '"from":"official-sensitive"' in event.payload.replace(" ", "")


def test_a_ceiling_not_in_the_scheme_is_refused() -> None:
    administrator = UserFactory(is_site_administrator=True)
    with pytest.raises(ValidationError) as refused:
        site_ceiling_change(actor=administrator, ceiling=_m("restricted"))
    assert refused.value.message_dict == {
        "ceiling": ["Choose a marking of the Government Security Classifications"]
    }
    assert not AuditEvent.objects.filter(verb="SITE_CEILING_CHANGED").exists()


def test_a_ceiling_not_in_the_scheme_is_refused_on_the_page(admin_client: Client) -> None:
    response = admin_client.post(
        "/site-administration/ceiling/", {"ceiling": "confidential", **CONFIRMED}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Choose a marking of the Government Security Classifications" in page
    assert marking_ceiling().code == "official-sensitive"


def test_lowering_the_ceiling_below_stored_material_is_refused_with_the_count(
    admin_client: Client,
) -> None:
    g = gateway()
    draft(g)  # OFFICIAL-SENSITIVE, stored here
    draft(g, title="Another")
    response = admin_client.post(
        "/site-administration/ceiling/", {"ceiling": "official", **CONFIRMED}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "2 briefing products are stored here marked above OFFICIAL" in page
    assert marking_ceiling().code == "official-sensitive"


def test_lowering_the_ceiling_with_nothing_above_it_is_done() -> None:
    administrator = UserFactory(is_site_administrator=True)
    site_ceiling_change(actor=administrator, ceiling=_m("official"))
    assert marking_ceiling().code == "official"


def test_a_record_held_elsewhere_does_not_stand_in_the_way() -> None:
    g = gateway()
    administrator = UserFactory(is_site_administrator=True)
    site_ceiling_change(actor=administrator, ceiling=_m("secret"))
    holder = Post.objects.create(organisation=g.unit, kind="other", title="Desk")
    # Recorded as held elsewhere: only a title, who holds it and how to ask.
    BriefingProduct.objects.create(
        producing_organisation=g.unit,
        title="Held by the unit",
        marking=_m("top-secret"),
        protocol=g.protocol,
        held_elsewhere=True,
        holder_post=holder,
        how_to_ask="Ask the desk.",
    )
    site_ceiling_change(actor=administrator, ceiling=_m("official-sensitive"))
    assert marking_ceiling().code == "official-sensitive"


def test_mapping_an_older_marking_above_the_ceiling_is_refused_while_material_uses_it() -> None:
    g = gateway()
    draft(g, marking=_m("confidential"))
    administrator = UserFactory(is_site_administrator=True)
    with pytest.raises(ValidationError) as refused:
        marking_change(actor=administrator, marking=_m("confidential"), maps_to=_m("secret"))
    assert refused.value.message_dict["maps_to"][0].startswith(
        "1 briefing product is stored here marked above OFFICIAL-SENSITIVE"
    )
    assert _m("confidential").maps_to == _m("official-sensitive")


def test_an_older_marking_is_mapped_and_takes_its_rank_and_vetting(
    admin_client: Client,
) -> None:
    restricted = _m("restricted")
    response = admin_client.post(
        f"/site-administration/markings/{restricted.pk}/",
        {
            "maps_to": "official-sensitive",
            "description": "Handled as sensitive.",
            **CONFIRMED,
        },
    )
    assert response.status_code == 302
    restricted.refresh_from_db()
    assert restricted.maps_to == _m("official-sensitive")
    assert (restricted.rank, restricted.required_vetting) == (20, VettingLevel.BPSS)
    assert AuditEvent.objects.get(verb="MARKING_CHANGED").target_id == str(restricted.pk)


def test_a_current_markings_vetting_is_changed_and_its_older_markings_follow() -> None:
    administrator = UserFactory(is_site_administrator=True)
    marking_change(
        actor=administrator, marking=_m("official-sensitive"), required_vetting=VettingLevel.CTC
    )
    assert _m("official-sensitive").required_vetting == VettingLevel.CTC
    assert _m("confidential").required_vetting == VettingLevel.CTC


def test_a_higher_marking_never_needs_less_vetting_than_a_lower_one(admin_client: Client) -> None:
    secret = _m("secret")
    response = admin_client.post(
        f"/site-administration/markings/{secret.pk}/",
        {"required_vetting": VettingLevel.NONE, **CONFIRMED},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "SECRET must need at least the vetting of OFFICIAL-SENSITIVE" in page
    assert _m("secret").required_vetting == VettingLevel.SC


def test_a_marking_change_is_confirmed_first(admin_client: Client) -> None:
    secret = _m("secret")
    asked = admin_client.post(
        f"/site-administration/markings/{secret.pk}/", {"required_vetting": VettingLevel.DV}
    )
    assert asked.status_code == 200
    assert "Some who see it now will not." in asked.content.decode()
    assert _m("secret").required_vetting == VettingLevel.SC


@pytest.mark.parametrize(
    "call",
    ["ceiling", "marking"],
)
def test_anyone_else_is_refused_with_who_can(call: str) -> None:
    coordinator = UserFactory()
    with pytest.raises(PermissionDenied403) as refused:
        if call == "ceiling":
            site_ceiling_change(actor=coordinator, ceiling=_m("secret"))
        else:
            marking_change(actor=coordinator, marking=_m("secret"), required_vetting=0)
    assert refused.value.who_can == (
        "Site administrators change the marking scheme and the site's ceiling."
    )
    assert SiteSettings.objects.get().ceiling.code == "official-sensitive"


def test_the_pages_answer_anyone_else_403_with_who_can_or_404(client: Client) -> None:
    sign_in(client, UserFactory())
    for path in ("/site-administration/markings/", "/site-administration/ceiling/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Site administrators change the marking scheme" in response.content.decode()
    assert client.get(f"/site-administration/markings/{_m('secret').pk}/").status_code == 404
