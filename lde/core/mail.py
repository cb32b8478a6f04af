"""Emails, queued with the write that causes them and sent by the worker.

A service that emails someone calls `email_queue` inside its own transaction. That stores each
message as an `OutgoingEmail` row and enqueues one background task for it (`email_deliver`, in
`core/tasks.py`) in the same transaction, so an email exists exactly when the write it tells of
has committed: a rolled-back write queues nothing, and a committed one cannot lose its email.
Nothing is sent inside the request, so a mail server that is down or refuses a message cannot
turn a committed write into a server error, nor stop the emails queued after it.

`lde worker` runs the tasks. Each claims its row (`email_attempt`), marks it as being sent and
commits that before it speaks to the mail server, so no two workers send the same message and a
worker run again after a success sends nothing more. A failed attempt is tried again after a
growing wait (1, 5, 25 and 125 minutes); after `MAX_ATTEMPTS` the row is recorded as failed,
with the error. A worker that dies while sending leaves its row "sending": it is never tried
again, since it may have gone; an email is sent at most once.

The body is emptied once the message is sent or has failed for good: it may hold a one-use
link or code, which the table has no reason to keep.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.mail import EmailMessage
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)
WAIT_GROWTH = 5
MAX_SUBJECT = 500
MAX_ERROR = 1000


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(BaseModel):
    """One message to one person, from the write that queued it until it is sent or fails."""

    # The template it was written from ("accounts/email/password_set"): what kind of email a row
    # is, for the logs, without reading its body.
    kind = models.CharField(max_length=200)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=MAX_SUBJECT)
    body = limited_text(limits.SYSTEM_TEXT, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=MAX_ERROR, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"


def email_queue(*, template: str, context: dict[str, Any], to: list[str]) -> list[OutgoingEmail]:
    """Queue the email written by `<template>_subject.txt` and `<template>.txt`, one message to
    each address, each with its task. Call it inside the transaction of the write it tells of."""
    from lde.core.tasks import email_deliver

    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    queued = []
    for address in dict.fromkeys(a for a in to if a):
        email = OutgoingEmail.objects.create(
            kind=template, to=address, subject=subject[:MAX_SUBJECT], body=body
        )
        email_deliver.enqueue(email.pk)
        queued.append(email)
    return queued


def _wait_after(attempts: int) -> timedelta:
    return FIRST_WAIT * WAIT_GROWTH ** (attempts - 1)


def _claim(email_id: int) -> OutgoingEmail | None:
    """The queued row, marked as being sent and committed, or None if it is not queued (sent,
    failed, being sent by another worker, or unknown). Where the database can, a row another
    worker holds is passed over rather than waited for; SQLite cannot lock rows, but its
    transactions here start IMMEDIATE, taking the write lock at once, so claims queue."""
    with transaction.atomic():
        rows = OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.QUEUED)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        email = rows.first()
        if email is None:
            return None
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.save(update_fields=["status", "attempts", "updated_at"])
    return email


def email_attempt(*, email_id: int) -> str:
    """Try to send one queued email; say what became of it: "sent", "retry", "failed", or
    "skipped" when it was not queued."""
    email = _claim(email_id)
    if email is None:
        return "skipped"
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
    except Exception as error:  # any failure of the mail server is tried again
        return _failed(email, error)
    email.status = EmailStatus.SENT
    email.sent_at = timezone.now()
    email.body = ""
    email.last_error = ""
    email.save(update_fields=["status", "sent_at", "body", "last_error", "updated_at"])
    return "sent"


def _failed(email: OutgoingEmail, error: Exception) -> str:
    from lde.core.tasks import email_deliver

    email.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR]
    with transaction.atomic():
        if email.attempts >= MAX_ATTEMPTS:
            email.status = EmailStatus.FAILED
            email.body = ""
            email.save(update_fields=["status", "body", "last_error", "updated_at"])
            logger.error(
                "Email %s (%s) failed after %s attempts: %s",
                email.pk,
                email.kind,
                email.attempts,
                email.last_error,
            )
            return "failed"
        email.status = EmailStatus.QUEUED
        email.next_attempt_at = timezone.now() + _wait_after(email.attempts)
        email.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
        email_deliver.using(run_after=email.next_attempt_at).enqueue(email.pk)
    logger.warning(
        "Email %s (%s) not sent on attempt %s, tried again at %s: %s",
        email.pk,
        email.kind,
        email.attempts,
        email.next_attempt_at.isoformat(),
        email.last_error,
    )
    return "retry"
