"""Frameworks are read by everyone signed in; site administrators load them."""

from __future__ import annotations

from django.db.models import Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.frameworks.models import FrameworkVersion

EVERYTHING = ~Q(pk=None)


class FrameworkVersionPolicy(Policy[FrameworkVersion]):
    model = FrameworkVersion
    actions = ("view",)

    def allows(self, facts: UserFacts, action: str, obj: FrameworkVersion) -> bool:
        return facts.is_authenticated

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return EVERYTHING


framework_version_policy = FrameworkVersionPolicy()
