"""Emails are queued with the write that causes them and sent by the worker: a mail server that
fails neither breaks the request nor loses the email, which is tried again with growing waits,
recorded as failed after the last try, and never sent twice."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lde.core.mail import MAX_ATTEMPTS, EmailStatus, OutgoingEmail, email_queue
from lde.core.tasks import email_deliver
from tests.factories import UserFactory
from tests.tasks import tasks_run

pytestmark = pytest.mark.django_db

REFUSING = "tests.core.test_mail.RefusingBackend"


class RefusingBackend(BaseEmailBackend):
    """A mail server that hangs up on every message."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _ready_tasks() -> Any:
    return DBTaskResult.objects.ready()


def _later_tasks() -> Any:
    return DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())


def _bring_retries_forward() -> None:
    """As if the wait before the next attempt had passed."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def _queue(to: str = "person@example.test") -> OutgoingEmail:
    user = UserFactory(email=to)
    with transaction.atomic():
        (email,) = email_queue(
            template="accounts/email/password_set",
            context={
                "user": user,
                "protocol": "https",
                "domain": "x.test",
                "uid": "u",
                "token": "t",
            },
            to=[user.email],
        )
    return email


def test_a_failing_mail_server_leaves_the_request_successful_and_the_email_queued(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = REFUSING
    user = UserFactory(email="forgetful@example.test")
    # Given a request whose write commits (its after-commit callbacks run)…
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/password/forgotten/", {"email": user.email})
    # …it succeeds, and nothing was sent inside it: the email waits with its task.
    assert response.status_code == 302 and response["Location"] == "/password/sent/"
    assert callbacks == []
    email = OutgoingEmail.objects.get()
    assert (email.to, email.status, email.attempts) == (user.email, EmailStatus.QUEUED, 0)
    assert email.subject == "Set your Prevent LDE password"
    assert [t.args_kwargs for t in _ready_tasks()] == [{"args": [email.pk], "kwargs": {}}]

    # When the worker tries it, the server refuses: it is queued again, for a minute later.
    before = timezone.now()
    tasks_run()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert before + timedelta(minutes=1) <= email.next_attempt_at
    assert email.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    assert not _ready_tasks().exists()
    (retry,) = _later_tasks()
    assert retry.run_after == email.next_attempt_at
    assert retry.args_kwargs == {"args": [email.pk], "kwargs": {}}
    assert mail.outbox == []

    # Once the server answers again, the retry sends it, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _bring_retries_forward()
    tasks_run()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")
    assert email.body == ""  # the one-use link is not kept
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([user.email], "Set your Prevent LDE password")
    ]
    assert "http://127.0.0.1:8000/password/set/" in mail.outbox[0].body


def test_each_wait_is_longer_and_the_last_failure_is_recorded(settings: Any) -> None:
    settings.EMAIL_BACKEND = REFUSING
    email = _queue()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        _bring_retries_forward()
        started = timezone.now()
        tasks_run()
        email.refresh_from_db()
        assert email.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert email.status == EmailStatus.QUEUED
            waits.append(round((email.next_attempt_at - started).total_seconds() / 60))
    assert waits == [1, 5, 25, 125]
    assert email.status == EmailStatus.FAILED
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert email.body == ""
    assert not DBTaskResult.objects.filter(status="READY").exists()
    # A failed email stays failed: nothing tries it again.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_deliver.call(email.pk) == "skipped"
    assert mail.outbox == []


def test_a_second_worker_run_does_not_send_it_again() -> None:
    email = _queue()
    tasks_run()
    tasks_run()
    assert len(mail.outbox) == 1
    # Even a second task for the same email (a worker that picks it up again) sends nothing.
    with transaction.atomic():
        email_deliver.enqueue(email.pk)
    tasks_run()
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


def test_an_email_another_worker_is_sending_is_left_to_it() -> None:
    email = _queue()
    # Another worker has claimed it and may be speaking to the mail server, or may have died
    # doing so: either way it may have gone, so it is not sent again.
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, attempts=1)
    tasks_run()
    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENDING, 1)


def test_a_write_that_rolls_back_queues_no_email() -> None:
    user = UserFactory()
    with transaction.atomic():
        email_queue(
            template="accounts/email/password_set",
            context={
                "user": user,
                "protocol": "https",
                "domain": "x.test",
                "uid": "u",
                "token": "t",
            },
            to=[user.email],
        )
        transaction.set_rollback(True)
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_one_message_per_address_each_with_its_task() -> None:
    user = UserFactory()
    with transaction.atomic():
        queued = email_queue(
            template="accounts/email/password_set",
            context={
                "user": user,
                "protocol": "https",
                "domain": "x.test",
                "uid": "u",
                "token": "t",
            },
            to=["a@example.test", "", "b@example.test", "a@example.test"],
        )
    assert [e.to for e in queued] == ["a@example.test", "b@example.test"]
    assert DBTaskResult.objects.count() == 2
    tasks_run()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.test", "b@example.test"]
