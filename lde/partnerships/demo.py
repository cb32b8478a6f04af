"""The fictional demo: partnerships, people in every role, assignments and vetting.

Every name and code is invented, so that no real council is ever shown with invented data. GSS
codes use the unused ...999xx range. Dates are relative to the day it runs. Running it again
finds what it made before and makes no duplicates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from lde.accounts import services as account_services
from lde.accounts.models import (
    Caveat,
    CaveatGrant,
    Clearance,
    Organisation,
    OrganisationType,
    Post,
    PostHolding,
    PostKind,
    PostLevel,
    User,
)
from lde.core.access.facts import today
from lde.core.access.markings import VettingLevel
from lde.partnerships import services
from lde.partnerships.models import (
    Alliance,
    Assignment,
    AssignmentKind,
    Membership,
    Partnership,
    Region,
    Role,
)

DEMO_PASSWORD = "prevent-demo-2026"
DOMAIN = "demo.invalid"


@dataclass
class SignIn:
    email: str
    name: str
    what: str
    two_factor: bool = False


@dataclass
class DemoResult:
    sign_ins: list[SignIn] = field(default_factory=list)


def demo_totp_key(email: str) -> str:
    """A fixed key per demo user, so `lde demo code USER` can print the current code."""
    return hashlib.sha1(f"prevent-lde-demo:{email}".encode()).hexdigest()  # noqa: S324


PARTNERSHIPS = [
    # name, council, bcu, region, gss
    (
        "Harrowfield Prevent Partnership",
        "Harrowfield Borough Council",
        "Harrowfield Basic Command Unit",
        Region.NORTH_WEST,
        "E08999901",
    ),
    (
        "Kestlebury Prevent Partnership",
        "Kestlebury City Council",
        "Kestlebury Basic Command Unit",
        Region.WEST_MIDLANDS,
        "E08999902",
    ),
    (
        "Marden Vale Prevent Partnership",
        "Marden Vale District Council",
        "Marden and Tolworth Basic Command Unit",
        Region.SOUTH_EAST,
        "E07999903",
    ),
]

PARTNERS = [
    # suffix, type
    ("Youth Offending Team", OrganisationType.YOUTH_OFFENDING_TEAM),
    ("Community Health Trust", OrganisationType.HEALTH),
    ("Probation Delivery Unit", OrganisationType.PROBATION),
    ("Fire and Rescue Service", OrganisationType.FIRE_AND_RESCUE),
    ("College", OrganisationType.FURTHER_HIGHER_EDUCATION),
    ("Faith Forum", OrganisationType.FAITH_INSTITUTION),
    ("Youth Trust", OrganisationType.VOLUNTARY_COMMUNITY),
]


def _organisation(name: str, type: str, gss: str = "") -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"type": type, "gss_code": gss}
    )
    return organisation


def _user(
    email: str, name: str, organisation: Organisation | None, job: str = "", **flags: bool
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            email=email,
            full_name=name,
            organisation=organisation,
            job_title=job,
            password=DEMO_PASSWORD,
        )
    changed = [k for k, v in flags.items() if getattr(user, k) != v]
    for k in changed:
        setattr(user, k, flags[k])
    if flags.get("is_site_administrator"):
        user.is_staff = user.is_superuser = True
        changed += ["is_staff", "is_superuser"]
    if changed:
        user.save(update_fields=changed)
    return user


def _two_factor(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update_or_create(
        user=user,
        name="Demo authenticator",
        defaults={"key": demo_totp_key(user.email), "confirmed": True},
    )


def _member(partnership: Partnership, user: User, role: str) -> None:
    if not Membership.objects.filter(partnership=partnership, user=user, role=role).exists():
        services.membership_invite(
            actor=None,
            partnership=partnership,
            email=user.email,
            full_name=user.full_name,
            role=role,
            organisation=user.organisation,
        )


def _post(
    organisation: Organisation,
    kind: str,
    title: str,
    holder: User | None,
    vetting: int = 0,
    level: str = PostLevel.DELIVERY,
    since: date | None = None,
) -> Post:
    post = Post.objects.filter(organisation=organisation, title=title).first()
    if post is None:
        post = account_services.post_create(
            actor=None,
            organisation=organisation,
            kind=kind,
            title=title,
            level=level,
            required_vetting=vetting,
        )
    if holder is not None and not PostHolding.objects.filter(post=post, user=holder).exists():
        account_services.post_holder_change(actor=None, post=post, holder=holder, on=since)
    return post


def _clearance(
    recorder: User, user: User, level: int, granted: date, expires: date, sponsor: Organisation
) -> None:
    if not Clearance.objects.filter(user=user, level=level, sponsor=sponsor).exists():
        Clearance.objects.create(
            user=user,
            level=level,
            granted_on=granted,
            expires_on=expires,
            sponsor=sponsor,
            recorded_by=recorder,
        )


@transaction.atomic
def demo_build() -> DemoResult:
    day = today()
    result = DemoResult()
    regulator = _organisation(
        "Office for Partnership Inspection (fictional)", OrganisationType.REGULATOR
    )
    admin = _user(
        f"admin@{DOMAIN}", "Sam Okafor", None, "Site administrator", is_site_administrator=True
    )
    _two_factor(admin)
    result.sign_ins.append(SignIn(admin.email, admin.full_name, "Site administrator", True))
    analyst = _user(
        f"analyst@{DOMAIN}", "Priya Raman", None, "National analyst", is_national_analyst=True
    )
    result.sign_ins.append(SignIn(analyst.email, analyst.full_name, "National analyst"))

    partnerships: list[Partnership] = []
    for index, (name, council_name, bcu_name, region, gss) in enumerate(PARTNERSHIPS):
        place = council_name.split(" ")[0] if "Marden" not in council_name else "Marden Vale"
        slug = place.lower().replace(" ", "")
        council = _organisation(council_name, OrganisationType.COUNCIL, gss)
        bcu = _organisation(bcu_name, OrganisationType.POLICE_BCU)
        coordinator = _user(
            f"coordinator@{slug}.{DOMAIN}",
            ["Asha Patel", "Tom Birchall", "Grace Mensah"][index],
            council,
            "Prevent coordinator",
        )
        _two_factor(coordinator)
        partnership = Partnership.objects.filter(name=name).first()
        if partnership is None:
            partnership = services.partnership_create(
                actor=None,
                name=name,
                lead_council=council,
                region=region,
                area_gss_codes=[gss],
                police_bcus=[bcu],
                first_coordinator=coordinator,
            )
        partnerships.append(partnership)
        result.sign_ins.append(
            SignIn(coordinator.email, coordinator.full_name, f"Coordinator, {name}", True)
        )
        for suffix, type in PARTNERS:
            services.partner_organisation_add(
                actor=None,
                partnership=partnership,
                organisation=_organisation(f"{place} {suffix}", type),
            )
        _post(
            council,
            PostKind.PREVENT_COORDINATOR,
            "Prevent Coordinator",
            coordinator,
            vetting=VettingLevel.CTC,
            since=day - timedelta(days=400),
        )
        _post(
            council,
            PostKind.CHIEF_EXECUTIVE,
            "Chief Executive",
            None,
            vetting=VettingLevel.SC,
            level=PostLevel.STRATEGIC,
        )
        _post(
            bcu,
            PostKind.BCU_COMMANDER,
            "BCU Commander",
            None,
            vetting=VettingLevel.SC,
            level=PostLevel.STRATEGIC,
        )
        _post(
            council,
            PostKind.LEAD_COUNCILLOR,
            "Lead Councillor for Community Safety",
            None,
            level=PostLevel.STRATEGIC,
        )

    harrowfield, kestlebury, marden = partnerships
    council = harrowfield.lead_council
    people = [
        ("board", "Daniel Hughes", Role.BOARD_MEMBER, council, "Head of Community Safety"),
        (
            "contributor",
            "Fatima Noor",
            Role.CONTRIBUTOR,
            Organisation.objects.get(name="Harrowfield Youth Trust"),
            "Project lead",
        ),
        (
            "viewer",
            "Owen Price",
            Role.VIEWER,
            Organisation.objects.get(name="Harrowfield Fire and Rescue Service"),
            "Station manager",
        ),
        (
            "community",
            "Ruth Adeyemi",
            Role.COMMUNITY_REVIEWER,
            Organisation.objects.get(name="Harrowfield Faith Forum"),
            "Forum chair",
        ),
    ]
    for key, name, role, organisation, job in people:
        user = _user(f"{key}@harrowfield.{DOMAIN}", name, organisation, job)
        _member(harrowfield, user, role)
        result.sign_ins.append(SignIn(user.email, name, f"{Role(role).label}, {harrowfield}"))

    security = _user(
        f"security@harrowfield.{DOMAIN}", "Helen Carter", council, "Information security manager"
    )
    _member(harrowfield, security, Role.VIEWER)
    _post(
        council,
        PostKind.SECURITY_CONTACT,
        "Security Contact",
        security,
        since=day - timedelta(days=700),
    )
    _two_factor(security)
    result.sign_ins.append(
        SignIn(
            security.email,
            security.full_name,
            "Security contact, Harrowfield Borough Council",
            True,
        )
    )

    chief = _user(
        f"chief.executive@harrowfield.{DOMAIN}", "Margaret Lowe", council, "Chief Executive"
    )
    _member(harrowfield, chief, Role.BOARD_MEMBER)
    _post(
        council, PostKind.CHIEF_EXECUTIVE, "Chief Executive", chief, since=day - timedelta(days=900)
    )
    board = User.objects.get(email=f"board@harrowfield.{DOMAIN}")
    harrowfield_coordinator = User.objects.get(email=f"coordinator@harrowfield.{DOMAIN}")
    # Vetting: one valid for years, two about to expire, one that expired yesterday.
    _clearance(
        security,
        harrowfield_coordinator,
        VettingLevel.CTC,
        day - timedelta(days=700),
        day + timedelta(days=30),
        council,
    )
    _clearance(
        security,
        chief,
        VettingLevel.SC,
        day - timedelta(days=1800),
        day + timedelta(days=75),
        council,
    )
    _clearance(
        security,
        board,
        VettingLevel.BPSS,
        day - timedelta(days=365 * 3),
        day - timedelta(days=1),
        council,
    )
    # The viewer works for the fire service, which sponsors its own people's vetting through its
    # own security contact: no other organisation's contact can record it.
    fire = Organisation.objects.get(name="Harrowfield Fire and Rescue Service")
    fire_security = _user(
        f"security@fire.harrowfield.{DOMAIN}", "Priya Shah", fire, "Information governance lead"
    )
    _post(
        fire,
        PostKind.SECURITY_CONTACT,
        "Security Contact",
        fire_security,
        since=day - timedelta(days=500),
    )
    _clearance(
        fire_security,
        User.objects.get(email=f"viewer@harrowfield.{DOMAIN}"),
        VettingLevel.BPSS,
        day - timedelta(days=200),
        day + timedelta(days=365 * 4),
        fire,
    )
    handling, _ = Caveat.objects.get_or_create(
        code="harrowfield-gateway-readers",
        defaults={
            "name": "Harrowfield gateway readers",
            "description": "Seconded council staff who read police briefings.",
        },
    )
    if not CaveatGrant.objects.filter(user=harrowfield_coordinator, caveat=handling).exists():
        CaveatGrant.objects.create(
            user=harrowfield_coordinator,
            caveat=handling,
            sponsor=council,
            granted_on=day - timedelta(days=100),
            recorded_by=security,
        )

    inspector = _user(f"inspector@{DOMAIN}", "Naomi Sterling", regulator, "Lead inspector")
    _two_factor(inspector)
    if not Assignment.objects.filter(
        user=inspector,
        kind=AssignmentKind.INSPECTOR,
        title="Learning and development exercise 2026",
    ).exists():
        services.assignment_create(
            actor=admin,
            user=inspector,
            kind=AssignmentKind.INSPECTOR,
            title="Learning and development exercise 2026",
            partnerships=[harrowfield, kestlebury],
            starts_on=day - timedelta(days=30),
            ends_on=day + timedelta(days=90),
        )
    result.sign_ins.append(
        SignIn(
            inspector.email, inspector.full_name, "Inspector of Harrowfield and Kestlebury", True
        )
    )
    former = _user(f"former.inspector@{DOMAIN}", "Colin Reeve", regulator, "Inspector")
    if not Assignment.objects.filter(user=former).exists():
        services.assignment_create(
            actor=admin,
            user=former,
            kind=AssignmentKind.INSPECTOR,
            title="Learning and development exercise 2025",
            partnerships=[marden],
            starts_on=day - timedelta(days=200),
            ends_on=day - timedelta(days=1),
        )
    result.sign_ins.append(
        SignIn(
            former.email,
            former.full_name,
            "Inspector whose assignment ended yesterday (sees nothing)",
        )
    )

    kestlebury_council = kestlebury.lead_council
    peer = _user(
        f"peer.reviewer@kestlebury.{DOMAIN}",
        "Imran Qureshi",
        kestlebury_council,
        "Community safety manager",
    )
    _member(kestlebury, peer, Role.BOARD_MEMBER)
    if not Assignment.objects.filter(user=peer, kind=AssignmentKind.PEER_REVIEWER).exists():
        services.assignment_create(
            actor=admin,
            user=peer,
            kind=AssignmentKind.PEER_REVIEWER,
            title="Peer review of Harrowfield's self-assessment",
            partnerships=[harrowfield],
            starts_on=day - timedelta(days=10),
            ends_on=day + timedelta(days=60),
            subject_reference="harrowfield-self-assessment",
        )
    result.sign_ins.append(
        SignIn(
            peer.email, peer.full_name, "Board member of Kestlebury; peer reviewer for Harrowfield"
        )
    )

    if not Alliance.objects.filter(name="Northern Marches Prevent Alliance").exists():
        services.alliance_create(
            actor=None,
            name="Northern Marches Prevent Alliance",
            partnerships=[harrowfield, kestlebury],
            purpose="Pools a training budget and shares one community engagement officer.",
        )
    return result


def demo_code(email: str) -> str:
    """The current two-factor code of a demo user."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email.strip().lower(), confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
