"""An applicant is not one of the access matrix's subjects (tests/access_vocabulary.py's SUBJECTS
is fixed), so this walks the whole URLconf as one, as tests/test_access_matrix.py does: every
page of the platform answers an applicant 404 or 403 (or sends them to sign in again), except
their own organisation's bids, the public pages and the pages every signed-in person has (their
account, sign-out, the home page). No assessment, action, member, briefing or other
organisation's bid is ever shown to them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

# Pages an applicant may open: their own, the public ones, and those of any signed-in person.
OPEN_TO_AN_APPLICANT = {
    "commissioning:my-bids",
    "commissioning:bid-detail",  # their own bid (the walk uses another organisation's: 404)
    "commissioning:bid-edit",
    "commissioning:bid-submit",  # the confirmation page of submitting their own draft
    "commissioning:public-calls",
    "commissioning:public-call",
    "commissioning:public-register",
    "commissioning:feed-json",
    "commissioning:feed-xlsx",
    "commissioning:register",
    # Published indicators, open to anyone, with figures under 10 withheld.
    "indicators:open-list",
    # The library of what works: its published entries, for any signed-in person.
    "what_works:library",
    # Released open data, for anyone at all.
    "opendata:release-list",
}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            found.append((f"{namespace}{pattern.name}", prefix + str(pattern.pattern)))
    return found


def _path(route: str, value: str) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


def test_an_applicant_reaches_nothing_of_the_partnership(
    cworld: dict[str, Any], client: Client
) -> None:
    applicant = cworld["commissioning_applicant"]
    sign_in(client, applicant, verified=False)
    # Ids that exist: another organisation's bid, the partnership, calls, and the rows other
    # apps' pages take (a low id exists for most tables in this world).
    other_bid = str(cworld["commissioning_recused_bid_id"])
    reached = {}
    for name, route in _walk(get_resolver()):
        if name.startswith(("admin:", "api:")) or "(?P" in route or name in OPEN_TO_AN_APPLICANT:
            continue
        for value in ("1", other_bid):
            response = client.get(_path(route, value))
            if response.status_code == 200:
                reached[name] = _path(route, value)
    allowed = {
        "home",
        "core:home",
        "accounts:account",
        "accounts:profile",
        "core:accessibility",
        "core:cookies",
        "commissioning:register-confirm",
        # Open data releases in progress that the person may see: for an applicant, none.
        "opendata:release-manage",
    }
    # Pages every signed-in person opens, each a list or a form filtered by the policies to
    # what the reader reaches: for an applicant they answer 200 but name nothing of any
    # partnership (checked below), rather than 404.
    filtered = {
        "accounts:organisation-list",
        "frameworks:framework-library",
        "partnerships:partnership-list",
        "sharing:access-request-list",
        "sharing:product-create",
        "sharing:product-list",
        "sharing:protocol-list",
        "commissioning:bid-create",  # bidding to an open call: the applicant's own page
        "inspections:programme-list",  # the programmes the reader leads, inspects or hosts
    }
    leaked = {
        n: p
        for n, p in reached.items()
        if n not in allowed and n not in filtered and not _harmless(n)
    }
    assert leaked == {}
    partnership = cworld["partnership"]
    for name in sorted(filtered & set(reached)):
        # Bidding is the applicant's own page; the product form offers every partnership and
        # organisation as recipients and contributors to anyone signed in (lde.sharing), names
        # only, refused on saving by the sharing policies.
        if name in ("commissioning:bid-create", "sharing:product-create"):
            continue
        text = client.get(reached[name]).content.decode()
        assert "Matrix Faith Centre" not in text, name
        assert partnership.name not in text, name
        assert partnership.lead_council.name not in text, name


def _harmless(name: str) -> bool:
    """Pages every signed-in person has about themselves or the service, never about a
    partnership: sign-in and account pages."""
    return name.startswith("accounts:") and not name.startswith(
        ("accounts:organisation", "accounts:clearance", "accounts:caveat", "accounts:post")
    )


def test_an_applicant_sees_only_its_own_organisations_bids(
    cworld: dict[str, Any], client: Client
) -> None:
    sign_in(client, cworld["commissioning_applicant"], verified=False)
    assert client.get(f"/commissioning/bids/{cworld['commissioning_bid_id']}/").status_code == 200
    other = cworld["commissioning_recused_bid_id"]
    assert client.get(f"/commissioning/bids/{other}/").status_code == 404
    page = client.get(f"/commissioning/bids/{cworld['commissioning_bid_id']}/").content.decode()
    # Never the assessment: no scores, no panellists, no weighted total.
    assert "Scores by criterion" not in page and "Weighted score" not in page
    calls = cworld["commissioning_closed_call_id"]
    assert client.get(f"/commissioning/calls/{calls}/").status_code == 404
    assert client.get(f"/commissioning/{cworld['partnership'].pk}/").status_code == 404
    api = client.get(f"/api/v1/commissioning/bids/{other}")
    assert api.status_code in (401, 404)
