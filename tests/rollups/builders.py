"""Small area-data worlds for the similar-areas tests and the access matrix."""

from __future__ import annotations

from typing import Any

from lde.accounts.models import User
from lde.partnerships.models import Partnership, Role
from lde.rollups import services
from lde.rollups.models import AreaDataSet
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

VARIABLES = (
    "name,label,source,licence,protected,weight\n"
    "density,People per hectare,ONS mid-year estimates (fictional),OGL v3,no,\n"
    "deprivation,Deprivation score,English indices (fictional),OGL v3,no,2\n"
    "students,Share of adults in higher education,Census (fictional),OGL v3,no,\n"
)


def area_csv(codes: list[str]) -> str:
    """Figures for each code that differ on every variable and are never constant."""
    lines = ["gss_code,density,deprivation,students"]
    for i, code in enumerate(codes):
        lines.append(f"{code},{10 + 3 * i},{20 + (i * 7) % 11},{5 + (i * i) % 13}")
    return "\n".join(lines) + "\n"


def area_import(actor: User | None, partnerships: list[Partnership]) -> AreaDataSet:
    codes = [p.area_gss_codes[0] for p in partnerships]
    return services.area_data_import(
        actor=actor,
        data=area_csv(codes).encode(),
        variables=VARIABLES.encode(),
        file_name="areas.csv",
    )


def all_or_nothing_arguments() -> dict[str, Any]:
    """Arguments that carry each of rollups' writing services as far as its audit event, for
    tests/core/test_writes_are_all_or_nothing.py."""
    service = "lde.rollups.services"

    def _pair() -> tuple[Partnership, Partnership, User, User]:
        made = [
            PartnershipFactory(name=f"All or nothing {i}", area_gss_codes=[f"E06999{700 + i}"])
            for i in range(3)
        ]
        admin = UserFactory(is_site_administrator=True)
        area_import(admin, made)
        asking, asked = made[0], made[1]
        asker, answerer = UserFactory(), UserFactory()
        MembershipFactory(user=asker, partnership=asking, role=Role.COORDINATOR)
        MembershipFactory(user=answerer, partnership=asked, role=Role.COORDINATOR)
        return asking, asked, asker, answerer

    def _import(_: Any) -> dict[str, Any]:
        made = [
            PartnershipFactory(name=f"All or nothing {i}", area_gss_codes=[f"E06999{700 + i}"])
            for i in range(3)
        ]
        return {
            "actor": UserFactory(is_site_administrator=True),
            "data": area_csv([p.area_gss_codes[0] for p in made]).encode(),
            "variables": VARIABLES.encode(),
            "file_name": "all-or-nothing.csv",
        }

    def _request(_: Any) -> dict[str, Any]:
        asking, asked, asker, _answerer = _pair()
        return {"actor": asker, "partnership": asking, "asked": asked, "message": "Schools."}

    def _decide(_: Any) -> dict[str, Any]:
        asking, asked, asker, answerer = _pair()
        request = services.peer_review_request_create(actor=asker, partnership=asking, asked=asked)
        return {"actor": answerer, "request": request, "accept": True, "reply": "Yes."}

    return {
        f"{service}.area_data_import": _import,
        f"{service}.peer_review_request_create": _request,
        f"{service}.peer_review_request_decide": _decide,
    }
