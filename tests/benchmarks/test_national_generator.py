"""The national generator at a tiny size: exact counts, so that it cannot silently rot.

`lde bench` itself never runs in the suite; this only proves the generator still writes what it
says it writes. If you change the generator on purpose, update the expected counts here.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.national import NationalWorld, generate_national
from lde.accounts.models import Clearance, Organisation, Post, PostHolding, User
from lde.partnerships.models import (
    Alliance,
    Assignment,
    Membership,
    PartnerOrganisation,
    Partnership,
    Role,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def world() -> NationalWorld:
    return generate_national(partnerships=5, users=60, seed=1, day=DAY)


def test_exact_sizes(world: NationalWorld) -> None:
    assert Partnership.objects.count() == 5
    assert User.objects.count() == 60
    assert len(world.partnership_ids) == 5
    assert len(world.user_ids) == 60


def test_counts_it_reports_are_the_rows_in_the_database(world: NationalWorld) -> None:
    in_database = {
        "accounts.Organisation": Organisation.objects.count(),
        "accounts.User": User.objects.count(),
        "accounts.Post": Post.objects.count(),
        "accounts.PostHolding": PostHolding.objects.count(),
        "accounts.Clearance": Clearance.objects.count(),
        "otp_totp.TOTPDevice": TOTPDevice.objects.count(),
        "partnerships.Partnership": Partnership.objects.count(),
        "partnerships.Partnership_police_bcus": Partnership.police_bcus.through.objects.count(),
        "partnerships.PartnerOrganisation": PartnerOrganisation.objects.count(),
        "partnerships.Membership": Membership.objects.count(),
        "partnerships.Assignment": Assignment.objects.count(),
        "partnerships.Assignment_partnerships": Assignment.partnerships.through.objects.count(),
        "partnerships.Alliance": Alliance.objects.count(),
        "partnerships.Alliance_partnerships": Alliance.partnerships.through.objects.count(),
    }
    assert world.counts == in_database


def test_exact_counts_for_seed_one(world: NationalWorld) -> None:
    assert world.counts == EXPECTED


def test_every_partnership_has_a_realistic_role_mix(world: NationalWorld) -> None:
    for partnership_id in world.partnership_ids:
        roles = dict(
            Membership.objects.filter(partnership_id=partnership_id)
            .values_list("role")
            .annotate(n=Count("id"))
        )
        assert 1 <= roles[Role.COORDINATOR] <= 2
        assert roles[Role.BOARD_MEMBER] >= 2
        assert 1 <= roles[Role.COMMUNITY_REVIEWER] <= 2
        assert roles.get(Role.CONTRIBUTOR, 0) + roles.get(Role.VIEWER, 0) >= 1
        coordinators = world.role_holders(Role.COORDINATOR, partnership_id)
        assert TOTPDevice.objects.filter(user_id__in=coordinators, confirmed=True).count() == len(
            coordinators
        )


def test_members_represent_partner_organisations(world: NationalWorld) -> None:
    partners = set(PartnerOrganisation.objects.values_list("partnership_id", "organisation_id"))
    for partnership_id, organisation_id in Membership.objects.values_list(
        "partnership_id", "organisation_id"
    ):
        assert (partnership_id, organisation_id) in partners


def test_a_post_has_at_most_one_current_holder(world: NationalWorld) -> None:
    assert not (
        PostHolding.objects.filter(ended_on__isnull=True)
        .values("post_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )


def test_the_same_seed_makes_the_same_world(world: NationalWorld) -> None:
    people = Membership.objects.order_by("user__email", "partnership__name", "role").values_list(
        "user__email", "user__full_name", "user__organisation__name", "partnership__name", "role"
    )
    fingerprint = hashlib.sha256(repr(list(people)).encode()).hexdigest()
    assert fingerprint == FINGERPRINT
    assert all(email.endswith(".synthetic.invalid") for email, *_ in people)


# Seed 1, 5 partnerships, 60 users. Changing the generator on purpose means updating these.
FINGERPRINT = "e3e786e9fd131ceedc76b44b4b8a1876908b0e26fd69593cd22678ac35b48c43"
EXPECTED: dict[str, int] = {
    "accounts.Organisation": 53,
    "partnerships.Partnership": 5,
    "partnerships.Partnership_police_bcus": 5,
    "partnerships.PartnerOrganisation": 48,
    "accounts.User": 60,
    "partnerships.Membership": 61,
    "accounts.Post": 127,
    "accounts.PostHolding": 110,
    "accounts.Clearance": 31,
    "otp_totp.TOTPDevice": 24,
    "partnerships.Assignment": 2,
    "partnerships.Assignment_partnerships": 6,
    "partnerships.Alliance": 1,
    "partnerships.Alliance_partnerships": 3,
}
