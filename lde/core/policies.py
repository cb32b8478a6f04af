"""Who may change the site's own settings: the marking scheme and the instance ceiling.

permissions.md gives site administrators "partnerships, organisations, frameworks, settings"; the
markings and the ceiling are settings of the whole site, and nobody else reads or changes them
here (authors choose a marking from the scheme on their own pages, through their own apps). A
site administrator gains no material by these pages: they show the scheme, never what is marked.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Q

from lde.core.access.facts import UserFacts
from lde.core.access.markings import Marking, SiteSettings
from lde.core.access.policy import NOTHING, Policy

EVERYTHING = ~Q(pk=None)
SETTINGS_WHO_CAN = "Site administrators change the marking scheme and the site's ceiling."


class _SiteAdministratorsOnly:
    def allows(self, facts: UserFacts, action: str, obj: object) -> bool:
        return facts.is_site_administrator

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return EVERYTHING if facts.is_site_administrator else NOTHING


class MarkingPolicy(_SiteAdministratorsOnly, Policy[Marking]):
    """view and change: site administrators (a legacy marking's mapping, a current marking's
    vetting)."""

    model = Marking
    actions = ("view", "change")
    who_can: ClassVar[dict[str, str]] = {"view": SETTINGS_WHO_CAN, "change": SETTINGS_WHO_CAN}


class SiteSettingsPolicy(_SiteAdministratorsOnly, Policy[SiteSettings]):
    """view and change the ceiling: site administrators."""

    model = SiteSettings
    actions = ("view", "change")
    who_can: ClassVar[dict[str, str]] = {"view": SETTINGS_WHO_CAN, "change": SETTINGS_WHO_CAN}


marking_policy = MarkingPolicy()
site_settings_policy = SiteSettingsPolicy()
