"""Coordinators manage members, roles and posts; every write is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from lde.accounts.models import PostHolding, PostKind
from lde.accounts.services import post_create, post_holder_change
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Membership, Role
from lde.partnerships.services import (
    membership_change_role,
    membership_invite,
    membership_remove,
)
from tests.conftest import sign_in
from tests.factories import AssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_invite_makes_an_account_and_a_membership_and_audits_both() -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    membership = membership_invite(
        actor=coordinator.user,
        partnership=coordinator.partnership,
        email=" New.Person@Example.test ",
        full_name="New Person",
        role=Role.CONTRIBUTOR,
    )
    assert membership.user.email == "new.person@example.test"
    assert not membership.user.has_usable_password()
    verbs = list(AuditEvent.objects.order_by("sequence").values_list("verb", "partnership_id"))
    assert verbs == [("USER_CREATED", None), ("MEMBERSHIP_CREATED", coordinator.partnership_id)]


def test_only_coordinators_invite() -> None:
    board = MembershipFactory(role=Role.BOARD_MEMBER)
    with pytest.raises(PermissionDenied403):
        membership_invite(
            actor=board.user,
            partnership=board.partnership,
            email="x@example.test",
            full_name="X",
            role=Role.VIEWER,
        )
    assert not Membership.objects.filter(user__email="x@example.test").exists()


def test_the_last_coordinator_cannot_be_removed_or_demoted() -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    with pytest.raises(ValidationError, match="at least one coordinator"):
        membership_change_role(actor=None, membership=coordinator, role=Role.VIEWER)
    with pytest.raises(ValidationError, match="at least one coordinator"):
        membership_remove(actor=coordinator.user, membership=coordinator)
    assert Membership.objects.get(pk=coordinator.pk).role == Role.COORDINATOR


def test_invite_form_shows_errors_for_missing_fields(client: Client) -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    sign_in(client, coordinator.user)
    url = f"/partnerships/{coordinator.partnership_id}/members/invite/"
    response = client.post(url, {"email": "not an email", "full_name": "", "role": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert page.count('class="govuk-error-message"') == 3
    assert 'href="#id_email"' in page
    assert Membership.objects.count() == 1


def test_a_post_has_one_holder_at_a_time_with_its_history() -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    council = coordinator.partnership.lead_council
    coordinator.user.organisation = council
    coordinator.user.save()
    post = post_create(
        actor=coordinator.user,
        organisation=council,
        kind=PostKind.CHIEF_EXECUTIVE,
        title="Chief Executive",
        partnership_id=coordinator.partnership_id,
    )
    first, second = UserFactory(organisation=council), UserFactory(organisation=council)
    post_holder_change(actor=coordinator.user, post=post, holder=first, on=date(2025, 1, 1))
    post_holder_change(actor=coordinator.user, post=post, holder=second, on=date(2026, 6, 1))
    history = list(
        PostHolding.objects.filter(post=post)
        .order_by("started_on")
        .values_list("user_id", "started_on", "ended_on")
    )
    assert history == [
        (first.pk, date(2025, 1, 1), date(2026, 6, 1)),
        (second.pk, date(2026, 6, 1), None),
    ]


def test_a_coordinator_of_another_partnership_cannot_touch_these_posts() -> None:
    mine = MembershipFactory(role=Role.COORDINATOR)
    theirs = MembershipFactory(role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        post_create(
            actor=theirs.user,
            organisation=mine.partnership.lead_council,
            kind=PostKind.OTHER,
            title="Sneaky",
        )


def test_an_inspector_loses_access_the_day_after_the_assignment_ends(client: Client) -> None:
    membership = MembershipFactory(role=Role.COORDINATOR)
    today = timezone.localdate()
    inspector = UserFactory()
    assignment = AssignmentFactory(
        user=inspector,
        partnerships=[membership.partnership],
        starts_on=today - timedelta(days=30),
        ends_on=today,
    )
    sign_in(client, inspector)
    url = f"/partnerships/{membership.partnership_id}/"
    assert client.get(url).status_code == 200  # the end date itself is still inside
    assignment.ends_on = today - timedelta(days=1)
    assignment.save()
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/partnerships/{membership.partnership_id}").status_code == 401
