"""The gateway generator of `lde bench sharing`, at a tiny size: what it reports is what it wrote,
the products look like the gateway makes them, the readers are of the kinds the benchmark says,
and the filter and the per-object check the benchmark compares agree. (The benchmark itself never
runs in the suite.)"""

from __future__ import annotations

import pytest

from benchmarks.national import NationalWorld, generate_national
from benchmarks.sharing import _per_object
from benchmarks.sharing_data import SharingWorld, generate_sharing
from lde.accounts.models import Caveat, CaveatGrant, Clearance, User
from lde.core.access.facts import facts_for
from lde.core.access.markings import VettingLevel
from lde.sharing.models import (
    READABLE_STATUSES,
    WORKING_STATUSES,
    Acknowledgement,
    BriefingProduct,
    DisseminationEntry,
    PersonKind,
    ProductPerson,
    ProductStatus,
    Protocol,
)
from lde.sharing.policies import product_policy

pytestmark = pytest.mark.django_db

PRODUCTS = 300


@pytest.fixture
def worlds() -> tuple[NationalWorld, SharingWorld]:
    world = generate_national(partnerships=12, users=200, seed=1)  # today, as facts read it
    return world, generate_sharing(world, products=PRODUCTS)


def test_counts_it_reports_are_the_rows_in_the_database(
    worlds: tuple[NationalWorld, SharingWorld],
) -> None:
    world, made = worlds
    in_database = {
        "accounts.Caveat": Caveat.objects.count(),
        "accounts.CaveatGrant": CaveatGrant.objects.count(),
        "accounts.Clearance": Clearance.objects.count(),
        "sharing.Protocol": Protocol.objects.count(),
        "sharing.Protocol_parties": Protocol.parties.through.objects.count(),
        "sharing.Protocol_controllers": Protocol.controllers.through.objects.count(),
        "sharing.BriefingProduct": BriefingProduct.objects.count(),
        "sharing.BriefingProduct_recipients": BriefingProduct.recipients.through.objects.count(),
        "sharing.BriefingProduct_caveats": BriefingProduct.caveats.through.objects.count(),
        "sharing.DisseminationEntry": DisseminationEntry.objects.count(),
        "sharing.ProductPerson": ProductPerson.objects.count(),
        "sharing.Acknowledgement": Acknowledgement.objects.count(),
    }
    assert {label: world.counts[label] for label in in_database} == in_database
    assert made.products == PRODUCTS == in_database["sharing.BriefingProduct"]
    assert {label: world.counts[label] for label in EXPECTED} == EXPECTED


def test_the_products_look_like_the_gateway_makes_them(
    worlds: tuple[NationalWorld, SharingWorld],
) -> None:
    statuses = set(BriefingProduct.objects.values_list("status", flat=True))
    assert statuses == set(ProductStatus.values)
    for product in BriefingProduct.objects.prefetch_related("recipients", "dissemination"):
        assert product.recipients.all(), product.pk
        assert product.dissemination.all(), product.pk
        assert (product.released_at is None) == (product.status in WORKING_STATUSES)
    authors = ProductPerson.objects.filter(kind=PersonKind.AUTHOR).select_related("user", "product")
    assert authors.count() == PRODUCTS
    assert all(a.user.organisation_id == a.product.producing_organisation_id for a in authors)
    held = BriefingProduct.objects.filter(held_elsewhere=True)
    assert set(held.values_list("summary", "body", "marking__code")) <= {("", "", "secret")}
    # Markings and caveats as the product form offers them: what the author is cleared for.
    _, made = worlds
    changed = {made.readers["cleared"], made.readers["uncleared"]}
    for person in authors.exclude(user_id__in=changed).select_related("product__marking__maps_to"):
        facts = facts_for(person.user)
        product = person.product
        assert facts.clearance >= product.marking.current.required_vetting, product.pk
        assert set(product.caveats.values_list("code", flat=True)) <= facts.caveats, product.pk
    superseded = BriefingProduct.objects.filter(status=ProductStatus.SUPERSEDED)
    assert superseded.count() == BriefingProduct.objects.filter(supersedes__isnull=False).count()
    assert all(p.superseded_by.version == 2 for p in superseded)


def test_readers_of_every_kind_each_see_products_and_both_ways_agree(
    worlds: tuple[NationalWorld, SharingWorld],
) -> None:
    _, made = worlds
    assert set(made.readers) == {
        "coordinator",
        "board_member",
        "viewer",
        "cleared",
        "uncleared",
        "author",
    }
    assert len(set(made.readers.values())) == 6  # six different people
    cleared = facts_for(User.objects.get(pk=made.readers["cleared"]))
    assert cleared.clearance == VettingLevel.SC
    assert cleared.caveats == frozenset(made.caveat_codes)
    uncleared = facts_for(User.objects.get(pk=made.readers["uncleared"]))
    assert (uncleared.clearance, uncleared.caveats) == (0, frozenset())
    assert made.partnership_id in cleared.roles and made.partnership_id in uncleared.roles
    for kind, user_id in made.readers.items():
        user = User.objects.get(pk=user_id)
        assert product_policy.visible_to(user, "view").exists(), kind
        found = _per_object(user, runs=1)  # raises if the filter and the check disagree
        assert found["visible"] <= found["candidates"]
    author = User.objects.get(pk=made.readers["author"])
    assert (
        product_policy.visible_to(author, "view")
        .exclude(status__in=READABLE_STATUSES)
        .filter(people__user=author)
        .exists()
    )


# Seed 1, 12 partnerships, 200 users, 300 products. Changing the generator on purpose means
# updating these.
EXPECTED: dict[str, int] = {
    "accounts.Caveat": 3,
    "accounts.CaveatGrant": 20,
    "sharing.Protocol": 21,
    "sharing.Protocol_parties": 239,
    "sharing.Protocol_controllers": 21,
    "sharing.BriefingProduct": 300,
    "sharing.BriefingProduct_recipients": 367,
    "sharing.BriefingProduct_caveats": 15,
    "sharing.DisseminationEntry": 855,
    "sharing.ProductPerson": 360,
    "sharing.Acknowledgement": 265,
}
