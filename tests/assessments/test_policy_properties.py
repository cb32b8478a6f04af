"""Property tests of the assessment policy: the database filter, the Python answer over the
user's facts, and a reference written from permissions.md agree in every generated world."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.accounts.models import Organisation, User
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.policies import assessment_policy
from lde.core.access.facts import facts_forget
from lde.frameworks.models import Framework, FrameworkVersion
from lde.partnerships.models import Assignment, AssignmentKind, Membership, Partnership, Role

pytestmark = pytest.mark.django_db

STATUSES = list(AssessmentStatus.values)


@st.composite
def worlds(draw: Any) -> dict[str, Any]:
    n_p = draw(st.integers(1, 2))
    n_u = draw(st.integers(1, 4))
    memberships = draw(
        st.frozensets(
            st.tuples(
                st.integers(0, n_u - 1), st.integers(0, n_p - 1), st.sampled_from(list(Role.values))
            ),
            max_size=6,
        )
    )
    selfs = draw(
        st.lists(
            st.tuples(st.integers(0, n_p - 1), st.sampled_from(STATUSES)), min_size=1, max_size=3
        )
    )
    reviews = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(selfs) - 1),
                st.sampled_from([AssessmentKind.PEER_REVIEW, AssessmentKind.INSPECTION]),
                st.sampled_from(STATUSES),
            ),
            max_size=2,
        )
    )
    assignments = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_u - 1),
                st.sampled_from([AssignmentKind.INSPECTOR, AssignmentKind.PEER_REVIEWER]),
                st.integers(0, len(selfs) - 1),  # the self-assessment (and its partnership) named
                st.booleans(),  # live or ended yesterday
            ),
            max_size=3,
        )
    )
    return {
        "n_p": n_p,
        "n_u": n_u,
        "memberships": memberships,
        "selfs": selfs,
        "reviews": reviews,
        "assignments": assignments,
    }


def reference(
    world: dict[str, Any],
    u: int,
    kind: str,
    p: int,
    status: str,
    self_index: int,
) -> bool:
    """permissions.md: published work is read by every role of the partnership and its live
    inspectors; unpublished work by coordinators, board members, contributors and live
    inspectors; a live peer reviewer reads the self-assessment named and peer reviews of it."""
    roles = {r for (mu, mp, r) in world["memberships"] if mu == u and mp == p}
    inspector = any(
        au == u and k == AssignmentKind.INSPECTOR and live and world["selfs"][s][0] == p
        for au, k, s, live in world["assignments"]
    )
    peer_of = {
        s
        for au, k, s, live in world["assignments"]
        if au == u and k == AssignmentKind.PEER_REVIEWER and live
    }
    if status == AssessmentStatus.PUBLISHED and (roles or inspector):
        return True
    if status != AssessmentStatus.PUBLISHED and (
        roles & {"coordinator", "board_member", "contributor"} or inspector
    ):
        return True
    if kind == AssessmentKind.SELF:
        return self_index in peer_of
    return kind == AssessmentKind.PEER_REVIEW and self_index in peer_of


def reference_abandon(world: dict[str, Any], u: int, kind: str, p: int, status: str) -> bool:
    """permissions.md and docs/apps/assessments.md: a draft self-assessment is abandoned by the
    partnership's coordinators, and by nobody else; nothing past draft, and no review."""
    roles = {r for (mu, mp, r) in world["memberships"] if mu == u and mp == p}
    return (
        kind == AssessmentKind.SELF and status == AssessmentStatus.DRAFT and "coordinator" in roles
    )


@given(world=worlds())
def test_assessment_visibility_agrees_three_ways(world: dict[str, Any]) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        council = Organisation.objects.create(name="C", type="council")
        partnerships = [
            Partnership.objects.create(name=f"P{i}", lead_council=council, region="E12000007")
            for i in range(world["n_p"])
        ]
        users = [
            User.objects.create(email=f"u{i}@example.test", full_name=f"U{i}")
            for i in range(world["n_u"])
        ]
        for u, p, r in world["memberships"]:
            Membership.objects.create(user=users[u], partnership=partnerships[p], role=r)
        framework = Framework.objects.create(identifier="f", title="F")
        version = FrameworkVersion.objects.create(
            framework=framework,
            version="1.0",
            title="F",
            status="current",
            summary="s",
            source_document="d",
            provenance="p",
            source_text="",
            content_hash="h",
            file_name="f.yaml",
        )
        period = {"period_start": date(2025, 4, 1), "period_end": date(2026, 3, 31)}
        selfs = [
            Assessment.objects.create(
                partnership=partnerships[p],
                kind="self",
                framework_version=version,
                title="S",
                status=s,
                **period,
            )
            for p, s in world["selfs"]
        ]
        reviews = [
            Assessment.objects.create(
                partnership=selfs[i].partnership,
                kind=k,
                framework_version=version,
                title="R",
                status=s,
                reviews=selfs[i],
                **period,
            )
            for i, k, s in world["reviews"]
        ]
        for u, kind, s, live in world["assignments"]:
            ends = today + timedelta(days=5) if live else today - timedelta(days=1)
            assignment = Assignment.objects.create(
                user=users[u],
                kind=kind,
                title="A",
                starts_on=today - timedelta(days=10),
                ends_on=ends,
                subject_reference=f"assessment:{selfs[s].pk}",
            )
            assignment.partnerships.set([selfs[s].partnership])
        everything = [(a, i) for i, a in enumerate(selfs)] + [
            (a, world["reviews"][j][0]) for j, a in enumerate(reviews)
        ]
        for u, user in enumerate(users):
            facts_forget(user)
            visible = set(assessment_policy.visible_to(user, "view").values_list("pk", flat=True))
            for assessment, self_index in everything:
                want = reference(
                    world,
                    u,
                    assessment.kind,
                    partnerships.index(assessment.partnership),
                    assessment.status,
                    self_index,
                )
                assert (assessment.pk in visible) == want, (u, assessment.kind, assessment.status)
                assert assessment_policy.user_can(user, "view", assessment) == want
                may_abandon = reference_abandon(
                    world,
                    u,
                    assessment.kind,
                    partnerships.index(assessment.partnership),
                    assessment.status,
                )
                assert assessment_policy.user_can(user, "abandon", assessment) == may_abandon, (
                    u,
                    assessment.kind,
                    assessment.status,
                )
        transaction.set_rollback(True)
