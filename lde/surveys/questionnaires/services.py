"""Questionnaire writes: building one (in the platform or from an XLSForm), its collections and
their statuses, participant links, a participant's answers, and the retention job.

Each write asks the policy, writes, and records its audit event in one transaction. A
participant's answers are the one write with no actor: the link is the authority, and it is
spent by the same transaction that stores them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from lde.accounts.models import User
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.refusals import Conflict
from lde.core.uploads import XLSX, upload_check
from lde.core.workflow import transition
from lde.partnerships.models import Partnership
from lde.sharing.models import Protocol, ProtocolStatus
from lde.surveys.models import (
    COLLECTION_TRANSITIONS,
    Answer,
    Choice,
    Collection,
    CollectionStatus,
    CollectionTransition,
    ParticipantLink,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Wave,
)
from lde.surveys.questionnaires.answering import CODE, ReadAnswers, code_normal, read_answers
from lde.surveys.questionnaires.expressions import ExpressionError, parse
from lde.surveys.questionnaires.policies import questionnaire_policy
from lde.surveys.questionnaires.xlsform import FormProblem, read_xlsform

__all__ = [
    "LinkRefused",
    "XlsformRefused",
    "answers_past_retention_delete",
    "collection_close",
    "collection_create",
    "collection_open",
    "link_check",
    "links_issue",
    "question_add",
    "question_move",
    "question_update",
    "questionnaire_create",
    "questionnaire_import_xlsform",
    "questionnaire_update",
    "response_submit",
]

MAX_XLSFORM_BYTES = 5 * 1024 * 1024
MAX_LINKS = 1_000


class XlsformRefused(ValidationError):
    """The workbook has problems; nothing was saved. Each names its sheet, row and column."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__({"file": [str(p) for p in problems]})
        self.problems = problems


class LinkRefused(Exception):
    """A participant link that cannot be used: `reason` is invalid, expired, used or closed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _audit(actor: Any, verb: str, target: Any, partnership_id: int, **detail: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership_id,
        detail=detail or None,
    )


def _editable(questionnaire: Questionnaire) -> None:
    """Questions change only before any collection has opened: answers already given must keep
    meaning what they meant."""
    if questionnaire.collections.exclude(status=CollectionStatus.DRAFT).exists():
        raise Conflict(
            "A collection of this questionnaire has opened: its questions can no longer change. "
            "Copy it as a new questionnaire to change them."
        )


def _protocol_check(protocol: Protocol | None, field: str = "protocol") -> None:
    if protocol is not None and protocol.status == ProtocolStatus.ENDED:
        raise ValidationError({field: "That protocol has ended: choose one in force"})


# --- Questionnaires --------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(
    *,
    actor: User,
    partnership: Partnership,
    title: str,
    description: str = "",
    protocol: Protocol | None = None,
) -> Questionnaire:
    questionnaire_policy.require_in(
        actor, "create", partnership.pk, message="You cannot add a questionnaire."
    )
    if not title.strip():
        raise ValidationError({"title": "Enter a title"})
    _protocol_check(protocol)
    questionnaire = Questionnaire(
        partnership=partnership,
        title=title.strip(),
        description=description,
        protocol=protocol,
        created_by=actor,
    )
    questionnaire.full_clean()
    questionnaire.save()
    _audit(actor, "QUESTIONNAIRE_CREATED", questionnaire, partnership.pk)
    return questionnaire


@transaction.atomic
def questionnaire_update(
    *,
    actor: User,
    questionnaire: Questionnaire,
    title: str,
    description: str = "",
    protocol: Protocol | None = None,
) -> Questionnaire:
    questionnaire_policy.require(actor, "manage", questionnaire)
    if not title.strip():
        raise ValidationError({"title": "Enter a title"})
    _protocol_check(protocol)
    if (
        protocol != questionnaire.protocol
        and questionnaire.collections.filter(status=CollectionStatus.OPEN).exists()
    ):
        raise Conflict({"protocol": "Close the open collection before changing the protocol"})
    questionnaire.title, questionnaire.description = title.strip(), description
    questionnaire.protocol = protocol
    questionnaire.full_clean()
    questionnaire.save()
    _audit(actor, "QUESTIONNAIRE_CHANGED", questionnaire, questionnaire.partnership_id)
    return questionnaire


@transaction.atomic
def questionnaire_import_xlsform(
    *,
    actor: User,
    partnership: Partnership,
    data: bytes,
    name: str,
    protocol: Protocol | None = None,
    title: str = "",
) -> Questionnaire:
    """A questionnaire from an XLSForm workbook: all of it, or nothing (XlsformRefused, each
    problem naming its sheet, row and column)."""
    questionnaire_policy.require_in(
        actor, "create", partnership.pk, message="You cannot add a questionnaire."
    )
    if len(data) > MAX_XLSFORM_BYTES:
        raise ValidationError({"file": "The selected file must be smaller than 5 MB"})
    upload_check(data, name=name, accepted=(XLSX,))
    _protocol_check(protocol)
    form = read_xlsform(data)
    if form.problems:
        raise XlsformRefused(form.problems)
    questionnaire = Questionnaire.objects.create(
        partnership=partnership,
        title=(title or form.title or name.rsplit(".", 1)[0] or "Questionnaire")[:200],
        form_id=form.form_id,
        version=form.version,
        protocol=protocol,
        created_by=actor,
    )
    Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=i, **q.__dict__)
        for i, q in enumerate(form.questions, 1)
    )
    Choice.objects.bulk_create(
        Choice(
            questionnaire=questionnaire,
            list_name=c.list_name,
            name=c.name,
            label=c.label,
            position=i,
        )
        for i, c in enumerate(form.choices, 1)
    )
    _audit(
        actor,
        "QUESTIONNAIRE_IMPORTED",
        questionnaire,
        partnership.pk,
        questions=len(form.questions),
        choices=len(form.choices),
    )
    return questionnaire


# --- Questions built in the platform ---------------------------------------------------------


def _choices_from_text(text: str) -> list[tuple[str, str]]:
    """Choices written one a line as `value label` ("1 Strongly disagree")."""
    found: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        value, _, label = line.strip().partition(" ")
        if len(value) > 64 or not label.strip() or len(label.strip()) > 200:
            raise ValidationError(
                {
                    "choices": f"Line {number}: write a value, a space and a label of 200 "
                    "characters at most, like 1 Strongly disagree"
                }
            )
        if value in {v for v, _ in found}:
            raise ValidationError({"choices": f"Line {number}: the value {value} is used twice"})
        found.append((value, label.strip()))
    return found


def _question_check(questionnaire: Questionnaire, fields: Mapping[str, Any], pk: Any) -> None:
    names = set(questionnaire.questions.exclude(pk=pk).values_list("name", flat=True))
    if fields["name"] in names:
        raise ValidationError({"name": "Another question already has this name"})
    for column in ("relevant", "constraint"):
        if fields.get(column):
            try:
                node = parse(fields[column])
            except ExpressionError as error:
                raise ValidationError({column: f"The expression cannot be read: {error}"}) from None
            from lde.surveys.questionnaires.expressions import names_in

            unknown = names_in(node) - names - {fields["name"]}
            if unknown:
                raise ValidationError(
                    {column: f"${{{sorted(unknown)[0]}}} is not the name of a question"}
                )


def _question_choices(questionnaire: Questionnaire, question: Question, choices_text: str) -> None:
    if question.kind not in (QuestionKind.SELECT_ONE, QuestionKind.SELECT_MULTIPLE):
        return
    choices = _choices_from_text(choices_text)
    if not choices:
        raise ValidationError({"choices": "Enter the choices, one a line"})
    question.list_name = question.list_name or question.name
    question.save(update_fields=["list_name", "updated_at"])
    Choice.objects.filter(questionnaire=questionnaire, list_name=question.list_name).delete()
    Choice.objects.bulk_create(
        Choice(
            questionnaire=questionnaire,
            list_name=question.list_name,
            name=value,
            label=label,
            position=i,
        )
        for i, (value, label) in enumerate(choices, 1)
    )


QUESTION_FIELDS = (
    "kind",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
)


@transaction.atomic
def question_add(
    *, actor: User, questionnaire: Questionnaire, choices_text: str = "", **fields: Any
) -> Question:
    questionnaire_policy.require(actor, "manage", questionnaire)
    _editable(questionnaire)
    _question_check(questionnaire, fields, None)
    last = questionnaire.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question(questionnaire=questionnaire, position=last + 1, **fields)
    question.full_clean()
    question.save()
    _question_choices(questionnaire, question, choices_text)
    _audit(actor, "QUESTION_ADDED", question, questionnaire.partnership_id)
    return question


@transaction.atomic
def question_update(
    *, actor: User, question: Question, choices_text: str = "", **fields: Any
) -> Question:
    questionnaire = question.questionnaire
    questionnaire_policy.require(actor, "manage", questionnaire)
    _editable(questionnaire)
    _question_check(questionnaire, fields, question.pk)
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    question.save()
    _question_choices(questionnaire, question, choices_text)
    _audit(actor, "QUESTION_CHANGED", question, questionnaire.partnership_id)
    return question


@transaction.atomic
def question_move(*, actor: User, question: Question, direction: str) -> Question:
    """Swap the question with the one before ("up") or after ("down") it."""
    questionnaire = question.questionnaire
    questionnaire_policy.require(actor, "manage", questionnaire)
    _editable(questionnaire)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choose up or down"})
    rows = questionnaire.questions.order_by("position")
    other = (
        rows.filter(position__lt=question.position).last()
        if direction == "up"
        else rows.filter(position__gt=question.position).first()
    )
    if other is None:
        return question
    mine, theirs = question.position, other.position
    # Positions are unique: park one beyond the end while the other moves into its place.
    spare = (rows.aggregate(m=Max("position"))["m"] or 0) + 1
    Question.objects.filter(pk=question.pk).update(position=spare)
    Question.objects.filter(pk=other.pk).update(position=mine)
    Question.objects.filter(pk=question.pk).update(position=theirs)
    question.position = theirs
    _audit(actor, "QUESTION_MOVED", question, questionnaire.partnership_id, direction=direction)
    return question


# --- Collections -----------------------------------------------------------------------------


@transaction.atomic
def collection_create(
    *, actor: User, questionnaire: Questionnaire, wave: str, title: str, link_days: int = 28
) -> Collection:
    questionnaire_policy.require(actor, "manage", questionnaire)
    if wave not in Wave.values:
        raise ValidationError({"wave": "Select before or after"})
    if not 1 <= link_days <= 366:
        raise ValidationError({"link_days": "Days a link lasts must be between 1 and 366"})
    collection = Collection(
        questionnaire=questionnaire,
        wave=wave,
        title=title.strip() or f"{Wave(wave).label} the project",
        link_days=link_days,
    )
    collection.full_clean()
    collection.save()
    _audit(actor, "COLLECTION_CREATED", collection, questionnaire.partnership_id, wave=wave)
    return collection


def _locked(collection: Collection) -> Collection:
    rows = Collection.objects.select_related("questionnaire", "questionnaire__protocol")
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return rows.get(pk=collection.pk)


def protocol_problems(protocol: Protocol | None) -> list[str]:
    """Why answers may not be collected under this protocol, in words; none when they may."""
    if protocol is None:
        return ["Choose the information sharing protocol the answers are collected under"]
    problems = []
    if protocol.status != ProtocolStatus.IN_FORCE:
        problems.append(f"The protocol {protocol.title} is not in force")
    if not protocol.purpose.strip():
        problems.append(f"The protocol {protocol.title} does not name its purpose")
    if not protocol.dpia_reference.strip():
        problems.append(
            f"The protocol {protocol.title} does not name a data protection impact assessment"
        )
    if not protocol.retention_days:
        problems.append(f"The protocol {protocol.title} sets no retention period")
    return problems


@transaction.atomic
def collection_open(*, actor: User, collection: Collection) -> Collection:
    collection = _locked(collection)
    questionnaire = collection.questionnaire
    questionnaire_policy.require(actor, "manage", questionnaire)

    def guard(_: str) -> None:
        problems = protocol_problems(questionnaire.protocol)
        if problems:
            raise ValidationError({"status": problems})
        if not questionnaire.questions.exclude(
            kind__in=(QuestionKind.NOTE, QuestionKind.BEGIN_GROUP, QuestionKind.END_GROUP)
        ).exists():
            raise ValidationError({"status": "Add a question before opening the collection"})

    transition(
        obj=collection,
        to_status=CollectionStatus.OPEN,
        transitions=COLLECTION_TRANSITIONS,
        history_model=CollectionTransition,
        subject_field="collection",
        actor=actor,
        error="Only a draft collection can be opened",
        guard=guard,
    )
    collection.opened_at = timezone.now()
    collection.save(update_fields=["opened_at", "updated_at"])
    _audit(actor, "COLLECTION_OPENED", collection, questionnaire.partnership_id)
    return collection


@transaction.atomic
def collection_close(*, actor: User, collection: Collection) -> Collection:
    collection = _locked(collection)
    questionnaire_policy.require(actor, "manage", collection.questionnaire)
    transition(
        obj=collection,
        to_status=CollectionStatus.CLOSED,
        transitions=COLLECTION_TRANSITIONS,
        history_model=CollectionTransition,
        subject_field="collection",
        actor=actor,
        error="Only an open collection can be closed",
    )
    collection.closed_at = timezone.now()
    collection.save(update_fields=["closed_at", "updated_at"])
    _audit(actor, "COLLECTION_CLOSED", collection, collection.questionnaire.partnership_id)
    return collection


# --- Participant links -----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@transaction.atomic
def links_issue(*, actor: User, collection: Collection, count: int) -> list[str]:
    """Issue `count` single-use links; the tokens are returned once and never kept."""
    collection = _locked(collection)
    questionnaire_policy.require(actor, "manage", collection.questionnaire)
    if collection.status == CollectionStatus.CLOSED:
        raise Conflict({"count": "The collection is closed: it takes no more answers"})
    if not 1 <= count <= MAX_LINKS:
        raise ValidationError({"count": f"Number of links must be between 1 and {MAX_LINKS:,}"})
    expires = timezone.now() + timedelta(days=collection.link_days)
    tokens = [secrets.token_urlsafe(24) for _ in range(count)]
    ParticipantLink.objects.bulk_create(
        ParticipantLink(collection=collection, token_hash=token_hash(t), expires_at=expires)
        for t in tokens
    )
    _audit(
        actor,
        "PARTICIPANT_LINKS_ISSUED",
        collection,
        collection.questionnaire.partnership_id,
        count=count,
    )
    return tokens


def link_check(token: str, *, lock: bool = False) -> ParticipantLink:
    """The link the token opens, or LinkRefused saying only what is wrong with it."""
    if not token or len(token) > 100:
        raise LinkRefused("invalid")
    rows = ParticipantLink.objects.select_related("collection", "collection__questionnaire")
    if lock and connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    link = rows.filter(token_hash=token_hash(token)).first()
    if link is None:
        raise LinkRefused("invalid")
    if link.used_at is not None:
        raise LinkRefused("used")
    if link.collection.status != CollectionStatus.OPEN:
        raise LinkRefused("closed")
    if link.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return link


@dataclass(frozen=True)
class Submitted:
    response: Response
    withheld: list[str]


class AnswersRefused(ValidationError):
    def __init__(self, problems: dict[str, str], read: ReadAnswers | None = None) -> None:
        super().__init__(problems)
        self.problems = problems


@transaction.atomic
def response_submit(*, token: str, code: str, data: Mapping[str, Any]) -> Submitted:
    """A participant's answers through their link: checked in full, then stored with the link
    spent, or nothing stored (AnswersRefused with each problem by question name, or
    LinkRefused)."""
    link = link_check(token, lock=True)
    collection = link.collection
    questionnaire = collection.questionnaire
    normal = code_normal(code)
    problems: dict[str, str] = {}
    if not CODE.match(normal):
        problems["code"] = "Enter your code: 8 letters and numbers, like BCDF-2345"
    questions = list(questionnaire.questions.order_by("position"))
    choices: dict[str, list[Choice]] = {}
    for choice in questionnaire.choices.order_by("position"):
        choices.setdefault(choice.list_name, []).append(choice)
    read = read_answers(questions=questions, choices=choices, data=data)
    problems.update(read.problems)
    if not problems and Response.objects.filter(collection=collection, code=normal).exists():
        problems["code"] = (
            "Someone has already answered this time with that code: check it, or ask for "
            "help with your code"
        )
    if problems:
        raise AnswersRefused(problems, read)
    now = timezone.now()
    try:
        with transaction.atomic():
            response = Response.objects.create(collection=collection, code=normal, submitted_at=now)
    except IntegrityError:
        raise AnswersRefused(
            {"code": "Someone has already answered this time with that code"}
        ) from None
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=a.question,
            value=a.value,
            number=a.number,
            withheld=a.withheld,
        )
        for a in read.answers
    )
    link.used_at = now
    link.save(update_fields=["used_at", "updated_at"])
    # The participant has no account: the event names the collection and counts, nothing else.
    _audit(
        None,
        "QUESTIONNAIRE_ANSWERED",
        collection,
        questionnaire.partnership_id,
        answers=len(read.answers),
        withheld=len(read.withheld),
    )
    return Submitted(response, read.withheld)


# --- Retention -------------------------------------------------------------------------------


@transaction.atomic
def answers_past_retention_delete(*, now: datetime | None = None) -> int:
    """The daily job: delete every response (with its answers) kept longer than the retention
    period of its questionnaire's protocol. One audit event per collection, with the count."""
    now = now or timezone.now()
    deleted = 0
    rows = (
        Response.objects.filter(collection__questionnaire__protocol__isnull=False)
        .values_list(
            "pk",
            "submitted_at",
            "collection_id",
            "collection__questionnaire__partnership_id",
            "collection__questionnaire__protocol__retention_days",
        )
        .order_by("collection_id")
    )
    due: dict[tuple[int, int], list[int]] = {}
    for pk, submitted_at, collection_id, partnership_id, days in rows.iterator():
        if submitted_at + timedelta(days=days) < now:
            due.setdefault((collection_id, partnership_id), []).append(pk)
    for (collection_id, partnership_id), ids in due.items():
        Response.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        audit_record(
            actor=None,
            verb="QUESTIONNAIRE_ANSWERS_DELETED",
            target=Collection.objects.get(pk=collection_id),
            scope=AuditScope.PARTNERSHIP,
            partnership_id=partnership_id,
            detail={"responses": len(ids), "reason": "past the protocol's retention period"},
        )
    return deleted
