"""The policy base: one rule, answered two ways.

Each policy states, per action, the rule once in Python over a user's facts (`allows`) and once as
a database filter (`filter_for`). Views and the API ask `user_can` for one object and
`visible_to` for lists; property tests check that the two answers agree for every pair in
generated worlds. Nothing here looks at `is_superuser`: no flag bypasses a policy.

Some questions are asked of a place before there is an object: "may I start an assessment in
this partnership", "may I draft a protocol at all". Those are the policy's `scope_actions`,
answered by `allows_in` over the facts and a scope (a partnership's id, or None for the whole
platform) and asked with `user_can_in` / `require_in` — never by building an unsaved object to
ask `user_can` of. Where the same action is also asked of objects, `allows` answers it by
asking `allows_in` of the object's scope, so the rule is written once.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from lde.core.access.facts import AnyUser, UserFacts, facts_for

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])


class PermissionDenied403(PermissionDenied):
    """Visible but not allowed: the page says who can do it. A `PermissionDenied`, so code that
    catches Django's refusal catches this one too."""

    def __init__(self, message: str, *, who_can: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.who_can = who_can


class Policy(Generic[M]):
    model: type[M]
    actions: ClassVar[tuple[str, ...]] = ("view",)
    # Sentences for the 403 page, per action.
    who_can: ClassVar[dict[str, str]] = {}

    # Actions asked of a scope (a partnership's id, or None for the whole platform) rather than
    # of an object; see the module's docstring.
    scope_actions: ClassVar[tuple[str, ...]] = ()

    def allows(self, facts: UserFacts, action: str, obj: M) -> bool:
        raise NotImplementedError

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        """A policy with `scope_actions` answers them here; one without asks nothing of a scope."""
        raise ValueError(f"{type(self).__name__} asks nothing of a scope, not even {action!r}")

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        raise NotImplementedError

    def _check_action(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} has no action {action!r}")

    def user_can(self, user: AnyUser, action: str, obj: M) -> bool:
        self._check_action(action)
        facts = facts_for(user)
        if not facts.is_authenticated:
            return False
        return self.allows(facts, action, obj)

    def visible_to(self, user: AnyUser, action: str = "view") -> QuerySet[M]:
        self._check_action(action)
        facts = facts_for(user)
        if not facts.is_authenticated:
            return self.model._default_manager.none()
        return self.model._default_manager.filter(self.filter_for(facts, action))

    def get_or_404(self, user: AnyUser, pk: Any, queryset: QuerySet[M] | None = None) -> M:
        """Missing and present-but-not-visible give the same 404."""
        base = queryset if queryset is not None else self.model._default_manager.all()
        try:
            obj = base.get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404 from None
        if not self.user_can(user, "view", obj):
            raise Http404
        return obj

    def user_can_in(self, user: AnyUser, action: str, scope: int | None = None) -> bool:
        """May the user do `action` here: in the partnership `scope`, or anywhere (None)."""
        if action not in self.scope_actions:
            raise ValueError(f"{type(self).__name__} asks {action!r} of objects, not of a scope")
        facts = facts_for(user)
        if not facts.is_authenticated:
            return False
        return self.allows_in(facts, action, scope)

    def require_in(
        self,
        user: AnyUser,
        action: str,
        scope: int | None = None,
        *,
        message: str = "You cannot do this.",
    ) -> None:
        """Not allowed here: 403, with who can do it."""
        if not self.user_can_in(user, action, scope):
            raise PermissionDenied403(message, who_can=self.who_can.get(action, ""))

    def require(self, user: AnyUser, action: str, obj: M) -> None:
        """Visible but not allowed: 403, with who can do it."""
        if not self.user_can(user, action, obj):
            raise PermissionDenied403("You cannot do this.", who_can=self.who_can.get(action, ""))
