"""Who may read, write, comment on, sign off and publish a local narrative (`permissions.md`,
"narrative (draft)" and "narrative public summary"; the open questions are settled in
docs/adr/0012-the-local-narrative-sign-off-and-consultation.md).

| action          | who                                                                        |
|-----------------|----------------------------------------------------------------------------|
| view            | coordinators, board members, contributors, viewers and live inspectors, in  |
|                 | every status; community reviewers while the version is shared for          |
|                 | consultation                                                               |
| edit            | coordinators, while the version is a draft                                 |
| share           | coordinators, a draft                                                      |
| return_to_draft | coordinators, a version shared for consultation                            |
| comment         | coordinators, board members, contributors and viewers on a draft or a      |
|                 | shared version; community reviewers on a shared version                    |
| sign            | coordinators and board members who work for a partner organisation of the  |
|                 | partnership, while the version is shared (the service then asks that their |
|                 | organisation is one named to sign and has not signed yet)                  |
| publish         | coordinators, an approved version not yet published                        |
| start           | coordinators (asked of the partnership: start the next version)            |

The public summary of a published version is read by everyone, signed in or not: it is not
asked of this policy, which answers nobody who is not signed in (see `selectors.public_summary`).
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.narratives.models import NarrativeVersion, VersionStatus
from lde.partnerships.models import PartnerOrganisation, Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

SIGNERS = (Role.COORDINATOR, Role.BOARD_MEMBER)
COMMUNITY = (Role.COMMUNITY_REVIEWER,)


class NarrativePolicy(Policy[NarrativeVersion]):
    model = NarrativeVersion
    actions = ("view", "edit", "share", "return_to_draft", "comment", "sign", "publish", "start")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and live "
        "inspectors read its narrative; its community reviewers read a version shared for "
        "consultation.",
        "edit": "The partnership's coordinators write a narrative version while it is a draft.",
        "share": "The partnership's coordinators share a draft for consultation.",
        "return_to_draft": "The partnership's coordinators take a version back from "
        "consultation to change it.",
        "comment": "The partnership's coordinators, board members, contributors and viewers "
        "comment on a draft or a version shared for consultation; its community reviewers "
        "comment on a version shared for consultation.",
        "sign": "While a version is shared for consultation, a coordinator or board member who "
        "works for a partner organisation named to sign it signs it off for that organisation.",
        "publish": "The partnership's coordinators publish the public summary of an approved "
        "version.",
        "start": "The partnership's coordinators start the next version of the narrative.",
    }

    scope_actions = ("view", "start")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return scope in reached(facts, READER_ROLES, inspectors=True)
        if action == "start":
            return scope in facts.partnerships_with(Role.COORDINATOR)
        raise ValueError(
            f"NarrativePolicy asks only 'view' and 'start' of a partnership, not {action!r}"
        )

    def allows(self, facts: UserFacts, action: str, obj: NarrativeVersion) -> bool:
        partnership = obj.partnership_id
        status = obj.status
        readers = reached(facts, READER_ROLES, inspectors=True)
        members = facts.partnerships_with(*READER_ROLES)
        coordinator = partnership in facts.partnerships_with(Role.COORDINATOR)
        community = partnership in facts.partnerships_with(*COMMUNITY)
        shared = status == VersionStatus.SHARED
        if action == "view":
            return partnership in readers or (community and shared)
        if action == "edit" or action == "share":
            return coordinator and status == VersionStatus.DRAFT
        if action == "return_to_draft":
            return coordinator and shared
        if action == "comment":
            open_ = status in (VersionStatus.DRAFT, VersionStatus.SHARED)
            return (partnership in members and open_) or (community and shared)
        if action == "sign":
            party = facts.organisation_id is not None and facts.organisation_id in (
                facts.partner_organisations.get(partnership, frozenset())
            )
            return shared and party and partnership in facts.partnerships_with(*SIGNERS)
        if action == "publish":
            return coordinator and status == VersionStatus.APPROVED and obj.published_at is None
        if action == "start":
            return coordinator
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        readers = reach_q(facts, READER_ROLES, ref, inspectors=True)
        members = reach_q(facts, READER_ROLES, ref)
        coordinator = reach_q(facts, (Role.COORDINATOR,), ref)
        community = reach_q(facts, COMMUNITY, ref)
        shared = Q(status=VersionStatus.SHARED)
        draft = Q(status=VersionStatus.DRAFT)
        if action == "view":
            return readers | (community & shared)
        if action in ("edit", "share"):
            return coordinator & draft
        if action == "return_to_draft":
            return coordinator & shared
        if action == "comment":
            return (members & (draft | shared)) | (community & shared)
        if action == "sign":
            party = Q(
                Exists(
                    PartnerOrganisation.objects.filter(
                        partnership_id=ref, organisation_id=facts.organisation_id or 0
                    )
                )
            )
            return shared & party & reach_q(facts, SIGNERS, ref)
        if action == "publish":
            return coordinator & Q(status=VersionStatus.APPROVED, published_at__isnull=True)
        if action == "start":
            return coordinator
        raise ValueError(f"NarrativePolicy has no action {action!r}")


narrative_policy = NarrativePolicy()
