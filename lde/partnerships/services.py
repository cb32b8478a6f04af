"""Writes to partnerships, alliances, memberships and assignments. Each is audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.module_loading import import_string

from lde.accounts.models import (
    GSS_CODE_PATTERN,
    Organisation,
    OrganisationType,
    Post,
    PostHolding,
    PostKind,
    User,
)
from lde.accounts.selectors import live_holding_q
from lde.accounts.services import api_tokens_revoke_for_roles_changed, user_create
from lde.core.access.facts import facts_for, facts_forget
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.refusals import Conflict
from lde.partnerships.models import (
    Alliance,
    Assignment,
    Membership,
    PartnerOrganisation,
    Partnership,
    Role,
    StrategicPost,
)
from lde.partnerships.policies import alliance_policy, partnership_policy
from lde.partnerships.selectors import partner_organisation_dependents


def _require_site_administrator(actor: User | None) -> None:
    if actor is not None and not facts_for(actor).is_site_administrator:
        raise PermissionDenied("Only site administrators can do this.")


def _require_assignment_authority(
    actor: User | None, *, kind: str, partnerships: list[Partnership], subject_reference: str
) -> None:
    """Site administrators, or whoever a hook in `LDE_ASSIGNMENT_AUTHORITIES` answers for."""
    if actor is None or facts_for(actor).is_site_administrator:
        return
    ids = [p.pk for p in partnerships]
    for path in getattr(settings, "LDE_ASSIGNMENT_AUTHORITIES", ()):
        if import_string(path)(
            actor=actor, kind=kind, partnership_ids=ids, subject_reference=subject_reference
        ):
            return
    raise PermissionDenied("Only site administrators can do this.")


@transaction.atomic
def partnership_create(
    *,
    actor: User | None,
    name: str,
    lead_council: Organisation,
    region: str,
    area_gss_codes: Iterable[str] = (),
    police_bcus: Iterable[Organisation] = (),
    first_coordinator: User | None = None,
) -> Partnership:
    """Site administrators create partnerships and name the first coordinator."""
    _require_site_administrator(actor)
    partnership = Partnership(
        name=name, lead_council=lead_council, region=region, area_gss_codes=list(area_gss_codes)
    )
    partnership.full_clean()
    partnership.save()
    bcus = list(police_bcus)
    partnership.police_bcus.set(bcus)
    for organisation in [lead_council, *bcus]:
        PartnerOrganisation.objects.get_or_create(
            partnership=partnership, organisation=organisation
        )
    audit_record(
        actor=actor,
        verb="PARTNERSHIP_CREATED",
        target=partnership,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes={"name": name, "lead_council": lead_council.pk, "region": region},
    )
    if first_coordinator is not None:
        _membership_add(
            actor=actor,
            partnership=partnership,
            user=first_coordinator,
            role=Role.COORDINATOR,
            organisation=first_coordinator.organisation,
        )
    return partnership


def _gss_codes_clean(codes: Iterable[str], *, partnership: Partnership | None) -> list[str]:
    """The areas' GSS codes in capitals, each once; refused when one is not a GSS code, is
    given twice, or is an area another partnership already covers (one partnership per area, or
    the figures across partnerships would count it twice)."""
    cleaned = [str(c).strip().upper() for c in codes if str(c).strip()]
    bad = [c for c in cleaned if not re.match(GSS_CODE_PATTERN, c)]
    if bad:
        raise ValidationError(
            {
                "area_gss_codes": "Enter GSS codes of a letter and 8 digits, like E08000025 "
                f"(not {', '.join(bad[:5])})"
            }
        )
    twice = sorted({c for c in cleaned if cleaned.count(c) > 1})
    if twice:
        raise ValidationError(
            {"area_gss_codes": f"Enter each area once ({', '.join(twice)} is given twice)"}
        )
    new = set(cleaned) - set(partnership.area_gss_codes if partnership else [])
    if new:
        others = Partnership.objects.all()
        if partnership is not None:
            others = others.exclude(pk=partnership.pk)
        for other in others.only("name", "area_gss_codes").order_by("name"):
            taken = sorted(new & set(other.area_gss_codes or []))
            if taken:
                raise ValidationError(
                    {"area_gss_codes": f"{', '.join(taken)} is already covered by {other.name}"}
                )
    return cleaned


@transaction.atomic
def partnership_edit(
    *,
    actor: User | None,
    partnership: Partnership,
    name: str,
    lead_council: Organisation,
    region: str,
    area_gss_codes: Iterable[str],
    police_bcus: Iterable[Organisation],
) -> Partnership:
    """Site administrators change a partnership's own facts: its name, lead council, region,
    areas and police basic command units. A new lead council or BCU becomes a partner
    organisation, as at creation; one no longer named stays a partner (its posts, members and
    protocols stay with it) until the coordinators decide otherwise."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if actor is not None:
        partnership_policy.require(actor, "administer", partnership)
    name = name.strip()
    if Partnership.objects.filter(name__iexact=name).exclude(pk=partnership.pk).exists():
        raise ValidationError({"name": "A partnership with this name already exists"})
    if lead_council.type != OrganisationType.COUNCIL:
        raise ValidationError({"lead_council": "Choose a council"})
    bcus = list(police_bcus)
    if any(bcu.type != OrganisationType.POLICE_BCU for bcu in bcus):
        raise ValidationError({"police_bcus": "Choose police basic command units only"})
    codes = _gss_codes_clean(area_gss_codes, partnership=partnership)
    before = {
        "name": partnership.name,
        "lead_council": partnership.lead_council_id,
        "region": partnership.region,
        "area_gss_codes": list(partnership.area_gss_codes or []),
        "police_bcus": sorted(partnership.police_bcus.values_list("pk", flat=True)),
    }
    after = {
        "name": name,
        "lead_council": lead_council.pk,
        "region": region,
        "area_gss_codes": codes,
        "police_bcus": sorted(bcu.pk for bcu in bcus),
    }
    changed = {key: value for key, value in after.items() if before[key] != value}
    if not changed:
        return partnership
    partnership.name = name
    partnership.lead_council = lead_council
    partnership.region = region
    partnership.area_gss_codes = codes
    partnership.full_clean()
    partnership.save()
    partnership.police_bcus.set(bcus)
    for organisation in [lead_council, *bcus]:
        PartnerOrganisation.objects.get_or_create(
            partnership=partnership, organisation=organisation
        )
    audit_record(
        actor=actor,
        verb="PARTNERSHIP_CHANGED",
        target=partnership,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes=changed,
    )
    return partnership


@transaction.atomic
def partner_organisation_add(
    *, actor: User | None, partnership: Partnership, organisation: Organisation
) -> PartnerOrganisation:
    if actor is not None:
        partnership_policy.require(actor, "manage", partnership)
    link, created = PartnerOrganisation.objects.get_or_create(
        partnership=partnership, organisation=organisation
    )
    if created:
        audit_record(
            actor=actor,
            verb="PARTNER_ORGANISATION_ADDED",
            target=link,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=partnership.pk,
            changes={"organisation": organisation.pk},
        )
    return link


@transaction.atomic
def partner_organisation_remove(
    *, actor: User | None, partnership: Partnership, organisation: Organisation
) -> None:
    """Coordinators take an organisation out of their partnership: those who add partners
    (`manage`) take them out. Refused, counting and naming each, while anything still depends
    on its place there (its roles, its named strategic posts, the lead council or a BCU, an
    open action it owns …: `selectors.partner_organisation_dependents`), so that nothing is
    left pointing at an organisation that is no longer a partner and every ending is its own
    audited act by whoever owns it (ADR 0028). Finished records that name it stay as they are."""
    # The partnership's row is locked so that a role given to someone of the organisation, or a
    # post named, cannot slip in between the count and the removal.
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if actor is not None:
        partnership_policy.require(actor, "manage", partnership)
    link = PartnerOrganisation.objects.filter(
        partnership=partnership, organisation=organisation
    ).first()
    if link is None:
        raise ValidationError(
            {"organisation": f"{organisation.name} is not a partner of {partnership.name}"}
        )
    dependents = partner_organisation_dependents(partnership=partnership, organisation=organisation)
    if dependents:
        raise ValidationError({"organisation": dependents})
    audit_record(
        actor=actor,
        verb="PARTNER_ORGANISATION_REMOVED",
        target=link,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes={"organisation": organisation.pk},
    )
    link.delete()
    # What the actor reaches through the partnership's organisations has changed.
    facts_forget(actor)


def _membership_add(
    *,
    actor: User | None,
    partnership: Partnership,
    user: User,
    role: str,
    organisation: Organisation | None,
) -> Membership:
    if Membership.objects.filter(user=user, partnership=partnership, role=role).exists():
        raise Conflict({"role": f"{user} already has this role in {partnership}."})
    membership = Membership.objects.create(
        user=user, partnership=partnership, role=role, organisation=organisation
    )
    if organisation is not None:
        PartnerOrganisation.objects.get_or_create(
            partnership=partnership, organisation=organisation
        )
    facts_forget(user)
    api_tokens_revoke_for_roles_changed(actor=actor, user=user, reason="MEMBERSHIP_CREATED")
    audit_record(
        actor=actor,
        verb="MEMBERSHIP_CREATED",
        target=membership,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes={"user": user.pk, "role": role},
    )
    return membership


SELF_ROLE_WHO_CAN = "Another coordinator of the partnership changes your roles."
VOUCHING_WHO_CAN = (
    "An organisation with a security contact adds its own people: a coordinator who works for "
    "it invites them. Invite someone who already has an account, or ask that organisation."
)


def _require_may_vouch(*, actor: User, organisation: Organisation) -> None:
    """Who may make an account for a person of `organisation`. A coordinator vouches for the
    people of their own organisation, and for those of a partner with nobody on the platform to
    speak for it (no security contact); an organisation with a security contact speaks for its
    own people, so nobody elsewhere can invent one of them."""
    if organisation.pk == actor.organisation_id:
        return
    vouched = PostHolding.objects.filter(
        live_holding_q(facts_for(actor).today),
        post__organisation=organisation,
        post__kind=PostKind.SECURITY_CONTACT,
    ).exists()
    if vouched:
        raise PermissionDenied403(
            f"You cannot add a new person for {organisation.name}.", who_can=VOUCHING_WHO_CAN
        )


@transaction.atomic
def membership_invite(
    *,
    actor: User | None,
    partnership: Partnership,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation | None = None,
) -> Membership:
    """Give someone a role, creating their account if they have none yet.

    A new account has no usable password: they set one through the reset link they are sent.
    """
    if actor is not None:
        partnership_policy.require(actor, "manage", partnership)
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if actor is not None and user is not None and user.pk == actor.pk:
        raise PermissionDenied403("You cannot give yourself a role.", who_can=SELF_ROLE_WHO_CAN)
    if user is None:
        if actor is not None and organisation is not None:
            _require_may_vouch(actor=actor, organisation=organisation)
        user = user_create(actor=actor, email=email, full_name=full_name, organisation=organisation)
    elif organisation is not None and organisation.pk != user.organisation_id:
        # A person represents the organisation they work for: naming another would let a
        # partnership borrow that organisation's place on dissemination lists and protocols.
        raise ValidationError(
            {
                "organisation": f"{user.full_name} works for "
                f"{user.organisation.name if user.organisation else 'no organisation'}: choose "
                "that organisation, or leave it blank"
            }
        )
    return _membership_add(
        actor=actor, partnership=partnership, user=user, role=role, organisation=organisation
    )


@transaction.atomic
def membership_change_role(*, actor: User | None, membership: Membership, role: str) -> Membership:
    if actor is not None:
        partnership_policy.require(actor, "manage", membership.partnership)
        if membership.user_id == actor.pk:
            raise PermissionDenied403("You cannot change your own role.", who_can=SELF_ROLE_WHO_CAN)
    if membership.role == role:
        return membership
    _guard_last_coordinator(membership)
    if Membership.objects.filter(
        user_id=membership.user_id, partnership_id=membership.partnership_id, role=role
    ).exists():
        raise Conflict({"role": "They already hold this role."})
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    facts_forget(membership.user)
    api_tokens_revoke_for_roles_changed(
        actor=actor, user=membership.user, reason="MEMBERSHIP_ROLE_CHANGED"
    )
    audit_record(
        actor=actor,
        verb="MEMBERSHIP_ROLE_CHANGED",
        target=membership,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=membership.partnership_id,
        changes={"role": role},
    )
    return membership


def _guard_last_coordinator(membership: Membership) -> None:
    if membership.role != Role.COORDINATOR:
        return
    others = Membership.objects.filter(
        partnership_id=membership.partnership_id, role=Role.COORDINATOR
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            {"role": "A partnership needs at least one coordinator. Add another first."}
        )


@transaction.atomic
def membership_remove(*, actor: User | None, membership: Membership) -> None:
    if actor is not None:
        partnership_policy.require(actor, "manage", membership.partnership)
    _guard_last_coordinator(membership)
    audit_record(
        actor=actor,
        verb="MEMBERSHIP_REMOVED",
        target=membership,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=membership.partnership_id,
        changes={"user": membership.user_id, "role": membership.role},
    )
    facts_forget(membership.user)
    api_tokens_revoke_for_roles_changed(
        actor=actor, user=membership.user, reason="MEMBERSHIP_REMOVED"
    )
    membership.delete()


@transaction.atomic
def alliance_create(
    *, actor: User | None, name: str, partnerships: Iterable[Partnership], purpose: str = ""
) -> Alliance:
    if actor is not None:
        alliance_policy.require_in(actor, "create", None, message="You cannot create alliances.")
    members = list(partnerships)
    if len(members) < 2:
        raise ValidationError({"partnerships": "An alliance joins two or more partnerships."})
    name = name.strip()
    if Alliance.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "An alliance with this name already exists"})
    alliance = Alliance(name=name, purpose=purpose.strip())
    alliance.full_clean()
    alliance.save()
    alliance.partnerships.set(members)
    audit_record(
        actor=actor,
        verb="ALLIANCE_CREATED",
        target=alliance,
        scope=AuditScope.SITE,
        changes={"name": name, "partnerships": [p.pk for p in members]},
    )
    return alliance


ALLIANCE_AT_LEAST_TWO = "An alliance joins two or more partnerships."


def _alliance_member_audit(
    *, actor: User | None, verb: str, alliance: Alliance, partnership: Partnership
) -> None:
    """Recorded twice: in the site's trail, and in the partnership's, whose coordinators see
    that they joined or left an alliance (and so its pooled pot, ADR 0015)."""
    for scope, partnership_id in (
        (AuditScope.SITE, None),
        (AuditScope.PARTNERSHIP, partnership.pk),
    ):
        audit_record(
            actor=actor,
            verb=verb,
            target=alliance,
            scope=scope,
            partnership_id=partnership_id,
            changes={"partnership": partnership.pk},
        )


@transaction.atomic
def alliance_partnership_add(
    *, actor: User | None, alliance: Alliance, partnership: Partnership
) -> Alliance:
    """Site administrators add a partnership to an alliance. Its coordinators and board members
    then see the alliance's pooled pot, and its coordinators may spend it (ADR 0015)."""
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    if actor is not None:
        alliance_policy.require(actor, "manage", alliance)
    if alliance.partnerships.filter(pk=partnership.pk).exists():
        raise Conflict({"partnership": f"{partnership.name} is already in {alliance.name}."})
    alliance.partnerships.add(partnership)
    _alliance_member_audit(
        actor=actor, verb="ALLIANCE_PARTNERSHIP_ADDED", alliance=alliance, partnership=partnership
    )
    return alliance


@transaction.atomic
def alliance_partnership_remove(
    *, actor: User | None, alliance: Alliance, partnership: Partnership
) -> Alliance:
    """Site administrators take a partnership out of an alliance, which keeps two or more. What
    the partnership put into the alliance's pots stays recorded; its people no longer see them."""
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    if actor is not None:
        alliance_policy.require(actor, "manage", alliance)
    members = set(alliance.partnerships.values_list("pk", flat=True))
    if partnership.pk not in members:
        raise ValidationError({"partnership": f"{partnership.name} is not in {alliance.name}."})
    if len(members) <= 2:
        raise ValidationError(
            {
                "partnership": f"{ALLIANCE_AT_LEAST_TWO} Add another partnership to "
                f"{alliance.name} before taking {partnership.name} out."
            }
        )
    alliance.partnerships.remove(partnership)
    _alliance_member_audit(
        actor=actor,
        verb="ALLIANCE_PARTNERSHIP_REMOVED",
        alliance=alliance,
        partnership=partnership,
    )
    return alliance


@transaction.atomic
def assignment_create(
    *,
    actor: User | None,
    user: User,
    kind: str,
    title: str,
    partnerships: Iterable[Partnership],
    starts_on: date,
    ends_on: date,
    subject_reference: str = "",
) -> Assignment:
    """Assign an inspector or peer reviewer. Access ends on `ends_on` by itself. Nobody assigns
    themselves, and the partnership's coordinators see the assignment on their home page at once.
    Site administrators assign anyone; an app above this one may let others assign what is theirs
    to give (`LDE_ASSIGNMENT_AUTHORITIES`: a programme lead, an inspector to a site of their own
    programme), asked through a hook so that this app imports none of them."""
    targets = list(partnerships)
    _require_assignment_authority(
        actor, kind=kind, partnerships=targets, subject_reference=subject_reference
    )
    if actor is not None and user.pk == actor.pk:
        raise PermissionDenied403(
            "You cannot assign yourself.",
            who_can="Another site administrator assigns you, and the partnership's coordinators "
            "see it.",
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    if not targets:
        raise ValidationError({"partnerships": "Choose at least one partnership."})
    assignment = Assignment.objects.create(
        user=user,
        kind=kind,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        subject_reference=subject_reference,
        granted_by=actor,
    )
    assignment.partnerships.set(targets)
    facts_forget(user)
    api_tokens_revoke_for_roles_changed(actor=actor, user=user, reason="ASSIGNMENT_CREATED")
    for partnership in targets:
        audit_record(
            actor=actor,
            verb="ASSIGNMENT_CREATED",
            target=assignment,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=partnership.pk,
            changes={"user": user.pk, "kind": kind, "ends_on": ends_on},
        )
    return assignment


@transaction.atomic
def assignment_subject_set(
    *, actor: User | None, assignment: Assignment, subject_reference: str
) -> Assignment:
    """Name what a peer reviewer is assigned to review (for example "assessment:12"). Their
    access follows the new subject at once."""
    _require_site_administrator(actor)
    if actor is not None and assignment.user_id == actor.pk:
        raise PermissionDenied403(
            "You cannot change your own assignment.",
            who_can="Another site administrator changes it.",
        )
    subject_reference = subject_reference.strip()
    if assignment.subject_reference == subject_reference:
        return assignment
    assignment.subject_reference = subject_reference
    assignment.save(update_fields=["subject_reference", "updated_at"])
    facts_forget(assignment.user)
    for partnership in assignment.partnerships.all():
        audit_record(
            actor=actor,
            verb="ASSIGNMENT_SUBJECT_CHANGED",
            target=assignment,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=partnership.pk,
            changes={"subject_reference": subject_reference},
        )
    return assignment


def _require_partner_post(partnership: Partnership, post: Post) -> None:
    if not PartnerOrganisation.objects.filter(
        partnership=partnership, organisation_id=post.organisation_id
    ).exists():
        raise ValidationError({"post": "Choose a post of one of the partnership's organisations."})


@transaction.atomic
def strategic_post_name(
    *, actor: User | None, partnership: Partnership, post: Post
) -> StrategicPost:
    """Coordinators name a partner organisation's post as strategic for briefing coverage."""
    if actor is not None:
        partnership_policy.require(actor, "manage", partnership)
    _require_partner_post(partnership, post)
    named, created = StrategicPost.objects.get_or_create(
        partnership=partnership, post=post, defaults={"named_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            verb="STRATEGIC_POST_NAMED",
            target=named,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=partnership.pk,
            changes={"post": post.pk},
        )
    return named


@transaction.atomic
def strategic_post_unname(*, actor: User | None, partnership: Partnership, post: Post) -> bool:
    """Coordinators stop counting a post they named. The defaults (chief executive, lead
    councillor, BCU commander) and posts flagged by their organisation are not removed here."""
    if actor is not None:
        partnership_policy.require(actor, "manage", partnership)
    _require_partner_post(partnership, post)
    named = StrategicPost.objects.filter(partnership=partnership, post=post).first()
    if named is None:
        return False
    audit_record(
        actor=actor,
        verb="STRATEGIC_POST_UNNAMED",
        target=named,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes={"post": post.pk},
    )
    named.delete()
    return True
