"""Property test of the cross-site learning's six policies over generated worlds.

Each example builds programmes in any status over two partnerships, with a lead, sites, people
holding roles in the partnerships, inspector assignments (live or expired), advisory members,
site administrators, and one row of each kind per programme (a case study in any state). For
every (person, row) pair and every action it checks three answers agree: the policy's database
filter (`visible_to`), its answer over the person's facts (`user_can`), and a reference written
here from permissions.md's row "inspections, roll-ups" as docs/apps/inspections.md states it:

- the team (lead, and live inspectors of a site's partnership) writes findings, key learning and
  case studies until the programme is published; the team and the advisory group read them; once
  published, everyone signed in does; site administrators read case studies sent to the library;
- the lead sends a draft case study; a site administrator takes one that was sent;
- the coordinators of a site's partnership give and change its feedback once the programme has
  begun; they, its board members and the team read it;
- the lead sees the advisory group and removes members until published; each member sees their
  own place; the team and the group read the comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.inspections.learning_policies import (
    advisory_comment_policy,
    advisory_member_policy,
    case_study_policy,
    finding_policy,
    key_learning_policy,
    site_feedback_policy,
)
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
from lde.partnerships.models import Membership, Role
from tests.factories import AssignmentFactory, PartnershipFactory, UserFactory
from tests.inspections.learning_builders import THEME, key_themes

pytestmark = pytest.mark.django_db

USERS = 6
PARTNERSHIPS = 2
STATUSES = [str(s) for s in ProgrammeStatus.values]
# A case study in the library also needs its library entry; the rules read it as one sent.
CASE_STATES = [str(CaseStudyStatus.DRAFT), str(CaseStudyStatus.SENT)]


@dataclass(frozen=True)
class ProgrammeSpec:
    lead: int
    status: str
    sites: tuple[int, ...]  # partnership indices
    advisers: tuple[int, ...]
    case_state: str


@dataclass(frozen=True)
class LearningWorld:
    roles: tuple[tuple[int, int, str], ...]  # user, partnership, role
    inspectors: tuple[tuple[int, int, bool], ...]  # user, partnership, live
    site_administrators: tuple[int, ...]
    programmes: tuple[ProgrammeSpec, ...]


users = st.integers(0, USERS - 1)
partnerships = st.integers(0, PARTNERSHIPS - 1)


@st.composite
def worlds(draw: Any) -> LearningWorld:
    programmes = draw(
        st.lists(
            st.builds(
                ProgrammeSpec,
                lead=users,
                status=st.sampled_from(STATUSES),
                sites=st.lists(partnerships, min_size=1, max_size=2, unique=True).map(tuple),
                advisers=st.lists(users, max_size=2, unique=True).map(tuple),
                case_state=st.sampled_from(CASE_STATES),
            ),
            min_size=1,
            max_size=2,
        )
    )
    return LearningWorld(
        roles=tuple(
            draw(
                st.lists(
                    st.tuples(users, partnerships, st.sampled_from(list(Role.values))),
                    max_size=6,
                    unique_by=lambda r: (r[0], r[1]),
                )
            )
        ),
        inspectors=tuple(draw(st.lists(st.tuples(users, partnerships, st.booleans()), max_size=3))),
        site_administrators=tuple(draw(st.lists(users, max_size=2, unique=True))),
        programmes=tuple(
            ProgrammeSpec(
                p.lead, p.status, p.sites, tuple(a for a in p.advisers if a != p.lead), p.case_state
            )
            for p in programmes
        ),
    )


# --- The reference, from permissions.md and docs/apps/inspections.md ---------------------------


def _roles(w: LearningWorld, u: int, p: int) -> set[str]:
    return {role for (user, partnership, role) in w.roles if user == u and partnership == p}


def _team(w: LearningWorld, u: int, spec: ProgrammeSpec) -> bool:
    return spec.lead == u or any(
        user == u and live and partnership in spec.sites
        for (user, partnership, live) in w.inspectors
    )


def _published(spec: ProgrammeSpec) -> bool:
    return spec.status == ProgrammeStatus.PUBLISHED


def writing_reference(w: LearningWorld, u: int, action: str, spec: ProgrammeSpec) -> bool:
    if action == "view":
        return _team(w, u, spec) or u in spec.advisers or _published(spec)
    return _team(w, u, spec) and not _published(spec)


def case_study_reference(w: LearningWorld, u: int, action: str, spec: ProgrammeSpec) -> bool:
    draft = spec.case_state == CaseStudyStatus.DRAFT
    admin = u in w.site_administrators
    if action == "view":
        return writing_reference(w, u, "view", spec) or (admin and not draft)
    if action in ("edit", "delete"):
        return draft and _team(w, u, spec) and not _published(spec)
    if action == "send":
        return draft and spec.lead == u
    return spec.case_state == CaseStudyStatus.SENT and admin


def feedback_reference(w: LearningWorld, u: int, action: str, spec: ProgrammeSpec, p: int) -> bool:
    roles = _roles(w, u, p)
    if action == "view":
        return bool(roles & {Role.COORDINATOR, Role.BOARD_MEMBER}) or _team(w, u, spec)
    return Role.COORDINATOR in roles and spec.status != ProgrammeStatus.DRAFT


def member_reference(w: LearningWorld, u: int, action: str, spec: ProgrammeSpec, m: int) -> bool:
    if action == "view":
        return spec.lead == u or m == u
    return spec.lead == u and not _published(spec)


def comment_reference(w: LearningWorld, u: int, action: str, spec: ProgrammeSpec) -> bool:
    return _team(w, u, spec) or u in spec.advisers


# --- Three ways ---------------------------------------------------------------------------------


def check_agree(
    policy: Any, action: str, user: Any, objects: list[Any], expected: list[bool]
) -> None:
    """`visible_to` is exactly the objects `user_can` allows, and both are the reference."""
    visible = set(policy.visible_to(user, action).values_list("pk", flat=True))
    allowed = {obj.pk for obj in objects if policy.user_can(user, action, obj)}
    assert visible == allowed, (policy, action, user)
    want = {obj.pk for obj, ok in zip(objects, expected, strict=True) if ok}
    assert allowed == want, (policy, action, user)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds())
def test_the_learning_policies_agree_three_ways(world: LearningWorld) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        people = [UserFactory() for _ in range(USERS)]
        places = [PartnershipFactory() for _ in range(PARTNERSHIPS)]
        for u, p, role in world.roles:
            Membership.objects.create(user=people[u], partnership=places[p], role=role)
        for u, p, live in world.inspectors:
            ends = today + timedelta(days=5) if live else today - timedelta(days=1)
            AssignmentFactory(
                user=people[u],
                partnerships=[places[p]],
                starts_on=today - timedelta(days=30),
                ends_on=ends,
            )
        for u in world.site_administrators:
            people[u].is_site_administrator = True
            people[u].save()
        version = key_themes()
        rows: dict[str, list[tuple[Any, Any]]] = {
            "finding": [],
            "key_learning": [],
            "case_study": [],
            "feedback": [],
            "member": [],
            "comment": [],
        }
        programmes: list[Programme] = []
        for spec in world.programmes:
            lead = people[spec.lead]
            programme = Programme.objects.create(
                title="Property programme",
                purpose="Generated.",
                framework_version=version,
                lead=lead,
                status=spec.status,
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
            )
            programmes.append(programme)
            sites = [
                Site.objects.create(programme=programme, partnership=places[p]) for p in spec.sites
            ]
            rows["finding"].append(
                (
                    Finding.objects.create(
                        programme=programme, theme=THEME, kind="works", text="F", written_by=lead
                    ),
                    spec,
                )
            )
            rows["key_learning"].append(
                (KeyLearning.objects.create(programme=programme, text="K", written_by=lead), spec)
            )
            rows["case_study"].append(
                (
                    CaseStudy.objects.create(
                        programme=programme,
                        site=sites[0],
                        title="C",
                        theme=THEME,
                        summary="S",
                        what_was_done="W",
                        outcome="O",
                        strand="resilience",
                        setting="community",
                        status=spec.case_state,
                        written_by=lead,
                    ),
                    spec,
                )
            )
            for site, p in zip(sites, spec.sites, strict=True):
                rows["feedback"].append(
                    (SiteFeedback.objects.create(site=site, useful=3, given_by=lead), (spec, p))
                )
            for a in spec.advisers:
                member = AdvisoryMember.objects.create(
                    programme=programme, user=people[a], named_by=lead
                )
                rows["member"].append((member, (spec, a)))
            rows["comment"].append(
                (AdvisoryComment.objects.create(programme=programme, author=lead, text="A"), spec)
            )
        checks: list[tuple[Any, str, Any]] = [
            (finding_policy, "finding", lambda w, u, a, s: writing_reference(w, u, a, s)),
            (key_learning_policy, "key_learning", lambda w, u, a, s: writing_reference(w, u, a, s)),
            (case_study_policy, "case_study", lambda w, u, a, s: case_study_reference(w, u, a, s)),
            (site_feedback_policy, "feedback", lambda w, u, a, s: feedback_reference(w, u, a, *s)),
            (advisory_member_policy, "member", lambda w, u, a, s: member_reference(w, u, a, *s)),
            (advisory_comment_policy, "comment", lambda w, u, a, s: comment_reference(w, u, a, s)),
        ]
        for u, user in enumerate(people):
            facts_forget(user)
            for policy, kind, reference in checks:
                objects = [obj for obj, _ in rows[kind]]
                for action in policy.actions:
                    check_agree(
                        policy,
                        action,
                        user,
                        objects,
                        [reference(world, u, action, about) for _, about in rows[kind]],
                    )
        # The questions asked of a programme or a site before there is a row.
        for u, user in enumerate(people):
            for spec, programme in zip(world.programmes, programmes, strict=True):
                open_team = _team(world, u, spec) and not _published(spec)
                assert finding_policy.user_can_in(user, "add", programme.pk) == open_team
                assert key_learning_policy.user_can_in(user, "add", programme.pk) == open_team
                assert case_study_policy.user_can_in(user, "add", programme.pk) == open_team
                assert finding_policy.user_can_in(user, "read_report", programme.pk) == (
                    writing_reference(world, u, "view", spec)
                )
                assert advisory_member_policy.user_can_in(user, "name", programme.pk) == (
                    spec.lead == u and not _published(spec)
                )
                assert advisory_comment_policy.user_can_in(user, "add", programme.pk) == (
                    u in spec.advisers and not _published(spec)
                )
        for feedback, (spec, p) in rows["feedback"]:
            for u, user in enumerate(people):
                assert site_feedback_policy.user_can_in(user, "give", feedback.site_id) == (
                    feedback_reference(world, u, "give", spec, p)
                )
        for policy, kind, _reference in checks:
            objects = [obj for obj, _ in rows[kind]]
            for action in policy.actions:
                check_agree(policy, action, AnonymousUser(), objects, [False] * len(objects))
        transaction.set_rollback(True)
