"""Writes to commissioning: each checked against its policy, audited, in one transaction.

A call moves only along `CALL_TRANSITIONS` (lde.core.workflow), leaving a `CallTransition`. Its
criteria's weights must sum to 100 before it goes to consultation or is published. A panellist
declares their interests for the call before any bid detail or score is shown to them; a bid they
declare an interest in is one they are recused from, and the server refuses their score. Free
text (bids, comments, scores' reasons, decisions' reasons) is read by the personal-data guard:
a bid is refused at submission with what the guard found listed, the rest at once. Grants to
individuals are refused at entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import Organisation, OrganisationType, Post, User, validate_org_id
from lde.commissioning.exports import PREFIX as FEED_PREFIX
from lde.commissioning.models import (
    Applicant,
    Bid,
    BidStatus,
    Call,
    CallPartnership,
    CallStatus,
    CallTransition,
    ConflictOfInterest,
    ConsultationComment,
    Criterion,
    Decision,
    DevolvedPot,
    Outcome,
    PanelMember,
    Registration,
    Score,
    SmallGrant,
)
from lde.commissioning.policies import (
    applicant_bid_policy,
    applicant_organisation,
    bid_policy,
    call_partnerships,
    call_policy,
    devolved_pot_policy,
)
from lde.core.access.facts import facts_for, facts_forget
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.mail import email_queue
from lde.core.personal_data import Finding, scan_texts
from lde.core.refusals import Conflict
from lde.core.workflow import transition
from lde.partnerships.models import Membership, Partnership, Role

CALL_TRANSITIONS: dict[tuple[str, str], str] = {
    (CallStatus.DRAFT, CallStatus.CONSULTATION): "consult",
    (CallStatus.CONSULTATION, CallStatus.DRAFT): "consult",
    (CallStatus.DRAFT, CallStatus.OPEN): "publish",
    (CallStatus.CONSULTATION, CallStatus.OPEN): "publish",
    (CallStatus.OPEN, CallStatus.CLOSED): "close",
    (CallStatus.CLOSED, CallStatus.DECIDED): "moderate",
}

# Community, voluntary and faith organisations bid (¶50); public bodies are partners instead.
APPLICANT_TYPES = (OrganisationType.VOLUNTARY_COMMUNITY, OrganisationType.FAITH_INSTITUTION)
REGISTRATION_SALT = "lde.commissioning.registration"
REGISTRATION_DAYS = 3
INDIVIDUALS = (
    "Grants to individuals are not made here: every award is published, and nothing about an "
    "individual ever is. Bid as an organisation for work it will deliver"
)


def _audit(actor: Any, verb: str, target: Any, partnership_id: int, **detail: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership_id,
        detail=detail or None,
    )


def money(value: Any, field: str, *, label: str = "amount") -> Decimal:
    """A sum of money in pounds and pence, never negative: refuses anything else by `field`."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").removeprefix("£"))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: f"Enter the {label} as a number, like 2500 or 2500.50"}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: f"Enter the {label} as a number, like 2500 or 2500.50"})
    if amount < 0:
        raise ValidationError({field: f"The {label} cannot be negative"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: f"Give the {label} in pounds and pence"})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: f"The {label} is too large"})
    return amount.quantize(Decimal("0.01"))


def guard_findings(parts: Iterable[tuple[str, str]]) -> list[Finding]:
    """What the guard finds in each (text, where it is) pair."""
    return scan_texts([(where, text) for text, where in parts])


def _guard(parts: Iterable[tuple[str, str]], field: str, what: str) -> None:
    findings = guard_findings(parts)
    if findings:
        listed = "; ".join(f"{f.kind} in {f.place}" for f in findings[:5])
        more = f" and {len(findings) - 5} more" if len(findings) > 5 else ""
        raise ValidationError(
            {
                field: f"The personal-data guard found what looks like a person's identifier, so "
                f"the {what} cannot be saved: {listed}{more}. Take it out and try again"
            }
        )


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


def _move(actor: User | None, call: Call, to_status: str, *, reason: str = "") -> None:
    transition(
        obj=call,
        to_status=to_status,
        transitions=CALL_TRANSITIONS,
        history_model=CallTransition,
        subject_field="call",
        actor=actor,
        error=lambda: (
            f"A call that is {call.get_status_display().lower()} cannot become "
            f"{CallStatus(to_status).label.lower()}"
        ),
        reason=reason,
        update_fields=("status", "published_at", "updated_at"),
    )


# --- Calls ------------------------------------------------------------------------------------


def _call_fields(
    *, maximum_amount: Any, opens_on: date, closes_on: date, scale_max: int, threshold: int
) -> Decimal:
    amount = money(maximum_amount, "maximum_amount", label="maximum amount")
    if amount == 0:
        raise ValidationError({"maximum_amount": "The maximum amount must be more than £0"})
    if closes_on <= opens_on:
        raise ValidationError({"closes_on": "The call must close after it opens"})
    if not 1 <= scale_max <= 10:
        raise ValidationError({"scale_max": "The top of the scale must be between 1 and 10"})
    if threshold < 0 or threshold > scale_max:
        raise ValidationError(
            {"disagreement_threshold": f"The threshold must be between 0 and {scale_max}"}
        )
    return amount


@transaction.atomic
def call_create(
    *,
    actor: User,
    partnership: Partnership,
    title: str,
    purpose: str,
    eligibility: str,
    maximum_amount: Any,
    opens_on: date,
    closes_on: date,
    scale_max: int = 5,
    disagreement_threshold: int = 2,
    also_for: Sequence[Partnership] = (),
) -> Call:
    """A draft call run by `partnership`, and across `also_for` (a two-tier area or an
    alliance running one call, ¶49)."""
    call_policy.require_in(actor, "start", partnership.pk)
    amount = _call_fields(
        maximum_amount=maximum_amount,
        opens_on=opens_on,
        closes_on=closes_on,
        scale_max=scale_max,
        threshold=disagreement_threshold,
    )
    _guard(
        [(title, "title"), (purpose, "purpose"), (eligibility, "eligibility")], "purpose", "call"
    )
    call = Call(
        partnership=partnership,
        title=title,
        purpose=purpose,
        eligibility=eligibility,
        maximum_amount=amount,
        opens_on=opens_on,
        closes_on=closes_on,
        scale_max=scale_max,
        disagreement_threshold=disagreement_threshold,
        created_by=actor,
    )
    call.full_clean()
    call.save()
    ids = {partnership.pk, *(p.pk for p in also_for)}
    CallPartnership.objects.bulk_create(
        [CallPartnership(call=call, partnership_id=pk) for pk in sorted(ids)]
    )
    _audit(actor, "CALL_CREATED", call, partnership.pk, partnerships=sorted(ids))
    return call


@transaction.atomic
def call_update(*, actor: User, call: Call, **fields: Any) -> Call:
    call = _locked(call)
    call_policy.require(actor, "edit", call)
    allowed = {"title", "purpose", "eligibility", "maximum_amount", "opens_on", "closes_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"call_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(call, name, value)
    call.maximum_amount = _call_fields(
        maximum_amount=call.maximum_amount,
        opens_on=call.opens_on,
        closes_on=call.closes_on,
        scale_max=call.scale_max,
        threshold=call.disagreement_threshold,
    )
    _guard(
        [(call.title, "title"), (call.purpose, "purpose"), (call.eligibility, "eligibility")],
        "purpose",
        "call",
    )
    call.full_clean()
    call.save()
    _audit(actor, "CALL_UPDATED", call, call.partnership_id, fields=sorted(fields))
    return call


@transaction.atomic
def criterion_add(
    *, actor: User, call: Call, title: str, weight: int, guidance: str = ""
) -> Criterion:
    call = _locked(call)
    call_policy.require(actor, "edit", call)
    if not 1 <= weight <= 100:
        raise ValidationError({"weight": "Give the weight as a whole number from 1 to 100"})
    total = sum(c.weight for c in call.criteria.all())
    if total + weight > 100:
        raise ValidationError(
            {"weight": f"The weights would sum to {total + weight}: they must sum to 100"}
        )
    _guard([(title, "title"), (guidance, "guidance")], "guidance", "criterion")
    criterion = Criterion(call=call, title=title, weight=weight, guidance=guidance)
    criterion.full_clean()
    criterion.save()
    _audit(actor, "CALL_CRITERION_ADDED", criterion, call.partnership_id, weight=weight)
    return criterion


def _weights_complete(call: Call) -> None:
    total = sum(c.weight for c in call.criteria.all())
    if total != 100:
        raise ValidationError(
            {"criteria": f"The criteria's weights sum to {total}: they must sum to 100"}
        )


@transaction.atomic
def call_consult(*, actor: User, call: Call) -> Call:
    """Send the draft to the partnerships' community reviewers for comment (Appendix 1 (f))."""
    call = _locked(call)
    call_policy.require(actor, "consult", call)
    _weights_complete(call)
    _move(actor, call, CallStatus.CONSULTATION)
    reviewers = Membership.objects.filter(
        partnership_id__in=call_partnerships(call), role=Role.COMMUNITY_REVIEWER
    ).values_list("user__email", flat=True)
    site = urlparse(settings.LDE_SITE_URL)
    email_queue(
        template="commissioning/email/consultation",
        context={
            "call": call,
            "link": f"{site.scheme}://{site.netloc}"
            + reverse("commissioning:call-detail", args=[call.pk]),
        },
        to=sorted(set(reviewers)),
    )
    _audit(actor, "CALL_SENT_FOR_CONSULTATION", call, call.partnership_id)
    return call


@transaction.atomic
def call_return_to_draft(*, actor: User, call: Call) -> Call:
    call = _locked(call)
    call_policy.require(actor, "publish", call)
    _move(actor, call, CallStatus.DRAFT)
    _audit(actor, "CALL_RETURNED_TO_DRAFT", call, call.partnership_id)
    return call


@transaction.atomic
def comment_add(*, actor: User, call: Call, text: str) -> ConsultationComment:
    call = _locked(call)
    call_policy.require(actor, "comment", call)
    if not text.strip():
        raise ValidationError({"text": "Enter your comment"})
    _guard([(text, "comment")], "text", "comment")
    comment = ConsultationComment(
        call=call, author=actor, organisation_id=actor.organisation_id, text=text
    )
    comment.full_clean()
    comment.save()
    _audit(actor, "CALL_COMMENTED", comment, call.partnership_id, call=call.pk)
    return comment


@transaction.atomic
def call_publish(*, actor: User, call: Call) -> Call:
    """Open the call on its public page."""
    call = _locked(call)
    call_policy.require(actor, "publish", call)
    _weights_complete(call)
    call.published_at = timezone.now()
    _move(actor, call, CallStatus.OPEN)
    _audit(actor, "CALL_PUBLISHED", call, call.partnership_id)
    return call


@transaction.atomic
def call_close(*, actor: User, call: Call) -> Call:
    call = _locked(call)
    call_policy.require(actor, "close", call)
    _move(actor, call, CallStatus.CLOSED)
    # Drafts never submitted go no further: they stay the applicant's own.
    _audit(actor, "CALL_CLOSED", call, call.partnership_id)
    return call


# --- The panel --------------------------------------------------------------------------------


@transaction.atomic
def panel_name(*, actor: User, call: Call, user: User) -> PanelMember:
    call = _locked(call)
    call_policy.require(actor, "manage_panel", call)
    if not Membership.objects.filter(
        user=user, partnership_id__in=call_partnerships(call), role=Role.BOARD_MEMBER
    ).exists():
        raise ValidationError(
            {"user": "Choose a board member of a partnership the call runs across"}
        )
    if PanelMember.objects.filter(call=call, user=user).exists():
        raise Conflict({"user": "They are already on the panel"})
    member = PanelMember.objects.create(call=call, user=user, named_by=actor)
    _audit(actor, "PANEL_MEMBER_NAMED", member, call.partnership_id, user=user.pk)
    facts_forget(user)
    return member


@transaction.atomic
def panel_threshold_set(*, actor: User, call: Call, threshold: int) -> Call:
    call = _locked(call)
    call_policy.require(actor, "manage_panel", call)
    if not 0 <= threshold <= call.scale_max:
        raise ValidationError(
            {"disagreement_threshold": f"The threshold must be between 0 and {call.scale_max}"}
        )
    call.disagreement_threshold = threshold
    call.save(update_fields=["disagreement_threshold", "updated_at"])
    _audit(actor, "PANEL_THRESHOLD_SET", call, call.partnership_id, threshold=threshold)
    return call


@transaction.atomic
def interests_declare(
    *, actor: User, call: Call, conflicts: Sequence[tuple[Bid, str]] = ()
) -> PanelMember:
    """The panellist's declaration for the call: none, or an interest in some bids, from each of
    which they are recused. Declared once; a later declaration may add interests, and takes
    away any score already given to a bid they now declare an interest in."""
    call_policy.require(actor, "declare", call)
    member = PanelMember.objects.select_for_update().get(call=call, user=actor)
    for bid, nature in conflicts:
        if bid.call_id != call.pk:
            raise ValidationError({"bids": "Declare interests only in this call's bids"})
        if not nature.strip():
            raise ValidationError({"nature": f"Say what the interest in “{bid.title}” is"})
        _guard([(nature, "interest")], "nature", "declaration")
    for bid, nature in conflicts:
        ConflictOfInterest.objects.get_or_create(
            panellist=member, bid=bid, defaults={"nature": nature}
        )
        Score.objects.filter(panellist=member, bid=bid).delete()
    member.declared_at = member.declared_at or timezone.now()
    member.save(update_fields=["declared_at", "updated_at"])
    _audit(
        actor,
        "INTERESTS_DECLARED",
        member,
        call.partnership_id,
        recused_from=sorted(b.pk for b, _ in conflicts),
    )
    return member


@transaction.atomic
def score_record(*, actor: User, bid: Bid, criterion: Criterion, score: Any, reason: str) -> Score:
    """A panellist's score for one criterion of one bid, with the reason for it."""
    bid = Bid.objects.select_related("call").get(pk=bid.pk)  # the call as it is now
    call = bid.call
    member = PanelMember.objects.filter(call=call, user=actor).first()
    if member is not None and member.declared_at is None:
        raise PermissionDenied403(
            "Declare your interests for this call before you see or score any bid.",
            who_can=bid_policy.who_can["score"],
        )
    if member is not None and ConflictOfInterest.objects.filter(panellist=member, bid=bid).exists():
        raise PermissionDenied403(
            "You declared an interest in this bid, so you are recused from it.",
            who_can=bid_policy.who_can["score"],
        )
    bid_policy.require(actor, "score", bid)
    assert member is not None  # the policy asks that they are on the panel
    if criterion.call_id != call.pk:
        raise ValidationError({"criterion": "Choose one of this call's criteria"})
    try:
        value = int(str(score).strip())
    except ValueError:
        raise ValidationError(
            {"score": f"Enter a whole number from 0 to {call.scale_max}"}
        ) from None
    if not 0 <= value <= call.scale_max:
        raise ValidationError(
            {"score": f"The score must be on the scale, from 0 to {call.scale_max}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the score"})
    _guard([(reason, "reason")], "reason", "score")
    row, _ = Score.objects.update_or_create(
        bid=bid,
        criterion=criterion,
        panellist=member,
        defaults={"score": value, "reason": reason},
    )
    _audit(actor, "BID_SCORED", row, call.partnership_id, bid=bid.pk, criterion=criterion.pk)
    return row


# --- Decisions --------------------------------------------------------------------------------


def decision_check(*, call: Call, outcome: str, reasons: str, amount: Any = None) -> Decimal | None:
    """The amount of a decision as given, checked (the call's maximum, the guard on the reasons),
    or a refusal naming the field: asked before the confirmation page as well as on saving."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose award or decline"})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision"})
    _guard([(reasons, "reasons")], "reasons", "decision")
    if outcome != Outcome.AWARD:
        return None
    if amount in (None, ""):
        raise ValidationError({"amount": "Enter the amount awarded"})
    value = money(amount, "amount", label="amount awarded")
    if value == 0:
        raise ValidationError({"amount": "An award must be more than £0: decline instead"})
    if value > call.maximum_amount:
        raise ValidationError(
            {
                "amount": "The award cannot be more than the call's maximum, "
                f"£{call.maximum_amount:,}"
            }
        )
    return value


@transaction.atomic
def bid_decide(
    *, actor: User, bid: Bid, outcome: str, reasons: str, amount: Any = None
) -> Decision:
    """The moderated decision: an award of at most the call's maximum, or a decline; with
    reasons, which are published for an award. The call is decided once every submitted bid is."""
    call = _locked(bid.call)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    bid.call = call
    bid_policy.require(actor, "decide", bid)
    value = decision_check(call=call, outcome=outcome, reasons=reasons, amount=amount)
    decision = Decision.objects.create(
        bid=bid,
        outcome=outcome,
        amount=value,
        reasons=reasons,
        decided_by=actor,
        decided_on=timezone.localdate(),
    )
    bid.status = BidStatus.AWARDED if outcome == Outcome.AWARD else BidStatus.DECLINED
    bid.save(update_fields=["status", "updated_at"])
    _audit(actor, "BID_DECIDED", decision, call.partnership_id, bid=bid.pk, outcome=outcome)
    if not call.bids.filter(status=BidStatus.SUBMITTED).exists():
        _move(actor, call, CallStatus.DECIDED)
        _audit(actor, "CALL_DECIDED", call, call.partnership_id)
    return decision


# --- Applicants -------------------------------------------------------------------------------


def _registration_link(registration: Registration) -> str:
    token = signing.dumps({"r": registration.pk}, salt=REGISTRATION_SALT)
    site = urlparse(settings.LDE_SITE_URL)
    return f"{site.scheme}://{site.netloc}" + reverse(
        "commissioning:register-confirm", args=[token]
    )


def _organisation_claimable(name: str, type_: str) -> Organisation | None:
    """The existing organisation of that name, if an applicant may claim it; refuses one of
    another type or one already claimed."""
    found = Organisation.objects.filter(name__iexact=name.strip()).first()
    if found is None:
        return None
    if found.type != type_ or found.applicants.exists():
        raise ValidationError(
            {
                "organisation_name": "That organisation is already registered: ask whoever "
                "registered it, or the partnership's coordinator"
            }
        )
    return found


@transaction.atomic
def registration_start(
    *,
    email: str,
    full_name: str,
    organisation_name: str,
    organisation_type: str,
    password: str,
    org_id: str = "",
) -> Registration:
    """A community, voluntary or faith organisation registers itself; nothing is created until
    the email is confirmed through the signed link, which expires after three days."""
    if organisation_type not in APPLICANT_TYPES:
        raise ValidationError(
            {"organisation_type": "Choose voluntary or community group, or faith institution"}
        )
    if not organisation_name.strip():
        raise ValidationError({"organisation_name": "Enter the organisation's name"})
    if org_id:
        try:
            validate_org_id(org_id)
        except ValidationError as error:
            raise ValidationError({"org_id": error.messages}) from None
    _organisation_claimable(organisation_name, organisation_type)
    registration = Registration.objects.create(
        email=email.strip().lower(),
        full_name=full_name.strip(),
        organisation_name=organisation_name.strip(),
        organisation_type=organisation_type,
        org_id=org_id,
        password_hash=make_password(password),
    )
    if not User.objects.filter(email__iexact=registration.email).exists():
        email_queue(
            template="commissioning/email/register",
            context={"registration": registration, "link": _registration_link(registration)},
            to=[registration.email],
        )
    # An address that already has an account gets nothing: the page says the same either way,
    # so it does not tell who is registered.
    audit_record(
        actor=None,
        verb="APPLICANT_REGISTRATION_STARTED",
        target=registration,
        scope=AuditScope.SITE,
    )
    return registration


@transaction.atomic
def registration_confirm(*, token: str) -> Applicant:
    try:
        payload = signing.loads(
            token, salt=REGISTRATION_SALT, max_age=REGISTRATION_DAYS * 24 * 3600
        )
    except signing.SignatureExpired:
        raise ValidationError({"token": "The link has expired: register again"}) from None
    except signing.BadSignature:
        raise ValidationError({"token": "The link is not valid: register again"}) from None
    registration = Registration.objects.select_for_update().filter(pk=payload.get("r")).first()
    if registration is None or registration.confirmed_at is not None:
        raise ValidationError({"token": "The link has already been used: sign in"})
    if User.objects.filter(email__iexact=registration.email).exists():
        raise ValidationError({"token": "That email address already has an account: sign in"})
    organisation = _organisation_claimable(
        registration.organisation_name, registration.organisation_type
    )
    if organisation is None:
        organisation = Organisation(
            name=registration.organisation_name,
            type=registration.organisation_type,
            org_id=registration.org_id,
        )
        organisation.full_clean()
        organisation.save()
    elif registration.org_id and not organisation.org_id:
        organisation.org_id = registration.org_id
        organisation.save(update_fields=["org_id", "updated_at"])
    if not organisation.org_id:
        # A group with no company or charity number still needs an identifier in the 360Giving
        # feed: without one its first award would stop the whole public feed (a grant with no
        # recipientOrganization.id is refused). The standard's fallback, under our own prefix.
        organisation.org_id = f"{FEED_PREFIX}-org-{organisation.pk}"
        organisation.save(update_fields=["org_id", "updated_at"])
    user = User(
        email=registration.email,
        full_name=registration.full_name,
        organisation=organisation,
        password=registration.password_hash,
    )
    user.save()
    applicant = Applicant.objects.create(user=user, organisation=organisation)
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["confirmed_at", "updated_at"])
    audit_record(
        actor=user,
        verb="APPLICANT_REGISTERED",
        target=applicant,
        scope=AuditScope.ORGANISATION,
        organisation_id=organisation.pk,
    )
    return applicant


# --- Bids -------------------------------------------------------------------------------------


def _bid_amount(call: Call, amount: Any) -> Decimal:
    value = money(amount, "amount", label="amount asked for")
    if value > call.maximum_amount:
        raise ValidationError(
            {
                "amount": f"The most this call gives is £{call.maximum_amount:,}: "
                "ask for that or less"
            }
        )
    return value


@transaction.atomic
def bid_create(
    *,
    actor: User,
    call: Call,
    title: str,
    summary: str,
    amount: Any,
    to_individuals: bool = False,
) -> Bid:
    applicant_bid_policy.require_in(actor, "start")
    if call.status != CallStatus.OPEN:
        raise ValidationError({"__all__": "The call is not open for bids"})
    if to_individuals:
        raise ValidationError({"to_individuals": INDIVIDUALS})
    organisation = applicant_organisation(facts_for(actor))
    if organisation is None:  # the policy asked that there is one
        raise PermissionDenied403("Register your organisation first.")
    value = _bid_amount(call, amount)
    bid = Bid(
        call=call,
        organisation_id=organisation,
        title=title,
        summary=summary,
        amount=value,
        created_by=actor,
    )
    bid.full_clean()
    bid.save()
    audit_record(
        actor=actor,
        verb="BID_STARTED",
        target=bid,
        scope=AuditScope.ORGANISATION,
        organisation_id=organisation,
        detail={"call": call.pk},
    )
    return bid


@transaction.atomic
def bid_update(
    *,
    actor: User,
    bid: Bid,
    title: str,
    summary: str,
    amount: Any,
    to_individuals: bool = False,
) -> Bid:
    bid = Bid.objects.select_for_update().select_related("call").get(pk=bid.pk)
    applicant_bid_policy.require(actor, "edit", bid)
    if to_individuals:
        raise ValidationError({"to_individuals": INDIVIDUALS})
    bid.title, bid.summary, bid.amount = title, summary, _bid_amount(bid.call, amount)
    bid.full_clean()
    bid.save()
    audit_record(
        actor=actor,
        verb="BID_UPDATED",
        target=bid,
        scope=AuditScope.ORGANISATION,
        organisation_id=bid.organisation_id,
    )
    return bid


def bid_findings(bid: Bid) -> list[Finding]:
    """What the personal-data guard finds in the bid: shown to the applicant before submitting."""
    return guard_findings([(bid.title, "title"), (bid.summary, "summary")])


@transaction.atomic
def bid_submit(*, actor: User, bid: Bid) -> Bid:
    bid = Bid.objects.select_for_update().select_related("call").get(pk=bid.pk)
    applicant_bid_policy.require(actor, "submit", bid)
    _guard([(bid.title, "title"), (bid.summary, "summary")], "summary", "bid")
    _bid_amount(bid.call, bid.amount)
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = timezone.now()
    bid.save(update_fields=["status", "submitted_at", "updated_at"])
    _audit(actor, "BID_SUBMITTED", bid, bid.call.partnership_id)
    return bid


# --- Devolved small grants (¶46) ---------------------------------------------------------------


@transaction.atomic
def devolved_pot_add(
    *,
    actor: User,
    partnership: Partnership,
    name: str,
    amount: Any,
    per_grant_limit: Any,
    team: Organisation,
    holder_post: Post,
    starts_on: date,
    ends_on: date,
) -> DevolvedPot:
    """Delegate a pot to a named front-line team: an organisation and the post in it that holds
    the pot (the holder records its grants), with a per-grant limit and a period."""
    devolved_pot_policy.require_in(actor, "start", partnership.pk)
    total = money(amount, "amount", label="amount")
    limit = money(per_grant_limit, "per_grant_limit", label="per-grant limit")
    if total == 0:
        raise ValidationError({"amount": "The pot must hold more than £0"})
    if limit == 0:
        raise ValidationError({"per_grant_limit": "The per-grant limit must be more than £0"})
    if limit > total:
        raise ValidationError(
            {"per_grant_limit": f"The per-grant limit cannot be more than the pot, £{total:,}"}
        )
    if holder_post.organisation_id != team.pk:
        raise ValidationError({"holder_post": f"Choose a post of {team.name}"})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The period must end on or after it starts"})
    _guard([(name, "name")], "name", "pot")
    pot = DevolvedPot(
        partnership=partnership,
        name=name,
        amount=total,
        per_grant_limit=limit,
        team=team,
        holder_post=holder_post,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    pot.full_clean()
    pot.save()
    _audit(actor, "DEVOLVED_POT_ADDED", pot, partnership.pk, amount=str(total), limit=str(limit))
    return pot


def pot_spent(pot: DevolvedPot) -> Decimal:
    return pot.grants.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@transaction.atomic
def small_grant_record(
    *,
    actor: User,
    pot: DevolvedPot,
    recipient: Organisation | None,
    amount: Any,
    purpose: str,
    awarded_on: date,
    outcome: str = "",
    to_individual: bool = False,
) -> SmallGrant:
    """A light record of one small grant: to an organisation, never a person (refused at entry,
    as bids are), at most the pot's per-grant limit and what is left in it, within its period."""
    pot = DevolvedPot.objects.select_for_update().get(pk=pot.pk)
    devolved_pot_policy.require(actor, "record", pot)
    if to_individual:
        raise ValidationError({"to_individual": INDIVIDUALS})
    if recipient is None:
        raise ValidationError({"recipient": "Choose the organisation the grant is made to"})
    value = money(amount, "amount", label="amount")
    if value == 0:
        raise ValidationError({"amount": "A grant must be more than £0"})
    if value > pot.per_grant_limit:
        raise ValidationError(
            {"amount": f"The most one grant from this pot gives is £{pot.per_grant_limit:,}"}
        )
    left = pot.amount - pot_spent(pot)
    if value > left:
        raise ValidationError({"amount": f"Only £{left:,} is left in the pot"})
    if not pot.starts_on <= awarded_on <= pot.ends_on:
        raise ValidationError(
            {
                "awarded_on": f"The pot runs from {pot.starts_on:%-d %B %Y} to "
                f"{pot.ends_on:%-d %B %Y}: give a date within it"
            }
        )
    if not purpose.strip():
        raise ValidationError({"purpose": "Say what the grant is for"})
    _guard([(purpose, "purpose"), (outcome, "outcome")], "purpose", "grant")
    grant = SmallGrant(
        pot=pot,
        recipient=recipient,
        amount=value,
        purpose=purpose,
        awarded_on=awarded_on,
        outcome=outcome,
        recorded_by=actor,
    )
    grant.full_clean()
    grant.save()
    _audit(actor, "SMALL_GRANT_RECORDED", grant, pot.partnership_id, pot=pot.pk, amount=str(value))
    return grant


@transaction.atomic
def small_grant_outcome_set(*, actor: User, grant: SmallGrant, outcome: str) -> SmallGrant:
    """What came of a small grant, recorded when it is known."""
    grant = SmallGrant.objects.select_for_update().select_related("pot").get(pk=grant.pk)
    devolved_pot_policy.require(actor, "record", grant.pot)
    if not outcome.strip():
        raise ValidationError({"outcome": "Say what came of the grant"})
    _guard([(outcome, "outcome")], "outcome", "outcome")
    grant.outcome = outcome
    grant.full_clean()
    grant.save(update_fields=["outcome", "updated_at"])
    _audit(actor, "SMALL_GRANT_OUTCOME_RECORDED", grant, grant.pot.partnership_id)
    return grant
