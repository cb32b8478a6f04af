"""Who may do what to partnerships, their members and their assignments (`permissions.md`)."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import NOTHING, Policy
from lde.partnerships.models import Alliance, Assignment, Membership, Partnership, Role
from lde.partnerships.reach import ALL_ROLES, READER_ROLES, reach_q, reached

EVERYTHING = ~Q(pk=None)
ALLIANCES_WHO_CAN = (
    "Site administrators create alliances and change which partnerships are in them."
)
ADMINISTER_WHO_CAN = (
    "Site administrators change a partnership's name, lead council, region, areas and police "
    "basic command units."
)


class PartnershipPolicy(Policy[Partnership]):
    """view: any member, community reviewers included, and live inspectors.
    view_members: members other than community reviewers, and live inspectors.
    manage: coordinators (members, roles and posts).
    view_audit: coordinators, and live inspectors (within the gateway rule).
    view_clearances: coordinators (level and expiry of their partnership's people).
    view_coverage: coordinators, board members and live inspectors (briefing coverage, ¶59);
    the pages answer 404 to everyone else, as if the figure were not there.
    administer: site administrators (name, lead council, region, areas, police BCUs), who see
    none of the partnership's content by it."""

    model = Partnership
    actions = (
        "view",
        "view_members",
        "manage",
        "view_audit",
        "view_clearances",
        "view_coverage",
        "administer",
    )
    who_can: ClassVar[dict[str, str]] = {
        "administer": ADMINISTER_WHO_CAN,
        "manage": "The partnership's coordinators can change its members, roles and posts.",
        "view_members": "Coordinators, board members, contributors, viewers and inspectors "
        "can see the members.",
        "view_audit": "Coordinators and assigned inspectors can read the audit trail.",
        "view_clearances": "The partnership's coordinators can see its people's vetting.",
        "view_coverage": "Coordinators, board members and assigned inspectors can see the "
        "partnership's briefing coverage.",
    }

    _rules: ClassVar[dict[str, tuple[tuple[str, ...], bool]]] = {
        "view": (ALL_ROLES, True),
        "view_members": (READER_ROLES, True),
        "manage": ((Role.COORDINATOR,), False),
        "view_audit": ((Role.COORDINATOR,), True),
        "view_clearances": ((Role.COORDINATOR,), False),
        "view_coverage": ((Role.COORDINATOR, Role.BOARD_MEMBER), True),
    }

    def allows(self, facts: UserFacts, action: str, obj: Partnership) -> bool:
        if action == "administer":
            return facts.is_site_administrator
        roles, inspectors = self._rules[action]
        return obj.pk in reached(facts, roles, inspectors=inspectors)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "administer":
            return EVERYTHING if facts.is_site_administrator else NOTHING
        roles, inspectors = self._rules[action]
        return reach_q(facts, roles, OuterRef("pk"), inspectors=inspectors)


class MembershipPolicy(Policy[Membership]):
    model = Membership
    actions = ("view", "manage")
    who_can: ClassVar[dict[str, str]] = {
        "manage": "The partnership's coordinators can change members and roles."
    }

    def allows(self, facts: UserFacts, action: str, obj: Membership) -> bool:
        if action == "view":
            return obj.partnership_id in reached(facts, READER_ROLES, inspectors=True)
        return obj.partnership_id in facts.partnerships_with(Role.COORDINATOR)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            return reach_q(facts, READER_ROLES, OuterRef("partnership_id"), inspectors=True)
        return reach_q(facts, (Role.COORDINATOR,), OuterRef("partnership_id"))


class AlliancePolicy(Policy[Alliance]):
    """An alliance is visible to anyone who can see one of its partnerships. Site administrators
    manage every alliance: create it and change which partnerships are in it. Which partnerships
    are in it decides who sees and spends its pooled pot (ADR 0015), so nobody else does."""

    model = Alliance
    actions = ("view", "manage")
    scope_actions = ("create",)
    who_can: ClassVar[dict[str, str]] = {
        "manage": ALLIANCES_WHO_CAN,
        "create": ALLIANCES_WHO_CAN,
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        return facts.is_site_administrator

    def allows(self, facts: UserFacts, action: str, obj: Alliance) -> bool:
        if action == "manage":
            return facts.is_site_administrator
        members = {p.pk for p in obj.partnerships.all()}
        return bool(members & reached(facts, ALL_ROLES, inspectors=True))

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "manage":
            return EVERYTHING if facts.is_site_administrator else NOTHING
        through = Alliance.partnerships.through.objects.filter(alliance_id=OuterRef("pk"))
        return Q(
            Exists(
                through.filter(
                    reach_q(facts, ALL_ROLES, OuterRef("partnership_id"), inspectors=True)
                )
            )
        )


class AssignmentPolicy(Policy[Assignment]):
    """Assignees see their own assignments; coordinators see those into their partnership."""

    model = Assignment
    actions = ("view",)

    def allows(self, facts: UserFacts, action: str, obj: Assignment) -> bool:
        if obj.user_id == facts.user_id:
            return True
        coordinated = facts.partnerships_with(Role.COORDINATOR)
        return any(p.pk in coordinated for p in obj.partnerships.all())

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if facts.user_id is None:
            return NOTHING
        through = Assignment.partnerships.through.objects.filter(assignment_id=OuterRef("pk"))
        return Q(user_id=facts.user_id) | Q(
            Exists(through.filter(reach_q(facts, (Role.COORDINATOR,), OuterRef("partnership_id"))))
        )


partnership_policy = PartnershipPolicy()
membership_policy = MembershipPolicy()
alliance_policy = AlliancePolicy()
assignment_policy = AssignmentPolicy()
