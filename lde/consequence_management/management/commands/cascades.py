"""lde cascades start PARTNERSHIP_ID --as EMAIL --title T --template TEXT [...]
lde cascades status CASCADE_ID --as EMAIL [--filter not-yet|acknowledged] [--page N | --all]
    [--json]
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
        status.add_argument(
            "--filter",
            choices=selectors.RollCallShow.CHOICES,
            default=selectors.RollCallShow.NOT_YET,
            help="Which recipients to list, as the roll-call page's tabs (default not-yet).",
        )
        which = status.add_mutually_exclusive_group()
        which.add_argument(
            "--page", default="1", help="The page of the roll-call to list (100 a page)."
        )
        which.add_argument(
            "--all", action="store_true", help="Every page, one after another (streamed)."
        )
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
        """The counts and one page of the roll-call, as the page shows them, or with --all
        every page in turn: each page is fetched and written before the next is asked for, so
        10,000 recipients never sit in memory at once."""
        _user, cascade = self._cascade(cascade_id, actor)
        show = o.get("filter") or selectors.RollCallShow.NOT_YET
        number = 1 if o.get("all") else _number(str(o.get("page") or "1"), "--page")
        roll = selectors.roll_call_page(cascade=cascade, show=show, page=number)
        if roll.page.number != number:
            raise CommandError(
                f"--page: page {number} does not exist; the roll-call has "
                f"{roll.page.paginator.num_pages} page(s) of {show}"
            )
        c = roll.counts
        if o.get("json"):
            self._status_json(cascade, roll, every=bool(o.get("all")))
            return
        self.stdout.write(
            f"{cascade.title} ({cascade.get_kind_display()}, {cascade.get_status_display()}): "
            f"{c.called} called, {c.reached} reached, {c.acknowledged} acknowledged, "
            f"{c.not_yet} not yet, {c.escalated} escalated, {c.failed} failed"
        )
        while True:
            one_page = roll.page
            self.stdout.write(
                f"{show}, page {one_page.number} of {one_page.paginator.num_pages} "
                f"({one_page.paginator.count} listed):"
            )
            for row in roll.rows:
                self.stdout.write(_line(row))
            if not (o.get("all") and one_page.has_next()):
                break
            roll = selectors.roll_call_page(
                cascade=cascade, show=show, page=one_page.next_page_number()
            )
        if not o.get("all") and roll.page.has_next():
            self.stdout.write(
                f"Next: lde cascades status {cascade.pk} --as {actor} --filter {show} "
                f"--page {roll.page.next_page_number()}"
            )

    def _status_json(self, cascade: Any, roll: Any, *, every: bool) -> None:
        """One JSON document: the counts, then the rows of this page (or of every page, each
        written as it is fetched)."""
        c = roll.counts
        head = {
            "id": cascade.pk,
            "status": cascade.status,
            "called": c.called,
            "reached": c.reached,
            "acknowledged": c.acknowledged,
            "not_yet": c.not_yet,
            "escalated": c.escalated,
            "failed": c.failed,
            "filter": roll.show,
            "page": None if every else roll.page.number,
            "pages": roll.page.paginator.num_pages,
            "listed": roll.page.paginator.count,
            "next": None if every or not roll.page.has_next() else roll.page.next_page_number(),
        }
        self.stdout.write(json.dumps(head)[:-1] + ', "recipients": [', ending="")
        first = True
        while True:
            for row in roll.rows:
                self.stdout.write(("" if first else ", ") + json.dumps(_row(row)), ending="")
                first = False
            if not (every and roll.page.has_next()):
                break
            roll = selectors.roll_call_page(
                cascade=cascade, show=roll.show, page=roll.page.next_page_number()
            )
        self.stdout.write("]}")

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


def _row(row: Any) -> dict[str, Any]:
    r = row.recipient
    return {
        "id": r.pk,
        "role": r.contact.role,
        "organisation": r.contact.organisation.name,
        "level": r.level,
        "deputy_for": r.deputy_for_id,
        "reached": row.reached,
        "acknowledged": r.acknowledged_at is not None,
        "escalated": r.escalated_at is not None,
    }


def _line(row: Any) -> str:
    r = row.recipient
    answered = (
        f"acknowledged {r.acknowledged_at:%H:%M} by {r.get_acknowledged_via_display()}"
        if r.acknowledged_at
        else "not acknowledged"
    )
    deputy = f" (deputy for {r.deputy_for.contact.role})" if r.deputy_for_id else ""
    escalated = ", escalated to deputy" if r.escalated_at else ""
    return (
        f"  {r.pk}: {r.contact.role}, {r.contact.organisation.name}{deputy} – "
        f"{'reached' if row.reached else 'not reached'}, {answered}{escalated}"
    )
