"""Who may see and change organisations, posts, clearances, caveats and API tokens."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.accounts.models import (
    ApiToken,
    CaveatGrant,
    Clearance,
    Organisation,
    Post,
    PostKind,
    User,
)
from lde.core.access.facts import UserFacts
from lde.core.access.policy import NOTHING, Policy
from lde.core.access.roles import ALL_ROLES, READER_ROLES, Role, people_reached_q, reached

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
    facts: UserFacts, roles: tuple[str, ...], field: str, *, inspectors: bool = False
) -> Q:
    """Rows whose organisation (`field`) is a partner of a partnership the user reaches. The
    facts already hold the partner organisations of every partnership the user belongs to or
    inspects, so the filter is the same set `allows` reads, with no join to partnerships."""
    organisations = facts.organisations_of(reached(facts, roles, inspectors=inspectors))
    return Q(**{f"{field}__in": sorted(organisations)}) if organisations else NOTHING


def _security_contact_q(facts: UserFacts, org_ref: OuterRef) -> Q:
    from lde.accounts.models import PostHolding

    return Q(
        Exists(
            PostHolding.objects.filter(
                user_id=facts.user_id or 0,
                post__organisation_id=org_ref,
                # The same rule as the facts: a holder speaks only for their own organisation.
                user__organisation_id=org_ref,
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
            return Q(pk=facts.organisation_id) | _partner_of_reached(facts, ALL_ROLES, "pk")
        if action == "manage":
            if facts.is_site_administrator:
                return EVERYTHING
            return _partner_of_reached(facts, (Role.COORDINATOR,), "pk")
        return _security_contact_q(facts, OuterRef("pk"))


class PostPolicy(Policy[Post]):
    """view: people of the post's organisation, its security contact, readers of a partnership
    (or live inspectors) where the organisation is a partner, and site administrators for the
    security contact's posts, which they set.

    manage (create a post, change its holder): only the organisation's own people speak for its
    posts (`permissions.md`, "Authority over the facts the rules read") — a coordinator who works
    for it, or its security contact. Being a partner in the same partnership gives no say over
    another organisation's posts. The security contact's post is the exception: its holder is set
    by site administrators, at the organisation's written request, or handed on by the holder."""

    model = Post
    actions = ("view", "manage")
    who_can: ClassVar[dict[str, str]] = {
        "manage": "An organisation's posts are changed by its own people: a coordinator who works "
        "for it, or its security contact. The security contact's post is set by site "
        "administrators at the organisation's written request, or handed on by its holder."
    }

    def allows(self, facts: UserFacts, action: str, obj: Post) -> bool:
        if action == "view":
            return (
                obj.organisation_id == facts.organisation_id
                or obj.organisation_id in facts.security_contact_for
                or obj.organisation_id
                in facts.organisations_of(reached(facts, READER_ROLES, inspectors=True))
                or (facts.is_site_administrator and obj.kind == PostKind.SECURITY_CONTACT)
            )
        if obj.kind == PostKind.SECURITY_CONTACT:
            return facts.is_site_administrator or (obj.pk is not None and obj.pk in facts.post_ids)
        return obj.organisation_id == facts.organisation_id and speaks_for_own_organisation(facts)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("organisation_id")
        if action == "view":
            return (
                Q(organisation_id=facts.organisation_id)
                | _security_contact_q(facts, ref)
                | _partner_of_reached(facts, READER_ROLES, "organisation_id", inspectors=True)
                | (Q(kind=PostKind.SECURITY_CONTACT) if facts.is_site_administrator else NOTHING)
            )
        security_contact_post = Q(kind=PostKind.SECURITY_CONTACT) & (
            EVERYTHING if facts.is_site_administrator else Q(pk__in=sorted(facts.post_ids))
        )
        own = (
            ~Q(kind=PostKind.SECURITY_CONTACT) & Q(organisation_id=facts.organisation_id)
            if facts.organisation_id is not None and speaks_for_own_organisation(facts)
            else NOTHING
        )
        return security_contact_post | own


def speaks_for_own_organisation(facts: UserFacts) -> bool:
    """A coordinator anywhere, or the security contact, speaks for the organisation they work for
    (and for no other)."""
    return bool(facts.partnerships_with(Role.COORDINATOR)) or (
        facts.organisation_id in facts.security_contact_for
    )


def _records_for(
    facts: UserFacts, sponsor_id: int | None, user_id: int | None, user_organisation: int | None
) -> bool:
    """A clearance or caveat is sponsored by the person's own organisation and recorded by its
    security contact, who works for it too — never by anyone for themselves."""
    return (
        sponsor_id is not None
        and sponsor_id == user_organisation
        and sponsor_id == facts.organisation_id
        and sponsor_id in facts.security_contact_for
        and user_id != facts.user_id
    )


def _records_for_q(facts: UserFacts) -> Q:
    if facts.organisation_id is None or facts.organisation_id not in facts.security_contact_for:
        return NOTHING
    return (
        Q(sponsor_id=facts.organisation_id)
        & Q(user__organisation_id=facts.organisation_id)
        & ~Q(user_id=facts.user_id)
    )


def _revokes(facts: UserFacts, sponsor_id: int | None, user_id: int | None, revoked: bool) -> bool:
    """A clearance or caveat still in force is revoked by its sponsor's security contact, who
    works for the sponsor — also once the person has moved on, which is when it matters most —
    never by anyone for themselves."""
    return (
        not revoked
        and sponsor_id is not None
        and sponsor_id == facts.organisation_id
        and sponsor_id in facts.security_contact_for
        and user_id != facts.user_id
    )


def _revokes_q(facts: UserFacts) -> Q:
    if facts.organisation_id is None or facts.organisation_id not in facts.security_contact_for:
        return NOTHING
    return (
        Q(sponsor_id=facts.organisation_id) & Q(revoked_on__isnull=True) & ~Q(user_id=facts.user_id)
    )


class ClearancePolicy(Policy[Clearance]):
    """view: the person themselves, their sponsor's security contact, and coordinators of a
    partnership the person belongs to (who see level and expiry only).
    record: the sponsor's security contact, never for themselves.
    revoke: the sponsor's security contact, while it is not revoked, never their own."""

    model = Clearance
    actions = ("view", "record", "revoke")
    who_can: ClassVar[dict[str, str]] = {
        "record": "The sponsoring organisation's security contact records clearances; nobody "
        "records their own.",
        "revoke": "The sponsoring organisation's security contact revokes a clearance not "
        "already revoked; nobody revokes their own.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Clearance) -> bool:
        if action == "record":
            return _records_for(facts, obj.sponsor_id, obj.user_id, obj.user.organisation_id)
        if action == "revoke":
            return _revokes(facts, obj.sponsor_id, obj.user_id, obj.revoked_on is not None)
        if obj.user_id == facts.user_id or obj.sponsor_id in facts.security_contact_for:
            return True
        if not facts.partnerships_with(Role.COORDINATOR):
            return False
        coordinated_member = people_reached_q(facts, (Role.COORDINATOR,), OuterRef("pk"))
        return User.objects.filter(coordinated_member, pk=obj.user_id).exists()

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        sponsor = _security_contact_q(facts, OuterRef("sponsor_id"))
        if action == "record":
            return _records_for_q(facts)
        if action == "revoke":
            return _revokes_q(facts)
        coordinated_member = people_reached_q(facts, (Role.COORDINATOR,), OuterRef("user_id"))
        return Q(user_id=facts.user_id) | sponsor | coordinated_member


class CaveatGrantPolicy(Policy[CaveatGrant]):
    """view: the person themselves and their sponsor's security contact.
    record, revoke: as for clearances."""

    model = CaveatGrant
    actions = ("view", "record", "revoke")
    who_can: ClassVar[dict[str, str]] = {
        "record": "The sponsoring organisation's security contact records caveats; nobody "
        "records their own.",
        "revoke": "The sponsoring organisation's security contact revokes a caveat not already "
        "revoked; nobody revokes their own.",
    }

    def allows(self, facts: UserFacts, action: str, obj: CaveatGrant) -> bool:
        if action == "record":
            return _records_for(facts, obj.sponsor_id, obj.user_id, obj.user.organisation_id)
        if action == "revoke":
            return _revokes(facts, obj.sponsor_id, obj.user_id, obj.revoked_on is not None)
        return obj.user_id == facts.user_id or obj.sponsor_id in facts.security_contact_for

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        sponsor = _security_contact_q(facts, OuterRef("sponsor_id"))
        if action == "record":
            return _records_for_q(facts)
        if action == "revoke":
            return _revokes_q(facts)
        return Q(user_id=facts.user_id) | sponsor


SITE_ACCESS_WHO_CAN = (
    "Site administrators change a person's organisation, whether their account is active, and "
    "the site-wide grants (site administrator, national analyst); another site administrator "
    "changes their own."
)


class PersonPolicy(Policy[User]):
    """People in site administration (`permissions.md`, "Site administrators"): a national list
    that site administrators read, and the facts only they change — a person's organisation, the
    active flag and the site-wide grants. Nobody changes these for themselves: an administrator's
    own are changed by another administrator, so no one can lift their own access."""

    model = User
    actions = ("view", "change_access")
    who_can: ClassVar[dict[str, str]] = {
        "view": "Site administrators see the list of people.",
        "change_access": SITE_ACCESS_WHO_CAN,
    }

    def allows(self, facts: UserFacts, action: str, obj: User) -> bool:
        if action == "view":
            return facts.is_site_administrator
        return facts.is_site_administrator and obj.pk != facts.user_id

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if not facts.is_site_administrator:
            return NOTHING
        if action == "view":
            return EVERYTHING
        return ~Q(pk=facts.user_id)


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
person_policy = PersonPolicy()
