"""The cascade's sender task and its periodic jobs.

`cascade_send` is enqueued in the transaction that writes a cascade's outbox rows (start, a
level reached, an escalation), so it exists exactly when they do; it is safe to run twice, as
each message is claimed and committed before it is handed over. A retry and a paced pause
enqueue it again for later. The periodic jobs escalate to deputies, put back what a killed
worker left half-sent, and run the directory's yearly review.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lde.consequence_management import services
from lde.core.scheduler import schedule


@task()
def cascade_send(cascade_id: int) -> dict[str, int]:
    return services.send_due(cascade_id=cascade_id)


@schedule("cascade-escalations", every=timedelta(minutes=1))
def cascade_escalations() -> None:
    services.cascades_escalate_due()


@schedule("cascade-recover-stale", every=timedelta(minutes=5))
def cascade_recover_stale() -> None:
    if services.recover_stale():
        services.send_due()


@schedule("key-contacts-yearly-review", every=timedelta(days=1))
def key_contacts_yearly_review() -> None:
    services.contacts_yearly_review()
