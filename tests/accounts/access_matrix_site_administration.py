"""Site administration's pages in the access matrix (tests/test_access_matrix.py): people and
their site-wide grants, the marking scheme and the ceiling, partnerships' own facts and alliances.

permissions.md, "Site administrators": they run the site — organisations, partnerships, who holds
the site-wide grants, settings — and see no partnership content by that role. The lists (people,
markings, the ceiling, partnerships, alliances) are theirs alone: anyone else signed in is told
who can (403); one person's, marking's, partnership's or alliance's page of site administration is
not found (404) for anyone else. What changes who may see or do what is confirmed first, and done
only with the confirmation: a site-wide grant, the ceiling, a marking, an alliance's partnerships.
"""

from __future__ import annotations

from typing import Any

from lde.core.access.markings import Marking
from lde.partnerships.models import Alliance
from tests.access_vocabulary import CONFIRMED, CapabilityMatrix, Case, expect, only
from tests.factories import PartnershipFactory, UserFactory

ADMINISTRATORS = ["site_administrator"]
GRANT = {"organisation": "", "is_active": "on", "is_site_administrator": "on"}
SITE_ADMINISTRATORS_ONLY = expect(403, site_administrator=200)

CASES: dict[str, Case] = {
    "accounts:person-list": Case("GET", (), SITE_ADMINISTRATORS_ONLY),
    "accounts:person-detail": Case("GET", ("account_id",), only(200, ADMINISTRATORS, 404)),
    "accounts:person-access-change": Case("GET", ("account_id",), only(200, ADMINISTRATORS, 404)),
    # The marking scheme and the ceiling (lde/core).
    "core:marking-list": Case("GET", (), SITE_ADMINISTRATORS_ONLY),
    "core:marking-change": Case("GET", ("marking_id",), only(200, ADMINISTRATORS, 404)),
    "core:ceiling-change": Case("GET", (), SITE_ADMINISTRATORS_ONLY),
    # Partnerships' own facts and alliances (lde/partnerships).
    "partnerships:partnership-administration": Case("GET", (), SITE_ADMINISTRATORS_ONLY),
    "partnerships:partnership-edit": Case(
        "GET", ("partnership_id",), only(200, ADMINISTRATORS, 404)
    ),
    "partnerships:alliance-list": Case("GET", (), SITE_ADMINISTRATORS_ONLY),
    "partnerships:alliance-create": Case("GET", (), SITE_ADMINISTRATORS_ONLY),
    "partnerships:alliance-detail": Case("GET", ("alliance_id",), only(200, ADMINISTRATORS, 404)),
    "partnerships:alliance-partnership-add": Case(
        "GET", ("alliance_id",), only(200, ADMINISTRATORS, 404)
    ),
    "partnerships:alliance-partnership-remove": Case(
        "GET", ("alliance_id", "partnership_id"), only(200, ADMINISTRATORS, 404)
    ),
}
CONFIRMATIONS: dict[str, Case] = {
    "accounts:person-access-change": Case(
        "POST", ("account_id",), only(302, ADMINISTRATORS, 404), data={**GRANT, **CONFIRMED}
    ),
    "core:marking-change": Case(
        "POST",
        ("marking_id",),
        only(302, ADMINISTRATORS, 404),
        data={"required_vetting": "40", "description": "", **CONFIRMED},
    ),
    "core:ceiling-change": Case(
        "POST", (), expect(403, site_administrator=302), data={"ceiling": "secret", **CONFIRMED}
    ),
    "partnerships:alliance-partnership-add": Case(
        "POST",
        ("alliance_id",),
        only(302, ADMINISTRATORS, 404),
        data={"partnership": "Matrix Alliance Newcomer", **CONFIRMED},
    ),
    "partnerships:alliance-partnership-remove": Case(
        "POST", ("alliance_id", "partnership_id"), only(302, ADMINISTRATORS, 404), data=CONFIRMED
    ),
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    person = UserFactory(full_name="Matrix Person")
    # The programme matrix's alliance (the world's partnership and the other partnership, built
    # before this one), with a third partnership of no subject's, so that one can be taken out;
    # and a partnership to add.
    alliance = Alliance.objects.get(pk=world["alliance_id"])
    alliance.partnerships.add(PartnershipFactory(name="Matrix Alliance Third"))
    PartnershipFactory(name="Matrix Alliance Newcomer")
    return {
        "account_id": person.pk,
        "marking_id": Marking.objects.get(code="secret").pk,
    }


MATRIX = CapabilityMatrix(build=build, cases=CASES, confirmations=CONFIRMATIONS)
