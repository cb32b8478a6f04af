"""Writes to people, organisations, posts, vetting and tokens; each audited in its transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from lde.accounts.models import (
    ApiToken,
    Caveat,
    CaveatGrant,
    Clearance,
    Organisation,
    Post,
    PostHolding,
    PostKind,
    PostLevel,
    User,
)
from lde.accounts.policies import (
    api_token_policy,
    caveat_grant_policy,
    clearance_policy,
    organisation_policy,
    person_policy,
    post_policy,
)
from lde.core.access.facts import facts_for, facts_forget, today
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.mail import email_queue


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    organisation: Organisation | None = None,
    job_title: str = "",
    password: str | None = None,
) -> User:
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        organisation=organisation,
        job_title=job_title,
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # Invited people set their own password from a link, queued with the invitation.
        user_password_link_send(user=user)
    audit_record(
        actor=actor,
        verb="USER_CREATED",
        target=user,
        scope=AuditScope.SITE,
        changes={"email": email, "full_name": full_name},
    )
    return user


def user_password_link_send(*, user: User) -> None:
    """Queue an email with a one-use link to set a password: to invited people, and on request.
    Called inside the transaction of the write that calls for it (`core.mail`)."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    site = urlparse(settings.LDE_SITE_URL)
    context = {
        "user": user,
        "protocol": site.scheme,
        "domain": site.netloc,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    email_queue(template="accounts/email/password_set", context=context, to=[user.email])


@transaction.atomic
def user_enrolment_code_send(*, user: User, code: str) -> None:
    """Email the code that lets a signed-in user add an authenticator app (see `enrolment`)."""
    from django.conf import settings

    from lde.accounts.enrolment import CODE_LIFETIME_SECONDS

    context = {
        "user": user,
        "code": code,
        "minutes": CODE_LIFETIME_SECONDS // 60,
        "site_url": settings.LDE_SITE_URL,
    }
    # The code itself is never audited: the trail must not become a way to enrol.
    audit_record(actor=user, verb="USER_ENROLMENT_CODE_SENT", target=user, scope=AuditScope.SITE)
    email_queue(template="accounts/email/enrolment_code", context=context, to=[user.email])


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    type: str,
    gss_code: str = "",
    website: str = "",
    org_id: str = "",
) -> Organisation:
    facts = facts_for(actor)
    if not (facts.is_site_administrator or facts.partnerships_with("coordinator")):
        raise PermissionDenied("Only site administrators and coordinators add organisations.")
    organisation = Organisation(
        name=name, type=type, gss_code=gss_code, website=website, org_id=org_id
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        verb="ORGANISATION_CREATED",
        target=organisation,
        scope=AuditScope.ORGANISATION,
        organisation_id=organisation.pk,
        changes={"name": name, "type": type, "gss_code": gss_code, "org_id": org_id},
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **fields: Any) -> Organisation:
    if not organisation_policy.user_can(actor, "manage", organisation):
        raise PermissionDenied
    changed = {k: v for k, v in fields.items() if getattr(organisation, k) != v}
    for name, value in changed.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if changed:
        audit_record(
            actor=actor,
            verb="ORGANISATION_UPDATED",
            target=organisation,
            scope=AuditScope.ORGANISATION,
            organisation_id=organisation.pk,
            changes=changed,
        )
    return organisation


@transaction.atomic
def post_create(
    *,
    actor: User | None,
    organisation: Organisation,
    kind: str,
    title: str,
    level: str = PostLevel.DELIVERY,
    required_vetting: int = 0,
    partnership_id: int | None = None,
) -> Post:
    post = Post(
        organisation=organisation,
        kind=kind,
        title=title,
        level=level,
        required_vetting=required_vetting,
    )
    if actor is not None:
        post_policy.require(actor, "manage", post)
    post.full_clean()
    post.save()
    audit_record(
        actor=actor,
        verb="POST_CREATED",
        target=post,
        scope=AuditScope.PARTNERSHIP if partnership_id else AuditScope.ORGANISATION,
        partnership_id=partnership_id,
        organisation_id=organisation.pk,
        changes={
            "kind": kind,
            "title": title,
            "level": level,
            "required_vetting": required_vetting,
        },
    )
    return post


@transaction.atomic
def post_holder_change(
    *,
    actor: User | None,
    post: Post,
    holder: User | None,
    on: date | None = None,
    partnership_id: int | None = None,
    request_reference: str = "",
) -> PostHolding | None:
    """End the current holding (if any) and start a new one: at most one holder at a time.

    A post's holder works for the post's organisation, and nobody makes themselves the holder
    of a post: holding one can carry vetting, dissemination and the security contact's powers
    (`permissions.md`, "Authority over the facts the rules read")."""
    if actor is not None:
        post_policy.require(actor, "manage", post)
        # The security contact's post is handed on by its current holder only: a holding ended
        # today still counts today for reading, but not for naming who comes next.
        if (
            post.kind == PostKind.SECURITY_CONTACT
            and not facts_for(actor).is_site_administrator
            and not PostHolding.objects.filter(
                post=post, user=actor, ended_on__isnull=True
            ).exists()
        ):
            raise PermissionDenied403("You no longer hold this post.", who_can=SELF_HOLDING_WHO_CAN)
        if holder is not None and holder.pk == actor.pk:
            raise PermissionDenied403(
                "You cannot make yourself the holder of a post.",
                who_can=SELF_HOLDING_WHO_CAN,
            )
    if holder is not None and holder.organisation_id != post.organisation_id:
        raise ValidationError({"holder": f"Choose someone who works for {post.organisation.name}"})
    request_reference = request_reference.strip()
    if (
        actor is not None
        and post.kind == PostKind.SECURITY_CONTACT
        and post.pk not in facts_for(actor).post_ids
        and not request_reference
    ):
        raise ValidationError({"request_reference": "Enter the organisation's written request"})
    day = on or timezone.localdate()
    current = PostHolding.objects.select_for_update().filter(post=post, ended_on__isnull=True)
    previous = [h.user for h in current]
    current.update(ended_on=day)
    holding = None
    if holder is not None:
        holding = PostHolding.objects.create(post=post, user=holder, started_on=day)
        facts_forget(holder)
    for user in previous:
        facts_forget(user)
    changed = {user.pk: user for user in previous}
    if holder is not None:
        changed[holder.pk] = holder
    for user in changed.values():
        api_tokens_revoke_for_roles_changed(actor=actor, user=user, reason="POST_HOLDER_CHANGED")
    audit_record(
        actor=actor,
        verb="POST_HOLDER_CHANGED",
        target=post,
        scope=AuditScope.PARTNERSHIP if partnership_id else AuditScope.ORGANISATION,
        partnership_id=partnership_id,
        organisation_id=post.organisation_id,
        changes={"holder": holder.pk if holder else None},
        detail={
            "previous_holder_ids": [u.pk for u in previous],
            **({"request_reference": request_reference} if request_reference else {}),
        },
    )
    return holding


# What a person may do follows from these: a change to any of them revokes their API tokens.
ACCESS_FIELDS = (
    "organisation",
    "is_active",
    "is_site_administrator",
    "is_national_analyst",
    "is_programme_lead",
)
LAST_ADMINISTRATOR = (
    "The site must keep at least one active site administrator: grant the role to someone else "
    "first"
)


@transaction.atomic
def user_access_change(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation | None,
    is_active: bool,
    is_site_administrator: bool,
    is_national_analyst: bool,
    is_programme_lead: bool | None = None,
) -> User:
    """Change a person's organisation, active flag and site-wide grants (site administrator,
    national analyst, programme lead; `is_programme_lead` None leaves that grant as it is). Site
    administrators do this, never for themselves; `actor` None is the
    platform itself (a setup command). Their API tokens are revoked when anything changes, as
    they carried the access that was.

    Two administrators removing each other at once must not leave the site with none: the
    active administrators' rows are locked, and the actor must still be one of them."""
    if actor is not None:
        if user.pk == actor.pk:
            raise PermissionDenied403(
                "You cannot change your own organisation, account or site-wide grants.",
                who_can=person_policy.who_can["change_access"],
            )
        person_policy.require(actor, "change_access", user)
    administrators = set(
        User.objects.select_for_update()
        .filter(is_site_administrator=True, is_active=True)
        .values_list("pk", flat=True)
    )
    if actor is not None and actor.pk not in administrators:
        raise PermissionDenied403(
            "You are no longer a site administrator.",
            who_can=person_policy.who_can["change_access"],
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if organisation is not None and not Organisation.objects.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": "Choose an organisation from the list"})
    if (
        user.pk in administrators
        and not (is_site_administrator and is_active)
        and not administrators - {user.pk}
    ):
        field = "is_active" if not is_active else "is_site_administrator"
        raise ValidationError({field: LAST_ADMINISTRATOR})
    wanted: dict[str, Any] = {
        "organisation": organisation,
        "is_active": is_active,
        "is_site_administrator": is_site_administrator,
        "is_national_analyst": is_national_analyst,
    }
    if is_programme_lead is not None:
        wanted["is_programme_lead"] = is_programme_lead
    changed = {name: value for name, value in wanted.items() if getattr(user, name) != value}
    if not changed:
        return user
    for name, value in changed.items():
        setattr(user, name, value)
    user.save(update_fields=list(changed))
    facts_forget(user)
    api_tokens_revoke_for_roles_changed(actor=actor, user=user, reason="USER_ACCESS_CHANGED")
    audit_record(
        actor=actor,
        verb="USER_ACCESS_CHANGED",
        target=user,
        scope=AuditScope.SITE,
        changes={
            name: (value.pk if isinstance(value, Organisation) else value)
            for name, value in changed.items()
        },
    )
    return user


VETTING_WHO_CAN = (
    "A person's own organisation sponsors their clearances and caveats, and its security contact "
    "records them. Nobody records their own."
)
SELF_HOLDING_WHO_CAN = (
    "Another coordinator who works for the organisation, or its security contact, names the "
    "holder. The security contact's post is set by site administrators at the organisation's "
    "written request, or handed on by its holder."
)


def _require_vetting_authority(
    *, actor: User, user: User, sponsor: Organisation, what: str
) -> None:
    if user.pk == actor.pk:
        raise PermissionDenied403(f"You cannot record your own {what}.", who_can=VETTING_WHO_CAN)
    facts = facts_for(actor)
    if sponsor.pk not in facts.security_contact_for or sponsor.pk != facts.organisation_id:
        raise PermissionDenied403(
            f"Only {sponsor.name}'s security contact can record its {what}s.",
            who_can=VETTING_WHO_CAN,
        )
    if user.organisation_id != sponsor.pk:
        raise ValidationError(
            {
                "user": f"Choose someone who works for {sponsor.name}: an organisation "
                "sponsors only its own people"
            }
        )


@transaction.atomic
def clearance_record(
    *,
    actor: User,
    user: User,
    level: int,
    granted_on: date,
    expires_on: date,
    sponsor: Organisation,
) -> Clearance:
    """Record a clearance. The person's own organisation sponsors it and its security contact
    records it, never for themselves."""
    _require_vetting_authority(actor=actor, user=user, sponsor=sponsor, what="clearance")
    if expires_on < granted_on:
        raise ValidationError({"expires_on": "The expiry date must be on or after the grant date."})
    clearance = Clearance.objects.create(
        user=user,
        level=level,
        granted_on=granted_on,
        expires_on=expires_on,
        sponsor=sponsor,
        recorded_by=actor,
    )
    facts_forget(user)
    api_tokens_revoke_for_roles_changed(actor=actor, user=user, reason="CLEARANCE_RECORDED")
    audit_record(
        actor=actor,
        verb="CLEARANCE_RECORDED",
        target=clearance,
        scope=AuditScope.ORGANISATION,
        organisation_id=sponsor.pk,
        changes={
            "user": user.pk,
            "level": level,
            "granted_on": granted_on,
            "expires_on": expires_on,
        },
    )
    return clearance


def _day(day: date) -> str:
    return date_format(day, "j F Y")


@transaction.atomic
def clearance_revoke(*, actor: User, clearance: Clearance) -> Clearance:
    """Revoke a clearance from today: from the person's next request it no longer counts, and
    their API tokens, made under it, are revoked with it. Its sponsor's security contact does
    this, also once the person has moved on; never for themselves."""
    clearance = Clearance.objects.select_for_update().select_related("user").get(pk=clearance.pk)
    # Revoked twice (a second press of the button): say so to whoever may see it.
    if clearance.revoked_on is not None and clearance_policy.user_can(actor, "view", clearance):
        raise ValidationError(
            {"clearance": f"This clearance was revoked on {_day(clearance.revoked_on)}."}
        )
    if not clearance_policy.user_can(actor, "revoke", clearance):
        raise PermissionDenied403(
            "You cannot revoke this clearance.", who_can=clearance_policy.who_can["revoke"]
        )
    clearance.revoked_on = today()
    clearance.save(update_fields=["revoked_on", "updated_at"])
    facts_forget(clearance.user)
    api_tokens_revoke_for_roles_changed(
        actor=actor, user=clearance.user, reason="CLEARANCE_REVOKED"
    )
    audit_record(
        actor=actor,
        verb="CLEARANCE_REVOKED",
        target=clearance,
        scope=AuditScope.ORGANISATION,
        organisation_id=clearance.sponsor_id,
        changes={"revoked_on": clearance.revoked_on},
        detail={"user": clearance.user_id},
    )
    return clearance


@transaction.atomic
def caveat_grant_record(
    *,
    actor: User,
    user: User,
    caveat: Caveat,
    sponsor: Organisation,
    granted_on: date,
    expires_on: date | None = None,
) -> CaveatGrant:
    _require_vetting_authority(actor=actor, user=user, sponsor=sponsor, what="caveat")
    grant = CaveatGrant.objects.create(
        user=user,
        caveat=caveat,
        sponsor=sponsor,
        granted_on=granted_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    facts_forget(user)
    api_tokens_revoke_for_roles_changed(actor=actor, user=user, reason="CAVEAT_GRANTED")
    audit_record(
        actor=actor,
        verb="CAVEAT_GRANTED",
        target=grant,
        scope=AuditScope.ORGANISATION,
        organisation_id=sponsor.pk,
        changes={"user": user.pk, "caveat": caveat.code},
    )
    return grant


@transaction.atomic
def caveat_grant_revoke(*, actor: User, grant: CaveatGrant) -> CaveatGrant:
    """Revoke a caveat from today: from the person's next request they no longer see what
    carries it, and their API tokens are revoked with it. Its sponsor's security contact does
    this, also once the person has moved on; never for themselves."""
    grant = (
        CaveatGrant.objects.select_for_update().select_related("user", "caveat").get(pk=grant.pk)
    )
    if grant.revoked_on is not None and caveat_grant_policy.user_can(actor, "view", grant):
        raise ValidationError({"grant": f"This caveat was revoked on {_day(grant.revoked_on)}."})
    if not caveat_grant_policy.user_can(actor, "revoke", grant):
        raise PermissionDenied403(
            "You cannot revoke this caveat.", who_can=caveat_grant_policy.who_can["revoke"]
        )
    grant.revoked_on = today()
    grant.save(update_fields=["revoked_on", "updated_at"])
    facts_forget(grant.user)
    api_tokens_revoke_for_roles_changed(actor=actor, user=grant.user, reason="CAVEAT_REVOKED")
    audit_record(
        actor=actor,
        verb="CAVEAT_REVOKED",
        target=grant,
        scope=AuditScope.ORGANISATION,
        organisation_id=grant.sponsor_id,
        changes={"revoked_on": grant.revoked_on},
        detail={"user": grant.user_id, "caveat": grant.caveat.code},
    )
    return grant


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_on: date | None = None
) -> tuple[ApiToken, str]:
    """Make a token; the raw value is returned once and only its hash is kept.

    It expires on `expires_on`, at most `ApiToken.MAX_LIFETIME_DAYS` from today, which is also
    the default."""
    day = timezone.localdate()
    latest = day + timedelta(days=ApiToken.MAX_LIFETIME_DAYS)
    if expires_on is None:
        expires_on = latest
    if expires_on < day:
        raise ValidationError({"expires_on": "The expiry date must be today or in the future"})
    if expires_on > latest:
        raise ValidationError(
            {
                "expires_on": f"The expiry date must be within {ApiToken.MAX_LIFETIME_DAYS} days, "
                f"on or before {latest.day} {latest:%B %Y}"
            }
        )
    raw, digest = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor, name=name, digest=digest, hint=raw[:8], expires_on=expires_on
    )
    audit_record(
        actor=actor,
        verb="API_TOKEN_CREATED",
        target=token,
        scope=AuditScope.SITE,
        changes={"name": name},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not api_token_policy.user_can(actor, "revoke", token):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, verb="API_TOKEN_REVOKED", target=token, scope=AuditScope.SITE)
    return token


@transaction.atomic
def api_tokens_revoke_for_roles_changed(*, actor: User | None, user: User, reason: str) -> int:
    """Revoke every live token of a user whose roles, posts, clearances, caveats or grants just
    changed; returns how many were revoked.

    A token carries its holder's access, whatever that becomes: a token made for one role must
    not quietly gain the next. The holder makes a new token when they need one. `reason` names
    the change (an audit verb such as `MEMBERSHIP_ROLE_CHANGED`).
    """
    live = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    token_ids = sorted(live.values_list("pk", flat=True))
    if not token_ids:
        return 0
    ApiToken.objects.filter(pk__in=token_ids).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    audit_record(
        actor=actor,
        verb="API_TOKENS_REVOKED_FOR_ROLES_CHANGED",
        target=user,
        scope=AuditScope.SITE,
        detail={"reason": reason, "token_ids": token_ids},
    )
    return len(token_ids)
