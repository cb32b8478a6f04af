"""Cascades: started once however often the form is posted, sent through the outbox by the
worker, paced, retried or escalated by what the provider answers, acknowledged by link, text or
caller — and nobody is sent anything after they have acknowledged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lde.consequence_management import services
from lde.consequence_management.models import (
    AckVia,
    Cascade,
    CascadeRecipient,
    Channel,
    MessageStatus,
    OutboxMessage,
)
from lde.consequence_management.notify import FakeNotify
from lde.core.audit.models import AuditEvent
from tests.conftest import sign_in
from tests.consequence_management.builders import cascade_make, directory_make
from tests.tasks import tasks_run

pytestmark = pytest.mark.django_db


def _bring_forward() -> None:
    """As if every wait (a retry's back-off, the pacing window) had passed."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    OutboxMessage.objects.filter(status=MessageStatus.QUEUED).update(next_attempt_at=timezone.now())


@pytest.fixture
def directory(cast: dict[str, Any]) -> dict[str, Any]:
    return directory_make(coordinator=cast["coordinator"], partnership=cast["partnership"])


def _start(cast: dict[str, Any], **changes: Any) -> Cascade:
    return cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"], **changes)


def _link_in(email: mail.EmailMessage) -> str:
    (line,) = [w for w in email.body.split() if "/ack/" in w]
    return line.split("127.0.0.1:8000", 1)[1]


def test_a_start_writes_one_outbox_row_per_message_and_the_worker_sends_each_once(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = _start(cast)
    recipients = CascadeRecipient.objects.filter(cascade=cascade)
    assert recipients.count() == 6
    # Five have an email, five a mobile; the caretaker has only a phone (the ring-round).
    assert OutboxMessage.objects.filter(channel=Channel.EMAIL).count() == 5
    assert OutboxMessage.objects.filter(channel=Channel.TEXT).count() == 5
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}
    assert AuditEvent.objects.filter(verb="CASCADE_STARTED").count() == 1
    tasks_run()
    tasks_run()
    assert len(mail.outbox) == 5
    assert sorted(h.to for h in FakeNotify.handed) == [
        "+447700900120",
        "+447700900121",
        "+447700900122",
        "+447700900130",
        "+447700900131",
    ]
    assert all(h.body.startswith("EXERCISE – Testbridge:") for h in FakeNotify.handed)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert recipients.filter(first_sent_at__isnull=False).count() == 5


def test_a_double_clicked_start_makes_one_cascade(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    first = _start(cast, key="double-click-key")
    second = _start(cast, key="double-click-key")
    assert first.pk == second.pk
    assert Cascade.objects.count() == 1
    assert OutboxMessage.objects.count() == 10


def test_the_double_click_through_the_page_makes_one_cascade(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    client = sign_in(Client(), cast["coordinator"])
    url = f"/consequence-management/partnership/{cast['partnership'].pk}/cascades/new/"
    form = client.get(url)
    key = form.context["form"].initial["start_key"]
    data = {
        "title": "Exercise Lantern",
        "kind": "exercise",
        "mode": "broadcast",
        "template": "{role}: acknowledge {ack_link}",
        "quorum_percent": "60",
        "escalate_after_minutes": "15",
        "start_key": key,
    }
    # The form first answers with its confirmation page, carrying the answers; nothing starts.
    asked = client.post(url, data)
    assert asked.status_code == 200
    assert b"Start this cascade" in asked.content
    assert Cascade.objects.count() == 0
    confirmed = {**data, "confirmed": "yes"}
    one = client.post(url, confirmed)
    two = client.post(url, confirmed)
    assert one.status_code == two.status_code == 302
    assert one["Location"] == two["Location"]
    assert Cascade.objects.count() == 1


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("Please acknowledge {ack_link} {name}", "placeholders that do not exist: {name}"),
        ("Please acknowledge quickly", "must include {ack_link}"),
        ("Read {briefing_link} then {ack_link}", "no briefing product is chosen"),
        ("Acknowledge {ack_link", "does not pair"),
    ],
)
def test_a_template_with_an_unknown_or_missing_placeholder_is_refused_before_sending(
    cast: dict[str, Any], directory: dict[str, Any], template: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _start(cast, template=template)
    assert words in " ".join(refused.value.message_dict["template"])
    assert Cascade.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert not DBTaskResult.objects.exists()


def test_a_message_carries_no_marked_material(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as refused:
        _start(cast, template="OFFICIAL-SENSITIVE: the address is in the briefing {ack_link}")
    assert "no marked material" in " ".join(refused.value.message_dict["template"])


def test_only_the_coordinators_start_a_cascade(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        services.cascade_start(
            actor=cast["people"]["contributor"],
            partnership=cast["partnership"],
            fields=services.CascadeFields(
                title="T",
                kind="exercise",
                mode="broadcast",
                template="{ack_link}",
                start_key="contributor-key",
            ),
        )


def test_nobody_is_sent_anything_after_they_have_acknowledged(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = _start(cast)
    chair = CascadeRecipient.objects.get(cascade=cascade, contact=directory["chair"])
    # The chair acknowledges (by a caller) before the worker runs: both messages are withheld.
    services.call_record(
        actor=cast["coordinator"], cascade=cascade, recipient=chair, outcome="acknowledged"
    )
    tasks_run()
    assert not [h for h in FakeNotify.handed if h.to == "+447700900131"]
    assert not [m for m in mail.outbox if "chair@trust.example.test" in m.to]
    assert set(chair.messages.values_list("status", flat=True)) == {MessageStatus.WITHHELD}
    # The wait passes: the chair is not escalated, and their deputy is not called for them.
    later = timezone.now() + timedelta(hours=1)
    services.cascades_escalate_due(now=later)
    chair.refresh_from_db()
    assert chair.escalated_at is None


def test_a_tampered_expired_or_replayed_link_records_nothing_and_says_only_that(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = _start(cast)
    tasks_run()
    chair_mail = next(m for m in mail.outbox if "chair@trust.example.test" in m.to)
    link = _link_in(chair_mail)
    client = Client()
    tampered = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]
    page = client.post(tampered)
    assert page.status_code == 400
    assert b"This link does not work" in page.content
    assert cascade.title.encode() not in page.content
    assert not CascadeRecipient.objects.filter(acknowledged_at__isnull=False).exists()
    # A good link: shown, then acknowledged on the button.
    shown = client.get(link)
    assert shown.status_code == 200
    assert not CascadeRecipient.objects.filter(acknowledged_at__isnull=False).exists()
    done = client.post(link)
    assert done.status_code == 200
    assert b"Thank you" in done.content
    chair = CascadeRecipient.objects.get(contact=directory["chair"])
    assert chair.acknowledged_via == AckVia.LINK
    # Replayed: the same link again.
    again = client.post(link)
    assert again.status_code == 400
    assert b"already been used" in again.content
    assert AuditEvent.objects.filter(verb="CASCADE_ACKNOWLEDGED").count() == 1
    # Expired: a day and a bit later.
    delegate = CascadeRecipient.objects.get(contact=directory["deputy"])
    token = services.ack_token(delegate)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing, "time", type("T", (), {"time": staticmethod(lambda: 10**11)}))
        expired = client.post(f"/consequence-management/ack/{token}/")
    assert expired.status_code == 400
    assert b"expired" in expired.content
    delegate.refresh_from_db()
    assert delegate.acknowledged_at is None


@pytest.mark.parametrize("status", [429, 500, None])
def test_a_temporary_failure_is_retried_with_back_off_and_sent_once(
    cast: dict[str, Any], directory: dict[str, Any], status: int | None
) -> None:
    cascade = _start(cast, contacts=[directory["chair"]])
    FakeNotify.answer_next(status)
    tasks_run()
    text = OutboxMessage.objects.get(channel=Channel.TEXT)
    assert text.status == MessageStatus.QUEUED
    assert text.next_attempt_at > timezone.now()
    assert text.attempts == 1
    assert text.last_error.startswith(str(status) if status else "time-out")
    assert FakeNotify.handed == []
    _bring_forward()
    tasks_run()
    text.refresh_from_db()
    assert text.status == MessageStatus.SENT
    assert text.attempts == 2
    assert [h.to for h in FakeNotify.handed] == ["+447700900131"]
    assert (
        CascadeRecipient.objects.get(cascade=cascade, contact=directory["chair"]).escalated_at
        is None
    )


def test_a_permanent_failure_is_recorded_and_escalates_to_the_deputy(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = _start(cast, contacts=[directory["chair"]])
    FakeNotify.answer_next(400)
    tasks_run()
    text = OutboxMessage.objects.get(channel=Channel.TEXT, recipient__contact=directory["chair"])
    assert text.status == MessageStatus.FAILED
    assert text.last_error.startswith("400")
    deputy = CascadeRecipient.objects.get(cascade=cascade, contact=directory["deputy"])
    assert deputy.deputy_for.contact == directory["chair"]
    tasks_run()
    assert "+447700900130" in [h.to for h in FakeNotify.handed]
    assert AuditEvent.objects.filter(verb="CASCADE_ESCALATED").count() == 1


def test_escalation_to_the_deputy_after_the_wait_once(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = _start(cast, contacts=[directory["chair"]], escalate_after_minutes=10)
    tasks_run()
    assert services.cascades_escalate_due(now=timezone.now() + timedelta(minutes=5)) == 0
    assert services.cascades_escalate_due(now=timezone.now() + timedelta(minutes=11)) == 1
    assert services.cascades_escalate_due(now=timezone.now() + timedelta(minutes=30)) == 0
    tasks_run()
    deputy = CascadeRecipient.objects.get(cascade=cascade, contact=directory["deputy"])
    assert deputy.first_sent_at is not None
    assert [h.to for h in FakeNotify.handed].count("+447700900130") == 1


def test_deputies_held_back_are_called_only_on_escalation(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    # The whole directory but the chair's deputy, who is called only when the chair is not.
    cascade = _start(cast, deputies_on_escalation=True, escalate_after_minutes=10)
    called = set(CascadeRecipient.objects.filter(cascade=cascade).values_list("contact", flat=True))
    assert directory["deputy"].pk not in called
    assert called == {c.pk for k, c in directory.items() if k != "deputy"}
    tasks_run()
    assert "+447700900130" not in [h.to for h in FakeNotify.handed]
    services.cascades_escalate_due(now=timezone.now() + timedelta(minutes=11))
    tasks_run()
    deputy = CascadeRecipient.objects.get(cascade=cascade, contact=directory["deputy"])
    chair = CascadeRecipient.objects.get(cascade=cascade, contact=directory["chair"])
    assert deputy.deputy_for_id == chair.pk
    assert [h.to for h in FakeNotify.handed].count("+447700900130") == 1


def test_a_tree_reaches_each_level_once_the_one_before_has_its_quorum(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = _start(cast, mode="tree", quorum_percent=100)
    tasks_run()
    assert {h.to for h in FakeNotify.handed} == {"+447700900120"}  # strategic only
    strategic = CascadeRecipient.objects.get(cascade=cascade, contact=directory["strategic"])
    services.call_record(
        actor=cast["coordinator"], cascade=cascade, recipient=strategic, outcome="acknowledged"
    )
    tasks_run()
    assert {h.to for h in FakeNotify.handed} == {"+447700900120", "+447700900121"}
    cascade.refresh_from_db()
    assert cascade.level_reached == 1


def test_the_sender_keeps_to_the_rate_limit(
    cast: dict[str, Any], directory: dict[str, Any], settings: Any
) -> None:
    """Notify's limit counts its texts; emails go through the mail relay, unpaced by it."""
    settings.LDE_NOTIFY_RATE_PER_MINUTE = 2
    _start(cast)
    tasks_run()
    texts = OutboxMessage.objects.filter(channel=Channel.TEXT)
    emails = OutboxMessage.objects.filter(channel=Channel.EMAIL)
    assert texts.count() == 5
    assert texts.filter(handed_off_at__isnull=False).count() == 2
    assert emails.exclude(status=MessageStatus.SENT).count() == 0
    waiting = DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())
    assert waiting.count() == 1
    # Each minute on, two more go.
    for sent in (4, 5):
        OutboxMessage.objects.update(handed_off_at=timezone.now() - timedelta(minutes=2))
        _bring_forward()
        tasks_run()
        assert texts.filter(status=MessageStatus.SENT).count() == sent
    assert OutboxMessage.objects.exclude(status=MessageStatus.SENT).count() == 0


def test_a_worker_killed_mid_send_resumes_with_none_lost_and_none_sent_twice(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    _start(cast)
    # Killed after handing two texts over and before recording them: they stay "being sent".
    services.send_due(limit=3)
    handed = {h.reference for h in FakeNotify.handed}
    queued = list(OutboxMessage.objects.filter(status=MessageStatus.QUEUED)[:2])
    for message in queued:
        message.status = MessageStatus.SENDING
        message.attempts = 1
        message.save()
    if queued[0].channel == Channel.TEXT:
        FakeNotify().send_text(to="+447700900199", body="x", reference=queued[0].key)
    OutboxMessage.objects.filter(status=MessageStatus.SENDING).update(
        updated_at=timezone.now() - timedelta(minutes=10)
    )
    services.recover_stale()
    tasks_run()
    references = [h.reference for h in FakeNotify.handed]
    assert len(references) == len(set(references))
    assert handed <= set(references)
    assert OutboxMessage.objects.exclude(status=MessageStatus.SENT).count() == 0


def test_the_inbound_text_callback_needs_the_token_and_acknowledges(
    cast: dict[str, Any], directory: dict[str, Any], settings: Any
) -> None:
    settings.LDE_NOTIFY_CALLBACK_TOKEN = "callback-token-for-tests-0123456789"
    cascade = _start(cast, contacts=[directory["chair"]])
    tasks_run()
    client = Client()
    body = {
        "id": "b1",
        "source_number": "447700900131",
        "destination_number": "07700900000",
        "content": "OK",
        "date_received": "2026-12-06T10:00:00Z",
    }
    url = "/consequence-management/notify/inbound/"
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        refused = client.post(url, body, content_type="application/json", headers=headers)
        assert refused.status_code == 401
    assert not CascadeRecipient.objects.filter(acknowledged_at__isnull=False).exists()
    accepted = client.post(
        url,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {settings.LDE_NOTIFY_CALLBACK_TOKEN}"},
    )
    assert accepted.status_code == 204
    chair = CascadeRecipient.objects.get(cascade=cascade)
    assert chair.acknowledged_via == AckVia.TEXT


def test_a_delivery_receipt_updates_its_message(
    cast: dict[str, Any], directory: dict[str, Any], settings: Any
) -> None:
    settings.LDE_NOTIFY_CALLBACK_TOKEN = "callback-token-for-tests-0123456789"
    _start(cast, contacts=[directory["chair"]])
    tasks_run()
    text = OutboxMessage.objects.get(channel=Channel.TEXT)
    response = Client().post(
        "/consequence-management/notify/receipts/",
        {"id": text.provider_id, "reference": text.key, "status": "delivered"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {settings.LDE_NOTIFY_CALLBACK_TOKEN}"},
    )
    assert response.status_code == 204
    text.refresh_from_db()
    assert text.status == MessageStatus.DELIVERED
    assert text.delivered_at is not None


def test_a_closed_cascade_sends_nothing_more(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    cascade = _start(cast)
    services.cascade_close(actor=cast["coordinator"], cascade=cascade)
    tasks_run()
    assert FakeNotify.handed == []
    assert mail.outbox == []


def test_an_email_a_killed_worker_left_being_sent_is_never_sent_again(
    cast: dict[str, Any], directory: dict[str, Any]
) -> None:
    """What a worker killed between its claim and its record leaves: the chair's email and text
    "being sent". The text is asked after at the provider (not there: queued again, sent once);
    an email cannot be asked after, so recovery records it as sent and the sender never hands
    it to the relay again: at most once. (The process-kill test, test_worker_killed.py, covers
    texts; this is the same recovery, `tasks.cascades_resume`, run on the state it leaves.)"""
    from lde.consequence_management.tasks import cascades_resume

    cascade = _start(cast, contacts=[directory["chair"]])
    long_ago = timezone.now() - timedelta(minutes=10)
    OutboxMessage.objects.filter(recipient__cascade=cascade).update(
        status=MessageStatus.SENDING, updated_at=long_ago
    )
    DBTaskResult.objects.all().delete()  # the killed worker's own sender task, never taken up
    assert cascades_resume() == [cascade.pk]
    tasks_run()
    email = OutboxMessage.objects.get(recipient__cascade=cascade, channel=Channel.EMAIL)
    text = OutboxMessage.objects.get(recipient__cascade=cascade, channel=Channel.TEXT)
    assert email.status == MessageStatus.SENT
    assert mail.outbox == []
    assert text.status == MessageStatus.SENT
    assert [h.to for h in FakeNotify.handed] == ["+447700900131"]
    # Recorded as sent, the chair is escalated to their deputy after the wait if they do not
    # answer, so an email lost to the kill is still followed up.
    chair = CascadeRecipient.objects.get(cascade=cascade, contact=directory["chair"])
    assert chair.first_sent_at is not None
