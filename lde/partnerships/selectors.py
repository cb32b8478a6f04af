"""Reads of partnerships, members and assignments, already scoped by the policies."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lde.accounts.selectors import user_vetting_facts
from lde.core.access.facts import UserFacts, today
from lde.partnerships.models import (
    Alliance,
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Partnership,
)
from lde.partnerships.policies import (
    alliance_policy,
    assignment_policy,
    membership_policy,
    partnership_policy,
)


def user_facts_load(user: Any) -> UserFacts:
    """Everything the access rule needs about one user, in a handful of queries."""
    day = today()
    roles: dict[int, set[str]] = defaultdict(set)
    for partnership_id, role in Membership.objects.filter(user_id=user.pk).values_list(
        "partnership_id", "role"
    ):
        roles[partnership_id].add(role)
    inspected: set[int] = set()
    peer_reviewed: set[int] = set()
    subjects: set[str] = set()
    live = Assignment.partnerships.through.objects.filter(
        assignment__user_id=user.pk,
        assignment__starts_on__lte=day,
        assignment__ends_on__gte=day,
    ).values_list("partnership_id", "assignment__kind", "assignment__subject_reference")
    for partnership_id, kind, subject in live:
        if kind == AssignmentKind.INSPECTOR:
            inspected.add(partnership_id)
        else:
            peer_reviewed.add(partnership_id)
            if subject:
                subjects.add(subject)
    partner_organisations: dict[int, set[int]] = defaultdict(set)
    reach = set(roles) | inspected
    if reach:
        for partnership_id, organisation_id in (
            PartnerOrganisation.objects.filter(partnership_id__in=reach)
            .order_by()
            .values_list("partnership_id", "organisation_id")
        ):
            partner_organisations[partnership_id].add(organisation_id)
    vetting = user_vetting_facts(user_id=user.pk, day=day)
    return UserFacts(
        user_id=user.pk,
        today=day,
        roles={p: frozenset(r) for p, r in roles.items()},
        inspected=frozenset(inspected),
        peer_reviewed=frozenset(peer_reviewed),
        peer_review_subjects=frozenset(subjects),
        organisation_id=user.organisation_id,
        partner_organisations={p: frozenset(o) for p, o in partner_organisations.items()},
        security_contact_for=vetting["security_contact_for"],
        post_ids=vetting["post_ids"],
        clearance=vetting["clearance"],
        caveats=vetting["caveats"],
        is_national_analyst=user.is_national_analyst,
        is_site_administrator=user.is_site_administrator,
    )


def partnership_list(*, user: Any) -> QuerySet[Partnership]:
    # A correlated count per visible row, not a join over every membership in the country: the
    # join made PostgreSQL scan the whole membership table to return a handful of rows.
    people = (
        Membership.objects.filter(partnership=OuterRef("pk"))
        .order_by()
        .values("partnership")
        .annotate(count=Count("user", distinct=True))
        .values("count")
    )
    return (
        partnership_policy.visible_to(user, "view")
        .select_related("lead_council")
        .annotate(member_count=Coalesce(Subquery(people), 0))
        .order_by("name")
    )


def partnership_get(*, user: Any, partnership_id: Any) -> Partnership:
    return partnership_policy.get_or_404(
        user, partnership_id, Partnership.objects.select_related("lead_council")
    )


def partnership_partner_organisations(*, partnership: Partnership) -> QuerySet[PartnerOrganisation]:
    return partnership.partner_links.select_related("organisation").order_by("organisation__name")


def partnership_police_bcus(*, partnership: Partnership) -> list[Any]:
    return list(partnership.police_bcus.order_by("name"))


def membership_list(*, user: Any, partnership: Partnership) -> QuerySet[Membership]:
    return (
        membership_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("user", "organisation")
        .order_by("user__full_name", "role")
    )


def membership_get(*, user: Any, membership_id: Any) -> Membership:
    return membership_policy.get_or_404(
        user, membership_id, Membership.objects.select_related("user", "partnership")
    )


def alliance_list(*, user: Any) -> QuerySet[Alliance]:
    return alliance_policy.visible_to(user, "view").prefetch_related(
        Prefetch("partnerships", queryset=Partnership.objects.order_by("name"))
    )


def assignment_list(*, user: Any, live_only: bool = True) -> QuerySet[Assignment]:
    assignments = assignment_policy.visible_to(user, "view").filter(user=user)
    if live_only:
        day = today()
        assignments = assignments.filter(starts_on__lte=day, ends_on__gte=day)
    return assignments.prefetch_related(
        Prefetch("partnerships", queryset=Partnership.objects.order_by("name"))
    ).order_by("ends_on")


def assignment_list_for_partnership(*, user: Any, partnership: Partnership) -> QuerySet[Assignment]:
    return (
        assignment_policy.visible_to(user, "view")
        .filter(partnerships=partnership)
        .exclude(Q(user=user))
        .select_related("user")
        .order_by("-ends_on")
    )
