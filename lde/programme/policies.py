"""Who may read and change a partnership's programme and the money behind it. permissions.md's
row "programme, commissioning" gives: coordinators R W, board members R, contributors R and W
of their own, viewers R, inspectors R, anonymous nothing here. ADR 0015 settles what it leaves
open:

- funding streams, allocations, a project's funding and tier labels: read by the partnership's
  coordinators, board members, contributors and viewers and its live inspectors; changed by its
  coordinators;
- projects and activities: read as above; changed by its coordinators, and by its contributors
  for the projects their organisation delivers;
- an alliance's pooled pot and its contributions: read by the coordinators and board members of
  any member partnership of the alliance; managed and allocated by the coordinators of any
  member partnership;
- a partnership's contribution to a pot: recorded by that partnership's own coordinators.

"Own" for a contributor is the delivery organisation: a contributor edits the projects their
organisation delivers and adds activities to them, but starts no project and moves no money.
Board members score bids (commissioning's); here they read. Another partnership's people get
the 404 of something that does not exist.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import Exists, OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Alliance, Membership, Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached
from lde.programme.models import (
    Activity,
    AlliancePot,
    Allocation,
    FundingStream,
    PotContribution,
    Project,
    ProjectFunding,
    TierLabel,
)

KEEPERS = (Role.COORDINATOR,)
POT_READERS = (Role.COORDINATOR, Role.BOARD_MEMBER)
POT_SPENDERS = (Role.COORDINATOR,)

R = TypeVar("R", bound=Any)

READ = (
    "The partnership's coordinators, board members, contributors, viewers and assigned "
    "inspectors read its programme."
)
KEEP = "The partnership's coordinators keep its programme and its budget."
EDIT_PROJECT = (
    "The partnership's coordinators edit its projects; contributors edit the projects their "
    "organisation delivers."
)
POT_READ = (
    "The coordinators and board members of the alliance's member partnerships see its pooled pot."
)
POT_SPEND = "The coordinators of the alliance's member partnerships manage and allocate its pot."
CONTRIBUTE = "A partnership's coordinators record what it puts into an alliance's pot."


def readers_of(facts: UserFacts) -> frozenset[int]:
    return reached(facts, READER_ROLES, inspectors=True)


def keepers_of(facts: UserFacts) -> frozenset[int]:
    return frozenset(facts.partnerships_with(*KEEPERS))


def _path(obj: Any, path: str) -> Any:
    value: Any = obj
    for step in path.split("__"):
        value = getattr(value, step)
    return value


class ProgrammeRecordPolicy(Policy[R], Generic[R]):
    """A record of the programme: read by the partnership's readers and live inspectors, kept
    by its coordinators. `partnership` is the path from the record to its partnership's id."""

    partnership: ClassVar[str] = "partnership_id"
    actions: ClassVar[tuple[str, ...]] = ("view", "edit")
    scope_actions: ClassVar[tuple[str, ...]] = ("view", "add")
    who_can: ClassVar[dict[str, str]] = {"view": READ, "edit": KEEP, "add": KEEP}

    def partnership_of(self, obj: R) -> int:
        return int(_path(obj, self.partnership))

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return scope in readers_of(facts)
        if action == "add":
            return scope in keepers_of(facts)
        raise ValueError(f"{type(self).__name__} asks only 'view' and 'add' of a partnership")

    def allows(self, facts: UserFacts, action: str, obj: R) -> bool:
        return self.allows_in(
            facts, "view" if action == "view" else "add", self.partnership_of(obj)
        )

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef(self.partnership)
        if action == "view":
            return reach_q(facts, READER_ROLES, ref, inspectors=True)
        if action == "edit":
            return reach_q(facts, KEEPERS, ref)
        raise ValueError(f"{type(self).__name__} has no action {action!r}")


class FundingStreamPolicy(ProgrammeRecordPolicy[FundingStream]):
    model = FundingStream


class AllocationPolicy(ProgrammeRecordPolicy[Allocation]):
    model = Allocation
    partnership = "stream__partnership_id"


class TierLabelPolicy(ProgrammeRecordPolicy[TierLabel]):
    model = TierLabel


class ProjectFundingPolicy(ProgrammeRecordPolicy[ProjectFunding]):
    model = ProjectFunding
    partnership = "project__partnership_id"


class DeliveredRecordPolicy(ProgrammeRecordPolicy[R], Generic[R]):
    """Projects and their activities: kept by coordinators, and edited by contributors whose
    organisation delivers the project (permissions.md's "W own")."""

    who_can: ClassVar[dict[str, str]] = {"view": READ, "edit": EDIT_PROJECT, "add": KEEP}
    delivered_by: ClassVar[str] = "delivered_by_id"

    def allows(self, facts: UserFacts, action: str, obj: R) -> bool:
        partnership_id = self.partnership_of(obj)
        if action == "view":
            return partnership_id in readers_of(facts)
        if partnership_id in keepers_of(facts):
            return True
        return (
            facts.organisation_id is not None
            and _path(obj, self.delivered_by) == facts.organisation_id
            and partnership_id in facts.partnerships_with(Role.CONTRIBUTOR)
        )

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef(self.partnership)
        if action == "view":
            return reach_q(facts, READER_ROLES, ref, inspectors=True)
        if action == "edit":
            own = Q(**{self.delivered_by: facts.organisation_id or 0}) & reach_q(
                facts, (Role.CONTRIBUTOR,), ref
            )
            return reach_q(facts, KEEPERS, ref) | own
        raise ValueError(f"{type(self).__name__} has no action {action!r}")


class ProjectPolicy(DeliveredRecordPolicy[Project]):
    model = Project


class ActivityPolicy(DeliveredRecordPolicy[Activity]):
    """An activity goes with its project: whoever may edit the project adds and edits its
    activities."""

    model = Activity
    partnership = "project__partnership_id"
    delivered_by = "project__delivered_by_id"


def _member_partnerships(alliance: Alliance) -> frozenset[int]:
    return frozenset(p.pk for p in alliance.partnerships.all())


def _alliance_reach_q(facts: UserFacts, roles: tuple[str, ...], alliance_ref: OuterRef) -> Q:
    """Rows whose alliance has a member partnership where the user holds one of `roles`."""
    through = Alliance.partnerships.through
    return Q(
        Exists(
            through.objects.filter(alliance_id=alliance_ref).filter(
                Exists(
                    Membership.objects.filter(
                        user_id=facts.user_id or 0,
                        role__in=list(roles),
                        partnership_id=OuterRef("partnership_id"),
                    )
                )
            )
        )
    )


class AlliancePotPolicy(Policy[AlliancePot]):
    """An alliance's pooled pot (ADR 0015): seen by the coordinators and board members of its
    member partnerships, managed and spent by their coordinators. Inspectors, contributors and
    viewers of a member see the pot's money only where a project of theirs draws on it."""

    model = AlliancePot
    alliance: ClassVar[str] = "alliance"
    actions: ClassVar[tuple[str, ...]] = ("view", "allocate")
    who_can: ClassVar[dict[str, str]] = {"view": POT_READ, "allocate": POT_SPEND}

    def allows(self, facts: UserFacts, action: str, obj: AlliancePot) -> bool:
        roles = POT_READERS if action == "view" else POT_SPENDERS
        members = _member_partnerships(_path(obj, self.alliance))
        return bool(members & facts.partnerships_with(*roles))

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        roles = POT_READERS if action == "view" else POT_SPENDERS
        return _alliance_reach_q(facts, roles, OuterRef(f"{self.alliance}_id"))


class PotContributionPolicy(Policy[PotContribution]):
    """A member's contribution: seen as the pot is; recorded by the contributing partnership's
    own coordinators, who answer for its budget."""

    model = PotContribution
    actions: ClassVar[tuple[str, ...]] = ("view", "edit")
    who_can: ClassVar[dict[str, str]] = {"view": POT_READ, "edit": CONTRIBUTE}

    def allows(self, facts: UserFacts, action: str, obj: PotContribution) -> bool:
        if action == "view":
            members = _member_partnerships(obj.pot.alliance)
            return bool(members & facts.partnerships_with(*POT_READERS))
        return obj.partnership_id in keepers_of(facts)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            return _alliance_reach_q(facts, POT_READERS, OuterRef("pot__alliance_id"))
        return reach_q(facts, KEEPERS, OuterRef("partnership_id"))


funding_stream_policy = FundingStreamPolicy()
allocation_policy = AllocationPolicy()
tier_label_policy = TierLabelPolicy()
project_funding_policy = ProjectFundingPolicy()
project_policy = ProjectPolicy()
activity_policy = ActivityPolicy()
alliance_pot_policy = AlliancePotPolicy()
pot_contribution_policy = PotContributionPolicy()

PARTNERSHIP_POLICIES: tuple[ProgrammeRecordPolicy[Any], ...] = (
    funding_stream_policy,
    allocation_policy,
    tier_label_policy,
    project_funding_policy,
    project_policy,
    activity_policy,
)
