"""A partnership with people in every role, two partner organisations to sign its narrative
(the council and the police), and a board member who works for an organisation that is not a
party."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lde.accounts.models import Organisation, User
from lde.narratives import services
from lde.narratives.models import NarrativeVersion
from lde.narratives.sections import GUIDES
from lde.partnerships.models import PartnerOrganisation, Partnership, Role
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

SUMMARY = (
    "The partnership works with schools, faith groups and youth services so that young people "
    "are supported early. This is why we do it and what is happening."
)


@dataclass
class Cast:
    partnership: Partnership
    council: Organisation
    police: Organisation
    outsider_organisation: Organisation
    coordinator: User
    board_member: User
    police_board_member: User
    outsider_board_member: User
    contributor: User
    viewer: User
    community_reviewer: User
    inspector: User
    other_coordinator: User


def _member(partnership: Partnership, organisation: Organisation, role: str) -> User:
    user = UserFactory(organisation=organisation)
    MembershipFactory(user=user, partnership=partnership, role=role, organisation=organisation)
    return user


@pytest.fixture
def cast(db: None) -> Cast:
    partnership = PartnershipFactory()
    council = partnership.lead_council
    police = OrganisationFactory(name="Police BCU", type="police_bcu")
    PartnerOrganisation.objects.create(partnership=partnership, organisation=police)
    outsider = OrganisationFactory(name="Not a party")
    other = PartnershipFactory()
    return Cast(
        partnership=partnership,
        council=council,
        police=police,
        outsider_organisation=outsider,
        coordinator=_member(partnership, council, Role.COORDINATOR),
        board_member=_member(partnership, council, Role.BOARD_MEMBER),
        police_board_member=_member(partnership, police, Role.BOARD_MEMBER),
        outsider_board_member=_member(partnership, outsider, Role.BOARD_MEMBER),
        contributor=_member(partnership, council, Role.CONTRIBUTOR),
        viewer=_member(partnership, council, Role.VIEWER),
        community_reviewer=_member(partnership, council, Role.COMMUNITY_REVIEWER),
        inspector=AssignmentFactory(partnerships=[partnership]).user,
        other_coordinator=_member(other, other.lead_council, Role.COORDINATOR),
    )


def write_every_section(cast: Cast, version: NarrativeVersion) -> None:
    for guide in GUIDES:
        services.section_update(
            actor=cast.coordinator,
            version=version,
            key=guide.key,
            text=f"{guide.label}: what the partnership knows and will do.",
        )


def name_to_sign(
    cast: Cast,
    version: NarrativeVersion,
    signatories: list[Organisation],
    *,
    public_summary: str = SUMMARY,
) -> None:
    """The coordinator names `signatories` to sign the version off (no dates, not standalone)."""
    services.version_update(
        actor=cast.coordinator,
        version=version,
        review_on=None,
        influences_reviewed_on=None,
        standalone_reason="",
        public_summary=public_summary,
        signatories=signatories,
    )


def ready_draft(cast: Cast, *, signatories: list[Organisation] | None = None) -> NarrativeVersion:
    """A draft with every section written, a summary, and the council and police to sign."""
    version = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    write_every_section(cast, version)
    name_to_sign(
        cast, version, signatories if signatories is not None else [cast.council, cast.police]
    )
    version.refresh_from_db()
    return version


def approved(cast: Cast) -> NarrativeVersion:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    services.version_sign(actor=cast.board_member, version=version)
    services.version_sign(actor=cast.police_board_member, version=version)
    version.refresh_from_db()
    return version
