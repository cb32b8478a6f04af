"""Factories for tests: small worlds of organisations, people, partnerships and roles."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from lde.accounts.models import (
    Clearance,
    Organisation,
    OrganisationType,
    Post,
    PostHolding,
    PostKind,
    User,
)
from lde.partnerships.models import (
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Partnership,
    Region,
    Role,
)

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.COUNCIL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    lead_council = factory.SubFactory(OrganisationFactory)
    region = Region.LONDON
    area_gss_codes = factory.LazyFunction(lambda: ["E09999999"])

    @factory.post_generation
    def lead_council_partner(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            PartnerOrganisation.objects.get_or_create(
                partnership=self, organisation=self.lead_council
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.VIEWER


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    kind = AssignmentKind.INSPECTOR
    title = "Inspection"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))

    @factory.post_generation
    def partnerships(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.partnerships.set(extracted)  # type: ignore[arg-type]


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    organisation = factory.SubFactory(OrganisationFactory)
    kind = PostKind.OTHER
    title = factory.Sequence(lambda n: f"Post {n}")


class PostHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostHolding

    post = factory.SubFactory(PostFactory)
    user = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class ClearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clearance

    user = factory.SubFactory(UserFactory)
    level = 30
    granted_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))
    sponsor = factory.SubFactory(OrganisationFactory)
    recorded_by = factory.SubFactory(UserFactory)
