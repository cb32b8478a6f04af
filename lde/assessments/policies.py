"""Who may read, rate, sign off, submit, moderate and publish assessments (`permissions.md`).

Reach comes from the partnership (membership roles, live inspector assignments) and, for a peer
reviewer, from the one self-assessment named in their live assignment and the peer reviews of it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import ALL_ROLES, READER_ROLES, reach_q, reached

DRAFT_READERS = (Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR)
RATERS = (Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR)


def reviewed_ids(facts: UserFacts) -> frozenset[int]:
    """Self-assessments named in the user's live peer-review assignments."""
    found = set()
    for subject in facts.peer_review_subjects:
        prefix, _, number = subject.partition(":")
        if prefix == "assessment" and number.isdigit():
            found.add(int(number))
    return frozenset(found)


def _peer(facts: UserFacts, obj: Assessment) -> bool:
    subjects = reviewed_ids(facts)
    return obj.pk in subjects or (obj.reviews_id in subjects and obj.kind == "peer_review")


def _peer_q(facts: UserFacts) -> Q:
    subjects = list(reviewed_ids(facts))
    return Q(pk__in=subjects) | Q(reviews_id__in=subjects, kind=AssessmentKind.PEER_REVIEW)


class AssessmentPolicy(Policy[Assessment]):
    model = Assessment
    actions = (
        "view",
        "rate",
        "submit",
        "sign_off",
        "moderate",
        "check_facts",
        "publish",
        "return_to_draft",
        "start",
        "view_in_full",
        "view_moderation",
        "board_sign_off",
        "start_peer_review",
        "start_inspection",
        "abandon",
    )
    who_can: ClassVar[dict[str, str]] = {
        "rate": "While it is a draft: the partnership's coordinators, board members and "
        "contributors rate a self-assessment; assigned peer reviewers rate a peer review; "
        "assigned inspectors rate an inspection.",
        "submit": "The coordinator submits a self-assessment; the assigned reviewers submit "
        "theirs.",
        "sign_off": "Board members and contributors sign off their own organisation's part.",
        "moderate": "The coordinator, with the peer reviewer or inspector, records agreed ratings.",
        "check_facts": "The partnership's coordinators check a review's draft for factual "
        "accuracy.",
        "publish": "Coordinators publish self-assessments; reviewers publish their reviews.",
        "return_to_draft": "Coordinators return an assessment to draft, with a reason.",
        "start": "Coordinators start assessments.",
        "view_in_full": "Coordinators, board members, contributors, viewers, live inspectors and "
        "the assigned peer reviewers read an assessment in full; community reviewers read the "
        "summary of a published one.",
        "view_moderation": "The partnership's coordinators and board members, and the assigned "
        "peer reviewers and inspectors, see the moderation of a self-assessment.",
        "board_sign_off": "Board members sign off a submitted self-assessment for the board.",
        "start_peer_review": "The partnership's coordinators invite a peer review of a "
        "submitted self-assessment.",
        "start_inspection": "Inspectors assigned to the partnership start an inspection of a "
        "submitted self-assessment.",
        "abandon": "The partnership's coordinators abandon a draft self-assessment, with a reason.",
    }

    def _readers(self, facts: UserFacts, obj: Assessment) -> bool:
        roles = ALL_ROLES if obj.status == AssessmentStatus.PUBLISHED else DRAFT_READERS
        return obj.partnership_id in reached(facts, roles, inspectors=True)

    scope_actions = ("start",)

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        """Starting a self-assessment is asked of the partnership: its coordinators."""
        if action == "start":
            return scope in facts.partnerships_with(Role.COORDINATOR)
        raise ValueError(f"AssessmentPolicy asks only 'start' of a partnership, not {action!r}")

    def allows(self, facts: UserFacts, action: str, obj: Assessment) -> bool:
        partnership = obj.partnership_id
        coordinator = partnership in facts.partnerships_with(Role.COORDINATOR)
        inspector = partnership in facts.inspected
        draft = obj.status == AssessmentStatus.DRAFT
        if action == "view":
            return self._readers(facts, obj) or _peer(facts, obj)
        if action == "start":
            return self.allows_in(facts, action, partnership)
        if action == "rate":
            if not draft:
                return False
            if obj.kind == AssessmentKind.SELF:
                return partnership in facts.partnerships_with(*RATERS)
            if obj.kind == AssessmentKind.PEER_REVIEW:
                return obj.reviews_id in reviewed_ids(facts)
            return inspector
        if action == "sign_off":
            return (
                draft
                and obj.kind == AssessmentKind.SELF
                and (partnership in facts.partnerships_with(*RATERS))
            )
        if action == "submit":
            if not draft:
                return False
            if obj.kind == AssessmentKind.SELF:
                return coordinator
            if obj.kind == AssessmentKind.PEER_REVIEW:
                return obj.reviews_id in reviewed_ids(facts)
            return inspector
        if action == "moderate":
            return (
                obj.kind == AssessmentKind.SELF
                and obj.status == AssessmentStatus.SUBMITTED
                and (coordinator or inspector or obj.pk in reviewed_ids(facts))
            )
        if action == "check_facts":
            return (
                obj.kind != AssessmentKind.SELF
                and obj.status == AssessmentStatus.SUBMITTED
                and coordinator
            )
        if action == "publish":
            if obj.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED):
                return False
            if obj.kind == AssessmentKind.SELF:
                return coordinator
            if obj.kind == AssessmentKind.PEER_REVIEW:
                return obj.reviews_id in reviewed_ids(facts)
            return inspector
        if action == "return_to_draft":
            # Only the moves the transition map allows: published work stays published.
            return (
                obj.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED)
                and coordinator
            )
        if action == "abandon":
            # Only a draft: submitted work goes back to draft first, so that giving a cycle up
            # is always a choice made about a draft.
            return obj.kind == AssessmentKind.SELF and draft and coordinator
        if action == "view_in_full":
            # permissions.md: a community reviewer reads only the summary of published work.
            return self.allows(facts, "view", obj) and (
                obj.partnership_id in reached(facts, READER_ROLES, inspectors=True)
                or _peer(facts, obj)
            )
        if action == "view_moderation":
            return (
                obj.kind == AssessmentKind.SELF
                and self.allows(facts, "view", obj)
                and (
                    partnership in facts.partnerships_with(Role.COORDINATOR, Role.BOARD_MEMBER)
                    or inspector
                    or obj.pk in reviewed_ids(facts)
                )
            )
        if action == "board_sign_off":
            # The programme board signs off (¶108–109): board members, not the coordinator.
            return (
                obj.kind == AssessmentKind.SELF
                and obj.status == AssessmentStatus.SUBMITTED
                and partnership in facts.partnerships_with(Role.BOARD_MEMBER)
            )
        if action in ("start_peer_review", "start_inspection"):
            reviewable = (
                obj.kind == AssessmentKind.SELF and obj.status == AssessmentStatus.SUBMITTED
            )
            if action == "start_peer_review":
                return reviewable and coordinator
            return reviewable and inspector
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        if action == "view":
            published = Q(status=AssessmentStatus.PUBLISHED) & reach_q(
                facts, ALL_ROLES, ref, inspectors=True
            )
            unpublished = ~Q(status=AssessmentStatus.PUBLISHED) & reach_q(
                facts, DRAFT_READERS, ref, inspectors=True
            )
            return published | unpublished | _peer_q(facts)
        # Lists are only ever asked for what a user may see; the other actions are decided per
        # object by `allows`, which the property tests check against this filter for "view".
        raise ValueError(f"AssessmentPolicy filters only 'view', not {action!r}")


assessment_policy = AssessmentPolicy()
