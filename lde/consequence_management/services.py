"""Writes to consequence management: readiness plans, the key-individual directory, and
cascades with their durable outbox.

Each write checks the policy, refuses what the personal-data guard finds in free text
(`lde.engagement.guard`, which adds a person named by title and one person's views to the core
guard), writes, and records an audit event in the same transaction. A `ValidationError` names
the field in the words the pages use.

Cascades. Starting or advancing a cascade writes one `OutboxMessage` per message in the same
transaction, each with an idempotency key (`c<cascade>-r<recipient>-<channel>`) that a unique
constraint holds, and enqueues the sender task (`tasks.cascade_send`) in that transaction too:
the database queue stores it as a row, so the task exists exactly when the messages do. The
sender (`send_due`) claims each message and commits the claim before speaking to the provider,
withholds it if its recipient has acknowledged or the cascade is closed, paces itself to the
provider's limit, retries what may succeed later and escalates what never will.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, Q
from django.db.models.constants import OnConflict
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import Organisation, Post, User
from lde.action_plans import services as action_services
from lde.action_plans.models import ActionOrigin
from lde.consequence_management.models import (
    AckVia,
    CallOutcome,
    Cascade,
    CascadeKind,
    CascadeMode,
    CascadeRecipient,
    CascadeStatus,
    Channel,
    ContactKind,
    EntryKind,
    Exercise,
    ExerciseEntry,
    ExerciseParticipant,
    ExerciseStatus,
    KeyContact,
    Lesson,
    MessageStatus,
    OutboxMessage,
    PlanMessage,
    PlanRole,
    ReadinessPlan,
    Rumour,
)
from lde.consequence_management.notify import RATE_PER_MINUTE, ProviderError, provider
from lde.consequence_management.policies import (
    cascade_policy,
    exercise_policy,
    key_contact_policy,
    readiness_plan_policy,
)
from lde.core.access.markings import Marking
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.refusals import Conflict
from lde.engagement import guard
from lde.engagement.models import Forum, ForumKind, KeyMessage, Spokesperson
from lde.partnerships.models import Partnership
from lde.sharing.models import BriefingProduct, ProductStatus

# --- Phone numbers --------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s().-]")


def uk_mobile(value: str) -> str:
    """A UK mobile number in the form Notify takes (+447…), or a ValidationError saying why
    `value` is not one."""
    raw = (value or "").strip()
    number = _SEPARATORS.sub("", raw)
    if not number:
        raise ValidationError("Enter a UK mobile number, like 07700 900123")
    if not re.fullmatch(r"\+?\d+", number):
        raise ValidationError(
            "Enter a UK mobile number using digits only, like 07700 900123: it holds something "
            "other than digits, spaces and a leading +"
        )
    if number.startswith("+44"):
        national = "0" + number[3:].removeprefix("0")
    elif number.startswith("44") and len(number) == 12:
        national = "0" + number[2:]  # as Notify gives a sender's number: 447700900123
    elif number.startswith("0044"):
        national = "0" + number[4:].removeprefix("0")
    elif number.startswith("+") or number.startswith("00"):
        raise ValidationError(
            "Enter a UK mobile number: this is a number outside the UK (it does not start +44), "
            "and text messages go to UK mobiles only"
        )
    else:
        national = number
    if not national.startswith("07"):
        raise ValidationError(
            "Enter a UK mobile number: a UK mobile starts 07 (or +447), and this looks like a "
            "landline or a service number. Put a landline in “Phone for the ring-round”"
        )
    if len(national) != 11:
        raise ValidationError(
            f"Enter a UK mobile number with 11 digits, like 07700 900123: this has {len(national)}"
        )
    return "+44" + national[1:]


def uk_phone(value: str) -> str:
    """A UK phone number for the ring-round (landline or mobile), digits only with a leading 0."""
    number = _SEPARATORS.sub("", (value or "").strip())
    if number.startswith("+44"):
        number = "0" + number[3:].removeprefix("0")
    if not re.fullmatch(r"0\d{9,10}", number):
        raise ValidationError(
            "Enter a UK phone number, like 020 7946 0000 or 07700 900123: 10 or 11 digits, "
            "starting 0 or +44"
        )
    return number


# --- Readiness plans --------------------------------------------------------------------------

PLAN_TEXTS = {
    "title": "Title",
    "before": "Before an operation",
    "during": "During an operation",
    "after": "After an operation",
    "communications_strategy": "Communications strategy",
    "release_contingency": "Release of arrested people",
    "everyday_policing": "Everyday policing and community safety",
    "advisory_group_breadth": "How broad the advisory group is",
    "media_skills": "Media skills of the spokespeople",
}
PLAN_REQUIRED = {
    "title": "Enter the plan's title",
    "before": "Say what is done before an operation",
    "during": "Say what is done during an operation",
    "after": "Say what is done after an operation",
    "communications_strategy": "Enter the communications strategy",
    "release_contingency": "Say what is done if arrested people are released",
    "everyday_policing": "Say how everyday policing and community safety keep going",
}


@dataclass(frozen=True)
class PlanFields:
    title: str
    before: str
    during: str
    after: str
    communications_strategy: str
    release_contingency: str
    everyday_policing: str
    review_on: date
    advisory_group: Forum | None = None
    advisory_group_breadth: str = ""
    spokesperson: Spokesperson | None = None
    media_skills: str = ""
    criteria: Sequence[Any] = ()


def _plan_checks(partnership_id: int, fields: PlanFields) -> None:
    errors: dict[str, str] = {}
    for name, message in PLAN_REQUIRED.items():
        if not str(getattr(fields, name) or "").strip():
            errors[name] = message
    if fields.advisory_group is not None and (
        fields.advisory_group.partnership_id != partnership_id
        or fields.advisory_group.kind != ForumKind.INDEPENDENT_ADVISORY_GROUP
    ):
        errors["advisory_group"] = (
            "Select one of the partnership's forums of the kind “independent advisory group”"
        )
    if fields.spokesperson is not None and fields.spokesperson.partnership_id != partnership_id:
        errors["spokesperson"] = "Select one of the partnership's agreed spokespeople"
    for criterion in fields.criteria:
        if criterion.framework_version.framework.identifier != READINESS_FRAMEWORK:
            errors["criteria"] = "Select criteria of the consequence-management readiness framework"
    if errors:
        raise ValidationError(errors)
    guard.guard_texts(
        {name: (label, str(getattr(fields, name) or "")) for name, label in PLAN_TEXTS.items()}
    )


READINESS_FRAMEWORK = "consequence-management-readiness"


def _plan_write(plan: ReadinessPlan, fields: PlanFields) -> None:
    for name in (*PLAN_TEXTS, "review_on", "advisory_group", "spokesperson"):
        setattr(plan, name, getattr(fields, name))
    plan.full_clean(exclude=["partnership"])
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:
        raise ValidationError({"title": "The partnership already has a plan of that title"}) from (
            error
        )
    plan.criteria.set(fields.criteria)


@transaction.atomic
def plan_create(*, actor: User, partnership: Partnership, fields: PlanFields) -> ReadinessPlan:
    readiness_plan_policy.require_in(actor, "add", partnership.pk)
    _plan_checks(partnership.pk, fields)
    plan = ReadinessPlan(partnership=partnership)
    _plan_write(plan, fields)
    audit_record(
        actor=actor,
        verb="READINESS_PLAN_CREATED",
        target=plan,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes=list(PLAN_TEXTS),
    )
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: ReadinessPlan, fields: PlanFields) -> ReadinessPlan:
    readiness_plan_policy.require(actor, "edit", plan)
    _plan_checks(plan.partnership_id, fields)
    _plan_write(plan, fields)
    audit_record(
        actor=actor,
        verb="READINESS_PLAN_UPDATED",
        target=plan,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=plan.partnership_id,
        changes=list(PLAN_TEXTS),
    )
    return plan


@transaction.atomic
def plan_role_add(*, actor: User, plan: ReadinessPlan, post: Post, role: str) -> PlanRole:
    readiness_plan_policy.require(actor, "edit", plan)
    if not role.strip():
        raise ValidationError({"role": "Enter the role in the consequence-management group"})
    guard.guard_texts({"role": ("Role", role)})
    if PlanRole.objects.filter(plan=plan, post=post, role=role.strip()).exists():
        raise ValidationError({"role": "That post already has that role in this plan"})
    found = PlanRole(plan=plan, post=post, role=role.strip())
    found.full_clean()
    found.save()
    audit_record(
        actor=actor,
        verb="READINESS_PLAN_ROLE_ADDED",
        target=plan,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=plan.partnership_id,
        detail={"post": post.pk},
    )
    return found


@transaction.atomic
def plan_message_add(
    *, actor: User, plan: ReadinessPlan, key_message: KeyMessage, languages: str
) -> PlanMessage:
    readiness_plan_policy.require(actor, "edit", plan)
    errors = {}
    if key_message.partnership_id != plan.partnership_id:
        errors["key_message"] = "Select one of the partnership's key messages"
    if not languages.strip():
        errors["languages"] = "Enter the languages the message goes out in"
    if PlanMessage.objects.filter(plan=plan, key_message=key_message).exists():
        errors["key_message"] = "That key message is already in this plan"
    if errors:
        raise ValidationError(errors)
    found = PlanMessage(plan=plan, key_message=key_message, languages=languages.strip())
    found.full_clean()
    found.save()
    audit_record(
        actor=actor,
        verb="READINESS_PLAN_MESSAGE_ADDED",
        target=plan,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=plan.partnership_id,
        detail={"key_message": key_message.pk},
    )
    return found


@transaction.atomic
def rumour_record(
    *,
    actor: User,
    plan: ReadinessPlan,
    heard_on: date,
    what_was_heard: str,
    where: str,
    response: str = "",
    today: date | None = None,
) -> Rumour:
    """A line of the rumour log: what was heard and where, never about a named member of the
    public (the guard refuses a name by title, an identifier, one person's views)."""
    readiness_plan_policy.require(actor, "edit", plan)
    errors = {}
    if not what_was_heard.strip():
        errors["what_was_heard"] = "Say what was heard"
    if not where.strip():
        errors["where"] = "Say where it was heard: a place or a channel"
    if heard_on > (today or timezone.localdate()):
        errors["heard_on"] = "The date it was heard must be today or in the past"
    if errors:
        raise ValidationError(errors)
    guard.guard_texts(
        {
            "what_was_heard": ("What was heard", what_was_heard),
            "where": ("Where", where),
            "response": ("The response", response),
        }
    )
    rumour = Rumour(
        plan=plan,
        heard_on=heard_on,
        what_was_heard=what_was_heard.strip(),
        where=where.strip(),
        response=response.strip(),
    )
    rumour.full_clean()
    rumour.save()
    audit_record(
        actor=actor,
        verb="RUMOUR_RECORDED",
        target=rumour,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=plan.partnership_id,
    )
    return rumour


# --- The key-individual directory ---------------------------------------------------------------

VERIFY_WITHIN_DAYS = 90
REVIEW_AFTER_DAYS = 365


@dataclass(frozen=True)
class ContactFields:
    kind: str
    organisation: Organisation
    role: str
    consented_on: date
    verified_on: date
    post: Post | None = None
    email: str = ""
    mobile: str = ""
    phone: str = ""
    deputy: KeyContact | None = None


def _contact_clean(
    partnership_id: int, fields: ContactFields, contact: KeyContact | None, today: date
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {
        "kind": fields.kind,
        "organisation": fields.organisation,
        "role": fields.role.strip(),
        "consented_on": fields.consented_on,
        "verified_on": fields.verified_on,
        "post": fields.post if fields.kind == ContactKind.STAFF else None,
        "email": fields.email.strip().lower(),
        "mobile": "",
        "phone": "",
        "deputy": fields.deputy,
    }
    if fields.kind not in ContactKind.values:
        errors["kind"] = "Select staff or community contact"
    if fields.kind == ContactKind.STAFF and fields.post is None:
        errors["post"] = "Select the post: staff are held by post"
    if fields.post is not None and fields.post.organisation_id != fields.organisation.pk:
        errors["post"] = "Select a post of the organisation"
    if not values["role"]:
        errors["role"] = "Enter their role for the organisation"
    if fields.mobile.strip():
        try:
            values["mobile"] = uk_mobile(fields.mobile)
        except ValidationError as error:
            errors["mobile"] = error.messages[0]
    if fields.phone.strip():
        try:
            values["phone"] = uk_phone(fields.phone)
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    if not (values["email"] or fields.mobile.strip() or fields.phone.strip()):
        errors["email"] = "Enter at least one channel: an email, a mobile or a phone"
    for name, label in (("consented_on", "consent was given"), ("verified_on", "last verified")):
        if getattr(fields, name) > today:
            errors[name] = f"The date {label} must be today or in the past"
    if fields.deputy is not None and (
        fields.deputy.partnership_id != partnership_id
        or (contact is not None and fields.deputy.pk == contact.pk)
    ):
        errors["deputy"] = "Select another entry of this partnership's directory as the deputy"
    if errors:
        raise ValidationError(errors)
    guard.guard_texts({"role": ("Role", values["role"])})
    return values


@transaction.atomic
def contact_create(
    *, actor: User, partnership: Partnership, fields: ContactFields, today: date | None = None
) -> KeyContact:
    key_contact_policy.require_in(actor, "add", partnership.pk)
    values = _contact_clean(partnership.pk, fields, None, today or timezone.localdate())
    contact = KeyContact(partnership=partnership, **values)
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        verb="KEY_CONTACT_CREATED",
        target=contact,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes=[k for k, v in values.items() if v],
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: KeyContact, fields: ContactFields, today: date | None = None
) -> KeyContact:
    key_contact_policy.require(actor, "edit", contact)
    values = _contact_clean(contact.partnership_id, fields, contact, today or timezone.localdate())
    for name, value in values.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        verb="KEY_CONTACT_UPDATED",
        target=contact,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=contact.partnership_id,
        changes=list(values),
    )
    return contact


@transaction.atomic
def contact_verify(*, actor: User, contact: KeyContact, today: date | None = None) -> KeyContact:
    """The entry was checked with the person and re-confirmed today."""
    key_contact_policy.require(actor, "edit", contact)
    contact.verified_on = today or timezone.localdate()
    contact.save(update_fields=["verified_on", "updated_at"])
    audit_record(
        actor=actor,
        verb="KEY_CONTACT_VERIFIED",
        target=contact,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=contact.partnership_id,
    )
    return contact


def contact_warnings(contact: KeyContact, today: date) -> list[str]:
    """What is wrong with an entry that does not stop it being used."""
    found = []
    if len(contact.channels) < 2:
        found.append("Fewer than two channels: add another way to reach them")
    if contact.verified_on < today - timedelta(days=VERIFY_WITHIN_DAYS):
        found.append(f"Not verified for more than {VERIFY_WITHIN_DAYS} days")
    return found


def _removable(today: date) -> Q:
    return Q(verified_on__lt=today - timedelta(days=REVIEW_AFTER_DAYS))


@transaction.atomic
def contacts_yearly_review(*, today: date | None = None) -> int:
    """Remove every directory entry not re-confirmed within a year: consent to be held here is
    renewed by re-confirming, or the entry goes. Entries a cascade has called are kept for that
    cascade's record, with their channels emptied. Run by the worker daily and by
    `lde contacts-review`; the actor is the platform."""
    day = today or timezone.localdate()
    removed = 0
    for contact in KeyContact.objects.filter(_removable(day)).select_for_update():
        KeyContact.objects.filter(deputy=contact).update(deputy=None)
        called = CascadeRecipient.objects.filter(contact=contact).exists()
        audit_record(
            actor=None,
            verb="KEY_CONTACT_REMOVED_AT_REVIEW",
            target=contact,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=contact.partnership_id,
            detail={"kept_for_cascade_record": called},
        )
        if called:
            KeyContact.objects.filter(pk=contact.pk).update(
                email="", mobile="", phone="", deputy=None, role="(removed at review)"
            )
        else:
            contact.delete()
        removed += 1
    return removed


# --- Cascades ----------------------------------------------------------------------------------

# The placeholders a template may use. `{ack_link}` must be there: it is how people answer.
PLACEHOLDERS = {
    "partnership": "the partnership's name",
    "organisation": "the recipient's organisation",
    "role": "the recipient's role",
    "ack_link": "their own acknowledgement link",
    "briefing_link": "the released briefing product's page (when one is chosen)",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ACK_MAX_AGE = timedelta(hours=24)
ACK_SALT = "consequence-management.ack"


def template_problems(template: str, *, has_briefing: bool) -> list[str]:
    """Why a template cannot be sent, before anything is: unknown placeholders, a missing one,
    braces that do not pair."""
    problems = []
    try:
        named = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError:
        return ["The message has a { or } that does not pair: write placeholders as {role}"]
    unknown = sorted({n for n in named if n not in PLACEHOLDERS})
    if unknown:
        problems.append(
            "The message uses placeholders that do not exist: "
            + ", ".join("{" + n + "}" for n in unknown)
            + ". Use only "
            + ", ".join("{" + n + "}" for n in PLACEHOLDERS)
        )
    if "ack_link" not in named:
        problems.append("The message must include {ack_link}, so that people can acknowledge it")
    if "briefing_link" in named and not has_briefing:
        problems.append(
            "The message uses {briefing_link} but no briefing product is chosen: choose the "
            "released product or take the placeholder out"
        )
    if has_briefing and "briefing_link" not in named:
        problems.append("A briefing product is chosen: include {briefing_link} in the message")
    return problems


def _marked_words() -> list[str]:
    """The labels of markings above OFFICIAL (the gateway's lowest): a message is sent outside
    the gateway, so it may carry none of them."""
    return [
        m.label
        for m in Marking.objects.filter(rank__gt=Marking.objects.order_by("rank").first().rank)  # type: ignore[union-attr]
        if m.label
    ]


def ack_token(recipient: CascadeRecipient) -> str:
    return signing.TimestampSigner(salt=ACK_SALT).sign(str(recipient.pk))


def ack_url(recipient: CascadeRecipient) -> str:
    base = getattr(settings, "LDE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("consequence_management:ack", args=[ack_token(recipient)])


def render_message(cascade: Cascade, recipient: CascadeRecipient) -> str:
    contact = recipient.contact
    briefing = ""
    if cascade.briefing_product_id:
        base = getattr(settings, "LDE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        briefing = base + reverse("sharing:product-detail", args=[cascade.briefing_product_id])
    prefix = "EXERCISE – " if cascade.kind == CascadeKind.EXERCISE else ""
    return prefix + cascade.template.format(
        partnership=cascade.partnership.name,
        organisation=contact.organisation.name,
        role=contact.role,
        ack_link=ack_url(recipient),
        briefing_link=briefing,
    )


LEVEL_OF_POST = {"strategic": 0, "tactical": 1, "delivery": 2}
COMMUNITY_LEVEL = 3


def _level(contact: KeyContact, mode: str) -> int:
    """A broadcast reaches everyone at once (level 0). A tree reaches strategic, tactical and
    delivery staff, then community contacts (¶92)."""
    if mode == CascadeMode.BROADCAST:
        return 0
    if contact.kind == ContactKind.STAFF and contact.post is not None:
        return LEVEL_OF_POST.get(contact.post.level, 2)
    return COMMUNITY_LEVEL


def _insert(model: type[Model], names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows in one statement per batch, ignoring those that would repeat a unique
    key. A cascade's start writes a recipient and an outbox row per key individual in one
    transaction; through `bulk_create` each row was a model instance with its fields prepared one
    by one, 40,000 for 10,000 recipients, and the start took most of the first hand-off's 2 s
    (lde bench cascades). Every column is named, `created_at` and `updated_at` included."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(fields))
    head = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)
    tail = connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"{head} {table} ({columns}) VALUES ({marks}) {tail}"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def _queue_rows(rows: Iterable[tuple[int, int, str, str]], now: datetime) -> int:
    """The outbox rows for these (cascade, recipient, email, mobile), and the sender task, in
    the caller's transaction."""
    from lde.consequence_management.tasks import cascade_send

    stamp = connection.ops.adapt_datetimefield_value(now)
    messages = []
    cascades = set()
    for cascade_id, recipient_id, email, mobile in rows:
        cascades.add(cascade_id)
        for channel, address in ((Channel.EMAIL, email), (Channel.TEXT, mobile)):
            if address:
                key = f"c{cascade_id}-r{recipient_id}-{channel}"
                status = str(MessageStatus.QUEUED)
                messages.append(
                    (recipient_id, str(channel), key, status, 0, stamp, "", "", stamp, stamp)
                )
    _insert(
        OutboxMessage,
        (
            "recipient",
            "channel",
            "key",
            "status",
            "attempts",
            "next_attempt_at",
            "provider_id",
            "last_error",
            "created_at",
            "updated_at",
        ),
        messages,
    )
    for cascade_id in sorted(cascades):
        cascade_send.enqueue(cascade_id)
    return len(messages)


def _queue_messages(recipients: Iterable[CascadeRecipient], now: datetime) -> int:
    """The outbox rows for these recipients, and the sender task, in the caller's transaction."""
    return _queue_rows(
        ((r.cascade_id, r.pk, r.contact.email, r.contact.mobile) for r in recipients), now
    )


@dataclass(frozen=True)
class CascadeFields:
    title: str
    kind: str
    mode: str
    template: str
    start_key: str
    plan: ReadinessPlan | None = None
    briefing_product: BriefingProduct | None = None
    quorum_percent: int = 60
    escalate_after_minutes: int = 15
    contacts: Sequence[KeyContact] | None = None
    # Held back from the first call, a deputy is called only when the person they stand in for
    # has not acknowledged in time (an escalation chain's next step); otherwise the whole
    # directory is called at once and an escalation finds the deputy already called.
    deputies_on_escalation: bool = False


def _cascade_checks(partnership: Partnership, fields: CascadeFields) -> list[KeyContact]:
    errors: dict[str, Any] = {}
    if not fields.title.strip():
        errors["title"] = "Enter a title for the cascade"
    if fields.kind not in CascadeKind.values:
        errors["kind"] = "Select exercise or live"
    if fields.mode not in CascadeMode.values:
        errors["mode"] = "Select broadcast or tree"
    if not 1 <= fields.quorum_percent <= 100:
        errors["quorum_percent"] = "The quorum must be between 1 and 100 per cent"
    if not 1 <= fields.escalate_after_minutes <= 1440:
        errors["escalate_after_minutes"] = "The wait before escalating must be 1 to 1,440 minutes"
    if fields.plan is not None and fields.plan.partnership_id != partnership.pk:
        errors["plan"] = "Select one of the partnership's readiness plans"
    product = fields.briefing_product
    if product is not None and product.status != ProductStatus.RELEASED:
        errors["briefing_product"] = "Select a released briefing product"
    problems = template_problems(fields.template, has_briefing=product is not None)
    marked = [w for w in _marked_words() if w.lower() in fields.template.lower()]
    if marked:
        problems.append(
            f"The message must carry no marked material (it names {marked[0]}): link to a "
            "released briefing product with {briefing_link} instead"
        )
    if problems:
        errors["template"] = problems
    directory = KeyContact.objects.filter(partnership=partnership)
    if fields.deputies_on_escalation:
        directory = directory.exclude(
            pk__in=KeyContact.objects.filter(partnership=partnership, deputy__isnull=False).values(
                "deputy_id"
            )
        )
    contacts = list(
        directory.select_related("post", "organisation")
        if fields.contacts is None
        else fields.contacts
    )
    if any(c.partnership_id != partnership.pk for c in contacts):
        errors["contacts"] = "Select entries of the partnership's own directory"
    elif not contacts:
        errors["contacts"] = "The directory has no entries to call: add key contacts first"
    if errors:
        raise ValidationError(errors)
    guard.guard_texts({"title": ("Title", fields.title), "template": ("Message", fields.template)})
    return contacts


def cascade_start(*, actor: User, partnership: Partnership, fields: CascadeFields) -> Cascade:
    """Start a cascade, or return the one this form's `start_key` already started: a double
    click posts the form twice and makes one cascade."""
    existing = Cascade.objects.filter(start_key=fields.start_key).first()
    if existing is not None:
        cascade_policy.require(actor, "view", existing)
        return existing
    try:
        return _cascade_start(actor=actor, partnership=partnership, fields=fields)
    except IntegrityError:
        found = Cascade.objects.filter(start_key=fields.start_key).first()
        if found is None:
            raise
        return found


@transaction.atomic
def _cascade_start(*, actor: User, partnership: Partnership, fields: CascadeFields) -> Cascade:
    cascade_policy.require_in(actor, "add", partnership.pk)
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", fields.start_key or ""):
        raise ValidationError({"start_key": "The form's key is missing: open the form again"})
    contacts = _cascade_checks(partnership, fields)
    now = timezone.now()
    cascade = Cascade.objects.create(
        partnership=partnership,
        plan=fields.plan,
        kind=fields.kind,
        mode=fields.mode,
        title=fields.title.strip(),
        template=fields.template,
        briefing_product=fields.briefing_product,
        quorum_percent=fields.quorum_percent,
        escalate_after_minutes=fields.escalate_after_minutes,
        start_key=fields.start_key,
        started_by=actor,
        started_at=now,
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    _insert(
        CascadeRecipient,
        (
            "cascade",
            "contact",
            "level",
            "acknowledged_via",
            "call_outcome",
            "created_at",
            "updated_at",
        ),
        [(cascade.pk, c.pk, _level(c, fields.mode), "", "", stamp, stamp) for c in contacts],
    )
    recipients = list(
        CascadeRecipient.objects.filter(cascade=cascade).values_list("pk", "contact_id", "level")
    )
    first = min(level for _, _, level in recipients)
    cascade.level_reached = first
    cascade.save(update_fields=["level_reached", "updated_at"])
    by_id = {c.pk: c for c in contacts}
    queued = _queue_rows(
        (
            (cascade.pk, pk, by_id[contact_id].email, by_id[contact_id].mobile)
            for pk, contact_id, level in recipients
            if level == first
        ),
        now,
    )
    audit_record(
        actor=actor,
        verb="CASCADE_STARTED",
        target=cascade,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        detail={"recipients": len(recipients), "messages": queued, "kind": fields.kind},
    )
    return cascade


def _quorum_met(cascade: Cascade, level: int) -> bool:
    at_level = CascadeRecipient.objects.filter(
        cascade=cascade, level=level, deputy_for__isnull=True
    )
    total = at_level.count()
    answered = at_level.filter(
        Q(acknowledged_at__isnull=False) | Q(deputies__acknowledged_at__isnull=False)
    ).distinct()
    return total == 0 or answered.count() * 100 >= cascade.quorum_percent * total


def _advance(cascade: Cascade, now: datetime) -> None:
    """A tree reaches its next level once the current one has its quorum."""
    if cascade.mode != CascadeMode.TREE or cascade.status != CascadeStatus.RUNNING:
        return
    while _quorum_met(cascade, cascade.level_reached):
        following = (
            CascadeRecipient.objects.filter(cascade=cascade, level__gt=cascade.level_reached)
            .order_by("level")
            .values_list("level", flat=True)
            .first()
        )
        if following is None:
            return
        cascade.level_reached = following
        cascade.save(update_fields=["level_reached", "updated_at"])
        _queue_messages(
            CascadeRecipient.objects.filter(cascade=cascade, level=following).select_related(
                "contact"
            ),
            now,
        )
        audit_record(
            actor=None,
            verb="CASCADE_LEVEL_REACHED",
            target=cascade,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=cascade.partnership_id,
            detail={"level": following},
        )


def _acknowledge(recipient: CascadeRecipient, via: str, actor: User | None) -> bool:
    """Record the acknowledgement once; withhold every message to them still queued. False if
    they had already acknowledged (nothing is recorded again)."""
    now = timezone.now()
    updated = CascadeRecipient.objects.filter(pk=recipient.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_via=via, updated_at=now
    )
    if not updated:
        return False
    OutboxMessage.objects.filter(recipient=recipient, status=MessageStatus.QUEUED).update(
        status=MessageStatus.WITHHELD, updated_at=now
    )
    cascade = recipient.cascade
    audit_record(
        actor=actor,
        verb="CASCADE_ACKNOWLEDGED",
        target=cascade,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=cascade.partnership_id,
        detail={"recipient": recipient.pk, "via": via},
    )
    _advance(cascade, now)
    return True


class AckRefused(Exception):
    """An acknowledgement link that does not work. `reason` is one of "invalid", "expired",
    "used", "closed"; the page says only that, and nothing of the cascade."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _recipient_for_update(recipient_id: int) -> CascadeRecipient | None:
    rows = CascadeRecipient.objects.select_related("cascade", "cascade__partnership")
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return rows.filter(pk=recipient_id).first()


def recipient_from_token(token: str) -> CascadeRecipient:
    try:
        value = signing.TimestampSigner(salt=ACK_SALT).unsign(token, max_age=ACK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise AckRefused("expired") from error
    except signing.BadSignature as error:
        raise AckRefused("invalid") from error
    recipient = CascadeRecipient.objects.select_related("cascade").filter(pk=int(value)).first()
    if recipient is None:
        raise AckRefused("invalid")
    if recipient.acknowledged_at is not None:
        raise AckRefused("used")
    if recipient.cascade.status != CascadeStatus.RUNNING:
        raise AckRefused("closed")
    return recipient


@transaction.atomic
def ack_by_link(*, token: str) -> CascadeRecipient:
    """Acknowledge through the signed, single-use, expiring link. Anyone holding the link may
    use it once; a tampered, expired or used one raises `AckRefused` and records nothing."""
    found = recipient_from_token(token)
    recipient = _recipient_for_update(found.pk)
    if recipient is None or not _acknowledge(recipient, AckVia.LINK, None):
        raise AckRefused("used")
    return recipient


@transaction.atomic
def ack_by_text(*, source_number: str, content: str) -> CascadeRecipient | None:
    """A text reply from Notify's inbound callback: acknowledges the latest unanswered recipient
    of a running cascade with that mobile. Returns None when nobody matches."""
    try:
        mobile = uk_mobile(source_number)
    except ValidationError:
        return None
    candidate = (
        CascadeRecipient.objects.filter(
            contact__mobile=mobile,
            acknowledged_at__isnull=True,
            cascade__status=CascadeStatus.RUNNING,
            first_sent_at__isnull=False,
        )
        .order_by("-first_sent_at", "-pk")
        .first()
    )
    if candidate is None:
        return None
    recipient = _recipient_for_update(candidate.pk)
    if recipient is None or not _acknowledge(recipient, AckVia.TEXT, None):
        return None
    return recipient


@transaction.atomic
def call_record(
    *, actor: User, cascade: Cascade, recipient: CascadeRecipient, outcome: str
) -> CascadeRecipient:
    """A caller of the ring-round records what came of the call."""
    cascade_policy.require(actor, "record_call", cascade)
    if recipient.cascade_id != cascade.pk:
        raise ValidationError({"recipient": "Select someone this cascade calls"})
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": "Select what came of the call"})
    locked = _recipient_for_update(recipient.pk)
    assert locked is not None
    if locked.acknowledged_at is not None:
        raise ValidationError(
            {"outcome": "They have already acknowledged: there is no call to make"}
        )
    locked.call_outcome = outcome
    locked.save(update_fields=["call_outcome", "updated_at"])
    audit_record(
        actor=actor,
        verb="CASCADE_CALL_RECORDED",
        target=cascade,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=cascade.partnership_id,
        detail={"recipient": recipient.pk, "outcome": outcome},
    )
    if outcome == CallOutcome.ACKNOWLEDGED:
        _acknowledge(locked, AckVia.CALLER, actor)
    return locked


@transaction.atomic
def cascade_close(*, actor: User, cascade: Cascade) -> Cascade:
    """Close the cascade: nothing still queued is sent."""
    cascade_policy.require(actor, "close", cascade)
    now = timezone.now()
    cascade.status = CascadeStatus.CLOSED
    cascade.closed_at = now
    cascade.save(update_fields=["status", "closed_at", "updated_at"])
    OutboxMessage.objects.filter(recipient__cascade=cascade, status=MessageStatus.QUEUED).update(
        status=MessageStatus.WITHHELD, updated_at=now
    )
    audit_record(
        actor=actor,
        verb="CASCADE_CLOSED",
        target=cascade,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=cascade.partnership_id,
    )
    return cascade


def _escalate(recipient: CascadeRecipient, now: datetime, why: str) -> CascadeRecipient | None:
    """Call the recipient's deputy (once), if they have one not already called."""
    CascadeRecipient.objects.filter(pk=recipient.pk, escalated_at__isnull=True).update(
        escalated_at=now, updated_at=now
    )
    deputy = recipient.contact.deputy
    if deputy is None:
        return None
    added, created = CascadeRecipient.objects.get_or_create(
        cascade=recipient.cascade,
        contact=deputy,
        defaults={"level": recipient.level, "deputy_for": recipient},
    )
    if not created:
        return None
    added.contact = deputy
    # Due at once: `now` may be the moment the wait was measured to, not the clock.
    _queue_messages([added], min(now, timezone.now()))
    audit_record(
        actor=None,
        verb="CASCADE_ESCALATED",
        target=recipient.cascade,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=recipient.cascade.partnership_id,
        detail={"recipient": recipient.pk, "deputy": added.pk, "why": why},
    )
    return added


@transaction.atomic
def cascades_escalate_due(*, now: datetime | None = None) -> int:
    """Escalate, to their deputy, everyone not acknowledged within the cascade's wait since
    their first message. Run every minute by the worker."""
    moment = now or timezone.now()
    count = 0
    due = (
        CascadeRecipient.objects.filter(
            cascade__status=CascadeStatus.RUNNING,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            first_sent_at__isnull=False,
        )
        .select_related("cascade", "contact", "contact__deputy")
        .order_by("pk")
    )
    for recipient in due:
        wait = timedelta(minutes=recipient.cascade.escalate_after_minutes)
        if recipient.first_sent_at and recipient.first_sent_at + wait <= moment:
            _escalate(recipient, moment, "no acknowledgement")
            count += 1
    return count


# --- The sender -------------------------------------------------------------------------------

MAX_ATTEMPTS = 6
FIRST_WAIT = timedelta(seconds=10)
STALE_SENDING = timedelta(minutes=5)


def _wait_after(attempts: int) -> timedelta:
    return FIRST_WAIT * 3 ** (attempts - 1)


def _rate() -> int:
    return int(getattr(settings, "LDE_NOTIFY_RATE_PER_MINUTE", RATE_PER_MINUTE))


def _handed_in_last_minute(now: datetime) -> int:
    """Texts handed to Notify in the last minute: its limit counts its own messages only (an
    email goes through the mail relay and is not paced by it)."""
    return OutboxMessage.objects.filter(
        channel=Channel.TEXT, handed_off_at__gt=now - timedelta(minutes=1)
    ).count()


# Messages claimed in one transaction. One claim per message cost a query with five joins and a
# commit each, and kept the sender under Notify's 50 a second on a busy machine (lde bench
# cascades); a worker killed mid-batch leaves at most this many "being sent" for recovery.
CLAIM_BATCH = 50


def _claim(message_ids: list[int], now: datetime) -> tuple[list[OutboxMessage], int]:
    """The messages among these still queued, marked as being sent and committed, and how many
    were withheld instead (their recipient has acknowledged or the cascade is closed)."""
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(pk__in=message_ids, status=MessageStatus.QUEUED)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        messages = list(
            rows.select_related(
                "recipient",
                "recipient__cascade",
                "recipient__cascade__partnership",
                "recipient__contact",
                "recipient__contact__organisation",
            ).order_by("pk")
        )
        withheld = [
            m.pk
            for m in messages
            if m.recipient.acknowledged_at is not None
            or m.recipient.cascade.status != CascadeStatus.RUNNING
        ]
        claimed = [m for m in messages if m.pk not in set(withheld)]
        if withheld:
            OutboxMessage.objects.filter(pk__in=withheld).update(
                status=MessageStatus.WITHHELD, updated_at=now
            )
        if claimed:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
                status=MessageStatus.SENDING, attempts=F("attempts") + 1, updated_at=now
            )
        for message in claimed:
            message.status = MessageStatus.SENDING
            message.attempts += 1
    return claimed, len(withheld)


def _acknowledged_since_claim(message: OutboxMessage, now: datetime) -> bool:
    """Whether the recipient acknowledged after the batch was claimed; if so the message is
    withheld, so that nothing reaches anyone after they have acknowledged."""
    if not CascadeRecipient.objects.filter(
        pk=message.recipient_id, acknowledged_at__isnull=False
    ).exists():
        return False
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.WITHHELD, updated_at=now
    )
    return True


def _hand_over(message: OutboxMessage) -> str:
    recipient = message.recipient
    body = render_message(recipient.cascade, recipient)
    if message.channel == Channel.TEXT:
        return provider().send_text(to=recipient.contact.mobile, body=body, reference=message.key)
    subject = f"{'Exercise: ' if recipient.cascade.kind == CascadeKind.EXERCISE else ''}"
    subject += recipient.cascade.title
    try:
        EmailMessage(subject=subject, body=body, to=[recipient.contact.email]).send()
    except Exception as error:  # the relay's refusal of the address is permanent
        refused = type(error).__name__ in ("SMTPRecipientsRefused",)
        raise ProviderError(400 if refused else None, f"{type(error).__name__}: {error}") from error
    return ""


def _sent(handed: list[tuple[OutboxMessage, str, datetime]]) -> None:
    """Record messages handed over, each with the provider's id and the moment, in one commit."""
    if not handed:
        return
    with transaction.atomic():
        for message, provider_id, at in handed:
            message.status = MessageStatus.SENT
            message.handed_off_at = at
            message.provider_id = provider_id
            message.last_error = ""
            message.updated_at = at
        OutboxMessage.objects.bulk_update(
            [m for m, _, _ in handed],
            ["status", "handed_off_at", "provider_id", "last_error", "updated_at"],
        )
        first: dict[int, datetime] = {}
        for message, _, at in handed:
            first.setdefault(message.recipient_id, at)
        for at in sorted(set(first.values())):
            CascadeRecipient.objects.filter(
                pk__in=[r for r, when in first.items() if when == at], first_sent_at__isnull=True
            ).update(first_sent_at=at, updated_at=at)


def _failed(message: OutboxMessage, error: ProviderError, now: datetime) -> str:
    from lde.consequence_management.tasks import cascade_send

    text = f"{error.status or 'time-out'}: {error}"[:500]
    with transaction.atomic():
        if error.permanent or message.attempts >= MAX_ATTEMPTS:
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=MessageStatus.FAILED, last_error=text, updated_at=now
            )
            recipient = CascadeRecipient.objects.select_related(
                "cascade", "contact", "contact__deputy"
            ).get(pk=message.recipient_id)
            if recipient.acknowledged_at is None and recipient.escalated_at is None:
                _escalate(recipient, now, "message failed")
            return "failed"
        after = now + _wait_after(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.QUEUED, next_attempt_at=after, last_error=text, updated_at=now
        )
        cascade_send.using(run_after=after).enqueue(message.recipient.cascade_id)
    return "retry"


def recover_stale(*, now: datetime | None = None) -> int:
    """Messages a killed worker left "being sent": asked of the provider by their reference, each
    is recorded as sent if it arrived there, and queued again if not, so none is lost and none
    sent twice. An email cannot be asked after; it is recorded as sent, at most once."""
    moment = now or timezone.now()
    count = 0
    stale = OutboxMessage.objects.filter(
        status=MessageStatus.SENDING, updated_at__lt=moment - STALE_SENDING
    )
    for message in stale:
        found = provider().find(reference=message.key) if message.channel == Channel.TEXT else ""
        if found is None:
            OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
                status=MessageStatus.QUEUED, next_attempt_at=moment, updated_at=moment
            )
        else:
            _sent([(message, found, moment)])
        count += 1
    return count


def send_due(*, cascade_id: int | None = None, limit: int | None = None) -> dict[str, int]:
    """Hand over every due message (of one cascade, or all), paced to the provider's limit.
    Returns counts by outcome, with "paced": 1 when it stopped for the limit.

    Messages are claimed `CLAIM_BATCH` at a time (a batch's texts never more than the limit
    leaves for this minute), handed over one by one, and recorded in one commit; a text
    handed over and not recorded (the worker killed) is found by its reference on recovery."""
    from lde.consequence_management.tasks import cascade_send

    counts = {"sent": 0, "withheld": 0, "retry": 0, "failed": 0, "paced": 0}
    rate = _rate()
    while True:
        now = timezone.now()
        budget = rate - _handed_in_last_minute(now)
        due = OutboxMessage.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
        if cascade_id is not None:
            due = due.filter(recipient__cascade_id=cascade_id)
        texts_waiting = False
        if budget <= 0:
            texts_waiting = due.filter(channel=Channel.TEXT).exists()
            due = due.exclude(channel=Channel.TEXT)
        size = CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - counts["sent"])
        rows = list(due.order_by("pk").values_list("pk", "channel")[:size])
        batch: list[int] = []
        for pk, channel in rows:
            if channel == Channel.TEXT:
                if budget <= 0:
                    continue
                budget -= 1
            batch.append(pk)
        if not batch:
            if texts_waiting:
                counts["paced"] = 1
                if cascade_id is not None:
                    cascade_send.using(run_after=_window_opens(now)).enqueue(cascade_id)
            return counts
        claimed, withheld = _claim(batch, now)
        counts["withheld"] += withheld
        handed: list[tuple[OutboxMessage, str, datetime]] = []
        try:
            for message in claimed:
                if _acknowledged_since_claim(message, timezone.now()):
                    counts["withheld"] += 1
                    continue
                try:
                    provider_id = _hand_over(message)
                except ProviderError as error:
                    counts[_failed(message, error, timezone.now())] += 1
                    continue
                handed.append((message, provider_id, timezone.now()))
        finally:
            _sent(handed)
        counts["sent"] += len(handed)
        if limit is not None and counts["sent"] >= limit:
            return counts


def _window_opens(now: datetime) -> datetime:
    """When the oldest text of the last minute leaves Notify's window."""
    oldest = (
        OutboxMessage.objects.filter(
            channel=Channel.TEXT, handed_off_at__gt=now - timedelta(minutes=1)
        )
        .order_by("handed_off_at")
        .values_list("handed_off_at", flat=True)
        .first()
    )
    return (oldest or now) + timedelta(minutes=1)


RECEIPT_STATUSES = {
    "delivered": MessageStatus.DELIVERED,
    "permanent-failure": MessageStatus.FAILED,
    "temporary-failure": MessageStatus.FAILED,
    "technical-failure": MessageStatus.FAILED,
}


@transaction.atomic
def receipt_record(*, reference: str, status: str) -> OutboxMessage | None:
    """Notify's delivery receipt for the message it was given `reference` for."""
    message = (
        OutboxMessage.objects.select_related("recipient", "recipient__cascade")
        .filter(key=reference)
        .first()
    )
    if message is None or status not in RECEIPT_STATUSES:
        return None
    now = timezone.now()
    message.status = RECEIPT_STATUSES[status]
    if message.status == MessageStatus.DELIVERED:
        message.delivered_at = now
    else:
        message.last_error = f"Notify: {status}"
    message.save(update_fields=["status", "delivered_at", "last_error", "updated_at"])
    recipient = message.recipient
    if (
        message.status == MessageStatus.FAILED
        and recipient.acknowledged_at is None
        and recipient.escalated_at is None
        and recipient.cascade.status == CascadeStatus.RUNNING
    ):
        full = CascadeRecipient.objects.select_related("cascade", "contact", "contact__deputy").get(
            pk=recipient.pk
        )
        _escalate(full, now, "not delivered")
    return message


def new_start_key() -> str:
    return secrets.token_urlsafe(24)


# --- Exercises (¶161) and their lessons -------------------------------------------------------


@dataclass(frozen=True)
class ExerciseFields:
    title: str
    scenario: str
    held_on: date
    plan: ReadinessPlan | None = None
    cascade: Cascade | None = None
    criteria: Sequence[Any] = ()


def _exercise_checks(partnership_id: int, fields: ExerciseFields) -> None:
    errors: dict[str, str] = {}
    if not fields.title.strip():
        errors["title"] = "Enter the exercise's title"
    if not fields.scenario.strip():
        errors["scenario"] = "Describe the scenario the exercise plays through"
    if fields.plan is not None and fields.plan.partnership_id != partnership_id:
        errors["plan"] = "Select one of the partnership's readiness plans"
    if fields.cascade is not None and (
        fields.cascade.partnership_id != partnership_id
        or fields.cascade.kind != CascadeKind.EXERCISE
    ):
        errors["cascade"] = "Select one of the partnership's exercise cascades"
    for criterion in fields.criteria:
        if criterion.framework_version.framework.identifier != READINESS_FRAMEWORK:
            errors["criteria"] = "Select criteria of the consequence-management readiness framework"
    if errors:
        raise ValidationError(errors)
    guard.guard_texts({"title": ("Title", fields.title), "scenario": ("Scenario", fields.scenario)})


def _exercise_write(exercise: Exercise, fields: ExerciseFields) -> None:
    exercise.title = fields.title.strip()
    exercise.scenario = fields.scenario.strip()
    exercise.held_on = fields.held_on
    exercise.plan = fields.plan
    exercise.cascade = fields.cascade
    exercise.full_clean(exclude=["partnership", "plan", "cascade"], validate_unique=False)
    if (
        Exercise.objects.filter(partnership_id=exercise.partnership_id, title=exercise.title)
        .exclude(pk=exercise.pk)
        .exists()
    ):
        raise ValidationError({"title": "The partnership already has an exercise of that title"})
    exercise.save()
    exercise.criteria.set(fields.criteria)


def _exercise_audit(actor: User, verb: str, exercise: Exercise, **detail: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=exercise,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=exercise.partnership_id,
        detail=detail or None,
    )


@transaction.atomic
def exercise_create(*, actor: User, partnership: Partnership, fields: ExerciseFields) -> Exercise:
    """Plan a table-top exercise (¶161): its scenario, the day, the criteria it tests."""
    exercise_policy.require_in(actor, "add", partnership.pk)
    _exercise_checks(partnership.pk, fields)
    exercise = Exercise(partnership=partnership)
    _exercise_write(exercise, fields)
    _exercise_audit(actor, "EXERCISE_PLANNED", exercise)
    return exercise


@transaction.atomic
def exercise_update(*, actor: User, exercise: Exercise, fields: ExerciseFields) -> Exercise:
    exercise = _exercise_locked(exercise)
    exercise_policy.require(actor, "edit", exercise)
    _exercise_checks(exercise.partnership_id, fields)
    _exercise_write(exercise, fields)
    _exercise_audit(actor, "EXERCISE_UPDATED", exercise)
    return exercise


def _exercise_locked(exercise: Exercise) -> Exercise:
    """The exercise as it stands now, locked: its state decides what may be done."""
    rows = Exercise.objects.all()
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.get(pk=exercise.pk)


@transaction.atomic
def participant_add(
    *, actor: User, exercise: Exercise, organisation: Organisation, role: str
) -> ExerciseParticipant:
    """Who took part: an organisation and the role played for it, never a person's name."""
    exercise = _exercise_locked(exercise)
    exercise_policy.require(actor, "edit", exercise)
    role = (role or "").strip()
    if not role:
        raise ValidationError({"role": "Enter the role played for the organisation"})
    guard.guard_texts({"role": ("Role", role)})
    if ExerciseParticipant.objects.filter(
        exercise=exercise, organisation=organisation, role=role
    ).exists():
        raise ValidationError({"role": "That organisation already takes part in that role"})
    found = ExerciseParticipant(exercise=exercise, organisation=organisation, role=role)
    found.full_clean()
    found.save()
    _exercise_audit(actor, "EXERCISE_PARTICIPANT_ADDED", exercise, organisation=organisation.pk)
    return found


@transaction.atomic
def entry_add(
    *, actor: User, exercise: Exercise, kind: str, at: datetime, text: str
) -> ExerciseEntry:
    """A line of the timeline, or an observation. The guard refuses a member of the public named
    or described: an observation is about how the partners did, never about a person."""
    exercise = _exercise_locked(exercise)
    exercise_policy.require(actor, "edit", exercise)
    errors = {}
    if kind not in EntryKind.values:
        errors["kind"] = "Select timeline or observation"
    if not (text or "").strip():
        errors["text"] = "Say what happened or what was observed"
    if errors:
        raise ValidationError(errors)
    guard.guard_texts({"text": ("What happened", text)})
    entry = ExerciseEntry(exercise=exercise, kind=kind, at=at, text=text.strip())
    entry.full_clean()
    entry.save()
    _exercise_audit(actor, "EXERCISE_ENTRY_RECORDED", exercise, kind=kind)
    return entry


@transaction.atomic
def exercise_start(*, actor: User, exercise: Exercise) -> Exercise:
    exercise = _exercise_locked(exercise)
    exercise_policy.require(actor, "start", exercise)
    exercise.status = ExerciseStatus.RUNNING
    exercise.started_at = timezone.now()
    exercise.save(update_fields=["status", "started_at", "updated_at"])
    _exercise_audit(actor, "EXERCISE_STARTED", exercise)
    return exercise


@transaction.atomic
def exercise_close(*, actor: User, exercise: Exercise) -> Exercise:
    """Close the exercise: its record is then fixed, and its lessons may be recorded."""
    exercise = _exercise_locked(exercise)
    exercise_policy.require(actor, "close", exercise)
    exercise.status = ExerciseStatus.CLOSED
    exercise.closed_at = timezone.now()
    exercise.save(update_fields=["status", "closed_at", "updated_at"])
    _exercise_audit(actor, "EXERCISE_CLOSED", exercise)
    return exercise


def lesson_reference(exercise: Exercise) -> str:
    """How the action plan names the exercise, without knowing this app (ADR 0017)."""
    return f"Exercise “{exercise.title}”, {exercise.held_on:%-d %B %Y}"[:200]


@transaction.atomic
def lesson_record(
    *,
    actor: User,
    exercise: Exercise,
    lesson: str,
    title: str,
    description: str,
    owner: User | None,
    owner_organisation: Organisation | None,
    due_on: date | None,
    raised_on: date | None = None,
) -> Lesson:
    """A lesson learned in a closed exercise, and the action in the partnership's action plan
    that carries it out: both or neither (ADR 0017). The action says it came from an exercise's
    lesson and names the exercise; the lesson keeps the link to follow it to closure."""
    exercise = _exercise_locked(exercise)
    exercise_policy.require(actor, "learn", exercise)
    lesson = (lesson or "").strip()
    if not lesson:
        raise ValidationError({"lesson": "Say what was learned"})
    guard.guard_texts({"lesson": ("The lesson", lesson)})
    if Lesson.objects.filter(exercise=exercise, lesson=lesson).exists():
        raise Conflict({"lesson": "This lesson is already recorded for the exercise"})
    partnership = Partnership.objects.get(pk=exercise.partnership_id)
    action = action_services.action_raise_from(
        actor=actor,
        partnership=partnership,
        origin=ActionOrigin.EXERCISE_LESSON,
        origin_reference=lesson_reference(exercise),
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        raised_on=raised_on,
    )
    found = Lesson(exercise=exercise, lesson=lesson, action=action)
    found.full_clean()
    found.save()
    _exercise_audit(actor, "EXERCISE_LESSON_RECORDED", exercise, lesson=found.pk, action=action.pk)
    return found
