"""Who may see and do what in the information sharing gateway.

The gateway rule of `architecture.md` is stated here once, three ways that must agree:

- `gateway_allows(user, product)`: the rule in plain Python over plain data, the reference;
- `gateway_q(user)`: the same rule as one database filter, built from the user's facts with
  `Exists` subqueries, for lists, counts and single reads alike;
- `BriefingProductPolicy.allows`, which reads one product's facts from the database and asks the
  reference.

Property tests over generated worlds prove the filter and the reference agree for every (user,
product) pair. Nothing here reads `is_superuser`, and no role widens the rule: each action on a
product is the rule first, and then what the action needs besides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.markings import Marking
from lde.core.access.policy import NOTHING, Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached
from lde.sharing.models import (
    READABLE_STATUSES,
    WORKING_STATUSES,
    AccessRequest,
    AccessRequestStatus,
    BriefingProduct,
    DisseminationEntry,
    DisseminationKind,
    InformationSource,
    PersonKind,
    ProductPerson,
    ProductStatus,
    Protocol,
    ProtocolStatus,
)

# --- The gateway rule ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFacts:
    """What the gateway rule, and the actions on a product, need to know about it."""

    status: str
    recipients: frozenset[int]
    dissemination_posts: frozenset[int]
    dissemination_roles: frozenset[str]
    dissemination_organisations: frozenset[int]
    dissemination_users: frozenset[int]
    required_vetting: int
    caveats: frozenset[str]
    protocol_in_force: bool
    protocol_parties: frozenset[int]
    # user id -> what they were named as (author, approver, critical reader)
    people: Mapping[int, frozenset[str]] = field(default_factory=dict)
    producing_organisation: int | None = None
    contributing_organisations: frozenset[int] = frozenset()
    held_elsewhere: bool = False


def user_partnerships(user: UserFacts) -> frozenset[int]:
    """ "The user's partnerships" of the rule: those they are a member of, in any role, and those
    they inspect under a live assignment. A peer reviewer's partnership is not among them."""
    return user.member_of | user.inspected


def on_dissemination_list(user: UserFacts, product: ProductFacts) -> bool:
    """Clause 3: by name, organisation, a post held today, or a role held in a recipient."""
    if user.user_id in product.dissemination_users:
        return True
    if (
        user.organisation_id is not None
        and user.organisation_id in product.dissemination_organisations
    ):
        return True
    if user.post_ids & product.dissemination_posts:
        return True
    return any(
        product.dissemination_roles & user.roles.get(partnership, frozenset())
        for partnership in product.recipients
    )


def gateway_allows(user: UserFacts, product: ProductFacts) -> bool:
    """The gateway rule. A user sees a product (its body, its title, or its existence in any
    count) only when:

    4. their live clearance covers its marking, and
    5. they hold every caveat on it; and then either
       - it is released or superseded (1), one of their partnerships is among its recipients
         (2), they are on its dissemination list (3), and the protocol it is released under is
         in force with their organisation a party to it (6); or
       - it is not yet released and they were named to work on it (author, gateway approver or
         critical reader).
    A withdrawn product is seen by nobody.
    """
    if user.user_id is None:
        return False
    if user.clearance < product.required_vetting or not product.caveats <= user.caveats:
        return False
    if product.status in WORKING_STATUSES:
        return user.user_id in product.people
    if product.status not in READABLE_STATUSES:
        return False
    if not user_partnerships(user) & product.recipients:
        return False
    if not on_dissemination_list(user, product):
        return False
    return (
        product.protocol_in_force
        and user.organisation_id is not None
        and user.organisation_id in product.protocol_parties
    )


def _recipient_in(partnerships: frozenset[int]) -> Q:
    return Q(
        Exists(
            BriefingProduct.recipients.through.objects.filter(
                briefingproduct_id=OuterRef("pk"), partnership_id__in=sorted(partnerships)
            )
        )
    )


def gateway_q(user: UserFacts) -> Q:
    """The gateway rule as one filter on briefing products, from the user's facts alone."""
    if user.user_id is None:
        return NOTHING
    covered = Q(
        Exists(
            Marking.objects.filter(pk=OuterRef("marking_id")).filter(
                Q(maps_to__isnull=True, required_vetting__lte=user.clearance)
                | Q(maps_to__required_vetting__lte=user.clearance)
            )
        )
    )
    caveats = ~Q(
        Exists(
            BriefingProduct.caveats.through.objects.filter(
                briefingproduct_id=OuterRef("pk")
            ).exclude(caveat__code__in=sorted(user.caveats))
        )
    )
    # Each half of the rule is led by the few products that can pass it at all, as a list of
    # ids from an index, with the status asked inside that list: a product being worked on
    # only if it names the user; a released one only if it is addressed to one of their
    # partnerships. Asked of the products table, the status would lead instead, and the rule's
    # subqueries would be tested against every product with that status.
    worked_on = ProductPerson.objects.filter(
        user_id=user.user_id, product__status__in=WORKING_STATUSES
    ).values("product_id")
    working = Q(pk__in=worked_on)
    partnerships = user_partnerships(user)
    if not partnerships or user.organisation_id is None:
        return working & covered & caveats
    listed = DisseminationEntry.objects.filter(product_id=OuterRef("pk"))
    entry = Q(kind=DisseminationKind.USER, user_id=user.user_id) | Q(
        kind=DisseminationKind.ORGANISATION, organisation_id=user.organisation_id
    )
    if user.post_ids:
        entry |= Q(kind=DisseminationKind.POST, post_id__in=sorted(user.post_ids))
    on_list = Q(Exists(listed.filter(entry)))
    for role in sorted({r for held in user.roles.values() for r in held}):
        on_list |= Q(Exists(listed.filter(kind=DisseminationKind.ROLE, role=role))) & _recipient_in(
            user.partnerships_with(role)
        )
    in_force = Q(
        Exists(
            Protocol.parties.through.objects.filter(
                protocol_id=OuterRef("protocol_id"),
                protocol__status=ProtocolStatus.IN_FORCE,
                organisation_id=user.organisation_id,
            )
        )
    )
    released_to = BriefingProduct.recipients.through.objects.filter(
        partnership_id__in=sorted(partnerships), briefingproduct__status__in=READABLE_STATUSES
    ).values("briefingproduct_id")
    readable = Q(pk__in=released_to) & on_list & in_force
    # Both lists as one, ANDed with the rest: PostgreSQL joins to it rather than testing every
    # product against an OR of two lists.
    candidates = Q(pk__in=worked_on.order_by().union(released_to.order_by(), all=True))
    return candidates & (working | readable) & covered & caveats


def product_facts(product: BriefingProduct) -> ProductFacts:
    """One product's facts, read from the database (prefetched relations are used if present)."""
    posts: set[int] = set()
    roles: set[str] = set()
    organisations: set[int] = set()
    users: set[int] = set()
    for entry in product.dissemination.all():
        if entry.kind == DisseminationKind.POST and entry.post_id is not None:
            posts.add(entry.post_id)
        elif entry.kind == DisseminationKind.ROLE:
            roles.add(entry.role)
        elif entry.kind == DisseminationKind.ORGANISATION and entry.organisation_id is not None:
            organisations.add(entry.organisation_id)
        elif entry.kind == DisseminationKind.USER and entry.user_id is not None:
            users.add(entry.user_id)
    people: dict[int, set[str]] = {}
    for person in product.people.all():
        people.setdefault(person.user_id, set()).add(person.kind)
    protocol = product.protocol
    return ProductFacts(
        status=product.status,
        recipients=frozenset(p.pk for p in product.recipients.all()),
        dissemination_posts=frozenset(posts),
        dissemination_roles=frozenset(roles),
        dissemination_organisations=frozenset(organisations),
        dissemination_users=frozenset(users),
        required_vetting=product.marking.current.required_vetting,
        caveats=frozenset(c.code for c in product.caveats.all()),
        protocol_in_force=protocol is not None and protocol.status == ProtocolStatus.IN_FORCE,
        protocol_parties=frozenset(o.pk for o in protocol.parties.all())
        if protocol is not None
        else frozenset(),
        people={user: frozenset(kinds) for user, kinds in people.items()},
        producing_organisation=product.producing_organisation_id,
        contributing_organisations=frozenset(
            o.pk for o in product.contributing_organisations.all()
        ),
        held_elsewhere=product.held_elsewhere,
    )


# --- Actions on a product: the rule first, then what each action needs ----------------------


def _named(user: UserFacts, product: ProductFacts, *kinds: str) -> bool:
    return bool(product.people.get(user.user_id or 0, frozenset()) & set(kinds))


def product_action_allows(user: UserFacts, action: str, product: ProductFacts) -> bool:
    if not gateway_allows(user, product):
        return False
    status = product.status
    if action in ("view", "download"):
        return True
    if action == "edit":
        return status == ProductStatus.DRAFT and _named(user, product, PersonKind.AUTHOR)
    if action == "manage_people":
        return status in WORKING_STATUSES and _named(user, product, PersonKind.AUTHOR)
    if action == "submit":
        return status == ProductStatus.DRAFT and _named(user, product, PersonKind.AUTHOR)
    if action in ("return_to_draft", "release"):
        return status == ProductStatus.IN_REVIEW and _named(
            user, product, PersonKind.AUTHOR, PersonKind.APPROVER
        )
    if action == "approve":
        required = {product.producing_organisation, *product.contributing_organisations}
        return (
            status == ProductStatus.IN_REVIEW
            and _named(user, product, PersonKind.APPROVER)
            and user.organisation_id in required
        )
    if action == "comment":
        return status in WORKING_STATUSES and _named(
            user, product, PersonKind.CRITICAL_READER, PersonKind.APPROVER
        )
    if action == "view_review":
        return _named(user, product, *PersonKind.values)
    if action in ("withdraw", "view_readership"):
        allowed = READABLE_STATUSES if action == "withdraw" else tuple(ProductStatus.values)
        return status in allowed and _named(user, product, PersonKind.AUTHOR, PersonKind.APPROVER)
    if action == "new_version":
        return status == ProductStatus.RELEASED and _named(user, product, PersonKind.AUTHOR)
    if action == "acknowledge":
        # A record of material held elsewhere has nothing to read and understand: only a title.
        return status in READABLE_STATUSES and not product.held_elsewhere
    if action == "feedback":
        return status in READABLE_STATUSES
    if action == "request_access":
        return status == ProductStatus.RELEASED and product.held_elsewhere
    return False


class BriefingProductPolicy(Policy[BriefingProduct]):
    model = BriefingProduct
    actions = (
        "view",
        "download",
        "edit",
        "manage_people",
        "submit",
        "return_to_draft",
        "approve",
        "comment",
        "release",
        "withdraw",
        "new_version",
        "acknowledge",
        "feedback",
        "view_review",
        "view_readership",
        "request_access",
    )
    who_can: ClassVar[dict[str, str]] = {
        "edit": "The product's authors change it while it is a draft.",
        "manage_people": "The product's authors name its authors, gateway approvers and critical "
        "readers before it is released.",
        "submit": "The product's authors send a draft for gateway review.",
        "return_to_draft": "The product's authors and gateway approvers return it to draft.",
        "approve": "The product's gateway approvers approve it for their organisation, which "
        "must be the producing or a contributing organisation, while it is in review.",
        "comment": "The product's critical readers and gateway approvers comment while it is in "
        "draft or review.",
        "release": "The product's authors and gateway approvers release it once it is approved.",
        "withdraw": "The product's authors and gateway approvers withdraw it once released.",
        "new_version": "The product's authors start a new version of a released product.",
        "acknowledge": "Readers acknowledge a released product; a record of material held "
        "elsewhere has nothing to acknowledge.",
        "feedback": "Readers send feedback on a released product.",
        "view_review": "The people named to work on the product see its gateway review.",
        "view_readership": "The product's authors and gateway approvers see who has read it.",
        "request_access": "Readers of a record of material held elsewhere ask its holder for it.",
    }

    def allows(self, facts: UserFacts, action: str, obj: BriefingProduct) -> bool:
        return product_action_allows(facts, action, product_facts(obj))

    def abilities(self, facts: UserFacts, obj: BriefingProduct) -> dict[str, bool]:
        """Every action at once, reading the product's facts once (for a page's buttons)."""
        known = product_facts(obj)
        return {action: product_action_allows(facts, action, known) for action in self.actions}

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action in ("view", "download"):
            return gateway_q(facts)
        # Lists are only ever of what a user may see; the other actions are decided per product
        # by `allows`, after the rule itself.
        raise ValueError(f"BriefingProductPolicy filters only 'view', not {action!r}")


product_policy = BriefingProductPolicy()


# --- Protocols -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProtocolFacts:
    """What the protocol rule needs to know about one protocol."""

    status: str
    parties: frozenset[int]
    # Partnerships among the recipients of a product released (or superseded) under it.
    released_to: frozenset[int] = frozenset()


def protocol_signing_organisation(facts: UserFacts) -> int | None:
    """The organisation this user has the right to sign protocols for, or None.

    The domain records who speaks for an organisation in partnership work: a coordinator, for
    their own organisation (they already name its posts and nobody else's). So a user signs for
    their own organisation when they coordinate a partnership in which that organisation is a
    partner. A coordinator never signs for another partner organisation of their partnership:
    sitting in the same partnership gives no say over another organisation's agreements."""
    organisation = facts.organisation_id
    if organisation is None:
        return None
    if organisation in facts.organisations_of(facts.partnerships_with(Role.COORDINATOR)):
        return organisation
    return None


def protocol_allows(user: UserFacts, action: str, protocol: ProtocolFacts) -> bool:
    """permissions.md, "Authority over the facts the rules read": a protocol is seen by the
    people of its party organisations and by the coordinators of partnerships that release under
    it (those a product released under it is addressed to); it is changed, and its status moved,
    only by a person of a party organisation with the right to sign for it, until it has ended.
    Being a partner of the same partnership as a party gives nothing."""
    if user.user_id is None:
        return False
    if action == "view":
        return (
            user.organisation_id is not None and user.organisation_id in protocol.parties
        ) or bool(user.partnerships_with(Role.COORDINATOR) & protocol.released_to)
    if action == "manage":
        signing = protocol_signing_organisation(user)
        return (
            protocol.status != ProtocolStatus.ENDED
            and signing is not None
            and signing in protocol.parties
        )
    return False


def protocol_facts(protocol: Protocol) -> ProtocolFacts:
    """One protocol's facts, read from the database (prefetched parties are used if present)."""
    released_to = BriefingProduct.recipients.through.objects.filter(
        briefingproduct__protocol_id=protocol.pk,
        briefingproduct__status__in=READABLE_STATUSES,
    ).values_list("partnership_id", flat=True)
    return ProtocolFacts(
        status=protocol.status,
        parties=frozenset(o.pk for o in protocol.parties.all()),
        released_to=frozenset(released_to),
    )


def _party_q(organisation_id: int | None) -> Q:
    if organisation_id is None:
        return NOTHING
    return Q(
        Exists(
            Protocol.parties.through.objects.filter(
                protocol_id=OuterRef("pk"), organisation_id=organisation_id
            )
        )
    )


class ProtocolPolicy(Policy[Protocol]):
    """Who sees and changes an information sharing protocol: `protocol_allows`, and the same rule
    as a filter. Reading is not by partnership: a party organisation may sit in many partnerships,
    and none of them gains a say over, or a view of, its other agreements by that alone."""

    model = Protocol
    actions = ("view", "manage")
    who_can: ClassVar[dict[str, str]] = {
        "create": "A person with the right to sign for their organisation drafts a protocol, "
        "with their organisation a party: a coordinator of a partnership in which their own "
        "organisation is a partner.",
        "manage": "A person of one of its party organisations with the right to sign for it "
        "changes the protocol and its status, until it has ended: a coordinator of a partnership "
        "in which their own organisation is a partner.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Protocol) -> bool:
        return protocol_allows(facts, action, protocol_facts(obj))

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if facts.user_id is None:
            return NOTHING
        if action == "view":
            coordinated = facts.partnerships_with(Role.COORDINATOR)
            released_to = Q(
                Exists(
                    BriefingProduct.recipients.through.objects.filter(
                        briefingproduct__protocol_id=OuterRef("pk"),
                        briefingproduct__status__in=READABLE_STATUSES,
                        partnership_id__in=sorted(coordinated),
                    )
                )
            )
            return _party_q(facts.organisation_id) | (released_to if coordinated else NOTHING)
        if action == "manage":
            return _party_q(protocol_signing_organisation(facts)) & ~Q(status=ProtocolStatus.ENDED)
        raise ValueError(f"ProtocolPolicy filters only 'view' and 'manage', not {action!r}")

    # Drafting a protocol is asked of the whole platform (scope None), before there is one.
    scope_actions = ("create",)

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        """A person who signs for their organisation drafts a protocol, with it a party."""
        if action == "create":
            return protocol_signing_organisation(facts) is not None
        raise ValueError(f"ProtocolPolicy asks only 'create' of the platform, not {action!r}")


protocol_policy = ProtocolPolicy()


# --- Requests for material held above the ceiling ------------------------------------------


class AccessRequestPolicy(Policy[AccessRequest]):
    """A request is seen by whoever sent it and whoever holds the post that holds the material,
    and only while they can still see the product's record under the gateway rule."""

    model = AccessRequest
    actions = ("view", "answer")
    who_can: ClassVar[dict[str, str]] = {
        "answer": "The holder of the post that holds the material answers an open request.",
    }

    def allows(self, facts: UserFacts, action: str, obj: AccessRequest) -> bool:
        product = obj.product
        holder = product.holder_post_id is not None and product.holder_post_id in facts.post_ids
        if not product_policy.allows(facts, "view", product):
            return False
        if action == "view":
            return holder or obj.requester_id == facts.user_id
        if action == "answer":
            return holder and obj.status == AccessRequestStatus.OPEN
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action != "view":
            raise ValueError(f"AccessRequestPolicy filters only 'view', not {action!r}")
        mine = Q(requester_id=facts.user_id or 0)
        if facts.post_ids:
            mine |= Q(product__holder_post_id__in=sorted(facts.post_ids))
        visible = Exists(
            BriefingProduct.objects.filter(gateway_q(facts), pk=OuterRef("product_id"))
        )
        return mine & Q(visible)


access_request_policy = AccessRequestPolicy()


# --- The catalogue of information sources ----------------------------------------------------


class InformationSourcePolicy(Policy[InformationSource]):
    """permissions.md, "catalogue of information sources": the partnership's coordinators,
    board members, contributors and viewers, and live inspectors, read its catalogue;
    coordinators add and change entries. Community reviewers, peer reviewers, security contacts
    by their post, national analysts and site administrators have nothing here. The catalogue
    describes data sets (never holds them), so no clearance is asked for."""

    model = InformationSource
    actions = ("view", "manage")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and "
        "assigned inspectors read its catalogue of information sources.",
        "manage": "The partnership's coordinators add and change entries in its catalogue of "
        "information sources.",
    }

    def readers_of(self, facts: UserFacts) -> frozenset[int]:
        return reached(facts, READER_ROLES, inspectors=True)

    def managers_of(self, facts: UserFacts) -> frozenset[int]:
        return facts.partnerships_with(Role.COORDINATOR)

    # Asked of a partnership too: may I read its catalogue, may I add to it.
    scope_actions = ("view", "manage")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return scope in self.readers_of(facts)
        if action == "manage":
            return scope in self.managers_of(facts)
        raise ValueError(f"InformationSourcePolicy has no action {action!r}")

    def allows(self, facts: UserFacts, action: str, obj: InformationSource) -> bool:
        if action in self.scope_actions:
            return self.allows_in(facts, action, obj.partnership_id)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            return reach_q(facts, READER_ROLES, OuterRef("partnership_id"), inspectors=True)
        if action == "manage":
            return reach_q(facts, (Role.COORDINATOR,), OuterRef("partnership_id"))
        raise ValueError(
            f"InformationSourcePolicy filters only 'view' and 'manage', not {action!r}"
        )


information_source_policy = InformationSourcePolicy()
