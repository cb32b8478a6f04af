"""National-scale synthetic data: every partnership in England, give or take, and its people.

`generate_national()` writes a world of about the size the service will hold nationally: 350
partnerships spread across the nine English regions, their councils, police BCUs and partner
organisations, ~20,000 users with realistic role mixes, posts with current and past holders,
vetting, two-factor devices, alliances and inspector and peer-reviewer assignments.

Benchmark data is synthetic and unaudited by design. It is written straight to the tables with
`bulk_create`, not through the audited services, because the services would append an audit
event per row (hours of hash-chaining for no benefit) and because nothing here is a real record
of anything. Never run it against a database that holds real data: `lde bench` makes its own
throwaway database.

Everything is invented: names are "Synthetic …" or random pairs of common first names and
surnames, e-mail addresses end in `.synthetic.invalid`, GSS codes lie in the unused
E0698xxxx/E0798xxxx range, and no password can be used to sign in. The output is deterministic:
each step draws from its own random stream seeded by (seed, step name), so adding a step, or
changing one, does not change what the others make. Dates are relative to `day` (today by
default).

Extending it: later capabilities add a step, a function taking the `Build`, to `STEPS` (after
the steps whose rows it needs), write rows with `build.write(...)`, and record the ids later
benchmarks need on `build.world`.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lde.accounts.models import (
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
from lde.partnerships.models import (
    Alliance,
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Partnership,
    Region,
    Role,
)

M = TypeVar("M", bound=models.Model)

BATCH_SIZE = 2000
DOMAIN = "synthetic.invalid"
# Starts with "!", so Django treats it as an unusable password: nobody can sign in with one.
UNUSABLE_PASSWORD = "!synthetic-benchmark-user-cannot-sign-in"
MIN_USERS_PER_PARTNERSHIP = 8
MAX_PARTNERSHIPS = 9999  # the GSS codes below have four digits for the partnership number

# Roughly in proportion to the number of local councils in each region.
REGION_WEIGHTS: dict[str, int] = {
    Region.NORTH_EAST: 12,
    Region.NORTH_WEST: 39,
    Region.YORKSHIRE: 15,
    Region.EAST_MIDLANDS: 40,
    Region.WEST_MIDLANDS: 30,
    Region.EAST: 45,
    Region.LONDON: 33,
    Region.SOUTH_EAST: 64,
    Region.SOUTH_WEST: 29,
}

# Local partner organisations: type, name stem, relative frequency.
LOCAL_PARTNER_TYPES: tuple[tuple[str, str, float], ...] = (
    (OrganisationType.SCHOOL, "Academy", 3.0),
    (OrganisationType.FURTHER_HIGHER_EDUCATION, "College", 1.0),
    (OrganisationType.YOUTH_OFFENDING_TEAM, "Youth Offending Team", 1.0),
    (OrganisationType.HEALTH, "Health Trust", 2.0),
    (OrganisationType.PROBATION, "Probation Delivery Unit", 1.0),
    (OrganisationType.PRISON, "Prison", 0.3),
    (OrganisationType.FIRE_AND_RESCUE, "Fire and Rescue Service", 1.0),
    (OrganisationType.VOLUNTARY_COMMUNITY, "Community Network", 2.0),
    (OrganisationType.FAITH_INSTITUTION, "Faith Forum", 1.5),
    (OrganisationType.OTHER, "Housing Association", 0.5),
)
COMMUNITY_TYPES = frozenset(
    {OrganisationType.VOLUNTARY_COMMUNITY, OrganisationType.FAITH_INSTITUTION}
)

FIRST_NAMES = (
    "Aisha", "Alfie", "Amara", "Ben", "Bethan", "Callum", "Chloe", "Dev", "Dina", "Ellie",
    "Ewan", "Farid", "Fiona", "Gemma", "Gareth", "Hana", "Harvey", "Ines", "Isaac", "Jamal",
    "Jess", "Kate", "Kofi", "Liam", "Leah", "Maya", "Mohammed", "Nikhil", "Nia", "Olivia",
    "Owen", "Pavel", "Priya", "Quinn", "Rosa", "Rhys", "Sanjay", "Sophie", "Tara", "Tomasz",
    "Umar", "Vera", "Wes", "Yasmin", "Zoe", "Zain",
)  # fmt: skip
SURNAMES = (
    "Abbott", "Adeyemi", "Bhatt", "Brennan", "Clarke", "Cole", "Doyle", "Dunn", "Evans",
    "Fletcher", "Gill", "Grant", "Hussain", "Hale", "Irving", "Jones", "Kaur", "Kowalski",
    "Lowe", "Lynch", "Mistry", "Morgan", "Nolan", "Nowak", "Osei", "Parry", "Pryce",
    "Quayle", "Rahman", "Reid", "Singh", "Shaw", "Turner", "Thorne", "Usman", "Vaughan",
    "Walsh", "Webb", "Yates", "Zaman",
)  # fmt: skip

JOB_TITLES: dict[str, tuple[str, ...]] = {
    Role.COORDINATOR: ("Prevent coordinator", "Prevent manager"),
    Role.BOARD_MEMBER: (
        "Head of community safety", "Chief inspector", "Director of children's services",
        "Head of safeguarding", "Assistant chief executive", "Area manager",
    ),
    Role.CONTRIBUTOR: (
        "Project lead", "Youth worker", "Programme officer", "Outreach worker",
        "Designated safeguarding lead",
    ),
    Role.VIEWER: ("Analyst", "Officer", "Safeguarding officer", "Team manager", "Station manager"),
    Role.COMMUNITY_REVIEWER: ("Forum chair", "Trustee", "Community representative"),
    "": ("Information security manager", "Personal assistant", "Records officer"),
}  # fmt: skip

# Posts by organisation: kind, title, required vetting, strategic, probability it exists.
COUNCIL_POSTS: tuple[tuple[str, str, int, bool, float], ...] = (
    (PostKind.PREVENT_COORDINATOR, "Prevent Coordinator", VettingLevel.CTC, False, 1.0),
    (PostKind.CHIEF_EXECUTIVE, "Chief Executive", VettingLevel.SC, True, 1.0),
    (PostKind.LEAD_COUNCILLOR, "Lead Councillor for Community Safety", VettingLevel.NONE, True, 1),
    (PostKind.SECURITY_CONTACT, "Security Contact", VettingLevel.NONE, False, 1.0),
)
BCU_POSTS: tuple[tuple[str, str, int, bool, float], ...] = (
    (PostKind.BCU_COMMANDER, "BCU Commander", VettingLevel.SC, True, 1.0),
    (PostKind.OTHER, "Prevent Lead Officer", VettingLevel.CTC, False, 1.0),
    (PostKind.SECURITY_CONTACT, "Security Contact", VettingLevel.NONE, False, 1.0),
)
CTU_POSTS: tuple[tuple[str, str, int, bool, float], ...] = (
    (PostKind.OTHER, "Head of Prevent", VettingLevel.SC, True, 1.0),
    (PostKind.SECURITY_CONTACT, "Security Contact", VettingLevel.NONE, False, 1.0),
)
LOCAL_POSTS: tuple[tuple[str, str, int, bool, float], ...] = (
    (PostKind.OTHER, "Prevent Lead", VettingLevel.BPSS, False, 1.0),
    (PostKind.OTHER, "Safeguarding Lead", VettingLevel.NONE, False, 0.5),
    (PostKind.CHIEF_EXECUTIVE, "Chief Executive", VettingLevel.NONE, True, 0.3),
    (PostKind.SECURITY_CONTACT, "Security Contact", VettingLevel.NONE, False, 0.4),
)


@dataclass
class NationalWorld:
    """What was made: ids later benchmarks need, and how many rows of each model were written."""

    seed: int
    day: date
    partnership_ids: list[int] = field(default_factory=list)
    region_of: dict[int, str] = field(default_factory=dict)  # partnership -> region code
    council_of: dict[int, int] = field(default_factory=dict)  # partnership -> organisation
    bcu_of: dict[int, int] = field(default_factory=dict)  # partnership -> organisation
    ctu_of_region: dict[str, int] = field(default_factory=dict)  # region -> organisation
    inspectorate_id: int | None = None
    organisation_ids: list[int] = field(default_factory=list)
    # partnership -> every partner organisation (council, BCU and regional CTU included)
    partner_organisations: dict[int, list[int]] = field(default_factory=dict)
    user_ids: list[int] = field(default_factory=list)
    # role -> partnership -> user ids holding that role there
    members: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    site_administrator_ids: list[int] = field(default_factory=list)
    national_analyst_ids: list[int] = field(default_factory=list)
    inspector_ids: list[int] = field(default_factory=list)
    post_ids: list[int] = field(default_factory=list)
    security_contact_of: dict[int, int] = field(default_factory=dict)  # organisation -> user
    two_factor_device_of: dict[int, int] = field(default_factory=dict)  # user -> TOTPDevice
    assignment_ids: list[int] = field(default_factory=list)
    alliance_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # model label -> rows written
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds
    # What a benchmark's own generator (`Benchmark.extend`) adds, under the benchmark's name.
    extensions: dict[str, Any] = field(default_factory=dict)

    def coordinators(self) -> list[tuple[int, int]]:
        """(partnership id, user id) for every coordinator, in partnership order."""
        by_partnership = self.members.get(Role.COORDINATOR, {})
        return [(p, u) for p in self.partnership_ids for u in by_partnership.get(p, [])]

    def role_holders(self, role: str, partnership_id: int) -> list[int]:
        return self.members.get(role, {}).get(partnership_id, [])


@dataclass
class PartnershipPlan:
    """One partnership's organisations and people, as planned before and after writing."""

    number: int
    name: str
    region: str
    gss_codes: list[str]
    council: Organisation
    bcu: Organisation
    ctu: Organisation
    locals: list[Organisation]
    partnership: Partnership | None = None
    # user, roles held here (empty for post-only staff)
    people: list[tuple[User, list[str]]] = field(default_factory=list)

    @property
    def partnership_id(self) -> int:
        assert self.partnership is not None and self.partnership.pk is not None
        return int(self.partnership.pk)

    @property
    def organisations(self) -> list[Organisation]:
        return [self.council, self.bcu, self.ctu, *self.locals]


@dataclass
class Build:
    """The state one generation run shares between its steps."""

    partnerships: int
    users: int
    seed: int
    day: date
    world: NationalWorld
    plans: list[PartnershipPlan] = field(default_factory=list)
    national_organisations: list[Organisation] = field(default_factory=list)
    users_by_organisation: dict[int, list[int]] = field(default_factory=dict)
    post_holdings: list[PostHolding] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    user_organisation: dict[int, int | None] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A random stream of its own for each step, so that steps never disturb each other."""
        return random.Random(f"national:{self.seed}:{step}")

    def write(self, model: type[M], objects: Sequence[M]) -> list[M]:
        """Bulk-insert in batches; the objects come back with their primary keys set."""
        created = model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
        label = model._meta.label
        self.world.counts[label] = self.world.counts.get(label, 0) + len(created)
        return created

    def pk(self, obj: models.Model) -> int:
        assert obj.pk is not None, "bulk_create did not return primary keys"
        return int(obj.pk)


Step = Callable[[Build], None]


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights`, exactly (largest remainder)."""
    scale = sum(weights)
    quotas = [total * w / scale for w in weights]
    shares = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _ago(day: date, low: int, high: int, rng: random.Random) -> date:
    return day - timedelta(days=rng.randint(low, high))


# Steps -------------------------------------------------------------------------------------


def organisations_step(build: Build) -> None:
    """Councils, BCUs, a counter-terrorism unit per region, local partners, an inspectorate."""
    rng = build.rng("organisations")
    regions = [
        region
        for region, share in zip(
            REGION_WEIGHTS,
            _apportion(build.partnerships, list(REGION_WEIGHTS.values())),
            strict=True,
        )
        for _ in range(share)
    ]
    rng.shuffle(regions)
    inspectorate = Organisation(
        name="Synthetic Inspectorate of Prevent Partnerships", type=OrganisationType.REGULATOR
    )
    ctus = {
        region: Organisation(
            name=f"Synthetic Counter Terrorism Policing {label}",
            type=OrganisationType.COUNTER_TERRORISM_UNIT,
        )
        for region, label in Region.choices
    }
    build.national_organisations = [inspectorate, *ctus.values()]
    stems = [stem for _, stem, _ in LOCAL_PARTNER_TYPES]
    weights = [w for _, _, w in LOCAL_PARTNER_TYPES]
    type_of = {stem: type_ for type_, stem, _ in LOCAL_PARTNER_TYPES}
    extra_code = 0
    for number in range(1, build.partnerships + 1):
        region = regions[number - 1]
        codes = [f"E0698{number:04d}"]
        for _ in range(rng.choice((0, 0, 0, 1, 2))):  # two-tier areas cover districts too
            if extra_code == 9999:
                break
            extra_code += 1
            codes.append(f"E0798{extra_code:04d}")
        local_stems = rng.choices(stems, weights=weights, k=rng.randint(5, 9))
        seen: dict[str, int] = defaultdict(int)
        locals_ = []
        for stem in sorted(local_stems, key=stems.index):
            seen[stem] += 1
            suffix = "" if seen[stem] == 1 else f" {chr(ord('A') + seen[stem] - 1)}"
            locals_.append(
                Organisation(name=f"Synthetic {stem} {number:04d}{suffix}", type=type_of[stem])
            )
        build.plans.append(
            PartnershipPlan(
                number=number,
                name=f"Synthetic Partnership {number:04d}",
                region=region,
                gss_codes=codes,
                council=Organisation(
                    name=f"Synthetic Council {number:04d}",
                    type=OrganisationType.COUNCIL,
                    gss_code=codes[0],
                ),
                bcu=Organisation(
                    name=f"Synthetic Police BCU {number:04d}", type=OrganisationType.POLICE_BCU
                ),
                ctu=ctus[region],
                locals=locals_,
            )
        )
    every = [*build.national_organisations]
    for plan in build.plans:
        every += [plan.council, plan.bcu, *plan.locals]
    build.write(Organisation, every)
    world = build.world
    world.organisation_ids = [build.pk(o) for o in every]
    world.inspectorate_id = build.pk(inspectorate)
    world.ctu_of_region = {region: build.pk(o) for region, o in ctus.items()}


def partnerships_step(build: Build) -> None:
    """Partnerships with their BCUs and partner organisations."""
    rng = build.rng("partnerships")
    for plan in build.plans:
        plan.partnership = Partnership(
            name=plan.name,
            lead_council=plan.council,
            region=plan.region,
            area_gss_codes=plan.gss_codes,
        )
    build.write(Partnership, [plan.partnership for plan in build.plans if plan.partnership])
    bcu_links = []
    partner_links = []
    world = build.world
    for plan in build.plans:
        partnership_id = plan.partnership_id
        world.partnership_ids.append(partnership_id)
        world.region_of[partnership_id] = plan.region
        world.council_of[partnership_id] = build.pk(plan.council)
        world.bcu_of[partnership_id] = build.pk(plan.bcu)
        world.partner_organisations[partnership_id] = [build.pk(o) for o in plan.organisations]
        bcu_links.append(
            Partnership.police_bcus.through(
                partnership_id=partnership_id, organisation_id=build.pk(plan.bcu)
            )
        )
        for organisation in plan.organisations:
            partner_links.append(
                PartnerOrganisation(
                    partnership_id=partnership_id,
                    organisation_id=build.pk(organisation),
                    joined_on=_ago(build.day, 30, 3000, rng),
                )
            )
    build.write(Partnership.police_bcus.through, bcu_links)
    build.write(PartnerOrganisation, partner_links)


def _national_users(build: Build) -> tuple[list[User], list[User], list[User]]:
    p = build.partnerships
    admins = [
        User(
            email=f"administrator{n:02d}@national.{DOMAIN}",
            full_name=f"Synthetic Administrator {n:02d}",
            job_title="Site administrator",
            is_site_administrator=True,
            is_staff=True,
            is_superuser=True,
        )
        for n in range(1, max(1, min(2, p // 100)) + 1)
    ]
    analysts = [
        User(
            email=f"analyst{n:02d}@national.{DOMAIN}",
            full_name=f"Synthetic Analyst {n:02d}",
            job_title="National analyst",
            is_national_analyst=True,
        )
        for n in range(1, max(1, min(3, p // 100)) + 1)
    ]
    inspectors = [
        User(
            email=f"inspector{n:02d}@national.{DOMAIN}",
            full_name=f"Synthetic Inspector {n:02d}",
            organisation=build.national_organisations[0],
            job_title="Inspector",
        )
        for n in range(1, max(1, p // 35) + 1)
    ]
    return admins, analysts, inspectors


def _roles_for(size: int, rng: random.Random) -> list[list[str]]:
    """The role mix of one partnership of `size` people; [] is staff holding posts only."""
    coordinators = 2 if size >= 10 and rng.random() < 0.35 else 1
    reviewers = 2 if size >= 12 and rng.random() < 0.3 else 1
    post_only = size // 20
    board = max(2, min(rng.randint(6, 12), size - coordinators - reviewers - post_only - 2))
    rest = size - coordinators - reviewers - post_only - board
    contributors = round(rest * 0.45)
    viewers = rest - contributors
    roles: list[list[str]] = []
    for _ in range(coordinators):
        # Many coordinators also sit on the board: one membership row per role held.
        both = rng.random() < 0.5
        roles.append([Role.COORDINATOR, Role.BOARD_MEMBER] if both else [Role.COORDINATOR])
    roles += [[Role.BOARD_MEMBER] for _ in range(board)]
    roles += [[Role.CONTRIBUTOR] for _ in range(contributors)]
    roles += [[Role.VIEWER] for _ in range(viewers)]
    roles += [[Role.COMMUNITY_REVIEWER] for _ in range(reviewers)]
    roles += [[] for _ in range(post_only)]
    return roles


def _employer(
    plan: PartnershipPlan, roles: list[str], board_seat: int, rng: random.Random
) -> Organisation:
    if Role.COORDINATOR in roles:
        return plan.council if rng.random() < 0.9 else plan.bcu
    if Role.BOARD_MEMBER in roles:
        if board_seat == 0:
            return plan.council
        if board_seat == 1:
            return plan.bcu
        if board_seat == 2 and rng.random() < 0.6:
            return plan.ctu  # a regional officer: also sits on neighbouring boards
        return rng.choice([plan.council, *plan.locals])
    if Role.COMMUNITY_REVIEWER in roles:
        community = [o for o in plan.locals if o.type in COMMUNITY_TYPES]
        return rng.choice(community or plan.locals)
    if Role.CONTRIBUTOR in roles:
        return rng.choice(plan.locals)
    return rng.choice([plan.council, plan.bcu, *plan.locals])


def people_step(build: Build) -> None:
    """Users (national roles first, then each partnership's people) and their memberships."""
    rng = build.rng("people")
    admins, analysts, inspectors = _national_users(build)
    national = [*admins, *analysts, *inspectors]
    local_total = build.users - len(national)
    minimum = MIN_USERS_PER_PARTNERSHIP * build.partnerships
    if local_total < minimum:
        raise ValueError(
            f"{build.users} users are too few for {build.partnerships} partnerships "
            f"(at least {minimum + len(national)})."
        )
    weights = [rng.lognormvariate(0, 0.5) for _ in build.plans]
    sizes = [
        MIN_USERS_PER_PARTNERSHIP + extra for extra in _apportion(local_total - minimum, weights)
    ]
    users = [*national]
    serial = 0
    for plan, size in zip(build.plans, sizes, strict=True):
        board_seat = 0
        for roles in _roles_for(size, rng):
            employer = _employer(plan, roles, board_seat, rng)
            if roles == [Role.BOARD_MEMBER]:
                board_seat += 1
            serial += 1
            user = User(
                email=f"person{serial:05d}@p{plan.number:04d}.{DOMAIN}",
                full_name=_name(rng),
                organisation=employer,
                job_title=rng.choice(JOB_TITLES[roles[0] if roles else ""]),
            )
            users.append(user)
            plan.people.append((user, roles))
    for user in users:
        user.password = UNUSABLE_PASSWORD
    build.write(User, users)

    world = build.world
    world.user_ids = [build.pk(u) for u in users]
    world.site_administrator_ids = [build.pk(u) for u in admins]
    world.national_analyst_ids = [build.pk(u) for u in analysts]
    world.inspector_ids = [build.pk(u) for u in inspectors]
    for user in users:
        organisation_id = build.pk(user.organisation) if user.organisation else None
        build.user_organisation[build.pk(user)] = organisation_id
        if organisation_id is not None:
            build.users_by_organisation.setdefault(organisation_id, []).append(build.pk(user))

    memberships = []
    members: dict[str, dict[int, list[int]]] = {role: {} for role in Role.values}
    by_region: dict[str, list[PartnershipPlan]] = defaultdict(list)
    for plan in build.plans:
        by_region[plan.region].append(plan)

    def add(plan: PartnershipPlan, user: User, role: str) -> None:
        partnership_id = plan.partnership_id
        memberships.append(
            Membership(
                user_id=build.pk(user),
                partnership_id=partnership_id,
                role=role,
                organisation_id=build.pk(user.organisation) if user.organisation else None,
            )
        )
        members[role].setdefault(partnership_id, []).append(build.pk(user))

    for plan in build.plans:
        for user, roles in plan.people:
            for role in roles:
                add(plan, user, role)
    # Regional counter-terrorism officers sit on the boards of up to three partnerships.
    for plan in build.plans:
        for user, roles in plan.people:
            if roles == [Role.BOARD_MEMBER] and user.organisation is plan.ctu:
                neighbours = [p for p in by_region[plan.region] if p is not plan]
                for other in rng.sample(neighbours, k=min(len(neighbours), rng.randint(0, 2))):
                    add(other, user, Role.BOARD_MEMBER)
    build.write(Membership, memberships)
    world.members = members


def _post_specs(build: Build) -> list[tuple[Organisation, tuple[str, str, int, bool, float]]]:
    specs: list[tuple[Organisation, tuple[str, str, int, bool, float]]] = []
    for organisation in build.national_organisations[1:]:  # the regional CTUs
        specs += [(organisation, spec) for spec in CTU_POSTS]
    for plan in build.plans:
        specs += [(plan.council, spec) for spec in COUNCIL_POSTS]
        specs += [(plan.bcu, spec) for spec in BCU_POSTS]
        for organisation in plan.locals:
            specs += [(organisation, spec) for spec in LOCAL_POSTS]
    return specs


def posts_step(build: Build) -> None:
    """Posts in every organisation; most held, some vacant, about a third with a past holder."""
    rng = build.rng("posts")
    day = build.day
    posts = []
    for organisation, (kind, title, vetting, strategic, chance) in _post_specs(build):
        if chance < 1 and rng.random() >= chance:
            continue
        posts.append(
            Post(
                organisation=organisation,
                kind=kind,
                title=title,
                required_vetting=vetting,
                level=PostLevel.STRATEGIC if strategic else PostLevel.DELIVERY,
            )
        )
    build.write(Post, posts)
    build.posts = posts
    build.world.post_ids = [build.pk(p) for p in posts]

    first_coordinator: dict[int, int] = {}  # council -> its partnership's first coordinator
    for plan in build.plans:
        for user, roles in plan.people:
            if Role.COORDINATOR in roles and user.organisation is plan.council:
                first_coordinator.setdefault(build.pk(plan.council), build.pk(user))
                break
    holdings = []
    for post in posts:
        organisation_id = post.organisation_id
        staff = build.users_by_organisation.get(organisation_id, [])
        holder: int | None = None
        if post.kind == PostKind.PREVENT_COORDINATOR and organisation_id in first_coordinator:
            holder = first_coordinator[organisation_id]
        elif staff and rng.random() >= 0.08:
            holder = rng.choice(staff)
        started = _ago(day, 30, 1500, rng)
        if holder is not None:
            holdings.append(PostHolding(post=post, user_id=holder, started_on=started))
            if post.kind == PostKind.SECURITY_CONTACT:
                build.world.security_contact_of[organisation_id] = holder
        if staff and rng.random() < (0.3 if holder is not None else 0.5):
            before = rng.choice(staff)
            ended = started - timedelta(days=1)
            holdings.append(
                PostHolding(
                    post=post,
                    user_id=before,
                    started_on=ended - timedelta(days=rng.randint(200, 2000)),
                    ended_on=ended,
                )
            )
    build.write(PostHolding, holdings)
    build.post_holdings = holdings


def vetting_step(build: Build) -> None:
    """Clearances for holders of vetted posts: most valid, some expiring soon, some lapsed."""
    rng = build.rng("vetting")
    day = build.day
    level_of = {build.pk(p): p.required_vetting for p in build.posts}
    needed: dict[int, int] = {}
    for holding in build.post_holdings:
        level = level_of[holding.post_id]
        if holding.ended_on is None and level > 0:
            needed[holding.user_id] = max(needed.get(holding.user_id, 0), level)
    fallback = build.world.site_administrator_ids[0]
    clearances = []
    for user_id in sorted(needed):
        sponsor = build.user_organisation.get(user_id)
        if sponsor is None:
            continue
        recorder = build.world.security_contact_of.get(sponsor, fallback)
        if recorder == user_id:
            recorder = fallback
        chance = rng.random()
        level = needed[user_id]
        if chance < 0.75:
            if rng.random() < 0.2 and level < VettingLevel.SC:
                level = VettingLevel.SC
            expires = day + timedelta(days=rng.randint(1, 1800))
        elif chance < 0.87:
            expires = day - timedelta(days=rng.randint(1, 400))
        else:
            continue  # never vetted: a gap the coordinator should see
        clearances.append(
            Clearance(
                user_id=user_id,
                level=level,
                granted_on=expires - timedelta(days=rng.randint(365, 1825)),
                expires_on=expires,
                sponsor_id=sponsor,
                recorded_by_id=recorder,
            )
        )
    build.write(Clearance, clearances)


def two_factor_step(build: Build) -> None:
    """Confirmed TOTP devices for everyone who must use two factors."""
    rng = build.rng("two_factor")
    world = build.world
    needing = {
        *world.site_administrator_ids,
        *world.inspector_ids,
        *world.security_contact_of.values(),
    }
    for holders in world.members[Role.COORDINATOR].values():
        needing.update(holders)
    devices = [
        TOTPDevice(
            user_id=user_id,
            name="Synthetic authenticator",
            confirmed=True,
            key=f"{rng.getrandbits(160):040x}",
        )
        for user_id in sorted(needing)
    ]
    build.write(TOTPDevice, devices)
    world.two_factor_device_of = {d.user_id: build.pk(d) for d in devices}


def assignments_step(build: Build) -> None:
    """Live inspections of a few partnerships each, some ended ones, and some peer reviews."""
    rng = build.rng("assignments")
    day = build.day
    world = build.world
    granted_by = world.site_administrator_ids[0]
    partnership_ids = world.partnership_ids
    assignments: list[tuple[Assignment, list[int]]] = []
    for number, inspector in enumerate(world.inspector_ids, start=1):
        covered = rng.sample(partnership_ids, k=min(len(partnership_ids), rng.randint(3, 6)))
        live = Assignment(
            user_id=inspector,
            kind=AssignmentKind.INSPECTOR,
            title=f"Synthetic inspection {number:03d}",
            starts_on=_ago(day, 10, 120, rng),
            ends_on=day + timedelta(days=rng.randint(30, 200)),
            granted_by_id=granted_by,
        )
        assignments.append((live, covered))
        if number % 4 == 0:
            ended_on = _ago(day, 1, 300, rng)
            ended = Assignment(
                user_id=inspector,
                kind=AssignmentKind.INSPECTOR,
                title=f"Synthetic inspection {number:03d} (previous year)",
                starts_on=ended_on - timedelta(days=120),
                ends_on=ended_on,
                granted_by_id=granted_by,
            )
            assignments.append((ended, rng.sample(partnership_ids, k=min(3, len(partnership_ids)))))
    if len(partnership_ids) >= 2:
        for _ in range(max(1, build.partnerships // 50)):
            home, reviewed = rng.sample(partnership_ids, k=2)
            board = world.role_holders(Role.BOARD_MEMBER, home)
            if not board:
                continue
            assignments.append(
                (
                    Assignment(
                        user_id=rng.choice(board),
                        kind=AssignmentKind.PEER_REVIEWER,
                        title=f"Synthetic peer review of partnership {reviewed}",
                        subject_reference=f"synthetic-self-assessment-{reviewed}",
                        starts_on=_ago(day, 5, 60, rng),
                        ends_on=day + timedelta(days=rng.randint(20, 90)),
                        granted_by_id=granted_by,
                    ),
                    [reviewed],
                )
            )
    build.write(Assignment, [a for a, _ in assignments])
    through = Assignment.partnerships.through
    build.write(
        through,
        [
            through(assignment_id=build.pk(a), partnership_id=p)
            for a, covered in assignments
            for p in covered
        ],
    )
    world.assignment_ids = [build.pk(a) for a, _ in assignments]


def alliances_step(build: Build) -> None:
    """A few alliances of two to four partnerships in one region."""
    rng = build.rng("alliances")
    world = build.world
    by_region: dict[str, list[int]] = defaultdict(list)
    for partnership_id in world.partnership_ids:
        by_region[world.region_of[partnership_id]].append(partnership_id)
    regions = [r for r in sorted(by_region) if len(by_region[r]) >= 2]
    alliances: list[tuple[Alliance, list[int]]] = []
    for number in range(1, max(1, build.partnerships // 25) + 1):
        # Neighbours in one region; a tiny world may have no two, so then any two.
        pool = by_region[rng.choice(regions)] if regions else world.partnership_ids
        if len(pool) < 2:
            break
        alliances.append(
            (
                Alliance(
                    name=f"Synthetic Alliance {number:03d}",
                    purpose="Pools a training budget and shares an engagement officer.",
                ),
                rng.sample(pool, k=min(len(pool), rng.randint(2, 4))),
            )
        )
    build.write(Alliance, [a for a, _ in alliances])
    through = Alliance.partnerships.through
    build.write(
        through,
        [through(alliance_id=build.pk(a), partnership_id=p) for a, ps in alliances for p in ps],
    )
    world.alliance_ids = [build.pk(a) for a, _ in alliances]


# Later capabilities append their steps here, after the steps whose rows they need.
STEPS: list[tuple[str, Step]] = [
    ("organisations", organisations_step),
    ("partnerships", partnerships_step),
    ("people", people_step),
    ("posts", posts_step),
    ("vetting", vetting_step),
    ("two_factor", two_factor_step),
    ("assignments", assignments_step),
    ("alliances", alliances_step),
]


def generate_national(
    *,
    partnerships: int = 350,
    users: int = 20000,
    seed: int = 1,
    day: date | None = None,
    progress: Callable[[str, float], Any] | None = None,
) -> NationalWorld:
    """Write the national world into the (empty) default database, in one transaction.

    `users` is exact: national roles (administrators, analysts, inspectors) and every
    partnership's people add up to it. `progress`, if given, is called after each step with its
    name and the seconds it took.
    """
    if not 1 <= partnerships <= MAX_PARTNERSHIPS:
        raise ValueError(f"partnerships must be between 1 and {MAX_PARTNERSHIPS}.")
    world = NationalWorld(seed=seed, day=day or today())
    build = Build(partnerships=partnerships, users=users, seed=seed, day=world.day, world=world)
    with transaction.atomic():
        for name, step in STEPS:
            started = time.perf_counter()
            step(build)
            world.timings[name] = time.perf_counter() - started
            if progress is not None:
                progress(name, world.timings[name])
    return world
