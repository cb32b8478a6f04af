"""How a user reaches a partnership: by a membership role, or by a live assignment.

Every policy that concerns partnership content builds on these two questions, asked either of a
user's facts (Python) or of the database (an `Exists` subquery against a partnership reference).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import Combinable

from lde.core.access.facts import UserFacts
from lde.core.access.roles import ALL_ROLES as ALL_ROLES
from lde.core.access.roles import READER_ROLES as READER_ROLES
from lde.core.access.roles import UserRef
from lde.core.access.roles import reached as reached
from lde.partnerships.models import Assignment, AssignmentKind, Membership

PartnershipRef = OuterRef | F | Combinable


def reach_q(
    facts: UserFacts, roles: Iterable[str], ref: PartnershipRef, *, inspectors: bool = False
) -> Q:
    """The same question as `reached`, as a filter on rows whose partnership is `ref`.

    The facts already hold every partnership the user reaches (loaded once per request from the
    same memberships and live assignments), so where `ref` names a field of the rows being
    filtered the filter is that field among those partnerships' ids: no subquery for Django to
    build and PostgreSQL to plan on every list (ADR 0030). A field lookup, so that a negated
    filter treats a row with no partnership as an `Exists` would (not reached). Any other
    reference keeps the `Exists` form.
    """
    field = getattr(ref, "name", None) if isinstance(ref, OuterRef) else None
    if isinstance(field, str):
        ids = sorted(reached(facts, roles, inspectors=inspectors))
        return Q(**{f"{field}__in": ids})
    return _reach_exists_q(facts, roles, ref, inspectors=inspectors)


def _reach_exists_q(
    facts: UserFacts, roles: Iterable[str], ref: PartnershipRef, *, inspectors: bool = False
) -> Q:
    """`reach_q` as `Exists` subqueries against the memberships and live assignments."""
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


def people_reached_q(facts: UserFacts, roles: Iterable[str], user_ref: UserRef) -> Q:
    """Rows whose person is a member of a partnership this user reaches by one of `roles`: the
    answer to `lde.core.access.roles.people_reached_q`, named in settings (LDE_PEOPLE_REACHED)."""
    return Q(
        Exists(
            Membership.objects.filter(user_id=user_ref).filter(
                reach_q(facts, roles, OuterRef("partnership_id"))
            )
        )
    )
