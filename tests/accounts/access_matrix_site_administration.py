"""Site administration's people pages in the access matrix (tests/test_access_matrix.py).

permissions.md, "Site administrators": they run the site — organisations, partnerships, who holds
the site-wide grants — and see no partnership content by that role. The list of people is theirs
alone: anyone else signed in is told who can (403); a person's page and the change of their
organisation, account and grants are not found (404) for anyone else. Granting site
administrator is confirmed first, and done only with the confirmation.
"""

from __future__ import annotations

from typing import Any

from tests.access_vocabulary import CONFIRMED, CapabilityMatrix, Case, expect, only
from tests.factories import UserFactory

ADMINISTRATORS = ["site_administrator"]
GRANT = {"organisation": "", "is_active": "on", "is_site_administrator": "on"}

CASES: dict[str, Case] = {
    "accounts:person-list": Case("GET", (), expect(403, site_administrator=200)),
    "accounts:person-detail": Case("GET", ("account_id",), only(200, ADMINISTRATORS, 404)),
    "accounts:person-access-change": Case("GET", ("account_id",), only(200, ADMINISTRATORS, 404)),
}
CONFIRMATIONS: dict[str, Case] = {
    "accounts:person-access-change": Case(
        "POST", ("account_id",), only(302, ADMINISTRATORS, 404), data={**GRANT, **CONFIRMED}
    ),
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    person = UserFactory(full_name="Matrix Person")
    return {"account_id": person.pk}


MATRIX = CapabilityMatrix(build=build, cases=CASES, confirmations=CONFIRMATIONS)
