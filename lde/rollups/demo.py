"""The demo's national picture: enough fictional partnerships that a national analyst's views
show real figures, and show them withheld where the small-number rule says.

It builds on the foundation demo and the gateway demo (`lde.sharing.demo`, whose Pennine unit
briefs the partnerships here), and is listed after them in `LDE_DEMO_BUILDERS`. The places,
regions and whether each was briefed are in `data/demo.yaml`, which also says what the national
views then show. Each partnership is as small as the figures allow: its lead council, whose
chief executive and lead councillor hold its two strategic posts and sit on its board. Those
that were briefed received, this quarter, a product from the unit under a regional protocol,
and both post holders acknowledged it, so both posts count as covered.

Unlike the benchmark's national world, everything goes through the audited services, as in the
rest of the demo: there are twenty partnerships, not three hundred and fifty. Every name is
invented, GSS codes lie in the unused ...999xx range, and running it again finds what it made
and makes no duplicates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings

from lde.accounts import services as account_services
from lde.accounts.models import Organisation, OrganisationType, PostKind, User
from lde.core.access.facts import facts_forget
from lde.partnerships import services as partnership_services
from lde.partnerships.demo import DEMO_PASSWORD, DOMAIN, _member, _organisation, _post
from lde.partnerships.models import Partnership, Region, Role
from lde.rollups import distributions_data, money_data
from lde.sharing import services as sharing_services
from lde.sharing.demo import UNIT, _existing, _product, _protocol, _released
from lde.sharing.models import DisseminationKind

TEXT: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "demo.yaml").read_text(encoding="utf-8")
)
# The regional protocols: the region, the main demo's partnership whose coordinator drafts it
# (their own council must be a party, and its chief executive signs), the protocol's title and
# reference.
PROTOCOLS: dict[str, tuple[str, str, str, str]] = {
    Region.NORTH_WEST: (
        "Harrowfield Prevent Partnership",
        "Margaret Lowe",
        "North West partnerships' briefing protocol (fictional)",
        "NW-ISP-01",
    ),
    Region.WEST_MIDLANDS: (
        "Kestlebury Prevent Partnership",
        "David Amos",
        "West Midlands partnerships' briefing protocol (fictional)",
        "WM-ISP-01",
    ),
}


def _holder(email: str, name: str, council: Organisation, job: str, password: str) -> User:
    """A post holder with the demo password. Hashing it for each of forty people would take most
    of the builder's time (Argon2 is slow on purpose), so the service hashes a throwaway copy
    cheaply and every holder then gets the one Argon2 hash of the demo password, made once."""
    user = User.objects.filter(email=email).first()
    if user is None:
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            user = account_services.user_create(
                actor=None,
                email=email,
                full_name=name,
                organisation=council,
                job_title=job,
                password=DEMO_PASSWORD,
            )
        User.objects.filter(pk=user.pk).update(password=password)
    return user


def _partnership(
    index: int, place: str, region: str, admin: User, password: str
) -> tuple[Partnership, Organisation, list[User]]:
    slug = place.lower()
    gss = f"E06999{910 + index}"
    council = _organisation(f"{place} Borough Council", OrganisationType.COUNCIL, gss)
    people = TEXT["people"]
    holders = []
    for offset, (kind, job) in enumerate(
        [(PostKind.CHIEF_EXECUTIVE, "Chief Executive"), (PostKind.LEAD_COUNCILLOR, "Lead Member")]
    ):
        first, surname = people[(2 * index + offset) % len(people)]
        email = f"{job.lower().replace(' ', '.')}@{slug}.{DOMAIN}"
        holder = _holder(email, f"{first} {surname}", council, job, password)
        _post(council, kind, job, holder)
        holders.append(holder)
    name = f"{place} Prevent Partnership"
    partnership = Partnership.objects.filter(name=name).first()
    if partnership is None:
        partnership = partnership_services.partnership_create(
            actor=admin, name=name, lead_council=council, region=region, area_gss_codes=[gss]
        )
    for holder in holders:
        _member(partnership, holder, Role.BOARD_MEMBER)
        facts_forget(holder)
    return partnership, council, holders


def _brief(region: str, briefed: list[tuple[Partnership, Organisation, list[User]]]) -> None:
    """The unit's product for the region's briefed partnerships, released under a regional
    protocol and acknowledged by every strategic post holder on its list."""
    unit = Organisation.objects.get(name=UNIT)
    home_name, home_signatory, title, reference = PROTOCOLS[region]
    home = Partnership.objects.select_related("lead_council").get(name=home_name)
    coordinator = User.objects.get(email=f"coordinator@{home_name.split()[0].lower()}.{DOMAIN}")
    councils = [council for _, council, _ in briefed]
    protocol = _protocol(
        actor=coordinator,
        title=title,
        reference=reference,
        parties=[home.lead_council, *councils, unit],
        review_in_days=300,
        signatories=[
            (home.lead_council, home_signatory, "Chief Executive"),
            *[(council, chief.full_name, "Chief Executive") for _, council, (chief, _) in briefed],
            (unit, "Detective Superintendent Mark Ellis", "Head of Unit"),
        ],
    )
    text = TEXT["product"]
    product_title = text["title"].format(region=Region(region).label)
    if _existing(unit, product_title) is not None:
        return
    analyst = User.objects.get(email=f"analyst@pennine-ctu.{DOMAIN}")
    manager = User.objects.get(email=f"manager@pennine-ctu.{DOMAIN}")
    product = _product(
        author=analyst,
        title=product_title,
        marking="official",
        protocol=protocol,
        recipients=[partnership for partnership, _, _ in briefed],
        dissemination=[(DisseminationKind.ORGANISATION, council) for council in councils],
        approvers=[manager],
        summary=text["summary"],
        body=text["body"],
    )
    product = _released(analyst, product, manager)
    for _, _, holders in briefed:
        for holder in holders:
            facts_forget(holder)
            sharing_services.product_read_record(actor=holder, product=product)
            sharing_services.product_acknowledge(actor=holder, product=product)


@transaction.atomic
def demo_build() -> None:
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    password = make_password(DEMO_PASSWORD)
    briefed: dict[str, list[tuple[Partnership, Organisation, list[User]]]] = {}
    for index, entry in enumerate(TEXT["partnerships"]):
        region = str(Region[entry["region"].upper()])
        made = _partnership(index, entry["place"], region, admin, password)
        if entry["briefed"]:
            briefed.setdefault(region, []).append(made)
    for code, found in briefed.items():
        _brief(code, found)
    similar_areas_build()
    distributions_data.demo_national_set()
    money_data.demo_national_money()


# --- Similar areas ------------------------------------------------------------------------------

AREA_FILE = "demo-areas.csv (fictional)"
AREA_VARIABLES = [
    # name, label, source: every figure is invented, and none describes who the people are.
    ("density", "People per hectare", "Fictional, after ONS mid-year estimates"),
    ("deprivation", "Average deprivation score", "Fictional, after the English indices"),
    ("students", "Share of adults in higher education (%)", "Fictional, after the Census"),
    ("claimants", "Claimant rate (%)", "Fictional, after DWP benefit statistics"),
    ("private_rented", "Share of homes privately rented (%)", "Fictional, after the Census"),
]
# The three partnerships of the main demo, close to each other on purpose, so that each is among
# the others' nearest and the requests for a peer review between them can be made.
MAIN_AREAS = {"E08999901": 0.0, "E08999902": 0.15, "E07999903": 0.3}


def _area_csv(codes: list[str]) -> tuple[bytes, bytes]:
    """Invented figures for each code, the same every time (a fixed seed)."""
    import numpy as np

    rng = np.random.default_rng(175)
    centre = np.array([40.0, 28.0, 9.0, 4.5, 22.0])
    spread = np.array([25.0, 9.0, 4.0, 1.8, 7.0])
    lines = ["gss_code," + ",".join(name for name, _, _ in AREA_VARIABLES)]
    for code in codes:
        if code in MAIN_AREAS:
            values = centre + spread * MAIN_AREAS[code] * np.array([1, -1, 1, -1, 1])
        else:
            values = centre + spread * rng.normal(0, 1, len(centre))
        values = np.maximum(values, 0.5)
        lines.append(code + "," + ",".join(f"{v:.1f}" for v in values))
    declaration = ["name,label,source,licence,protected,weight"] + [
        f'{name},"{label}","{source}",Fictional: made for the demo,no,'
        for name, label, source in AREA_VARIABLES
    ]
    return ("\n".join(lines) + "\n").encode(), ("\n".join(declaration) + "\n").encode()


def similar_areas_build() -> None:
    """Area data for the demo's partnerships (the main three and the twenty above), imported by
    the site administrator, and requests for a peer review in every state between the main
    three: Kestlebury asks Harrowfield (open, for Harrowfield's coordinator to answer),
    Harrowfield asked Marden Vale (accepted), Marden Vale asked Kestlebury (declined)."""
    from lde.rollups import services as rollup_services
    from lde.rollups.models import AreaDataSet, PeerReviewRequest

    if AreaDataSet.objects.filter(file_name=AREA_FILE).exists():
        return
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    codes = sorted(
        {
            str(code)
            for codes in Partnership.objects.values_list("area_gss_codes", flat=True)
            for code in codes or []
            if str(code) in MAIN_AREAS or str(code).startswith("E06999")
        }
    )
    data, declaration = _area_csv(codes)
    rollup_services.area_data_import(
        actor=admin, data=data, variables=declaration, file_name=AREA_FILE
    )
    by_place = {
        place: Partnership.objects.get(name=f"{place} Prevent Partnership")
        for place in ("Harrowfield", "Kestlebury", "Marden Vale")
    }
    coordinators = {
        place: User.objects.get(email=f"coordinator@{place.lower().replace(' ', '')}.{DOMAIN}")
        for place in by_place
    }
    for asking, asked, accept in [
        ("Kestlebury", "Harrowfield", None),
        ("Harrowfield", "Marden Vale", True),
        ("Marden Vale", "Kestlebury", False),
    ]:
        if PeerReviewRequest.objects.filter(
            requester=by_place[asking], asked=by_place[asked]
        ).exists():
            continue
        request = rollup_services.peer_review_request_create(
            actor=coordinators[asking],
            partnership=by_place[asking],
            asked=by_place[asked],
            message=TEXT["peer_review"]["message"].format(asked=asked),
        )
        if accept is not None:
            rollup_services.peer_review_request_decide(
                actor=coordinators[asked],
                request=request,
                accept=accept,
                reply=TEXT["peer_review"]["accepted" if accept else "declined"],
            )
