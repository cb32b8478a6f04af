"""Small area-data worlds for the similar-areas tests and the access matrix."""

from __future__ import annotations

from lde.accounts.models import User
from lde.partnerships.models import Partnership
from lde.rollups import services
from lde.rollups.models import AreaDataSet

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
