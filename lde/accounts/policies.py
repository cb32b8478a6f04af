"""Who may see and change organisations, posts, clearances, caveats and API tokens."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.accounts.models import ApiToken, CaveatGrant, Clearance, Organisation, Post, PostKind
from lde.core.access.facts import UserFacts
from lde.core.access.policy import NOTHING, Policy
from lde.partnerships.models import Membership, PartnerOrganisation, Role
from lde.partnerships.reach import ALL_ROLES, READER_ROLES, reach_q, reached

EVERYTHING = ~Q(pk=None)


def reads_register(facts: UserFacts) -> bool:
    """The organisations register is read by members other than community reviewers, inspectors,
    national analysts and site administrators."""
    return bool(
        facts.is_site_administrator
        or facts.is_national_analyst
        or facts.partnerships_with(*READER_ROLES)
        or facts.inspected
    )


def _partner_of_reached(
    facts: UserFacts, roles: tuple[str, ...], org_ref: OuterRef, *, inspectors: bool = False
) -> Q:
    links = PartnerOrganisation.objects.filter(organisation_id=org_ref)
    return Q(
        Exists(
            links.filter(reach_q(facts, roles, OuterRef("partnership_id"), inspectors=inspectors))
        )
    )


def _security_contact_q(facts: UserFacts, org_ref: OuterRef) -> Q:
    from lde.accounts.models import PostHolding

    return Q(
        Exists(
            PostHolding.objects.filter(
                user_id=facts.user_id or 0,
                post__organisation_id=org_ref,
                post__kind=PostKind.SECURITY_CONTACT,
                started_on__lte=facts.today,
            ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=facts.today))
        )
    )


class OrganisationPolicy(Policy[Organisation]):
    model = Organisation
    actions = ("view", "manage", "manage_clearances")
    who_can: ClassVar[dict[str, str]] = {
        "manage": "Site administrators, and coordinators of a partnership the organisation "
        "belongs to, can change it.",
        "manage_clearances": "The organisation's security contact records its people's "
        "clearances and caveats.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Organisation) -> bool:
        if action == "view":
            return (
                reads_register(facts)
                or obj.pk == facts.organisation_id
                or obj.pk in facts.organisations_of(facts.member_of)
            )
        if action == "manage":
            return facts.is_site_administrator or obj.pk in facts.organisations_of(
                facts.partnerships_with(Role.COORDINATOR)
            )
        return obj.pk in facts.security_contact_for

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            if reads_register(facts):
                return EVERYTHING
            return Q(pk=facts.organisation_id) | _partner_of_reached(
                facts, ALL_ROLES, OuterRef("pk")
            )
        if action == "manage":
            if facts.is_site_administrator:
                return EVERYTHING
            return _partner_of_reached(facts, (Role.COORDINATOR,), OuterRef("pk"))
        return _security_contact_q(facts, OuterRef("pk"))


class PostPolicy(Policy[Post]):
    model = Post
    actions = ("view", "manage")
    who_can: ClassVar[dict[str, str]] = {
        "manage": "Coordinators of a partnership the organisation belongs to can change its "
        "posts and their holders."
    }

    def allows(self, facts: UserFacts, action: str, obj: Post) -> bool:
        if action == "view":
            return (
                obj.organisation_id == facts.organisation_id
                or obj.organisation_id in facts.security_contact_for
                or obj.organisation_id
                in facts.organisations_of(reached(facts, READER_ROLES, inspectors=True))
            )
        return obj.organisation_id in facts.organisations_of(
            facts.partnerships_with(Role.COORDINATOR)
        )

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("organisation_id")
        if action == "view":
            return (
                Q(organisation_id=facts.organisation_id)
                | _security_contact_q(facts, ref)
                | _partner_of_reached(facts, READER_ROLES, ref, inspectors=True)
            )
        return _partner_of_reached(facts, (Role.COORDINATOR,), ref)


class ClearancePolicy(Policy[Clearance]):
    """view: the person themselves, their sponsor's security contact, and coordinators of a
    partnership the person belongs to (who see level and expiry only).
    record: the sponsor's security contact, never for themselves."""

    model = Clearance
    actions = ("view", "record")
    who_can: ClassVar[dict[str, str]] = {
        "record": "The sponsoring organisation's security contact records clearances; nobody "
        "records their own."
    }

    def allows(self, facts: UserFacts, action: str, obj: Clearance) -> bool:
        if action == "record":
            return obj.sponsor_id in facts.security_contact_for and obj.user_id != facts.user_id
        if obj.user_id == facts.user_id or obj.sponsor_id in facts.security_contact_for:
            return True
        coordinated = facts.partnerships_with(Role.COORDINATOR)
        return (
            bool(coordinated)
            and Membership.objects.filter(
                user_id=obj.user_id, partnership_id__in=coordinated
            ).exists()
        )

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        sponsor = _security_contact_q(facts, OuterRef("sponsor_id"))
        if action == "record":
            return sponsor & ~Q(user_id=facts.user_id)
        coordinated_member = Exists(
            Membership.objects.filter(user_id=OuterRef("user_id")).filter(
                reach_q(facts, (Role.COORDINATOR,), OuterRef("partnership_id"))
            )
        )
        return Q(user_id=facts.user_id) | sponsor | Q(coordinated_member)


class CaveatGrantPolicy(Policy[CaveatGrant]):
    model = CaveatGrant
    actions = ("view", "record")

    def allows(self, facts: UserFacts, action: str, obj: CaveatGrant) -> bool:
        if action == "record":
            return obj.sponsor_id in facts.security_contact_for and obj.user_id != facts.user_id
        return obj.user_id == facts.user_id or obj.sponsor_id in facts.security_contact_for

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        sponsor = _security_contact_q(facts, OuterRef("sponsor_id"))
        if action == "record":
            return sponsor & ~Q(user_id=facts.user_id)
        return Q(user_id=facts.user_id) | sponsor


class ApiTokenPolicy(Policy[ApiToken]):
    """A token is its owner's alone."""

    model = ApiToken
    actions = ("view", "revoke")

    def allows(self, facts: UserFacts, action: str, obj: ApiToken) -> bool:
        return obj.user_id == facts.user_id

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return Q(user_id=facts.user_id) if facts.user_id is not None else NOTHING


organisation_policy = OrganisationPolicy()
post_policy = PostPolicy()
clearance_policy = ClearancePolicy()
caveat_grant_policy = CaveatGrantPolicy()
api_token_policy = ApiTokenPolicy()
