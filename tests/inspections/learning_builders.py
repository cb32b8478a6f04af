"""A small world for the cross-site learning's tests: a programme over two sites of the
key-themes framework, with its lead, an inspector of the first site, each site's coordinator,
a board member, an advisory member, a site administrator and someone with no part in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from lde.accounts.models import User
from lde.frameworks.models import FrameworkVersion
from lde.frameworks.services import framework_load_file
from lde.inspections.models import Programme, ProgrammeStatus, Site
from lde.inspections.models_learning import AdvisoryMember
from lde.partnerships.models import Partnership, Role
from tests.factories import AssignmentFactory, MembershipFactory, PartnershipFactory, UserFactory

KEY_THEMES = Path(settings.BASE_DIR) / "lde/frameworks/data/lde-key-themes-2008.yaml"
THEME = "q2a-community-knowledge"
OTHER_THEME = "q2c-mainstreaming"


def key_themes() -> FrameworkVersion:
    found = FrameworkVersion.objects.filter(framework__identifier="lde-key-themes").first()
    if found is not None:
        return found
    return framework_load_file(actor=None, path=KEY_THEMES).version


@dataclass
class World:
    programme: Programme
    first: Site
    second: Site
    partnership: Partnership
    other_partnership: Partnership
    lead: User
    inspector: User
    coordinator: User
    other_coordinator: User
    board_member: User
    adviser: User
    site_administrator: User
    stranger: User

    def people(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "lead",
                "inspector",
                "coordinator",
                "other_coordinator",
                "board_member",
                "adviser",
                "site_administrator",
                "stranger",
            )
        }


def world_build(status: str = ProgrammeStatus.FIELDWORK, **_: Any) -> World:
    version = key_themes()
    lead = UserFactory(is_programme_lead=True)
    partnership = PartnershipFactory()
    other = PartnershipFactory()
    programme = Programme.objects.create(
        title="Learning and development exercise",
        purpose="What works in preventing violent extremism, across sites.",
        framework_version=version,
        lead=lead,
        status=status,
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 12, 31),
    )
    first = Site.objects.create(programme=programme, partnership=partnership)
    second = Site.objects.create(programme=programme, partnership=other)
    inspector = UserFactory()
    AssignmentFactory(user=inspector, partnerships=[partnership])
    coordinator = MembershipFactory(partnership=partnership, role=Role.COORDINATOR).user
    other_coordinator = MembershipFactory(partnership=other, role=Role.COORDINATOR).user
    board_member = MembershipFactory(partnership=partnership, role=Role.BOARD_MEMBER).user
    adviser = UserFactory()
    AdvisoryMember.objects.create(programme=programme, user=adviser, named_by=lead)
    return World(
        programme=programme,
        first=first,
        second=second,
        partnership=partnership,
        other_partnership=other,
        lead=lead,
        inspector=inspector,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        board_member=board_member,
        adviser=adviser,
        site_administrator=UserFactory(is_site_administrator=True),
        stranger=UserFactory(),
    )
