"""lde cascades start PARTNERSHIP_ID --as EMAIL --title T --template TEXT [...]
lde cascades status CASCADE_ID --as EMAIL [--json]
lde cascades ack CASCADE_ID RECIPIENT_ID --as EMAIL [--outcome acknowledged]
lde cascades review-directory

The same services as the pages: the person named by --as must be allowed what they ask, and a
refusal exits non-zero naming the field."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.accounts.models import User
from lde.consequence_management import selectors, services
from lde.consequence_management.models import (
    CallOutcome,
    CascadeKind,
    CascadeMode,
    CascadeRecipient,
)
from lde.partnerships import selectors as partnership_selectors


def _number(value: str, name: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise CommandError(f"{name}: {value!r} is not a number")
    return int(value)


def _person(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise CommandError(f"--as: no active person has the email {email!r}")
    return user


def _refused(error: ValidationError | PermissionDenied) -> CommandError:
    if isinstance(error, PermissionDenied):
        return CommandError(f"--as: {error}")
    if hasattr(error, "error_dict"):
        return CommandError(
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
        )
    return CommandError(" ".join(error.messages))


class Command(BaseCommand):
    help = "Start a cascade, show its roll-call, record an acknowledgement; review the directory."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        start = sub.add_parser("start", help="Start a cascade (coordinators).")
        start.add_argument("partnership_id")
        start.add_argument("--as", dest="actor", required=True)
        start.add_argument("--title", required=True)
        start.add_argument("--template", required=True, help="With {ack_link}; see the docs.")
        start.add_argument("--kind", choices=CascadeKind.values, default=CascadeKind.EXERCISE)
        start.add_argument("--mode", choices=CascadeMode.values, default=CascadeMode.BROADCAST)
        start.add_argument("--quorum", type=int, default=60)
        start.add_argument("--escalate-after", type=int, default=15, help="Minutes.")
        start.add_argument(
            "--key", default="", help="The start's own key: the same key twice starts one."
        )
        status = sub.add_parser("status", help="A cascade's roll-call.")
        status.add_argument("cascade_id")
        status.add_argument("--as", dest="actor", required=True)
        status.add_argument("--json", action="store_true")
        ack = sub.add_parser("ack", help="Record a ring-round call (coordinators, contributors).")
        ack.add_argument("cascade_id")
        ack.add_argument("recipient_id")
        ack.add_argument("--as", dest="actor", required=True)
        ack.add_argument("--outcome", choices=CallOutcome.values, default=CallOutcome.ACKNOWLEDGED)
        sub.add_parser(
            "review-directory",
            help="The yearly review: remove entries not re-confirmed within a year.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except (ValidationError, PermissionDenied) as error:
            raise _refused(error) from error

    def _start(self, *, partnership_id: str, actor: str, **o: Any) -> None:
        user = _person(actor)
        try:
            partnership = partnership_selectors.partnership_get(
                user=user, partnership_id=_number(partnership_id, "partnership_id")
            )
        except Http404:
            raise CommandError(
                f"partnership_id: partnership {partnership_id} does not exist or {actor} "
                "cannot see it"
            ) from None
        cascade = services.cascade_start(
            actor=user,
            partnership=partnership,
            fields=services.CascadeFields(
                title=o["title"],
                kind=o["kind"],
                mode=o["mode"],
                template=o["template"],
                start_key=o["key"] or services.new_start_key(),
                quorum_percent=o["quorum"],
                escalate_after_minutes=o["escalate_after"],
            ),
        )
        self.stdout.write(
            f"Cascade {cascade.pk} started: {cascade.recipients.count()} called. "
            f"Follow it with: lde cascades status {cascade.pk} --as {user.email}"
        )

    def _cascade(self, cascade_id: str, actor: str) -> tuple[User, Any]:
        user = _person(actor)
        try:
            return user, selectors.cascade_get(
                user=user, cascade_id=_number(cascade_id, "cascade_id")
            )
        except Http404:
            raise CommandError(
                f"cascade_id: cascade {cascade_id} does not exist or {actor} cannot see it"
            ) from None

    def _status(self, *, cascade_id: str, actor: str, **o: Any) -> None:
        _user, cascade = self._cascade(cascade_id, actor)
        roll = selectors.roll_call(cascade=cascade)
        if o.get("json"):
            self.stdout.write(_json_dumps(cascade, roll))
            return
        self.stdout.write(
            f"{cascade.title} ({cascade.get_kind_display()}, {cascade.get_status_display()}): "
            f"{roll.called} called, {roll.reached} reached, {roll.acknowledged} acknowledged, "
            f"{roll.escalated} escalated"
        )
        for row in roll.rows:
            r = row.recipient
            answered = (
                f"acknowledged {r.acknowledged_at:%H:%M} by {r.get_acknowledged_via_display()}"
                if r.acknowledged_at
                else "not acknowledged"
            )
            self.stdout.write(
                f"  {r.pk}: {r.contact.role}, {r.contact.organisation.name} – "
                f"{'reached' if row.reached else 'not reached'}, {answered}"
            )

    def _ack(
        self, *, cascade_id: str, recipient_id: str, actor: str, outcome: str, **_: Any
    ) -> None:
        user, cascade = self._cascade(cascade_id, actor)
        recipient = CascadeRecipient.objects.filter(
            cascade=cascade, pk=_number(recipient_id, "recipient_id")
        ).first()
        if recipient is None:
            raise CommandError(f"recipient_id: {recipient_id} is not called by this cascade")
        services.call_record(actor=user, cascade=cascade, recipient=recipient, outcome=outcome)
        self.stdout.write(f"Recorded: {recipient.contact.role}, {outcome.replace('_', ' ')}")

    def _review_directory(self, **_: Any) -> None:
        removed = services.contacts_yearly_review()
        self.stdout.write(f"Removed {removed} entries not re-confirmed within a year.")


def _json_dumps(cascade: Any, roll: Any) -> str:
    return json.dumps(
        {
            "id": cascade.pk,
            "status": cascade.status,
            "called": roll.called,
            "reached": roll.reached,
            "acknowledged": roll.acknowledged,
            "escalated": roll.escalated,
            "recipients": [
                {
                    "id": row.recipient.pk,
                    "role": row.recipient.contact.role,
                    "reached": row.reached,
                    "acknowledged": row.recipient.acknowledged_at is not None,
                }
                for row in roll.rows
            ],
        },
        indent=2,
    )
