"""Reads of consequence management, scoped by the policies: a record another partnership's
person asks for is the same 404 as one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from lde.accounts.models import Organisation, Post, PostHolding
from lde.consequence_management.models import (
    Cascade,
    CascadeRecipient,
    KeyContact,
    MessageStatus,
    OutboxMessage,
    PlanMessage,
    PlanRole,
    ReadinessPlan,
)
from lde.consequence_management.policies import (
    cascade_policy,
    key_contact_policy,
    readiness_plan_policy,
)
from lde.consequence_management.services import READINESS_FRAMEWORK, contact_warnings
from lde.core.access.facts import AnyUser
from lde.engagement.models import Forum, ForumKind, KeyMessage, Spokesperson
from lde.engagement.models import MessageStatus as KeyStatus
from lde.frameworks.models import Criterion
from lde.partnerships.models import Partnership
from lde.sharing.models import BriefingProduct, ProductStatus


def plan_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[ReadinessPlan]:
    return readiness_plan_policy.visible_to(user, "view").filter(partnership=partnership)


def plan_get(*, user: AnyUser, plan_id: Any) -> ReadinessPlan:
    return readiness_plan_policy.get_or_404(
        user,
        plan_id,
        ReadinessPlan.objects.select_related(
            "partnership", "advisory_group", "spokesperson__post__organisation"
        ),
    )


def plan_roles(*, plan: ReadinessPlan) -> QuerySet[PlanRole]:
    return plan.roles.select_related("post__organisation").prefetch_related(
        Prefetch(
            "post__holdings",
            queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("user"),
            to_attr="current",
        )
    )


def plan_messages(*, plan: ReadinessPlan) -> QuerySet[PlanMessage]:
    return plan.messages.select_related("key_message")


def plan_criteria(*, plan: ReadinessPlan) -> QuerySet[Criterion]:
    return plan.criteria.order_by("position")


def plans_past_review(*, user: AnyUser, partnership_ids: Any, today: date) -> list[ReadinessPlan]:
    """Plans past their review date, in the partnerships whose coordinator asks."""
    return list(
        readiness_plan_policy.visible_to(user, "edit")
        .filter(partnership_id__in=partnership_ids, review_on__lt=today)
        .select_related("partnership")
        .order_by("review_on")
    )


def readiness_criteria() -> QuerySet[Criterion]:
    """The readiness framework's criteria, newest version (the plan links to them)."""
    criteria = Criterion.objects.filter(
        framework_version__framework__identifier=READINESS_FRAMEWORK
    ).select_related("framework_version", "framework_version__framework")
    newest = criteria.order_by("-framework_version__pk").values_list(
        "framework_version_id", flat=True
    )
    first = newest.first()
    return criteria.filter(framework_version_id=first).order_by("position")


def advisory_groups(*, user: AnyUser, partnership: Partnership) -> QuerySet[Forum]:
    return Forum.objects.filter(
        partnership=partnership, kind=ForumKind.INDEPENDENT_ADVISORY_GROUP
    ).order_by("name")


def spokespeople(*, partnership: Partnership) -> QuerySet[Spokesperson]:
    return Spokesperson.objects.filter(partnership=partnership).select_related("post__organisation")


def agreed_key_messages(*, partnership: Partnership) -> QuerySet[KeyMessage]:
    return KeyMessage.objects.filter(partnership=partnership, status=KeyStatus.AGREED)


def released_products() -> QuerySet[BriefingProduct]:
    return BriefingProduct.objects.filter(status=ProductStatus.RELEASED).order_by("-released_at")


def partnership_posts(*, partnership: Partnership) -> QuerySet[Post]:
    return (
        Post.objects.filter(organisation__partnership_links__partnership=partnership)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "title")
    )


def partnership_organisations(*, partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


# --- The directory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryRow:
    contact: KeyContact
    holder: str
    warnings: list[str]


def contact_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[KeyContact]:
    return (
        key_contact_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("organisation", "post", "deputy__organisation")
        .prefetch_related(
            Prefetch(
                "post__holdings",
                queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("user"),
                to_attr="current",
            )
        )
    )


def directory(*, user: AnyUser, partnership: Partnership, today: date) -> list[DirectoryRow]:
    rows = []
    for contact in contact_list(user=user, partnership=partnership):
        holders = getattr(contact.post, "current", []) if contact.post else []
        rows.append(
            DirectoryRow(
                contact=contact,
                holder=holders[0].user.get_full_name() if holders else "",
                warnings=contact_warnings(contact, today),
            )
        )
    return rows


def contact_get(*, user: AnyUser, contact_id: Any) -> KeyContact:
    return key_contact_policy.get_or_404(
        user, contact_id, KeyContact.objects.select_related("partnership", "organisation", "post")
    )


def contacts_needing_attention(*, partnership: Partnership, today: date) -> int:
    stale = today - timedelta(days=90)
    return (
        KeyContact.objects.filter(partnership=partnership).filter(Q(verified_on__lt=stale)).count()
    )


# --- Cascades ---------------------------------------------------------------------------------


def cascade_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[Cascade]:
    return (
        cascade_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .annotate(
            called=Count("recipients", distinct=True),
            answered=Count(
                "recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True
            ),
        )
    )


def cascade_get(*, user: AnyUser, cascade_id: Any) -> Cascade:
    return cascade_policy.get_or_404(
        user,
        cascade_id,
        Cascade.objects.select_related("partnership", "plan", "briefing_product", "started_by"),
    )


@dataclass(frozen=True)
class RollCallRow:
    recipient: CascadeRecipient
    reached: bool
    messages: list[OutboxMessage]
    holder: str


@dataclass(frozen=True)
class RollCall:
    rows: list[RollCallRow]
    called: int
    reached: int
    acknowledged: int
    escalated: int
    ring_round: list[CascadeRecipient]


REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED)


def roll_call(*, cascade: Cascade) -> RollCall:
    """Who has been reached and who has acknowledged, in a constant number of queries."""
    recipients = list(
        CascadeRecipient.objects.filter(cascade=cascade)
        .select_related("contact__organisation", "contact__post", "deputy_for__contact")
        .prefetch_related(
            Prefetch("messages", queryset=OutboxMessage.objects.order_by("channel")),
            Prefetch(
                "contact__post__holdings",
                queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("user"),
                to_attr="current",
            ),
        )
    )
    rows = []
    for r in recipients:
        messages = list(r.messages.all())
        holders = getattr(r.contact.post, "current", []) if r.contact.post else []
        rows.append(
            RollCallRow(
                recipient=r,
                reached=any(m.status in REACHED for m in messages),
                messages=messages,
                holder=holders[0].user.get_full_name() if holders else "",
            )
        )
    return RollCall(
        rows=rows,
        called=len(rows),
        reached=sum(1 for row in rows if row.reached),
        acknowledged=sum(1 for r in recipients if r.acknowledged_at),
        escalated=sum(1 for r in recipients if r.escalated_at),
        ring_round=[
            r
            for r in recipients
            if r.contact.phone and r.acknowledged_at is None and r.level <= cascade.level_reached
        ],
    )
