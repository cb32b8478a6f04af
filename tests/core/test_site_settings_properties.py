"""Property test of the site settings' policies (the marking scheme and the ceiling) over the
generated worlds of tests/core/test_access_properties.py.

For every user, every marking and the one site settings row, and every action, three answers
agree: the policy's database filter (`visible_to`), its Python answer (`user_can`), and a
reference written here from permissions.md ("site administrator: … settings"): site
administrators see and change the scheme and the ceiling; nobody else does, whatever their
partnership roles, assignments or posts.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given

from lde.core.access.facts import facts_forget
from lde.core.access.markings import Marking, SiteSettings
from lde.core.policies import marking_policy, site_settings_policy
from tests.accounts.test_policy_properties import check_agree
from tests.core.test_access_properties import World, build, worlds

pytestmark = pytest.mark.django_db


def settings_reference(world: World, u: int, action: str) -> bool:
    return u in world.admins


@given(world=worlds())
def test_the_site_settings_policies_agree_three_ways(world: World) -> None:
    with transaction.atomic():
        built = build(world, timezone.localdate())
        markings = list(Marking.objects.order_by("pk"))
        rows = list(SiteSettings.objects.all())
        assert len(markings) == 10 and len(rows) == 1
        for u, user in enumerate(built.users):
            facts_forget(user)
            for policy, objects in ((marking_policy, markings), (site_settings_policy, rows)):
                for action in policy.actions:
                    want = settings_reference(world, u, action)
                    check_agree(policy, action, user, objects, [want] * len(objects))
        for policy, objects in ((marking_policy, markings), (site_settings_policy, rows)):
            for action in policy.actions:
                check_agree(policy, action, AnonymousUser(), objects, [False] * len(objects))
        transaction.set_rollback(True)
