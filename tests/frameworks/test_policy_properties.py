"""Property test of the framework version policy over generated worlds.

Each example builds one world of tests/core/test_access_properties.py — users in every role,
with assignments, posts, national analysts and site administrators, and people of no partnership
at all — with framework versions in every status added, and checks every (user, version) pair
three ways: the policy's database filter (`visible_to`), its Python answer over the user's facts
(`user_can`), and the reference of permissions.md ("frameworks": everyone signed in reads them;
nobody else does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.frameworks.models import Framework, FrameworkStatus, FrameworkVersion
from lde.frameworks.policies import framework_version_policy
from tests.core.test_access_properties import World, build
from tests.core.test_access_properties import worlds as access_worlds

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class FrameworkWorld:
    world: World
    versions: tuple[str, ...]  # the status of each version


framework_worlds = st.builds(
    FrameworkWorld,
    world=access_worlds(),
    versions=st.lists(st.sampled_from(FrameworkStatus.values), min_size=1, max_size=3).map(tuple),
)


def framework_version_reference(signed_in: bool) -> bool:
    return signed_in


def check_agree(
    policy: Any, action: str, user: Any, objects: list[Any], expected: list[bool]
) -> None:
    """`visible_to` is exactly the objects `user_can` allows, and both are the reference."""
    visible = set(policy.visible_to(user, action).values_list("pk", flat=True))
    allowed = {obj.pk for obj in objects if policy.user_can(user, action, obj)}
    assert visible == allowed, (policy, action, user)
    assert allowed == {obj.pk for obj, want in zip(objects, expected, strict=True) if want}, (
        policy,
        action,
        user,
    )


@given(framework_world=framework_worlds)
def test_framework_version_policy_agrees_three_ways(framework_world: FrameworkWorld) -> None:
    world = framework_world.world
    with transaction.atomic():
        built = build(world, timezone.localdate())
        framework = Framework.objects.create(identifier="generated", title="Generated")
        for i, status in enumerate(framework_world.versions):
            FrameworkVersion.objects.create(
                framework=framework,
                version=f"{i}.0",
                title=f"Generated {i}",
                status=status,
                summary="s",
                source_document="d",
                provenance="p",
                source_text="",
                content_hash=f"h{i}",
                file_name=f"generated-{i}.yaml",
            )
        # Every version in the database, those loaded by migrations included.
        versions = list(FrameworkVersion.objects.order_by("pk"))
        assert len(versions) >= len(framework_world.versions)
        for user in built.users:
            facts_forget(user)
            for action in framework_version_policy.actions:
                check_agree(
                    framework_version_policy,
                    action,
                    user,
                    versions,
                    [framework_version_reference(True)] * len(versions),
                )
        for action in framework_version_policy.actions:
            check_agree(
                framework_version_policy,
                action,
                AnonymousUser(),
                versions,
                [framework_version_reference(False)] * len(versions),
            )
        transaction.set_rollback(True)
