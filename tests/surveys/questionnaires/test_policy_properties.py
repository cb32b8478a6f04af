"""Property test of `questionnaire_policy` over generated worlds (test_access_properties):
for every user, questionnaire and action, the database filter (`visible_to`), the Python answer
over the user's facts (`user_can`) and a reference written here from permissions.md agree.

permissions.md, "indicators, surveys, evidence": coordinator R W; board member, contributor,
viewer R; inspector R; community reviewers, peer reviewers, national analysts and site
administrators see no partnership's questionnaires. Only coordinators manage and export (the
answers by pseudonymous code are the partnership's own records).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from lde.surveys.models import Questionnaire
from lde.surveys.questionnaires.policies import questionnaire_policy
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


@dataclass(frozen=True)
class QuestionnaireWorld:
    world: World
    questionnaires: tuple[int, ...]  # each one's partnership


@st.composite
def questionnaire_worlds(draw: Any) -> QuestionnaireWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    owners = draw(st.lists(st.integers(0, world.partnerships - 1), min_size=1, max_size=4))
    return QuestionnaireWorld(world, tuple(owners))


def reference(world: World, u: int, action: str, p: int) -> bool:
    roles = roles_of(world, u, p)
    if action in ("view", "analyse", "read"):
        return bool(roles & READERS) or inspects(world, u, p)
    if action in ("manage", "export", "create"):
        return Role.COORDINATOR in roles
    raise AssertionError(action)


@settings(max_examples=50, deadline=None)
@given(questionnaire_world=questionnaire_worlds())
def test_questionnaire_policy_agrees_three_ways(questionnaire_world: QuestionnaireWorld) -> None:
    world = questionnaire_world.world
    with transaction.atomic():
        built = build(world, timezone.localdate())
        made = [
            Questionnaire.objects.create(partnership=built.partnerships[p], title=f"Q{i}")
            for i, p in enumerate(questionnaire_world.questionnaires)
        ]
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in questionnaire_policy.actions:
                check_agree(
                    questionnaire_policy,
                    action,
                    user,
                    made,
                    [reference(world, u, action, p) for p in questionnaire_world.questionnaires],
                )
            for action in questionnaire_policy.scope_actions:
                for p, partnership in enumerate(built.partnerships):
                    assert questionnaire_policy.user_can_in(user, action, partnership.pk) == (
                        reference(world, u, action, p)
                    ), (action, u, p)
        anonymous = AnonymousUser()
        for action in questionnaire_policy.actions:
            check_agree(questionnaire_policy, action, anonymous, made, [False] * len(made))
        transaction.set_rollback(True)
