"""Information sharing protocols: drafting and changing them, their signatories, their status
and the reminders of their review dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from lde.accounts.models import Organisation, User
from lde.core.access.facts import facts_for, today
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.concurrency import next_revision, require_unchanged
from lde.core.workflow import transition
from lde.sharing import selectors
from lde.sharing.models import (
    PROTOCOL_TRANSITIONS,
    BriefingProduct,
    Protocol,
    ProtocolSignatory,
    ProtocolStatus,
    ProtocolTransition,
)
from lde.sharing.policies import protocol_policy, protocol_signing_organisation
from lde.sharing.services._common import email_send, site_link

# Suspending or ending an agreement stops everyone reading what was released under it: say why.
REASON_NEEDED = {ProtocolStatus.SUSPENDED, ProtocolStatus.ENDED}
REVIEW_REMINDER_DAYS = 30
PROTOCOL_DRAFTERS = protocol_policy.who_can["create"]
MAX_RETENTION_DAYS = 36_500


def _audit_protocol(
    actor: User | None,
    verb: str,
    protocol: Protocol,
    subject: Any = None,
    *,
    changes: Any = None,
    detail: dict[str, Any] | None = None,
    also: Iterable[int] = (),
) -> None:
    """One event for each partnership in which a party sits, so that a change made from one
    partnership shows on the audit page of every other partnership the agreement binds; one
    organisation-level event when no party sits in any partnership yet."""
    partnerships: list[int | None] = [
        *selectors.protocol_party_partnerships(protocol=protocol, also=also)
    ]
    for partnership_id in partnerships or [None]:
        audit_record(
            actor=actor,
            verb=verb,
            target=subject if subject is not None else protocol,
            scope=AuditScope.PARTNERSHIP if partnership_id else AuditScope.ORGANISATION,
            partnership_id=partnership_id,
            changes=changes,
            detail={"protocol": protocol.pk, **(detail or {})},
        )


def _protocol_clean(
    *,
    actor: User,
    fields: dict[str, Any],
    parties: list[Organisation],
    controllers: list[Organisation],
) -> None:
    problems: dict[str, list[str]] = {}
    for name in ("title", "purpose", "legal_basis", "dpia_reference", "information_shared"):
        if not str(fields.get(name, "")).strip():
            problems.setdefault(name, []).append("Enter this: a protocol must say it")
    for name in ("who_may_see", "handling"):
        if not str(fields.get(name, "")).strip():
            problems.setdefault(name, []).append("Enter this: a protocol must say it")
    retention = fields.get("retention_days")
    if not isinstance(retention, int) or not 1 <= retention <= MAX_RETENTION_DAYS:
        problems.setdefault("retention_days", []).append(
            f"Enter a retention period from 1 to {MAX_RETENTION_DAYS} days"
        )
    if not parties:
        problems.setdefault("parties", []).append("Choose the organisations that are parties")
    elif protocol_signing_organisation(facts_for(actor)) not in {o.pk for o in parties}:
        # Whoever drafts or changes it signs for one of its parties, or could not go on doing so.
        problems.setdefault("parties", []).append("Include your own organisation among the parties")
    outside = {o.pk for o in controllers} - {o.pk for o in parties}
    if outside:
        problems.setdefault("controllers", []).append("Every controller must also be a party")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def protocol_create(
    *,
    actor: User,
    parties: Iterable[Organisation],
    controllers: Iterable[Organisation] = (),
    **fields: Any,
) -> Protocol:
    """Draft a protocol. Its parties must include the actor's own organisation, which they sign
    for, so that they can go on managing it."""
    protocol_policy.require_in(actor, "create", message="You cannot draft a protocol.")
    parties, controllers = list(parties), list(controllers)
    _protocol_clean(actor=actor, fields=fields, parties=parties, controllers=controllers)
    protocol = Protocol(created_by=actor, **fields)
    protocol.full_clean(exclude=["created_by"])
    protocol.save()
    protocol.parties.set(parties)
    protocol.controllers.set(controllers)
    _audit_protocol(
        actor,
        "PROTOCOL_CREATED",
        protocol,
        changes={
            **{name: fields.get(name) for name in fields},
            "parties": sorted(o.pk for o in parties),
            "controllers": sorted(o.pk for o in controllers),
        },
    )
    return protocol


def _label(name: str) -> str:
    field = Protocol._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


@transaction.atomic
def protocol_update(
    *,
    actor: User,
    protocol: Protocol,
    parties: Iterable[Organisation],
    controllers: Iterable[Organisation] = (),
    seen_revision: int | None = None,
    **fields: Any,
) -> Protocol:
    """Change a protocol. A new retention period moves the retention end of everything already
    released under it. Refused, with both versions, if someone saved it after the revision the
    editor saw."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    protocol_policy.require(actor, "manage", protocol)
    parties, controllers = list(parties), list(controllers)
    require_unchanged(
        record=protocol,
        seen_revision=seen_revision,
        noun="protocol",
        fields=[
            *((_label(name), getattr(protocol, name), value) for name, value in fields.items()),
            ("Parties", [str(o) for o in protocol.parties.all()], [str(o) for o in parties]),
            (
                "Data controllers",
                [str(o) for o in protocol.controllers.all()],
                [str(o) for o in controllers],
            ),
        ],
    )
    _protocol_clean(actor=actor, fields=fields, parties=parties, controllers=controllers)
    # Who is a party is each party's own fact, agreed by signing: once signed and in force (or
    # suspended), one party cannot bring another in, or put one out, by editing the text.
    if protocol.status != ProtocolStatus.DRAFT and sorted(o.pk for o in parties) != sorted(
        protocol.parties.values_list("pk", flat=True)
    ):
        raise ValidationError(
            {
                "parties": "The parties can change only while the protocol is a draft: to add "
                "or remove a party, end this protocol and agree a new one"
            }
        )
    changed = {name: value for name, value in fields.items() if getattr(protocol, name) != value}
    for name, value in fields.items():
        setattr(protocol, name, value)
    protocol.full_clean(exclude=["created_by"])
    protocol.save()
    next_revision(protocol)
    before = {
        "parties": sorted(protocol.parties.values_list("pk", flat=True)),
        "controllers": sorted(protocol.controllers.values_list("pk", flat=True)),
    }
    after = {
        "parties": sorted(o.pk for o in parties),
        "controllers": sorted(o.pk for o in controllers),
    }
    protocol.parties.set(parties)
    protocol.controllers.set(controllers)
    changed.update({k: v for k, v in after.items() if before[k] != v})
    if "retention_days" in changed:
        _retention_move(protocol)
    if "review_on" in changed:
        protocol.review_reminder_sent_for = None
        protocol.save(update_fields=["review_reminder_sent_for"])
    # A party taken off still sees, on its partnerships' audit pages, that it was taken off.
    _audit_protocol(actor, "PROTOCOL_UPDATED", protocol, changes=changed, also=before["parties"])
    return protocol


def _retention_move(protocol: Protocol) -> None:
    products = list(protocol.products.filter(released_on__isnull=False))
    for product in products:
        assert product.released_on is not None
        product.retention_ends_on = product.released_on + timedelta(days=protocol.retention_days)
    BriefingProduct.objects.bulk_update(products, ["retention_ends_on"])


@transaction.atomic
def protocol_signatory_add(
    *,
    actor: User,
    protocol: Protocol,
    organisation: Organisation,
    name: str,
    post_title: str,
    signed_on: date,
) -> ProtocolSignatory:
    protocol_policy.require(actor, "manage", protocol)
    problems: dict[str, str] = {}
    if not protocol.parties.filter(pk=organisation.pk).exists():
        problems["organisation"] = "Only a party signs the protocol"
    if not name.strip():
        problems["name"] = "Enter the signatory's name"
    if not post_title.strip():
        problems["post_title"] = "Enter the signatory's post"
    if signed_on > today():
        problems["signed_on"] = "The date it was signed must be today or in the past"
    if problems:
        raise ValidationError(problems)
    signatory = ProtocolSignatory.objects.create(
        protocol=protocol,
        organisation=organisation,
        name=name.strip(),
        post_title=post_title.strip(),
        signed_on=signed_on,
        recorded_by=actor,
    )
    _audit_protocol(
        actor,
        "PROTOCOL_SIGNATORY_ADDED",
        protocol,
        subject=signatory,
        changes={"organisation": organisation.pk, "signed_on": signed_on},
    )
    return signatory


@transaction.atomic
def protocol_transition(
    *, actor: User | None, protocol: Protocol, to_status: str, reason: str = ""
) -> Protocol:
    """Bring into force, suspend, restore or end a protocol. Suspending it stops everyone reading
    what was released under it at their next request; restoring it gives that back."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)

    def preconditions(_words: str) -> None:
        if actor is not None:
            protocol_policy.require(actor, "manage", protocol)
        if to_status in REASON_NEEDED and not reason.strip():
            raise ValidationError({"reason": "Say why"})
        if to_status == ProtocolStatus.IN_FORCE:
            problems = selectors.protocol_force_problems(protocol=protocol)
            if problems:
                raise ValidationError({"to_status": problems})

    transition(
        obj=protocol,
        to_status=to_status,
        transitions=PROTOCOL_TRANSITIONS,
        history_model=ProtocolTransition,
        subject_field="protocol",
        actor=actor,
        error=f"A protocol cannot go from {protocol.status} to {to_status}",
        error_field="to_status",
        reason=reason.strip(),
        guard=preconditions,
    )
    _audit_protocol(actor, f"PROTOCOL_{to_status.upper()}", protocol, changes={"status": to_status})
    return protocol


@transaction.atomic
def protocol_review_reminders_send(
    *, day: date | None = None, days_before: int = REVIEW_REMINDER_DAYS
) -> int:
    """Remind the coordinators who manage each live protocol of its review date, once per date,
    from `days_before` days ahead (and at once if the date is already near or past). Each
    reminder is recorded and audited before its emails go, after the commit."""
    day = day or today()
    due = list(
        Protocol.objects.select_for_update()
        .filter(
            status__in=[ProtocolStatus.IN_FORCE, ProtocolStatus.SUSPENDED],
            review_on__lte=day + timedelta(days=days_before),
        )
        .exclude(review_reminder_sent_for=F("review_on"))
        .order_by("review_on", "pk")
    )
    for protocol in due:
        protocol.review_reminder_sent_for = protocol.review_on
        protocol.save(update_fields=["review_reminder_sent_for"])
        people = selectors.protocol_coordinators(protocol=protocol)
        _audit_protocol(
            None,
            "PROTOCOL_REVIEW_REMINDER_SENT",
            protocol,
            changes={"review_reminder_sent_for": protocol.review_on},
            detail={"recipients": [u.pk for u in people]},
        )
        context = {
            "protocol": protocol,
            "link": site_link("sharing:protocol-detail", protocol.pk),
            "overdue": protocol.review_on < day,
        }
        email_send("review_reminder", context, [u.email for u in people])
    return len(due)
