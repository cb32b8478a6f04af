"""The partnership roles, and the questions about them that apps below `partnerships` ask.

Roles are part of the access rule's vocabulary, like markings and vetting levels: the user's
facts hold them, and the policies of `accounts` (who may see an organisation, a post or a
clearance) turn on them. Memberships, which hold roles, live in `partnerships`, above `accounts`.
So the vocabulary lives here, and the one question that needs the membership table, "is this
person a member of a partnership the user reaches by these roles", is answered by the app that
holds memberships and named in settings (`LDE_PEOPLE_REACHED`), as the facts loader is. See
docs/adr/0011-accounts-asks-core-about-partnership-reach.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q
from django.db.models.expressions import Combinable
from django.utils.module_loading import import_string

from lde.core.access.facts import UserFacts


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    BOARD_MEMBER = "board_member", "Board member"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"
    COMMUNITY_REVIEWER = "community_reviewer", "Community reviewer"


READER_ROLES = (Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER)
ALL_ROLES = tuple(Role.values)

UserRef = OuterRef | F | Combinable


def reached(facts: UserFacts, roles: Iterable[str], *, inspectors: bool = False) -> frozenset[int]:
    """Partnerships this user reaches by one of `roles`, or as a live inspector."""
    found = set(facts.partnerships_with(*roles))
    if inspectors:
        found |= facts.inspected
    return frozenset(found)


def people_reached_q(facts: UserFacts, roles: Iterable[str], user_ref: UserRef) -> Q:
    """Rows whose person (`user_ref`) is a member of a partnership this user reaches by one of
    `roles`, as a filter: answered by `LDE_PEOPLE_REACHED`."""
    answer: Callable[[UserFacts, Iterable[str], UserRef], Q] = import_string(
        settings.LDE_PEOPLE_REACHED
    )
    return answer(facts, roles, user_ref)
