"""The cascade's sender task and its periodic jobs.

`cascade_send` is enqueued in the transaction that writes a cascade's outbox rows (start, a
level reached, an escalation), so it exists exactly when they do; it is safe to run twice, as
each message is claimed and committed before it is handed over. A retry and a paced pause
enqueue it again for later. The periodic jobs escalate to deputies, resume what a killed worker
left (`cascades_resume`), and run the directory's yearly review.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django_tasks import task

from lde.consequence_management import services
from lde.consequence_management.models import MessageStatus, OutboxMessage
from lde.core.scheduler import schedule


@task()
def cascade_send(cascade_id: int) -> dict[str, int]:
    return services.send_due(cascade_id=cascade_id)


@schedule("cascade-escalations", every=timedelta(minutes=1))
def cascade_escalations() -> None:
    services.cascades_escalate_due()


@schedule("cascade-recover-stale", every=timedelta(minutes=5))
def cascade_recover_stale() -> None:
    cascades_resume()


def cascades_resume(*, now: datetime | None = None) -> list[int]:
    """After a worker was killed mid-send: put back the messages it left "being sent" (asked of
    the provider by reference, `services.recover_stale`), and queue the sender again for every
    cascade with messages still queued. The killed worker's own sender task is left "running" in
    the task table and no worker takes it up again, so without this the rest of its cascade
    would wait for nobody. A sender queued twice is harmless: each message is claimed once.
    Returns the cascades resumed."""
    services.recover_stale(now=now)
    cascade_ids = sorted(
        set(
            OutboxMessage.objects.filter(status=MessageStatus.QUEUED).values_list(
                "recipient__cascade_id", flat=True
            )
        )
    )
    for cascade_id in cascade_ids:
        cascade_send.enqueue(cascade_id)
    return cascade_ids


@schedule("key-contacts-yearly-review", every=timedelta(days=1))
def key_contacts_yearly_review() -> None:
    services.contacts_yearly_review()
