"""How a user reaches a partnership: by a membership role, or by a live assignment.

Every policy that concerns partnership content builds on these two questions, asked either of a
user's facts (Python) or of the database (an `Exists` subquery against a partnership reference).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import Combinable

from lde.core.access.facts import UserFacts
from lde.partnerships.models import Assignment, AssignmentKind, Membership, Role

READER_ROLES = (Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER)
ALL_ROLES = tuple(Role.values)

PartnershipRef = OuterRef | F | Combinable


def reached(facts: UserFacts, roles: Iterable[str], *, inspectors: bool = False) -> frozenset[int]:
    """Partnerships this user reaches by one of `roles`, or as a live inspector."""
    found = set(facts.partnerships_with(*roles))
    if inspectors:
        found |= facts.inspected
    return frozenset(found)


def reach_q(
    facts: UserFacts, roles: Iterable[str], ref: PartnershipRef, *, inspectors: bool = False
) -> Q:
    """The same question as `reached`, as a filter on rows whose partnership is `ref`."""
    condition = Q(
        Exists(
            Membership.objects.filter(
                user_id=facts.user_id or 0, role__in=list(roles), partnership_id=ref
            )
        )
    )
    if inspectors:
        condition |= Q(
            Exists(
                Assignment.partnerships.through.objects.filter(
                    partnership_id=ref,
                    assignment__user_id=facts.user_id or 0,
                    assignment__kind=AssignmentKind.INSPECTOR,
                    assignment__starts_on__lte=facts.today,
                    assignment__ends_on__gte=facts.today,
                )
            )
        )
    return condition
