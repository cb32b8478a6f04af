"""Property test of the people policy (site administration's list of people and their site-wide
grants) over the generated worlds of tests/core/test_access_properties.py.

For every (user, person) pair and every action, three answers agree: the policy's database filter
(`visible_to`), its Python answer over the user's facts (`user_can`), and a reference written here
from permissions.md over the plain world:

- site administrators see everyone in the list of people; nobody else sees it;
- site administrators change a person's organisation, active flag and site-wide grants, never
  their own (another site administrator changes those).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given

from lde.accounts.models import User
from lde.accounts.policies import person_policy
from lde.core.access.facts import facts_forget
from tests.accounts.test_policy_properties import check_agree
from tests.core.test_access_properties import World, build, worlds

pytestmark = pytest.mark.django_db


def person_reference(world: World, u: int, action: str, person: int) -> bool:
    if action == "view":
        return u in world.admins
    return u in world.admins and person != u


@given(world=worlds())
def test_person_policy_agrees_three_ways(world: World) -> None:
    with transaction.atomic():
        built = build(world, timezone.localdate())
        people = list(built.users)
        # Every person in the database is one of this world's.
        assert set(User.objects.values_list("pk", flat=True)) == {p.pk for p in people}
        for u, user in enumerate(people):
            facts_forget(user)
            for action in person_policy.actions:
                check_agree(
                    person_policy,
                    action,
                    user,
                    people,
                    [person_reference(world, u, action, p) for p in range(len(people))],
                )
        anonymous = AnonymousUser()
        for action in person_policy.actions:
            check_agree(person_policy, action, anonymous, people, [False] * len(people))
        transaction.set_rollback(True)
