"""Who may see figures across partnerships, area data, neighbours and peer review requests."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.accounts.models import RequestUser
from lde.core.access.facts import UserFacts, facts_for
from lde.core.access.policy import NOTHING, Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import reach_q, reached
from lde.rollups.models import (
    AreaDataSet,
    AreaNeighbour,
    PeerReviewRequest,
    PeerReviewRequestStatus,
)


def national_figures_allowed(user: RequestUser) -> bool:
    """Figures across partnerships are for national analysts only (permissions.md, "briefing
    coverage figures": aggregates); everyone else gets 404, as for a page that does not exist."""
    return facts_for(user).is_national_analyst


# permissions.md, "inspections, roll-ups": coordinators and board members read their own
# partnership's; inspectors read those they inspect. Contributors, viewers, community and peer
# reviewers have nothing here.
NEIGHBOUR_READERS = (Role.COORDINATOR, Role.BOARD_MEMBER)


class AreaDataSetPolicy(Policy[AreaDataSet]):
    """Area data is site-wide reference data, like the frameworks: site administrators import
    it (permissions.md: "partnerships, organisations, frameworks, settings"); they and national
    analysts read the variables and what was imported. It holds figures about places, never a
    partnership's content."""

    model = AreaDataSet
    actions = ("view", "import")
    # Both are the same answer for every data set, so both are asked of the site (scope None).
    scope_actions = ("view", "import")
    who_can: ClassVar[dict[str, str]] = {
        "view": "Site administrators and national analysts see the area data imported.",
        "import": "Site administrators import area data.",
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "import":
            return facts.is_site_administrator
        if action == "view":
            return facts.is_site_administrator or facts.is_national_analyst
        raise ValueError(f"AreaDataSetPolicy asks {action!r} of data sets")

    def allows(self, facts: UserFacts, action: str, obj: AreaDataSet) -> bool:
        return self.allows_in(facts, action, None)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        # Not a row's question: the same answer for every data set.
        return Q() if self.allows_in(facts, action, None) else NOTHING


class AreaNeighbourPolicy(Policy[AreaNeighbour]):
    """A partnership's neighbours are read by its coordinators and board members and by its
    live inspectors (permissions.md, "inspections, roll-ups": R own; inspector R). A national
    analyst, who sees aggregates only, and a site administrator, who sees no partnership's
    content, do not see one partnership's neighbours."""

    model = AreaNeighbour
    actions = ("view",)
    scope_actions = ("view",)
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators and board members, and its assigned inspectors, "
        "see its similar areas.",
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        return scope in reached(facts, NEIGHBOUR_READERS, inspectors=True)

    def allows(self, facts: UserFacts, action: str, obj: AreaNeighbour) -> bool:
        return self.allows_in(facts, action, obj.partnership_id)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return reach_q(facts, NEIGHBOUR_READERS, OuterRef("partnership_id"), inspectors=True)


class PeerReviewRequestPolicy(Policy[PeerReviewRequest]):
    """A request for a peer review between two partnerships (¶175). The requesting
    partnership's coordinators send it; the coordinators and board members of both see it; the
    asked partnership's coordinators accept or decline it while it is open."""

    model = PeerReviewRequest
    actions = ("view", "decide")
    scope_actions = ("request",)
    who_can: ClassVar[dict[str, str]] = {
        "view": "The coordinators and board members of the two partnerships see a request for "
        "a peer review.",
        "decide": "The asked partnership's coordinators accept or decline a request for a peer "
        "review, while it is open.",
        "request": "The partnership's coordinators ask a similar area for a peer review.",
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "request":
            return scope in facts.partnerships_with(Role.COORDINATOR)
        raise ValueError(f"PeerReviewRequestPolicy asks {action!r} of requests")

    def allows(self, facts: UserFacts, action: str, obj: PeerReviewRequest) -> bool:
        if action == "view":
            readers = facts.partnerships_with(*NEIGHBOUR_READERS)
            return obj.requester_id in readers or obj.asked_id in readers
        if action == "decide":
            return obj.status == PeerReviewRequestStatus.REQUESTED and (
                obj.asked_id in facts.partnerships_with(Role.COORDINATOR)
            )
        raise ValueError(f"PeerReviewRequestPolicy has no action {action!r}")

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            return reach_q(facts, NEIGHBOUR_READERS, OuterRef("requester_id")) | reach_q(
                facts, NEIGHBOUR_READERS, OuterRef("asked_id")
            )
        return Q(status=PeerReviewRequestStatus.REQUESTED) & reach_q(
            facts, (Role.COORDINATOR,), OuterRef("asked_id")
        )


area_data_set_policy = AreaDataSetPolicy()
area_neighbour_policy = AreaNeighbourPolicy()
peer_review_request_policy = PeerReviewRequestPolicy()

# Open data releases and distributions have their own modules; named here so that every policy
# of the app is found.
from lde.rollups.distributions_policies import (  # noqa: E402
    distribution_policy as distribution_policy,
)
from lde.rollups.distributions_policies import (  # noqa: E402
    money_distribution_policy as money_distribution_policy,
)
from lde.rollups.opendata_policies import (  # noqa: E402
    open_data_release_policy as open_data_release_policy,
)
