"""The action plan policy: who sees, raises, changes and reports on actions. The database
filter, the Python answer over the user's facts, and a reference written from permissions.md
agree in every generated world; and the pages answer 404 to those who may not see an action and
403, saying who can, to those who may see it but not act."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.accounts.models import Organisation, User
from lde.action_plans.models import Action, ActionStatus
from lde.action_plans.policies import action_policy
from lde.assessments.models import Assessment
from lde.core.access.facts import facts_forget
from lde.frameworks.models import Framework, FrameworkVersion
from lde.partnerships.models import Assignment, AssignmentKind, Membership, Partnership, Role
from tests.action_plans.conftest import World
from tests.conftest import sign_in
from tests.factories import AssignmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

READERS = {"coordinator", "board_member", "contributor", "viewer"}
PLANNERS = {"coordinator", "board_member"}
OPEN = {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS}


def reference(roles: set[str], inspector: bool, owner: bool, status: str, action: str) -> bool:
    """permissions.md, "action plans": coordinators and board members read and write;
    contributors read and record their own actions' progress; viewers and inspectors read;
    community reviewers, peer reviewers and everyone else, nothing."""
    reads = bool(roles & READERS) or inspector
    plans = bool(roles & PLANNERS)
    is_open = status in OPEN
    return {
        "view": reads,
        "raise": plans,
        "edit": plans and is_open,
        "cancel": plans and is_open,
        "reopen": plans and not is_open,
        "record_progress": is_open and ("coordinator" in roles or (owner and reads)),
    }[action]


@st.composite
def worlds(draw: Any) -> dict[str, Any]:
    n_u = draw(st.integers(1, 4))
    return {
        "n_u": n_u,
        "memberships": draw(
            st.frozensets(
                st.tuples(
                    st.integers(0, n_u - 1),
                    st.integers(0, 1),
                    st.sampled_from(list(Role.values)),
                ),
                max_size=6,
            )
        ),
        "actions": draw(
            st.lists(
                st.tuples(
                    st.integers(0, 1),  # partnership
                    st.sampled_from(list(ActionStatus.values)),
                    st.integers(0, n_u - 1),  # owner
                ),
                min_size=1,
                max_size=4,
            )
        ),
        "assignments": draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_u - 1),
                    st.sampled_from([AssignmentKind.INSPECTOR, AssignmentKind.PEER_REVIEWER]),
                    st.integers(0, 1),
                    st.booleans(),  # live, or ended yesterday
                ),
                max_size=3,
            )
        ),
    }


@given(world=worlds())
def test_the_policy_agrees_three_ways_for_every_action(world: dict[str, Any]) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        council = Organisation.objects.create(name="C", type="council")
        partnerships = [
            Partnership.objects.create(name=f"P{i}", lead_council=council, region="E12000007")
            for i in range(2)
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
        assessments = [
            Assessment.objects.create(
                partnership=p,
                kind="self",
                framework_version=version,
                title="S",
                status="published",
                period_start=date(2025, 4, 1),
                period_end=date(2026, 3, 31),
            )
            for p in partnerships
        ]
        actions = [
            Action.objects.create(
                partnership=partnerships[p],
                assessment=assessments[p],
                title="A",
                description="D",
                owner=users[o],
                owner_organisation=council,
                due_on=today,
                status=s,
            )
            for p, s, o in world["actions"]
        ]
        for u, kind, p, live in world["assignments"]:
            assignment = Assignment.objects.create(
                user=users[u],
                kind=kind,
                title="A",
                starts_on=today - timedelta(days=10),
                ends_on=today + timedelta(days=5) if live else today - timedelta(days=1),
                subject_reference=f"assessment:{assessments[p].pk}",
            )
            assignment.partnerships.set([partnerships[p]])
        for u, user in enumerate(users):
            facts_forget(user)
            for name in action_policy.actions:
                allowed = set(action_policy.visible_to(user, name).values_list("pk", flat=True))
                for index, action in enumerate(actions):
                    p, status, owner = world["actions"][index]
                    roles = {r for (mu, mp, r) in world["memberships"] if mu == u and mp == p}
                    inspector = any(
                        au == u and k == AssignmentKind.INSPECTOR and live and ap == p
                        for au, k, ap, live in world["assignments"]
                    )
                    want = reference(roles, inspector, owner == u, status, name)
                    assert (action.pk in allowed) == want, (u, name, roles, status)
                    assert action_policy.user_can(user, name, action) == want, (u, name)
        transaction.set_rollback(True)


def test_pages_answer_404_to_outsiders_and_403_with_who_can_to_readers(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    outsider = MembershipFactory(role=Role.COORDINATOR).user
    inspector = AssignmentFactory(partnerships=[world.partnership]).user
    url = reverse("action_plans:action-update", args=[action.pk])
    answers = {}
    for name, person in [
        ("outsider", outsider),
        ("community_reviewer", world.community_reviewer),
        ("viewer", world.viewer),
        ("inspector", inspector),
        ("contributor", world.contributor),
        ("board_member", world.board_member),
    ]:
        answers[name] = sign_in(Client(), person).get(url).status_code
    assert answers == {
        "outsider": 404,
        "community_reviewer": 404,
        "viewer": 403,
        "inspector": 403,
        "contributor": 403,
        "board_member": 200,
    }
    refused = sign_in(Client(), world.viewer).get(url)
    assert (
        "While an action is open, the partnership's coordinators and board members change it."
        in unescape(refused.content.decode())
    )
    # The community reviewer sees the partnership, so its action plan says who can read it.
    listing = sign_in(Client(), world.community_reviewer).get(
        reverse("action_plans:action-list", args=[world.partnership.pk])
    )
    assert listing.status_code == 403
    assert "assigned inspectors read its action plan" in unescape(listing.content.decode())
