"""What the access rule needs to know about a user, fetched once per request.

The policies answer "may this user do X to this object" from these facts in plain Python, and
"which objects may they do X to" as a database filter. Both are the same rule; property tests
over generated worlds prove they agree. `core` cannot import the apps that hold memberships and
posts, so the loader is named in settings (LDE_FACTS_LOADER) and found at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# Whoever asks: a signed-in person or an anonymous visitor. The kernel cannot name the accounts
# app's User, so it names what every user is.
AnyUser: TypeAlias = "AbstractBaseUser | AnonymousUser"


def today() -> date:
    """Today in Europe/London: access dates are calendar dates there."""
    return timezone.localdate()


@dataclass(frozen=True)
class UserFacts:
    user_id: int | None
    today: date
    # partnership id -> the roles this user holds there through memberships
    roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    # partnerships reached through a live inspector or peer reviewer assignment
    inspected: frozenset[int] = frozenset()
    peer_reviewed: frozenset[int] = frozenset()
    peer_review_subjects: frozenset[str] = frozenset()
    organisation_id: int | None = None
    # organisations that are partners of a partnership this user belongs to or inspects
    partner_organisations: Mapping[int, frozenset[int]] = field(default_factory=dict)
    security_contact_for: frozenset[int] = frozenset()
    post_ids: frozenset[int] = frozenset()
    clearance: int = 0
    caveats: frozenset[str] = frozenset()
    is_national_analyst: bool = False
    is_programme_lead: bool = False
    is_site_administrator: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def partnerships_with(self, *roles: str) -> frozenset[int]:
        wanted = set(roles)
        return frozenset(p for p, held in self.roles.items() if held & wanted)

    @property
    def member_of(self) -> frozenset[int]:
        return frozenset(self.roles)

    def organisations_of(self, partnerships: frozenset[int]) -> frozenset[int]:
        found: set[int] = set()
        for partnership_id in partnerships:
            found |= self.partner_organisations.get(partnership_id, frozenset())
        return frozenset(found)


_CACHE_ATTRIBUTE = "_lde_user_facts"


def facts_for(user: AnyUser | None) -> UserFacts:
    """The user's facts, loaded once and kept on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return UserFacts(user_id=None, today=today())
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if isinstance(cached, UserFacts):
        return cached
    loader: Callable[[Any], UserFacts] = import_string(settings.LDE_FACTS_LOADER)
    facts = loader(user)
    setattr(user, _CACHE_ATTRIBUTE, facts)
    return facts


def facts_forget(user: AnyUser | None) -> None:
    """Drop cached facts, after a write that changes what the user may do."""
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
