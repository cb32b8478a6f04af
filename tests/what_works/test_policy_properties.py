"""Property test of the entry policy over generated worlds (tests/core/test_access_properties.py):
for every user, entry and action, the database filter (`visible_to`), the Python answer over the
user's facts (`user_can`) and a reference written here from permissions.md agree; so does the
question asked of a place (`user_can_in`, "add").

The reference (lde/what_works/policies.py): a published entry is read by everyone signed in and
changed by no one; a library entry (no partnership) before publication is read, edited, rated
and sent for review by site administrators, and published by a site administrator who did not
rate it; a local evaluation before publication is read by its partnership's coordinators, board
members, contributors, viewers and live inspectors, edited while a draft by its coordinators and
by contributors of the organisation that delivers the project, and published by a coordinator
who did not rate it. Entries are added to the library by site administrators and to a
partnership by its coordinators.
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
from lde.programme.models import Project
from lde.what_works.models import Entry, EntryStatus
from lde.what_works.policies import entry_policy
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}
STATUSES = [EntryStatus.DRAFT, EntryStatus.IN_REVIEW, EntryStatus.PUBLISHED]


@dataclass(frozen=True)
class EntrySpec:
    partnership: int | None  # None: the library's own
    delivered_by: int  # the organisation delivering the project (local entries)
    status: str
    rater: int | None


@dataclass(frozen=True)
class LibraryWorld:
    world: World
    entries: tuple[EntrySpec, ...]


@st.composite
def library_worlds(draw: Any) -> LibraryWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    n_p, n_o, n_u = world.partnerships, world.organisations, world.users
    specs = draw(
        st.lists(
            st.builds(
                EntrySpec,
                st.one_of(st.none(), st.integers(0, n_p - 1)),
                st.integers(0, n_o - 1),
                st.sampled_from(STATUSES),
                st.one_of(st.none(), st.integers(0, n_u - 1)),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return LibraryWorld(world, tuple(specs))


def reference(world: World, u: int, action: str, spec: EntrySpec) -> bool:
    admin = u in world.admins
    p = spec.partnership
    roles = roles_of(world, u, p) if p is not None else frozenset()
    if action == "view":
        if spec.status == EntryStatus.PUBLISHED:
            return True
        if p is None:
            return admin
        return bool(roles & READERS) or inspects(world, u, p)
    if action in ("edit", "submit"):
        if spec.status != EntryStatus.DRAFT:
            return False
        if p is None:
            return admin
        own = world.user_organisation[u] == spec.delivered_by and Role.CONTRIBUTOR in roles
        return Role.COORDINATOR in roles or own
    assert action == "publish"
    if spec.status != EntryStatus.IN_REVIEW or spec.rater == u:
        return False
    return admin if p is None else Role.COORDINATOR in roles


@settings(max_examples=40, deadline=None)
@given(library_world=library_worlds())
def test_the_entry_policy_agrees_three_ways(library_world: LibraryWorld) -> None:
    world = library_world.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        entries = []
        for n, spec in enumerate(library_world.entries):
            project = None
            if spec.partnership is not None:
                project = Project.objects.create(
                    partnership=built.partnerships[spec.partnership],
                    title=f"Project {n}",
                    delivered_by=built.organisations[spec.delivered_by],
                    audiences="Groups",
                    strand="challenging",
                    tier=1,
                )
            entries.append(
                Entry.objects.create(
                    partnership=built.partnerships[spec.partnership]
                    if spec.partnership is not None
                    else None,
                    project=project,
                    kind="evaluation",
                    title=f"Entry {n}",
                    summary="S",
                    strands=",challenging,",
                    setting="education",
                    source="S",
                    status=spec.status,
                    rated_by=built.users[spec.rater] if spec.rater is not None else None,
                )
            )
        objects = list(Entry.objects.filter(pk__in=[e.pk for e in entries]).order_by("pk"))
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in entry_policy.actions:
                expected = [reference(world, u, action, s) for s in library_world.entries]
                check_agree(entry_policy, action, user, objects, expected)
            assert entry_policy.user_can_in(user, "add", None) == (u in world.admins)
            for p, partnership in enumerate(built.partnerships):
                assert entry_policy.user_can_in(user, "add", partnership.pk) == (
                    Role.COORDINATOR in roles_of(world, u, p)
                )
        anonymous = AnonymousUser()
        for action in entry_policy.actions:
            check_agree(entry_policy, action, anonymous, objects, [False] * len(objects))
        transaction.set_rollback(True)
