"""Who may read and write a programme's cross-site learning.

permissions.md's row "inspections, roll-ups" gives inspectors R W and a partnership's
coordinators and board members R of their own; the programme lead plans the programme. The
learning follows it with these rules, each written once here (docs/apps/inspections.md,
"Cross-site learning", has them as a table):

- the programme's **team** is its lead and its inspectors (an inspector reaches a site as any
  inspector reaches a partnership: a live inspector assignment to the site's partnership);
- the team writes findings, key learning and case studies until the programme is published;
  its **advisory group** (members the lead names, never themselves) reads them as drafts and
  comments;
- once the programme is published, its findings, key learning and case studies are its report,
  read by everyone signed in, as the Audit Commission's own report was public (the Decisions in
  docs/apps/inspections.md say why);
- the lead sends a case study to the library of what works; a site administrator, who keeps the
  library's own entries (ADR 0020), takes it in;
- a site's feedback on the exercise is given by the coordinators of the site's partnership, once
  the programme has begun, and read by them, its board members and the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import NOTHING, Policy
from lde.inspections.models import Programme, ProgrammeStatus, Site
from lde.inspections.models_learning import (
    AdvisoryComment,
    AdvisoryMember,
    CaseStudy,
    CaseStudyStatus,
    Finding,
    KeyLearning,
    SiteFeedback,
)
from lde.partnerships.models import Role

READ = (
    "The programme's lead, its inspectors and its advisory group read its findings, key "
    "learning and case studies while it runs; once the programme is published, everyone signed "
    "in reads them."
)
WRITE = (
    "The programme's lead and its inspectors write its findings, key learning and case studies, "
    "until the programme is published."
)
CASE_STUDY_READ = (
    READ + " Site administrators read a case study once it has been sent to the library."
)
CASE_STUDY_WRITE = WRITE + " A case study sent to the library is no longer changed."
SEND = "The programme lead sends a draft case study to the library of what works."
TAKE = (
    "Site administrators, who keep the library's own entries, take a case study that was sent "
    "into the library."
)
FEEDBACK_READ = (
    "A site's feedback is read by the coordinators and board members of its partnership and by "
    "the programme's lead and inspectors."
)
FEEDBACK_GIVE = (
    "The coordinators of the site's partnership give its feedback on the exercise, once the "
    "programme has begun."
)
MEMBER_READ = "The programme lead sees the advisory group; each member sees their own place in it."
MEMBER_NAME = (
    "The programme lead names the members of the advisory group, never themselves, until the "
    "programme is published."
)
COMMENT_READ = "The programme's lead, its inspectors and its advisory group read the comments."
COMMENT_ADD = (
    "Members of the programme's advisory group comment on its draft findings, until the "
    "programme is published."
)
REPORT = (
    "The programme's report is read by its lead, its inspectors and its advisory group while it "
    "is drafted, and by everyone signed in once the programme is published."
)


@dataclass(frozen=True)
class ProgrammeFacts:
    """What the rules read of one programme."""

    lead_id: int
    status: str
    site_partnerships: frozenset[int]
    advisers: frozenset[int]


def programme_facts(programme_id: int | None) -> ProgrammeFacts | None:
    if not programme_id:
        return None
    row = Programme.objects.filter(pk=programme_id).values("lead_id", "status").first()
    if row is None:
        return None
    return ProgrammeFacts(
        lead_id=row["lead_id"],
        status=row["status"],
        site_partnerships=frozenset(
            Site.objects.filter(programme_id=programme_id).values_list("partnership_id", flat=True)
        ),
        advisers=frozenset(
            AdvisoryMember.objects.filter(programme_id=programme_id).values_list(
                "user_id", flat=True
            )
        ),
    )


def is_lead(facts: UserFacts, p: ProgrammeFacts) -> bool:
    return facts.user_id is not None and p.lead_id == facts.user_id


def is_team(facts: UserFacts, p: ProgrammeFacts) -> bool:
    return is_lead(facts, p) or bool(p.site_partnerships & facts.inspected)


def is_adviser(facts: UserFacts, p: ProgrammeFacts) -> bool:
    return facts.user_id in p.advisers


def is_open(p: ProgrammeFacts) -> bool:
    return p.status != ProgrammeStatus.PUBLISHED


# The same questions as database filters, over rows whose programme is reached through `via`
# ("programme" for a finding, "site__programme" for a site's feedback).


def lead_q(facts: UserFacts, via: str) -> Q:
    return Q(**{f"{via}__lead_id": facts.user_id or 0})


def team_q(facts: UserFacts, via: str) -> Q:
    inspected = Q(
        Exists(
            Site.objects.filter(
                programme_id=OuterRef(f"{via}_id"), partnership_id__in=list(facts.inspected)
            )
        )
    )
    return lead_q(facts, via) | inspected


def adviser_q(facts: UserFacts, via: str) -> Q:
    return Q(
        Exists(
            AdvisoryMember.objects.filter(
                programme_id=OuterRef(f"{via}_id"), user_id=facts.user_id or 0
            )
        )
    )


def open_q(via: str) -> Q:
    return ~Q(**{f"{via}__status": ProgrammeStatus.PUBLISHED})


def published_q(via: str) -> Q:
    return Q(**{f"{via}__status": ProgrammeStatus.PUBLISHED})


class _ProgrammeWriting(Policy[Any]):
    """Findings and key learning: one rule, two models."""

    actions = ("view", "edit", "delete")
    scope_actions: ClassVar[tuple[str, ...]] = ("add",)
    who_can: ClassVar[dict[str, str]] = {"view": READ, "edit": WRITE, "delete": WRITE, "add": WRITE}

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action != "add":
            raise ValueError(f"{type(self).__name__} asks only 'add' of a programme")
        p = programme_facts(scope)
        return p is not None and is_team(facts, p) and is_open(p)

    def allows(self, facts: UserFacts, action: str, obj: Any) -> bool:
        p = programme_facts(obj.programme_id)
        if p is None:
            return False
        if action == "view":
            return is_team(facts, p) or is_adviser(facts, p) or not is_open(p)
        if action in ("edit", "delete"):
            return is_team(facts, p) and is_open(p)
        raise ValueError(f"{type(self).__name__} has no action {action!r}")

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        v = "programme"
        if action == "view":
            return team_q(facts, v) | adviser_q(facts, v) | published_q(v)
        if action in ("edit", "delete"):
            return team_q(facts, v) & open_q(v)
        raise ValueError(f"{type(self).__name__} has no action {action!r}")


class FindingPolicy(_ProgrammeWriting):
    model = Finding
    # The programme's report is the programme's findings read together: asked of the programme.
    scope_actions = ("add", "read_report")
    who_can: ClassVar[dict[str, str]] = {**_ProgrammeWriting.who_can, "read_report": REPORT}

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "read_report":
            p = programme_facts(scope)
            return p is not None and (is_team(facts, p) or is_adviser(facts, p) or not is_open(p))
        return super().allows_in(facts, action, scope)


class KeyLearningPolicy(_ProgrammeWriting):
    model = KeyLearning


class CaseStudyPolicy(Policy[CaseStudy]):
    model = CaseStudy
    actions = ("view", "edit", "delete", "send", "take")
    scope_actions = ("add",)
    who_can: ClassVar[dict[str, str]] = {
        "view": CASE_STUDY_READ,
        "edit": CASE_STUDY_WRITE,
        "delete": CASE_STUDY_WRITE,
        "add": WRITE,
        "send": SEND,
        "take": TAKE,
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action != "add":
            raise ValueError(f"CaseStudyPolicy asks only 'add' of a programme, not {action!r}")
        p = programme_facts(scope)
        return p is not None and is_team(facts, p) and is_open(p)

    def allows(self, facts: UserFacts, action: str, obj: CaseStudy) -> bool:
        p = programme_facts(obj.programme_id)
        if p is None:
            return False
        sent = obj.status != CaseStudyStatus.DRAFT
        if action == "view":
            return (
                is_team(facts, p)
                or is_adviser(facts, p)
                or not is_open(p)
                or (sent and facts.is_site_administrator)
            )
        if action in ("edit", "delete"):
            return not sent and is_team(facts, p) and is_open(p)
        if action == "send":
            return not sent and is_lead(facts, p)
        if action == "take":
            return obj.status == CaseStudyStatus.SENT and facts.is_site_administrator
        raise ValueError(f"CaseStudyPolicy has no action {action!r}")

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        v = "programme"
        draft = Q(status=CaseStudyStatus.DRAFT)
        if action == "view":
            library = ~draft if facts.is_site_administrator else NOTHING
            return team_q(facts, v) | adviser_q(facts, v) | published_q(v) | library
        if action in ("edit", "delete"):
            return draft & team_q(facts, v) & open_q(v)
        if action == "send":
            return draft & lead_q(facts, v)
        if action == "take":
            return Q(status=CaseStudyStatus.SENT) if facts.is_site_administrator else NOTHING
        raise ValueError(f"CaseStudyPolicy has no action {action!r}")


def _site(site_id: int | None) -> tuple[int, int, str] | None:
    """A site's programme, partnership and programme status."""
    row = (
        Site.objects.filter(pk=site_id)
        .values_list("programme_id", "partnership_id", "programme__status")
        .first()
        if site_id
        else None
    )
    return row


class SiteFeedbackPolicy(Policy[SiteFeedback]):
    model = SiteFeedback
    actions = ("view", "edit")
    # Asked of a site: may this person give the site's feedback ("give"), and may they read
    # it ("see"), whether or not any has been given yet.
    scope_actions = ("give", "see")
    who_can: ClassVar[dict[str, str]] = {
        "view": FEEDBACK_READ,
        "see": FEEDBACK_READ,
        "edit": FEEDBACK_GIVE,
        "give": FEEDBACK_GIVE,
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action not in ("give", "see"):
            raise ValueError(f"SiteFeedbackPolicy asks 'give' or 'see' of a site, not {action!r}")
        site = _site(scope)
        if site is None:
            return False
        programme_id, partnership_id, status = site
        if action == "see":
            p = programme_facts(programme_id)
            readers = facts.partnerships_with(Role.COORDINATOR, Role.BOARD_MEMBER)
            return p is not None and (partnership_id in readers or is_team(facts, p))
        return status != ProgrammeStatus.DRAFT and partnership_id in facts.partnerships_with(
            Role.COORDINATOR
        )

    def allows(self, facts: UserFacts, action: str, obj: SiteFeedback) -> bool:
        if action == "view":
            return self.allows_in(facts, "see", obj.site_id)
        if action == "edit":
            return self.allows_in(facts, "give", obj.site_id)
        raise ValueError(f"SiteFeedbackPolicy has no action {action!r}")

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        v = "site__programme"
        if action == "view":
            readers = facts.partnerships_with(Role.COORDINATOR, Role.BOARD_MEMBER)
            return Q(site__partnership_id__in=list(readers)) | team_q(facts, v)
        if action == "edit":
            coordinators = facts.partnerships_with(Role.COORDINATOR)
            return Q(site__partnership_id__in=list(coordinators)) & ~Q(
                site__programme__status=ProgrammeStatus.DRAFT
            )
        raise ValueError(f"SiteFeedbackPolicy has no action {action!r}")


class AdvisoryMemberPolicy(Policy[AdvisoryMember]):
    model = AdvisoryMember
    actions = ("view", "remove")
    scope_actions = ("name",)
    who_can: ClassVar[dict[str, str]] = {
        "view": MEMBER_READ,
        "remove": MEMBER_NAME,
        "name": MEMBER_NAME,
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action != "name":
            raise ValueError(
                f"AdvisoryMemberPolicy asks only 'name' of a programme, not {action!r}"
            )
        p = programme_facts(scope)
        return p is not None and is_lead(facts, p) and is_open(p)

    def allows(self, facts: UserFacts, action: str, obj: AdvisoryMember) -> bool:
        p = programme_facts(obj.programme_id)
        if p is None:
            return False
        if action == "view":
            return is_lead(facts, p) or obj.user_id == facts.user_id
        if action == "remove":
            return is_lead(facts, p) and is_open(p)
        raise ValueError(f"AdvisoryMemberPolicy has no action {action!r}")

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        v = "programme"
        if action == "view":
            return lead_q(facts, v) | Q(user_id=facts.user_id or 0)
        if action == "remove":
            return lead_q(facts, v) & open_q(v)
        raise ValueError(f"AdvisoryMemberPolicy has no action {action!r}")


class AdvisoryCommentPolicy(Policy[AdvisoryComment]):
    model = AdvisoryComment
    actions = ("view",)
    scope_actions = ("add",)
    who_can: ClassVar[dict[str, str]] = {"view": COMMENT_READ, "add": COMMENT_ADD}

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action != "add":
            raise ValueError(
                f"AdvisoryCommentPolicy asks only 'add' of a programme, not {action!r}"
            )
        p = programme_facts(scope)
        return p is not None and is_adviser(facts, p) and is_open(p)

    def allows(self, facts: UserFacts, action: str, obj: AdvisoryComment) -> bool:
        p = programme_facts(obj.programme_id)
        if p is None:
            return False
        if action == "view":
            return is_team(facts, p) or is_adviser(facts, p)
        raise ValueError(f"AdvisoryCommentPolicy has no action {action!r}")

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        v = "programme"
        if action == "view":
            return team_q(facts, v) | adviser_q(facts, v)
        raise ValueError(f"AdvisoryCommentPolicy has no action {action!r}")


finding_policy = FindingPolicy()
key_learning_policy = KeyLearningPolicy()
case_study_policy = CaseStudyPolicy()
site_feedback_policy = SiteFeedbackPolicy()
advisory_member_policy = AdvisoryMemberPolicy()
advisory_comment_policy = AdvisoryCommentPolicy()
