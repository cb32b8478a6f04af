"""Synthetic briefing products on top of the national world, for `lde bench sharing`.

`generate_sharing()` extends a `NationalWorld` (see benchmarks/national.py) with the information
sharing gateway at national scale:

- three synthetic caveats, granted (sponsored by the holder's own organisation) to about one
  person in sixteen who works for an organisation;
- an information sharing protocol in force for every partnership, its parties the partnership's
  partner organisations (council, police BCU, the region's counter-terrorism unit and the local
  partners), the council its controller; one partnership in ten also has a suspended protocol,
  under which some of its products were released; and one in force for each region, its parties
  every partner organisation of the region's partnerships, for products addressed to more than
  one partnership;
- `products` briefing products (100,000 by default), each produced by a partner organisation of a
  home partnership that has people, addressed to that partnership and, for about a third, to one
  or two neighbours in the same region (then under the regional protocol): most released, some
  superseded by a second version, withdrawn, in draft or in review; marked, as the product form
  allows, only as the author's clearance covers (most OFFICIAL, a quarter OFFICIAL-SENSITIVE
  where the author is vetted, a few under an older marking), and a record of material held
  above the ceiling (a short title, the post that holds it and how to ask) for about one in
  thirty whose author is cleared for it; carrying one or two of the author's own caveats for
  three in five authors who hold any; each with a dissemination list of one to five entries
  (roles in the recipients, the producing organisation, a post, a named member of a
  recipient), an author who works for the producing organisation and, for half, a gateway
  approver of the same organisation; and an acknowledgement for each released product stored
  here, by a member of a recipient;
- the readers the benchmark signs in as, all of one partnership (the one receiving the most
  products): a coordinator, a board member, a viewer, a reader given a live clearance and every
  caveat, a reader with neither, and an author (of the people of that partnership's
  organisations, the one named as author on the most products in draft or review).

Like the national generator it writes straight to the tables with `bulk_create`: synthetic,
unaudited, and only ever on `lde bench`'s throwaway database. Deterministic for a seed; dates are
relative to the world's `day`.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.national import NationalWorld
from lde.accounts.models import Caveat, CaveatGrant, Clearance, Post, User
from lde.core.access.markings import Marking, VettingLevel
from lde.partnerships.models import Membership, Role
from lde.sharing.models import (
    Acknowledgement,
    BriefingProduct,
    DisseminationEntry,
    DisseminationKind,
    PersonKind,
    ProductPerson,
    ProductStatus,
    Protocol,
    ProtocolStatus,
)

M = TypeVar("M", bound=models.Model)

BATCH_SIZE = 2000
CAVEATS = (
    ("synthetic-channel-panel", "Synthetic Channel panel"),
    ("synthetic-ctu-only", "Synthetic counter-terrorism unit only"),
    ("synthetic-education", "Synthetic education settings"),
)
# status, share of products
STATUSES: tuple[tuple[str, float], ...] = (
    (ProductStatus.RELEASED, 0.78),
    (ProductStatus.SUPERSEDED, 0.06),  # each followed by its released second version
    (ProductStatus.WITHDRAWN, 0.04),
    (ProductStatus.DRAFT, 0.04),
    (ProductStatus.IN_REVIEW, 0.02),
)
# marking code, share of products stored here (records held elsewhere come on top)
MARKINGS: tuple[tuple[str, float], ...] = (
    ("official", 0.70),
    ("official-sensitive", 0.25),
    ("restricted", 0.03),  # the older scheme, handled as OFFICIAL
    ("confidential", 0.02),  # the older scheme, handled as OFFICIAL-SENSITIVE
)
HELD_ELSEWHERE_SHARE = 1 / 30
ROLE_ENTRIES: tuple[tuple[str, float], ...] = (
    (Role.COORDINATOR, 0.9),
    (Role.BOARD_MEMBER, 0.6),
    (Role.VIEWER, 0.5),
    (Role.CONTRIBUTOR, 0.3),
)


@dataclass
class SharingWorld:
    """What `generate_sharing` made: the readers and the products the benchmark needs."""

    partnership_id: int
    products: int
    # reader kind -> user id, all of the partnership above
    readers: dict[str, int] = field(default_factory=dict)
    caveat_codes: list[str] = field(default_factory=list)
    protocol_ids: list[int] = field(default_factory=list)


@dataclass
class _Plan:
    """One product before it is written."""

    home: int
    producer: int
    recipients: list[int]
    status: str
    held: bool
    protocol: Protocol
    released: datetime
    version: int = 1
    supersedes: int | None = None  # index of the plan of the version it replaces


class _Writer:
    def __init__(self, world: NationalWorld) -> None:
        self.world = world

    def write(self, model: type[M], objects: Sequence[M]) -> list[M]:
        created = model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
        label = model._meta.label
        self.world.counts[label] = self.world.counts.get(label, 0) + len(created)
        return created


def _pk(obj: models.Model) -> int:
    assert obj.pk is not None, "bulk_create did not return primary keys"
    return int(obj.pk)


def _pick(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str:
    return rng.choices([value for value, _ in shares], weights=[w for _, w in shares])[0]


def generate_sharing(
    world: NationalWorld,
    *,
    products: int = 100_000,
    progress: Callable[[str, float], Any] | None = None,
) -> SharingWorld:
    """Add the gateway's caveats, protocols, products and readers to `world` (in one
    transaction); the row counts go into `world.counts`, the time into `world.timings`."""
    if products < 1:
        raise ValueError("products must be at least 1.")
    started = time.perf_counter()
    with transaction.atomic():
        made = _generate(world, products)
    world.timings["sharing"] = time.perf_counter() - started
    if progress is not None:
        progress("sharing", world.timings["sharing"])
    return made


def _generate(world: NationalWorld, count: int) -> SharingWorld:
    rng = random.Random(f"sharing:{world.seed}")
    writer = _Writer(world)
    day = world.day
    administrator = world.site_administrator_ids[0]
    organisation_of = dict(
        User.objects.filter(pk__in=world.user_ids).values_list("pk", "organisation_id")
    )
    staff: dict[int, list[int]] = defaultdict(list)
    for user_id, organisation_id in sorted(organisation_of.items()):
        if organisation_id is not None:
            staff[organisation_id].append(user_id)
    posts: dict[int, list[int]] = defaultdict(list)
    for post_id, organisation_id in Post.objects.order_by("pk").values_list(
        "pk", "organisation_id"
    ):
        posts[organisation_id].append(post_id)
    members: dict[int, list[int]] = defaultdict(list)
    for partnership_id, user_id in (
        Membership.objects.order_by("pk").values_list("partnership_id", "user_id").distinct()
    ):
        members[partnership_id].append(user_id)
    markings = dict(Marking.objects.values_list("code", "pk"))
    by_region: dict[str, list[int]] = defaultdict(list)
    number_of: dict[int, int] = {}
    for number, partnership_id in enumerate(world.partnership_ids, start=1):
        by_region[world.region_of[partnership_id]].append(partnership_id)
        number_of[partnership_id] = number

    # Live clearances (as the facts count them: sponsored by the person's own organisation).
    clearance: dict[int, int] = defaultdict(int)
    for user_id, level, sponsor_id in Clearance.objects.filter(
        granted_on__lte=day, expires_on__gte=day, revoked_on__isnull=True
    ).values_list("user_id", "level", "sponsor_id"):
        if sponsor_id == organisation_of.get(user_id):
            clearance[user_id] = max(clearance[user_id], level)
    vetting_of = {
        code: maps_to if maps_to is not None else own
        for code, own, maps_to in Marking.objects.values_list(
            "code", "required_vetting", "maps_to__required_vetting"
        )
    }

    # Caveats, and grants to about one person in sixteen who works for an organisation.
    caveats = writer.write(Caveat, [Caveat(code=code, name=name) for code, name in CAVEATS])
    caveat_ids = [_pk(c) for c in caveats]
    held_caveats: dict[int, list[int]] = {}
    grants = []
    for user_id, organisation_id in sorted(organisation_of.items()):
        if organisation_id is not None and rng.random() < 1 / 16:
            held_caveats[user_id] = sorted(
                rng.sample(caveat_ids, k=rng.randint(1, len(caveat_ids)))
            )
            for caveat_id in held_caveats[user_id]:
                grants.append(
                    CaveatGrant(
                        user_id=user_id,
                        caveat_id=caveat_id,
                        sponsor_id=organisation_id,
                        granted_on=day - timedelta(days=rng.randint(30, 900)),
                        recorded_by_id=administrator,
                    )
                )

    # Protocols: one in force per partnership, and a suspended one for one in ten.
    protocols: list[Protocol] = []
    protocol_of: dict[int, Protocol] = {}
    suspended_of: dict[int, Protocol] = {}
    for number, partnership_id in enumerate(world.partnership_ids, start=1):
        for protocol_status in (ProtocolStatus.IN_FORCE, ProtocolStatus.SUSPENDED):
            if protocol_status == ProtocolStatus.SUSPENDED and rng.random() >= 0.1:
                continue
            protocol = Protocol(
                title=f"Synthetic information sharing protocol {number:04d}"
                + (" (earlier)" if protocol_status == ProtocolStatus.SUSPENDED else ""),
                reference=f"SYN-ISP-{number:04d}",
                purpose="Sharing Prevent briefings between the partners of a synthetic "
                "partnership.",
                legal_basis="Synthetic: public task.",
                dpia_reference=f"SYN-DPIA-{number:04d}",
                information_shared="Area-level briefings; no information about individuals.",
                who_may_see="The partners' staff on each product's dissemination list.",
                handling="As marked.",
                retention_days=rng.choice((365, 730, 1095)),
                review_on=day + timedelta(days=rng.randint(30, 700)),
                status=protocol_status,
                created_by_id=administrator,
            )
            protocols.append(protocol)
            (protocol_of if protocol_status == ProtocolStatus.IN_FORCE else suspended_of)[
                partnership_id
            ] = protocol
    # A regional protocol in force for each region, its parties every partner organisation of
    # the region's partnerships: products addressed to neighbours are released under it.
    regional_of: dict[str, Protocol] = {}
    for region in sorted(by_region):
        regional_of[region] = Protocol(
            title=f"Synthetic regional information sharing protocol {region}",
            reference=f"SYN-ISP-{region}",
            purpose="Sharing Prevent briefings between the partnerships of a synthetic region.",
            legal_basis="Synthetic: public task.",
            dpia_reference=f"SYN-DPIA-{region}",
            information_shared="Area-level briefings; no information about individuals.",
            who_may_see="The partners' staff on each product's dissemination list.",
            handling="As marked.",
            retention_days=730,
            review_on=day + timedelta(days=rng.randint(30, 700)),
            status=ProtocolStatus.IN_FORCE,
            created_by_id=administrator,
        )
        protocols.append(regional_of[region])
    writer.write(Protocol, protocols)
    parties = Protocol.parties.through
    controllers = Protocol.controllers.through
    party_rows = []
    controller_rows = []
    for partnership_id in world.partnership_ids:
        for own in (protocol_of[partnership_id], suspended_of.get(partnership_id)):
            if own is None:
                continue
            party_rows += [
                parties(protocol_id=_pk(own), organisation_id=organisation_id)
                for organisation_id in world.partner_organisations[partnership_id]
            ]
            controller_rows.append(
                controllers(protocol_id=_pk(own), organisation_id=world.council_of[partnership_id])
            )
    for region, regional in regional_of.items():
        party_rows += [
            parties(protocol_id=_pk(regional), organisation_id=organisation_id)
            for organisation_id in sorted(
                {o for p in by_region[region] for o in world.partner_organisations[p]}
            )
        ]
        controller_rows.append(
            controllers(protocol_id=_pk(regional), organisation_id=world.ctu_of_region[region])
        )
    writer.write(parties, party_rows)
    writer.write(controllers, controller_rows)

    # Products, planned first (a superseded one is followed by its second version).
    homes = [p for p in world.partnership_ids if members[p]]
    plans: list[_Plan] = []
    while len(plans) < count:
        home = rng.choice(homes)
        producers = [o for o in world.partner_organisations[home] if staff.get(o)]
        neighbours = [p for p in by_region[world.region_of[home]] if p != home]
        addressed = [home]
        extra = rng.choices((0, 1, 2), weights=(0.65, 0.25, 0.10))[0]
        addressed += rng.sample(neighbours, k=min(extra, len(neighbours)))
        status = _pick(rng, STATUSES)
        suspended = suspended_of.get(home)
        if len(addressed) > 1:
            protocol = regional_of[world.region_of[home]]
        elif suspended is not None and rng.random() < 0.3:
            protocol = suspended
        else:
            protocol = protocol_of[home]
        plan = _Plan(
            home=home,
            producer=rng.choice(producers),
            recipients=addressed,
            status=status,
            held=status != ProductStatus.DRAFT and rng.random() < HELD_ELSEWHERE_SHARE,
            protocol=protocol,
            released=_moment(day - timedelta(days=rng.randint(1, 1100)), rng),
        )
        plans.append(plan)
        if status == ProductStatus.SUPERSEDED and len(plans) < count:
            later = plan.released + timedelta(days=rng.randint(7, 120))
            plans.append(
                replace(
                    plan,
                    recipients=list(addressed),
                    status=ProductStatus.RELEASED,
                    released=min(later, _moment(day, rng)),
                    version=2,
                    supersedes=len(plans) - 1,
                )
            )
    built: list[BriefingProduct] = []
    for number, plan in enumerate(plans, start=1):
        writer_id = rng.choice(staff[plan.producer])
        # As the product form offers them: markings the author's clearance covers, and a
        # record of material held above the ceiling only from someone cleared to see it.
        plan.held = plan.held and clearance[writer_id] >= vetting_of["secret"]
        held = plan.held
        marking = "secret" if held else _pick(rng, MARKINGS)
        if vetting_of[marking] > clearance[writer_id]:
            marking = "official"
        working = plan.status in (ProductStatus.DRAFT, ProductStatus.IN_REVIEW)
        released_on = timezone.localdate(plan.released)
        holder_posts = posts.get(plan.producer, [])
        built.append(
            BriefingProduct(
                producing_organisation_id=plan.producer,
                title=f"Synthetic briefing {number:06d}"
                + (f" (version {plan.version})" if plan.version > 1 else ""),
                summary="" if held else "A synthetic summary of an area-level briefing.",
                body="" if held else "Synthetic body text. " * rng.randint(5, 40),
                marking_id=markings[marking],
                area_gss_codes=[f"E0698{number_of[plan.home]:04d}"],
                protocol_id=_pk(plan.protocol),
                version=plan.version,
                status=plan.status,
                held_elsewhere=held,
                title_releasable_declared=held,
                holder_post_id=rng.choice(holder_posts) if held and holder_posts else None,
                how_to_ask="Ask the holder through the synthetic security contact." if held else "",
                version_hash=hashlib.sha256(
                    f"synthetic:{world.seed}:{number}".encode()
                ).hexdigest(),
                released_at=None if working else plan.released,
                released_on=None if working else released_on,
                retention_ends_on=None
                if working
                else released_on + timedelta(days=plan.protocol.retention_days),
                withdrawn_at=plan.released + timedelta(days=3)
                if plan.status == ProductStatus.WITHDRAWN
                else None,
                created_by_id=writer_id,
            )
        )
    writer.write(BriefingProduct, built)
    successors = []
    for product, plan in zip(built, plans, strict=True):
        if plan.supersedes is not None:
            product.supersedes = built[plan.supersedes]
            successors.append(product)
    BriefingProduct.objects.bulk_update(successors, ["supersedes"], batch_size=BATCH_SIZE)

    # Recipients, caveats, dissemination lists, people and acknowledgements.
    recipient_link = BriefingProduct.recipients.through
    caveat_link = BriefingProduct.caveats.through
    recipient_rows: list[Any] = []
    caveat_rows: list[Any] = []
    entries: list[DisseminationEntry] = []
    people: list[ProductPerson] = []
    acknowledgements: list[Acknowledgement] = []
    for product, plan in zip(built, plans, strict=True):
        product_id = _pk(product)
        producer = plan.producer
        recipient_rows += [
            recipient_link(briefingproduct_id=product_id, partnership_id=p) for p in plan.recipients
        ]
        author = int(product.created_by_id or 0)
        # Only caveats the author holds, as the form offers them.
        own_caveats = held_caveats.get(author, [])
        if own_caveats and rng.random() < 0.6:
            for caveat_id in rng.sample(own_caveats, k=rng.randint(1, min(2, len(own_caveats)))):
                caveat_rows.append(caveat_link(briefingproduct_id=product_id, caveat_id=caveat_id))
        listed_roles = [role for role, share in ROLE_ENTRIES if rng.random() < share]
        if not listed_roles:
            listed_roles = [Role.COORDINATOR]
        entries += [
            DisseminationEntry(product_id=product_id, kind=DisseminationKind.ROLE, role=role)
            for role in listed_roles
        ]
        if rng.random() < 0.3:
            entries.append(
                DisseminationEntry(
                    product_id=product_id,
                    kind=DisseminationKind.ORGANISATION,
                    organisation_id=producer,
                )
            )
        partner_posts = [
            post for o in world.partner_organisations[plan.home] for post in posts.get(o, [])
        ]
        if partner_posts and rng.random() < 0.1:
            entries.append(
                DisseminationEntry(
                    product_id=product_id,
                    kind=DisseminationKind.POST,
                    post_id=rng.choice(partner_posts),
                )
            )
        if rng.random() < 0.1:
            named = rng.choice(members[plan.home])
            if named != author:
                entries.append(
                    DisseminationEntry(
                        product_id=product_id, kind=DisseminationKind.USER, user_id=named
                    )
                )
        people.append(
            ProductPerson(
                product_id=product_id, user_id=author, kind=PersonKind.AUTHOR, added_by_id=author
            )
        )
        if rng.random() < 0.5:
            approver = rng.choice(staff[producer])
            if approver != author:
                people.append(
                    ProductPerson(
                        product_id=product_id,
                        user_id=approver,
                        kind=PersonKind.APPROVER,
                        added_by_id=author,
                    )
                )
        if plan.status in (ProductStatus.RELEASED, ProductStatus.SUPERSEDED) and not plan.held:
            reader = rng.choice(members[rng.choice(plan.recipients)] or [author])
            acknowledgements.append(
                Acknowledgement(
                    product_id=product_id, user_id=reader, version_hash=product.version_hash
                )
            )
    writer.write(recipient_link, recipient_rows)
    writer.write(caveat_link, caveat_rows)
    writer.write(DisseminationEntry, entries)
    writer.write(ProductPerson, people)
    unique_acknowledgements = {(a.product_id, a.user_id): a for a in acknowledgements}
    writer.write(Acknowledgement, list(unique_acknowledgements.values()))

    made = SharingWorld(
        partnership_id=0,
        products=len(built),
        caveat_codes=[code for code, _ in CAVEATS],
        protocol_ids=[_pk(p) for p in protocols],
    )
    in_work = {
        _pk(product)
        for product in built
        if product.status in (ProductStatus.DRAFT, ProductStatus.IN_REVIEW)
    }
    _choose_readers(world, made, writer, rng, recipient_rows, people, in_work, organisation_of)
    # Readers the benchmark grants caveats to hold them after the others were written.
    cleared = made.readers["cleared"]
    grants = [g for g in grants if g.user_id not in (cleared, made.readers["uncleared"])]
    grants += [
        CaveatGrant(
            user_id=cleared,
            caveat_id=caveat_id,
            sponsor_id=organisation_of[cleared],
            granted_on=day - timedelta(days=100),
            recorded_by_id=administrator,
        )
        for caveat_id in caveat_ids
    ]
    writer.write(CaveatGrant, grants)
    return made


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(rng.randint(8, 17), rng.randint(0, 59))))


def _choose_readers(
    world: NationalWorld,
    made: SharingWorld,
    writer: _Writer,
    rng: random.Random,
    recipient_rows: list[Any],
    people: list[ProductPerson],
    working: set[int],
    organisation_of: Mapping[int, int | None],
) -> None:
    """The partnership receiving the most products, and one reader of each kind in it: those
    without a clearance lose theirs, the cleared one is given one, and everyone gets a
    two-factor device so that the benchmark can sign in as them."""
    received: dict[int, int] = defaultdict(int)
    for row in recipient_rows:
        received[row.partnership_id] += 1
    candidates = [
        p
        for p in world.partnership_ids
        if world.role_holders(Role.COORDINATOR, p)
        and set(world.role_holders(Role.BOARD_MEMBER, p))
        - {world.role_holders(Role.COORDINATOR, p)[0]}
        and len(world.role_holders(Role.VIEWER, p)) >= 3
    ]
    if not candidates:
        raise ValueError("No partnership has a coordinator, a board member and three viewers.")
    partnership_id = max(candidates, key=lambda p: (received[p], -p))
    made.partnership_id = partnership_id
    viewers = [u for u in world.role_holders(Role.VIEWER, partnership_id) if organisation_of.get(u)]
    if len(viewers) < 3:
        raise ValueError("The readers' partnership needs three viewers with an organisation.")
    organisations = set(world.partner_organisations[partnership_id])
    # (products in draft or review, all products) each has authored
    authored: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for person in people:
        if (
            person.kind == PersonKind.AUTHOR
            and organisation_of.get(person.user_id) in organisations
        ):
            drafts, total = authored[person.user_id]
            authored[person.user_id] = (drafts + (person.product_id in working), total + 1)
    coordinator = world.role_holders(Role.COORDINATOR, partnership_id)[0]
    # Six different people: a coordinator may also sit on the board, and an author be a viewer.
    board_member = next(
        u for u in world.role_holders(Role.BOARD_MEMBER, partnership_id) if u != coordinator
    )
    chosen = {coordinator, board_member, *viewers[:3]}
    made.readers = {
        "coordinator": coordinator,
        "board_member": board_member,
        "viewer": viewers[0],
        "cleared": viewers[1],
        "uncleared": viewers[2],
        "author": max((u for u in sorted(authored) if u not in chosen), key=lambda u: authored[u]),
    }
    readers = made.readers
    if len(set(readers.values())) != len(readers):
        raise ValueError(f"The readers are not six different people: {readers}.")
    Clearance.objects.filter(user_id=readers["uncleared"]).delete()
    Clearance.objects.filter(user_id=readers["cleared"]).delete()
    writer.write(
        Clearance,
        [
            Clearance(
                user_id=readers["cleared"],
                level=VettingLevel.SC,
                granted_on=world.day - timedelta(days=200),
                expires_on=world.day + timedelta(days=1500),
                sponsor_id=int(organisation_of[readers["cleared"]] or 0),
                recorded_by_id=world.site_administrator_ids[0],
            )
        ],
    )
    world.counts["accounts.Clearance"] = Clearance.objects.count()
    devices = [
        TOTPDevice(
            user_id=user_id,
            name="Synthetic authenticator",
            confirmed=True,
            key=f"{rng.getrandbits(160):040x}",
        )
        for user_id in sorted(set(readers.values()))
        if user_id not in world.two_factor_device_of
    ]
    writer.write(TOTPDevice, devices)
    world.two_factor_device_of.update({d.user_id: _pk(d) for d in devices})
