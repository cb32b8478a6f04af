"""Briefing coverage (¶59): the share of a partnership's strategic posts whose holders may see,
under the gateway rule, and have acknowledged its latest products."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import OrganisationType, Post, PostKind, PostLevel, User
from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.core.audit.models import AuditEvent
from lde.partnerships import selectors, services
from lde.partnerships.models import PartnerOrganisation, Role, StrategicPost
from lde.sharing import services as sharing_services
from lde.sharing.models import BriefingProduct, ProductStatus
from tests.conftest import sign_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    PostHoldingFactory,
    UserFactory,
)
from tests.sharing.builders import Gateway, gateway, grant, released, vet

pytestmark = pytest.mark.django_db


@dataclass
class World:
    g: Gateway
    product: BriefingProduct
    bcu_officer: User
    named: Post
    chief: Post


def _hold(post: Post, user: User) -> None:
    PostHoldingFactory(post=post, user=user)
    facts_forget(user)


def world() -> World:
    """Five strategic posts: the chief executive (held by a reader who acknowledged: covered),
    the lead councillor (held by someone without clearance: cannot see), the BCU commander
    (held by a cleared BCU officer the list does not name: not on the list), a post the
    coordinator named (held by the coordinator, who has not acknowledged), and a post the
    council flagged strategic that nobody holds (vacant)."""
    g = gateway()
    bcu = OrganisationFactory(name="Test BCU", type=OrganisationType.POLICE_BCU)
    g.partnership.police_bcus.add(bcu)
    PartnerOrganisation.objects.create(partnership=g.partnership, organisation=bcu)
    g.protocol.parties.add(bcu)
    bcu_officer = MembershipFactory(
        partnership=g.partnership, role=Role.BOARD_MEMBER, user__organisation=bcu
    ).user
    vet(bcu_officer)
    grant(bcu_officer, g.caveat, g.recorder)
    chief = PostFactory(organisation=g.council, kind=PostKind.CHIEF_EXECUTIVE, title="Chief Exec")
    _hold(chief, g.reader)
    _hold(PostFactory(organisation=g.council, kind=PostKind.LEAD_COUNCILLOR), g.uncleared)
    _hold(PostFactory(organisation=bcu, kind=PostKind.BCU_COMMANDER), bcu_officer)
    named = PostFactory(organisation=g.council, title="Head of Community Safety")
    _hold(named, g.council_approver)
    services.strategic_post_name(actor=g.council_approver, partnership=g.partnership, post=named)
    PostFactory(organisation=g.council, title="Cabinet Member", level=PostLevel.STRATEGIC)
    # Not strategic here: an ordinary post, and another partnership's chief executive.
    PostFactory(organisation=g.council, title="Officer")
    _hold(
        PostFactory(organisation=g.other_partnership.lead_council, kind=PostKind.CHIEF_EXECUTIVE),
        UserFactory(),
    )
    product = released(g)
    facts_forget(g.reader)
    sharing_services.product_acknowledge(actor=g.reader, product=product)
    # An old product nobody acknowledged is not among the latest: it does not count.
    old = released(g, title="Last year's briefing")
    BriefingProduct.objects.filter(pk=old.pk).update(
        released_on=timezone.localdate() - timedelta(days=120)
    )
    for user in User.objects.all():
        facts_forget(user)
    return World(g=g, product=product, bcu_officer=bcu_officer, named=named, chief=chief)


def _reasons(coverage: selectors.Coverage) -> dict[str, str]:
    return {row.post.title: row.status for row in coverage.rows}


def test_the_figure_for_a_constructed_world() -> None:
    w = world()
    coverage = selectors.briefing_coverage(partnership=w.g.partnership)
    reasons = _reasons(coverage)
    assert reasons.pop("Chief Exec") == "covered"
    assert reasons.pop("Head of Community Safety") == "not_acknowledged"
    assert reasons.pop("Cabinet Member") == "vacant"
    assert sorted(reasons.values()) == ["cannot_see", "not_listed"]
    assert (coverage.covered, coverage.total, coverage.percent) == (1, 5, 20)
    assert coverage.anything_released


def test_acknowledging_covers_and_losing_clearance_uncovers() -> None:
    w = world()
    facts_forget(w.g.council_approver)
    sharing_services.product_acknowledge(actor=w.g.council_approver, product=w.product)
    coverage = selectors.briefing_coverage(partnership=w.g.partnership)
    assert _reasons(coverage)["Head of Community Safety"] == "covered"
    assert coverage.covered == 2
    # The reader loses their clearance: at once they can no longer see it, so are not covered.
    w.g.reader.clearances.update(revoked_on=timezone.localdate())
    assert _reasons(selectors.briefing_coverage(partnership=w.g.partnership))["Chief Exec"] == (
        "cannot_see"
    )


def test_nothing_released_means_nothing_covered() -> None:
    w = world()
    BriefingProduct.objects.update(status=ProductStatus.WITHDRAWN)
    coverage = selectors.briefing_coverage(partnership=w.g.partnership)
    assert coverage.covered == 0 and not coverage.anything_released


def test_the_bulk_facts_are_the_single_user_facts() -> None:
    w = world()
    people = [w.g.reader, w.g.uncleared, w.bcu_officer, w.g.council_approver, w.g.author]
    many = selectors.user_facts_load_many(people)
    for person in people:
        assert many[person.pk] == selectors.user_facts_load(person)


def _queries(w: World) -> int:
    partnership = w.g.partnership
    with CaptureQueriesContext(connection) as context:
        selectors.briefing_coverage(partnership=partnership)
    return len(context.captured_queries)


def test_a_fixed_number_of_queries_whatever_the_posts_and_products() -> None:
    w = world()
    small = _queries(w)
    for n in range(6):
        post = PostFactory(organisation=w.g.council, title=f"Extra {n}", level=PostLevel.STRATEGIC)
        person = MembershipFactory(
            partnership=w.g.partnership, role=Role.VIEWER, user__organisation=w.g.council
        ).user
        vet(person)
        _hold(post, person)
    for n in range(3):
        released(w.g, title=f"Another briefing {n}")
    larger = selectors.briefing_coverage(partnership=w.g.partnership)
    assert larger.total == 11
    assert _queries(w) == small


def test_naming_and_unnaming_are_audited_and_kept_to_the_partnerships_posts() -> None:
    w = world()
    coordinator = w.g.council_approver
    assert AuditEvent.objects.filter(verb="STRATEGIC_POST_NAMED").count() == 1
    with pytest.raises(ValidationError):
        services.strategic_post_name(
            actor=coordinator, partnership=w.g.partnership, post=PostFactory()
        )
    assert services.strategic_post_unname(
        actor=coordinator, partnership=w.g.partnership, post=w.named
    )
    assert AuditEvent.objects.filter(verb="STRATEGIC_POST_UNNAMED").count() == 1
    assert not StrategicPost.objects.exists()
    assert selectors.briefing_coverage(partnership=w.g.partnership).total == 4


def _client(user: User) -> Client:
    facts_forget(user)
    return sign_in(Client(), user)


def test_the_page_shows_the_figure_and_why_to_its_readers_only() -> None:
    w = world()
    url = reverse("partnerships:briefing-coverage", args=[w.g.partnership.pk])
    page = _client(w.g.council_approver).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 of 5 strategic posts (20%)" in text
    assert "Not acknowledged" in text and "Vacant" in text
    assert w.g.uncleared.full_name in text
    # Nothing of the products: not their titles, not how many there are.
    assert w.product.title not in text
    assert _client(w.bcu_officer).get(url).status_code == 200
    for outsider in (w.g.reader, w.g.uncleared, w.g.author):
        assert _client(outsider).get(url).status_code == 404
    other = MembershipFactory(partnership=w.g.other_partnership, role=Role.COORDINATOR).user
    assert _client(other).get(url).status_code == 404
    # Linked from the partnership's navigation and from the sharing area.
    overview = _client(w.g.council_approver).get(
        reverse("partnerships:partnership-detail", args=[w.g.partnership.pk])
    )
    assert url in overview.content.decode()
    products = _client(w.g.council_approver).get(reverse("sharing:product-list"))
    assert url in products.content.decode()
    assert url not in _client(w.g.reader).get(reverse("sharing:product-list")).content.decode()


def test_the_coordinator_names_and_removes_posts_on_a_page() -> None:
    w = world()
    client = _client(w.g.council_approver)
    url = reverse("partnerships:strategic-posts", args=[w.g.partnership.pk])
    extra = PostFactory(organisation=w.g.council, title="Director of Children's Services")
    response = client.post(url, {"post": extra.pk})
    assert response.status_code == 302
    assert StrategicPost.objects.filter(post=extra).exists()
    assert "Director of Children" in client.get(url).content.decode()
    remove = reverse("partnerships:strategic-post-remove", args=[w.g.partnership.pk, extra.pk])
    assert client.post(remove).status_code == 302
    assert not StrategicPost.objects.filter(post=extra).exists()
    assert _client(w.bcu_officer).get(url).status_code == 403


def _api(user: User, path: str) -> Any:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="test")
    return Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})


def test_the_api_answers_with_the_same_policy() -> None:
    w = world()
    path = f"/partnerships/{w.g.partnership.pk}/coverage"
    response = _api(w.g.council_approver, path)
    assert response.status_code == 200
    body = response.json()
    assert (body["covered"], body["total"], body["percent"]) == (1, 5, 20)
    assert {row["reason"] for row in body["not_covered"]} == {
        "vacant",
        "cannot_see",
        "not_listed",
        "not_acknowledged",
    }
    assert set(body["not_covered"][0]) == {
        "post_id",
        "post_title",
        "organisation_name",
        "holder_name",
        "reason",
        "reason_label",
    }
    assert _api(w.g.reader, path).status_code == 404
    assert _api(w.g.author, path).status_code == 404


def test_the_demo_gives_harrowfield_a_believable_figure_and_is_idempotent() -> None:
    from lde.partnerships.demo import demo_build as foundation_demo
    from lde.partnerships.models import Partnership
    from lde.sharing.demo import demo_build

    foundation_demo()
    demo_build()
    harrowfield = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    first = selectors.briefing_coverage(partnership=harrowfield)
    events = AuditEvent.objects.count()
    demo_build()
    again = selectors.briefing_coverage(partnership=harrowfield)
    assert AuditEvent.objects.count() == events
    assert (again.covered, again.total) == (first.covered, first.total)
    # One of four: the coordinator's own post; the chief executive is not briefed on
    # everything, and the BCU commander and lead councillor posts are vacant.
    assert (first.covered, first.total) == (1, 4)
