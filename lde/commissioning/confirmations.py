"""What commissioning's confirmation pages say (`lde.core.confirm`) before a call is published or
closed, a bid is submitted or decided: what happens, who will see it or be told, and what cannot
be undone.

A published call is public (no sign-in) for good: it stays on the public pages once open. A
submitted bid is read by the call's coordinators, contributors, viewers and live inspectors, and
by its panellists once they have declared their interests; an award is published in the register
and the 360Giving feed (`permissions.md`, "programme, commissioning"; ADR 0016).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.dateformat import format as date_format

from lde.commissioning.models import Bid, Call, Outcome
from lde.core.confirm import Confirmation

CALL_READERS = (
    "the coordinators, board members, contributors and viewers of the partnerships it runs "
    "across, and their live inspectors"
)


def _call_facts(call: Call) -> tuple[tuple[str, str], ...]:
    return (
        ("Call", call.title),
        ("Maximum award", f"£{call.maximum_amount:,}"),
        ("Opens", date_format(call.opens_on, "j F Y")),
        ("Closes", date_format(call.closes_on, "j F Y")),
    )


def publish(call: Call) -> Confirmation:
    return Confirmation(
        title=f"Publish {call.title}",
        caption=call.partnership.name,
        button="Publish this call and open it for bids",
        cancel_url=reverse("commissioning:call-detail", args=[call.pk]),
        facts=_call_facts(call),
        happens=[
            "The call, its criteria and their weights appear on the public pages, without "
            "sign-in, and stay there once it has closed and been decided.",
            "Registered community, voluntary and faith organisations can bid to it.",
            "It can no longer be changed: its title, purpose, eligibility, maximum, dates and "
            "criteria are fixed from now on.",
        ],
        seen_by=(
            f"Anyone, signed in or not, on the public page of calls; and {CALL_READERS}. The "
            "publication is recorded in the audit trail, with your name."
        ),
        cannot_undo=(
            "A published call cannot be taken back to draft: organisations may already have "
            "read it and started their bids."
        ),
    )


def close(call: Call) -> Confirmation:
    return Confirmation(
        title=f"Close {call.title}",
        caption=call.partnership.name,
        button="Close this call to bids",
        cancel_url=reverse("commissioning:call-detail", args=[call.pk]),
        facts=_call_facts(call),
        happens=[
            "No more bids can be made or submitted: drafts not yet submitted go no further and "
            "stay their organisation's own.",
            "The panel can score the submitted bids, once each panellist has declared their "
            "interests; then the call is moderated and each bid decided.",
        ],
        seen_by=(
            f"The call's readers: {CALL_READERS}; the organisations that bid see their bids' "
            "call as closed. The closing is recorded in the audit trail, with your name."
        ),
        cannot_undo="A closed call cannot be opened again.",
        destructive=True,
    )


def submit(bid: Bid, findings: Sequence[str] = ()) -> Confirmation:
    happens = [
        "The bid can no longer be changed.",
        "The partnership reads it, and its panel scores it once the call closes.",
    ]
    if findings:
        happens.insert(
            0,
            "The personal-data guard found what looks like a person's identifier ("
            + "; ".join(findings)
            + "): the bid will be refused until it is taken out.",
        )
    return Confirmation(
        title=f"Submit {bid.title}",
        caption=bid.call.title,
        button="Submit this bid",
        cancel_url=reverse("commissioning:bid-detail", args=[bid.pk]),
        facts=(
            ("Organisation", bid.organisation.name),
            ("Amount asked for", f"£{bid.amount:,}"),
            ("Call closes", date_format(bid.call.closes_on, "j F Y")),
        ),
        happens=happens,
        seen_by=(
            "The coordinators, contributors and viewers of the partnerships the call runs across "
            "and their live inspectors; its panellists once they have declared their interests, "
            "and never one who has declared an interest in your organisation. If it is awarded, "
            "its title, summary and the amount are published in the register of awards."
        ),
        cannot_undo="A submitted bid cannot be withdrawn or changed.",
    )


def decide(bid: Bid, outcome: str, amount: str, carried: Sequence[tuple[str, str]]) -> Confirmation:
    award = outcome == Outcome.AWARD
    facts = [
        ("Organisation", bid.organisation.name),
        ("Bid", bid.title),
        ("Asked for", f"£{bid.amount:,}"),
        ("Decision", Outcome(outcome).label),
    ]
    if award:
        facts.append(("Amount awarded", f"£{amount}"))
    happens = [
        "The decision and its reasons are recorded against the bid, and the bidding "
        "organisation can read them and download the decision letter.",
        "Once every submitted bid of the call is decided, the call is decided.",
    ]
    if award:
        happens.insert(
            1,
            "The award is published in the public register of awards and the 360Giving feed: "
            "who was funded, by whom, how much, for what, and the reasons.",
        )
    return Confirmation(
        title=f"{'Award' if award else 'Decline'} {bid.title}",
        caption=bid.call.title,
        button="Award this bid" if award else "Decline this bid",
        cancel_url=reverse("commissioning:bid-decide", args=[bid.pk]),
        back_text="Change the decision",
        facts=tuple(facts),
        happens=happens,
        seen_by=(
            "The bidding organisation; the call's coordinators, contributors, viewers and live "
            "inspectors"
            + (", and anyone, signed in or not, through the register." if award else ".")
            + " The decision is recorded in the audit trail, with your name."
        ),
        cannot_undo="A decision cannot be changed once recorded.",
        destructive=not award,
        carried=tuple(carried),
    )
