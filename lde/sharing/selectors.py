"""Reads of the information sharing gateway, already scoped by the policies.

Every read of a briefing product — a list, a count, one product, one attachment — goes through
`product_policy`, whose filter is the gateway rule. The choice lists for the forms read site-level
registers (organisations, partnerships, posts, markings), which are not marked material.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from lde.accounts.models import Caveat, Organisation, Post, PostHolding, RequestUser, User
from lde.accounts.selectors import live_holding_q
from lde.core import personal_data
from lde.core.access.facts import facts_for, today
from lde.core.access.markings import Marking, MarkingScheme, vetting_covers
from lde.partnerships.models import PartnerOrganisation, Partnership, Role
from lde.sharing.models import (
    PROTOCOL_TRANSITIONS,
    WORKING_STATUSES,
    AccessRequest,
    Acknowledgement,
    Approval,
    Attachment,
    BriefingProduct,
    DisseminationEntry,
    Feedback,
    InformationSource,
    PersonKind,
    ProductPerson,
    ProductRead,
    ProductStatus,
    ProductTransition,
    Protocol,
    ProtocolSignatory,
    ProtocolStatus,
    ProtocolTransition,
    ReviewComment,
)
from lde.sharing.policies import (
    access_request_policy,
    information_source_policy,
    product_policy,
    protocol_policy,
)
from lde.sharing.versions import version_hash

# --- Protocols -----------------------------------------------------------------------------


def protocol_list(*, user: RequestUser, status: str = "") -> QuerySet[Protocol]:
    protocols = protocol_policy.visible_to(user, "view").prefetch_related(
        Prefetch("parties", queryset=Organisation.objects.order_by("name"))
    )
    if status:
        protocols = protocols.filter(status=status)
    return protocols.order_by("title", "pk")


def protocol_get(*, user: RequestUser, protocol_id: Any) -> Protocol:
    return protocol_policy.get_or_404(
        user,
        protocol_id,
        Protocol.objects.prefetch_related(
            Prefetch("parties", queryset=Organisation.objects.order_by("name")),
            Prefetch("controllers", queryset=Organisation.objects.order_by("name")),
        ),
    )


def protocol_history(*, protocol: Protocol) -> QuerySet[ProtocolTransition]:
    return protocol.transitions.select_related("actor").order_by("occurred_at", "pk")


def protocol_signatories(*, protocol: Protocol) -> QuerySet[ProtocolSignatory]:
    return protocol.signatories.select_related("organisation").order_by(
        "organisation__name", "signed_on", "pk"
    )


def protocol_next_statuses(*, protocol: Protocol) -> list[str]:
    """The statuses the protocol may move to from where it is."""
    return [to for (frm, to) in PROTOCOL_TRANSITIONS if frm == protocol.status]


def protocol_force_problems(*, protocol: Protocol) -> list[str]:
    """What stops a protocol coming into force: at least two parties, each of which has signed,
    and a review date still to come."""
    problems = []
    parties = list(protocol.parties.all())
    if len(parties) < 2:
        problems.append("A protocol needs at least two parties")
    signed = set(protocol.signatories.values_list("organisation_id", flat=True))
    unsigned = sorted(o.name for o in parties if o.pk not in signed)
    if unsigned:
        problems.append("These parties have not signed it: " + ", ".join(unsigned))
    if protocol.review_on < today():
        problems.append("Its review date has passed: set the next one first")
    return problems


def protocol_party_partnerships(*, protocol: Protocol, also: Iterable[int] = ()) -> list[int]:
    """The partnerships in which a party of the protocol (or an organisation in `also`) sits:
    every one of them sees each change to the protocol on its audit page."""
    parties = {*protocol.parties.values_list("pk", flat=True), *also}
    return sorted(
        set(
            PartnerOrganisation.objects.filter(organisation_id__in=sorted(parties)).values_list(
                "partnership_id", flat=True
            )
        )
    )


def protocol_coordinators(*, protocol: Protocol) -> list[User]:
    """The people who manage the protocol: those of a party organisation with the right to sign
    for it (policies.protocol_signing_organisation), that is coordinators of a partnership in
    which their own organisation, a party, is a partner."""
    return list(
        User.objects.filter(
            is_active=True,
            organisation__in=protocol.parties.all(),
            memberships__role=Role.COORDINATOR,
            memberships__partnership__partner_links__organisation=F("organisation"),
        )
        .distinct()
        .order_by("email")
    )


def protocols_for_release(*, user: RequestUser, organisation_id: int | None) -> QuerySet[Protocol]:
    """The protocols a product of this organisation may name: those it is a party to, that
    have not ended, and that the user may see. Release needs the one named to be in force."""
    if organisation_id is None:
        return Protocol.objects.none()
    return (
        protocol_policy.visible_to(user, "view")
        .filter(parties=organisation_id)
        .exclude(status=ProtocolStatus.ENDED)
        .order_by("title", "pk")
    )


# --- Products ------------------------------------------------------------------------------


def product_list(*, user: RequestUser, status: str = "") -> QuerySet[BriefingProduct]:
    """Products the user may see, each row with what the list shows, in a fixed number of
    queries whatever the number of products."""
    products = (
        product_policy.visible_to(user, "view")
        .select_related("producing_organisation", "marking", "marking__maps_to", "protocol")
        .prefetch_related(Prefetch("caveats", queryset=Caveat.objects.order_by("name")))
    )
    if status:
        products = products.filter(status=status)
    # Drafts and products in review (never released) first, on both databases.
    return products.order_by(F("released_at").desc(nulls_first=True), "-created_at", "-pk")


def _product_queryset() -> QuerySet[BriefingProduct]:
    return BriefingProduct.objects.select_related(
        "producing_organisation",
        "marking",
        "marking__maps_to",
        "protocol",
        "holder_post__organisation",
        "supersedes",
    ).prefetch_related(
        Prefetch("caveats", queryset=Caveat.objects.order_by("name")),
        Prefetch("recipients", queryset=Partnership.objects.order_by("name")),
        Prefetch("contributing_organisations", queryset=Organisation.objects.order_by("name")),
        "dissemination",
        "people",
        "protocol__parties",
    )


def product_get(*, user: RequestUser, product_id: Any) -> BriefingProduct:
    """One product, if the user may see it; otherwise the same 404 as a missing one."""
    return product_policy.get_or_404(user, product_id, _product_queryset())


def attachment_get(*, product: BriefingProduct, attachment_id: Any) -> Attachment:
    """An attachment of a product the caller has already fetched through `product_get`."""
    try:
        return product.attachments.get(pk=int(attachment_id))
    except (Attachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def product_attachments(*, product: BriefingProduct) -> QuerySet[Attachment]:
    return product.attachments.order_by("file_name", "pk")


@dataclass(frozen=True)
class GuardFinding:
    """Something in a product that looks like a person's identifier: what kind, where, and a
    masked excerpt (enough to find it again, not enough to use it)."""

    where: str
    kind: str
    excerpt: str


@dataclass(frozen=True)
class ProductGuard:
    findings: list[GuardFinding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


def product_guard(*, product: BriefingProduct) -> ProductGuard:
    """What the personal-data guard finds in a product's text (title, summary, body and how to
    ask) and in its attachments (as checked when each was uploaded), and the files it could not
    read. One query whatever the number of files."""
    findings = [
        GuardFinding(f.place, f.kind, personal_data.masked(f.text))
        for f in personal_data.scan_texts(
            [
                ("Title", product.title),
                ("Summary", product.summary),
                ("Body", product.body),
                ("How to ask", product.how_to_ask),
            ]
        )
    ]
    unchecked: list[str] = []
    for name, stored in product.attachments.order_by("file_name", "pk").values_list(
        "file_name", "guard_findings"
    ):
        if stored is None:
            unchecked.append(name)
            continue
        findings.extend(
            GuardFinding(item["place"], item["kind"], item["excerpt"]) for item in stored
        )
    return ProductGuard(findings=findings, unchecked=unchecked)


def product_submit_problems(*, product: BriefingProduct) -> list[str]:
    """What a draft still needs before gateway review."""
    problems = []
    if product.protocol_id is None:
        problems.append("Choose the information sharing protocol it is released under")
    if not product.recipients.exists():
        problems.append("Choose at least one recipient partnership")
    if not product.dissemination.exists():
        problems.append("Add at least one line to the dissemination list")
    if not product.people.filter(kind=PersonKind.APPROVER).exists():
        problems.append("Name at least one gateway approver")
    if product.held_elsewhere and (product.holder_post_id is None or not product.how_to_ask):
        problems.append("Say which post holds the material and how to ask for it")
    if product.held_elsewhere and not product.title_releasable_declared:
        problems.append("Confirm that the title itself may be released at the platform's ceiling")
    return problems


def product_required_organisations(*, product: BriefingProduct) -> list[Organisation]:
    """The organisations whose approver must approve: the producer and each contributor."""
    found = {product.producing_organisation_id: product.producing_organisation}
    for organisation in product.contributing_organisations.all():
        found.setdefault(organisation.pk, organisation)
    return sorted(found.values(), key=lambda o: o.name)


def product_release_problems(*, product: BriefingProduct) -> list[str]:
    """What stops release, recomputed from the database: the hash of this exact version, the
    declaration and each organisation's approval of it, and an approver who is not an author."""
    current = version_hash(product)
    problems = product_submit_problems(product=product)
    if product.personal_data_declared_hash != current:
        problems.append(
            "An author must declare that this version holds no information about identifiable "
            "members of the public: return it to draft and send it for review again"
        )
    protocol = product.protocol
    if protocol is not None and protocol.status != ProtocolStatus.IN_FORCE:
        problems.append(f"The protocol it is released under is {protocol.get_status_display()}")
    approvals = list(product.approvals.filter(version_hash=current))
    approved_for = {a.organisation_id for a in approvals}
    missing = [
        o.name for o in product_required_organisations(product=product) if o.pk not in approved_for
    ]
    if missing:
        problems.append("Not yet approved for " + ", ".join(missing))
    authors = set(product.people.filter(kind=PersonKind.AUTHOR).values_list("user_id", flat=True))
    if approvals and all(a.approver_id in authors for a in approvals):
        problems.append("An author cannot be the only approver: someone else must approve too")
    elif not approvals:
        problems.append("Nobody has approved this version")
    if product.held_elsewhere and (product.body or product.attachments.exists()):
        problems.append("Material above the ceiling is never stored here")
    return problems


def product_successor(*, user: RequestUser, product: BriefingProduct) -> BriefingProduct | None:
    """The next version, if this user may see it."""
    return product_policy.visible_to(user, "view").filter(supersedes=product).first()


def product_people(*, product: BriefingProduct) -> QuerySet[ProductPerson]:
    return product.people.select_related("user", "user__organisation").order_by(
        "kind", "user__full_name", "pk"
    )


def product_dissemination(*, product: BriefingProduct) -> QuerySet[DisseminationEntry]:
    return product.dissemination.select_related(
        "post__organisation", "organisation", "user"
    ).order_by("kind", "pk")


def product_history(*, product: BriefingProduct) -> QuerySet[ProductTransition]:
    return product.transitions.select_related("actor").order_by("occurred_at", "pk")


def product_approvals(*, product: BriefingProduct) -> QuerySet[Approval]:
    return product.approvals.select_related("approver", "organisation").order_by(
        "approved_at", "pk"
    )


def product_comments(*, product: BriefingProduct) -> QuerySet[ReviewComment]:
    return product.review_comments.select_related("author").order_by("created_at", "pk")


def product_reads(*, product: BriefingProduct) -> QuerySet[ProductRead]:
    return product.reads.select_related("user", "user__organisation").order_by(
        "user__full_name", "pk"
    )


def product_acknowledgements(*, product: BriefingProduct) -> dict[int, Acknowledgement]:
    return {a.user_id: a for a in product.acknowledgements.all()}


def product_feedback(*, product: BriefingProduct) -> QuerySet[Feedback]:
    return product.feedback.select_related("author").order_by("-created_at", "-pk")


def acknowledgement_of(*, user: User, product: BriefingProduct) -> Acknowledgement | None:
    return product.acknowledgements.filter(user_id=user.pk).first()


def product_parts(*, user: User) -> frozenset[str]:
    """The parts (author, approver) the user has in products still being worked on, in one
    small query: the home page asks for the drafting and approval lists, each through the
    gateway's whole rule, only of someone who has such a part, which most people never do."""
    return frozenset(
        ProductPerson.objects.filter(
            user_id=user.pk,
            kind__in=[PersonKind.AUTHOR, PersonKind.APPROVER],
            product__status__in=WORKING_STATUSES,
        )
        .values_list("kind", flat=True)
        .distinct()
    )


def products_for_attention(*, user: User, approver: bool = True) -> dict[str, Any]:
    """For the home page: products waiting for this user's approval of their current version,
    and released products they have not yet acknowledged. Counts are of visible products only.
    `approver=False` (the user approves nothing being worked on: `product_parts`) skips the
    first, which could only be empty."""
    visible = product_policy.visible_to(user, "view")
    unread = visible.filter(status=ProductStatus.RELEASED).exclude(
        Exists(Acknowledgement.objects.filter(product_id=OuterRef("pk"), user_id=user.pk))
    )
    if not approver:
        return {"waiting": [], "unacknowledged": unread.count()}
    waiting = (
        visible.filter(status=ProductStatus.IN_REVIEW)
        .filter(
            Exists(
                ProductPerson.objects.filter(
                    product_id=OuterRef("pk"), user_id=user.pk, kind=PersonKind.APPROVER
                )
            )
        )
        .exclude(
            Exists(
                Approval.objects.filter(
                    product_id=OuterRef("pk"),
                    approver_id=user.pk,
                    version_hash=OuterRef("version_hash"),
                )
            )
        )
        .order_by("-created_at", "-pk")
    )
    return {"waiting": list(waiting[:10]), "unacknowledged": unread.count()}


def products_drafting(*, user: User) -> list[BriefingProduct]:
    """For the home page: the products this user is an author of that are still being worked
    on (a draft, perhaps returned from review with comments, or in review), newest first.
    Through the same rule as every other read, so a product they no longer meet clauses 4 and
    5 for is not listed."""
    return list(
        product_policy.visible_to(user, "view")
        .filter(status__in=WORKING_STATUSES)
        .filter(
            Exists(
                ProductPerson.objects.filter(
                    product_id=OuterRef("pk"), user_id=user.pk, kind=PersonKind.AUTHOR
                )
            )
        )
        .order_by("-updated_at", "-pk")[:10]
    )


# --- Choices for the forms -----------------------------------------------------------------


def marking_choices(*, user: RequestUser) -> QuerySet[Marking]:
    """Markings of today's scheme that the user's own clearance covers."""
    clearance = facts_for(user).clearance
    allowed = [
        m.pk
        for m in Marking.objects.filter(scheme=MarkingScheme.CURRENT)
        if vetting_covers(clearance, m)
    ]
    return Marking.objects.filter(pk__in=allowed).order_by("rank")


def caveat_choices(*, user: RequestUser) -> QuerySet[Caveat]:
    """The caveats the user holds: nobody restricts a product to a group they are not in."""
    return Caveat.objects.filter(code__in=sorted(facts_for(user).caveats)).order_by("name")


def organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def partnership_choices() -> QuerySet[Partnership]:
    """Any partnership may be a recipient: a producer may belong to none of them."""
    return Partnership.objects.order_by("name")


def post_choices(
    *, product: BriefingProduct | None = None, organisation_id: int | None = None
) -> QuerySet[Post]:
    """Posts of the producing and contributing organisations and of the recipients' partner
    organisations; for a new product, the posts of the organisation producing it."""
    posts = Post.objects.select_related("organisation")
    if product is None:
        return posts.filter(organisation_id=organisation_id or 0).order_by("title")
    organisations = {product.producing_organisation_id}
    organisations |= set(product.contributing_organisations.values_list("pk", flat=True))
    organisations |= set(
        Partnership.objects.filter(pk__in=product.recipients.values("pk")).values_list(
            "partner_links__organisation_id", flat=True
        )
    )
    return posts.filter(organisation_id__in=[o for o in organisations if o is not None]).order_by(
        "organisation__name", "title"
    )


def user_choices() -> QuerySet[User]:
    """The people a product may name (as an author, approver or reader, or on its list): any
    active account, as the pages' email look-up finds them."""
    return User.objects.filter(is_active=True).order_by("full_name", "pk")


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def post_holder(*, post: Post | None) -> User | None:
    if post is None:
        return None
    holding = (
        PostHolding.objects.filter(live_holding_q(today()), post=post)
        .select_related("user")
        .first()
    )
    return holding.user if holding else None


# --- Access requests -----------------------------------------------------------------------


def access_request_list(*, user: RequestUser) -> QuerySet[AccessRequest]:
    return (
        access_request_policy.visible_to(user, "view")
        .select_related("product", "requester", "answered_by")
        .order_by("-created_at", "-pk")
    )


def access_request_get(*, user: RequestUser, request_id: Any) -> AccessRequest:
    return access_request_policy.get_or_404(
        user,
        request_id,
        AccessRequest.objects.select_related("product", "product__marking", "requester"),
    )


def open_requests_count(*, user: RequestUser) -> int:
    facts = facts_for(user)
    # Requests are to the holder of a product's post: someone who holds no post has none, and
    # the request rule need not be put together to say so.
    if not facts.post_ids:
        return 0
    # Few post holders have an open request at all: a plain look first, and the request rule
    # (with the gateway's inside it) put together only when there is one to count.
    addressed = AccessRequest.objects.filter(
        status="open", product__holder_post_id__in=sorted(facts.post_ids)
    )
    if not addressed.exists():
        return 0
    return (
        access_request_list(user=user)
        .filter(Q(product__holder_post_id__in=sorted(facts.post_ids)), status="open")
        .count()
    )


# --- The catalogue of information sources ----------------------------------------------------


def _information_sources() -> QuerySet[InformationSource]:
    return InformationSource.objects.select_related(
        "partnership", "owner_organisation", "marking", "created_by", "updated_by"
    )


def information_source_list(
    *, user: RequestUser, partnership_id: int
) -> QuerySet[InformationSource]:
    """One partnership's catalogue as the user may read it, in one query whatever its size."""
    sources = information_source_policy.visible_to(user, "view").filter(
        partnership_id=partnership_id
    )
    return sources.select_related("owner_organisation", "marking").order_by("title", "pk")


def information_source_get(*, user: RequestUser, source_id: Any) -> InformationSource:
    return information_source_policy.get_or_404(user, source_id, _information_sources())


def information_source_markings() -> QuerySet[Marking]:
    """Markings of today's scheme: any may describe a data set, which is never stored here."""
    return Marking.objects.filter(scheme=MarkingScheme.CURRENT).order_by("rank")


# --- Briefing coverage (¶59) ---------------------------------------------------------------

# "The latest products" of a partnership, for briefing coverage: the current version of every
# product addressed to it and released within this many days. A superseded version is replaced
# by its successor (released again, so it counts from its own release); withdrawn products and
# those held elsewhere do not count, and so neither do older releases.
COVERAGE_WINDOW_DAYS = 90

COVERED = "covered"
NOT_LISTED = "not_listed"
CANNOT_SEE = "cannot_see"
NOT_ACKNOWLEDGED = "not_acknowledged"
NOTHING_RELEASED = "nothing_released"


def briefing_status(*, partnership_id: int, holders: Any, day: Any) -> dict[int, str]:
    """For each holder (user id -> their `UserFacts`), whether they have received and
    acknowledged the partnership's latest products, or the first reason they have not: not on
    a product's dissemination list, on it but the gateway rule does not let them see it (their
    clearance, caveats, membership of the partnership, or their organisation is not a party to
    the protocol in force), or seen but not acknowledged. Decided by the gateway rule's own
    reference (`gateway_allows`), never a copy of it. A fixed number of queries whatever the
    number of holders and products; nothing about the products leaves this function."""
    return briefing_status_many(holders={partnership_id: holders}, day=day).get(partnership_id, {})


def briefing_status_many(*, holders: Any, day: Any) -> dict[int, dict[int, str]]:
    """`briefing_status` for many partnerships at once (partnership id -> its holders' facts),
    in the same fixed number of queries whatever the number of partnerships, holders and
    products (the national analyst's aggregate of briefing coverage)."""
    from datetime import timedelta

    from lde.sharing.policies import gateway_allows, on_dissemination_list, product_facts

    holders = {p: h for p, h in holders.items() if h}
    if not holders:
        return {}
    products = list(
        BriefingProduct.objects.filter(
            status=ProductStatus.RELEASED,
            held_elsewhere=False,
            recipients__in=sorted(holders),
            released_on__gte=day - timedelta(days=COVERAGE_WINDOW_DAYS),
        )
        .distinct()
        .select_related("marking", "marking__maps_to", "protocol")
        .prefetch_related(
            "recipients",
            "dissemination",
            "people",
            "caveats",
            "contributing_organisations",
            "protocol__parties",
        )
        .order_by("pk")
    )
    latest: dict[int, list[tuple[int, Any]]] = {p: [] for p in holders}
    for product in products:
        facts = product_facts(product)
        for recipient in product.recipients.all():
            if recipient.pk in latest:
                latest[recipient.pk].append((product.pk, facts))
    acknowledged: set[tuple[int, int]] = set()
    if products:
        everyone = sorted({u for h in holders.values() for u in h})
        acknowledged = set(
            Acknowledgement.objects.filter(
                product_id__in=[p.pk for p in products], user_id__in=everyone
            ).values_list("user_id", "product_id")
        )
    order = (NOT_LISTED, CANNOT_SEE, NOT_ACKNOWLEDGED)
    found: dict[int, dict[int, str]] = {}
    for partnership_id, people in holders.items():
        known = latest[partnership_id]
        if not known:
            found[partnership_id] = dict.fromkeys(people, NOTHING_RELEASED)
            continue
        status: dict[int, str] = {}
        for user_id, facts in people.items():
            reasons = set()
            for product_id, product in known:
                if not gateway_allows(facts, product):
                    reasons.add(CANNOT_SEE if on_dissemination_list(facts, product) else NOT_LISTED)
                elif (user_id, product_id) not in acknowledged:
                    reasons.add(NOT_ACKNOWLEDGED)
            status[user_id] = next((r for r in order if r in reasons), COVERED)
        found[partnership_id] = status
    return found
