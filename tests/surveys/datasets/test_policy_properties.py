"""Property test of the survey data set and saved estimate policies over generated worlds
(tests/core/test_access_properties.py): for every user, object and action, the database filter
(`visible_to`), the Python answer over the user's facts (`user_can`) and a reference written here
from permissions.md ("indicators, surveys, evidence") agree; so does the question asked of a
partnership (`user_can_in`).

The reference: a partnership's data sets and their estimates are read by its coordinators, board
members, contributors and viewers and by its live inspectors, and managed by its coordinators;
nobody else, whatever site-wide grant they hold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from lde.surveys.datasets.policies import (
    saved_estimate_policy,
    sees_small_numbers,
    survey_data_set_policy,
)
from lde.surveys.models import SavedEstimate, SurveyDataSet
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


def reference(world: World, u: int, action: str, p: int) -> bool:
    roles = roles_of(world, u, p)
    if action == "view":
        return bool(roles & READERS) or inspects(world, u, p)
    assert action == "manage"
    return Role.COORDINATOR in roles


@st.composite
def survey_worlds(draw: Any) -> tuple[World, list[int]]:
    world = draw(with_live_inspectors(draw(access_worlds())))
    owners = draw(st.lists(st.integers(0, world.partnerships - 1), min_size=1, max_size=4))
    return world, owners


@settings(max_examples=40, deadline=None)
@given(generated=survey_worlds())
def test_the_survey_data_set_policies_agree_three_ways(
    generated: tuple[World, list[int]],
) -> None:
    world, owners = generated
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        data_sets = []
        estimates = []
        for n, p in enumerate(owners):
            data_set = SurveyDataSet.objects.create(
                partnership=built.partnerships[p],
                title=f"Survey {n}",
                source="S",
                period_start=date(2025, 1, 1),
                period_end=date(2025, 2, 1),
                file_name="s.csv",
                content_hash="0" * 64,
                size=1,
                columns=["x"],
                rows=[["1"]],
                row_count=1,
            )
            data_sets.append(data_set)
            estimates.append(
                SavedEstimate.objects.create(
                    data_set=data_set,
                    statistic="mean",
                    outcome="x",
                    results=[],
                    engine_version="v",
                    computed_at=timezone.now(),
                )
            )
        estimates = list(
            SavedEstimate.objects.filter(pk__in=[e.pk for e in estimates])
            .select_related("data_set")
            .order_by("pk")
        )
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in ("view", "manage"):
                expected = [reference(world, u, action, p) for p in owners]
                check_agree(survey_data_set_policy, action, user, data_sets, expected)
                check_agree(saved_estimate_policy, action, user, estimates, expected)
            for p, partnership in enumerate(built.partnerships):
                for action in ("view", "manage"):
                    assert survey_data_set_policy.user_can_in(
                        user, action, partnership.pk
                    ) == reference(world, u, action, p)
                # Inside the partnership (its readers) figures under 10 are shown with a
                # warning; a live inspector is outside it.
                assert sees_small_numbers(user, partnership.pk) == bool(
                    roles_of(world, u, p) & READERS
                )
        anonymous = AnonymousUser()
        for action in ("view", "manage"):
            check_agree(survey_data_set_policy, action, anonymous, data_sets, [False] * len(owners))
            check_agree(saved_estimate_policy, action, anonymous, estimates, [False] * len(owners))
        transaction.set_rollback(True)
