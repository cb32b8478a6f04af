"""Commissioning's part of the access matrix (tests/access_vocabulary.py), from permissions.md's
row "programme, commissioning" and ADR 0016.

Coordinators read and write; board members read, and score as panellists once they have
declared their interests (the world's board member is on the panels of the open and closed
calls and has declared on the closed one); contributors, viewers and live inspectors read;
community reviewers read a call in consultation and comment on it; anyone, signed in or not,
reads the published calls, the register of awards and its 360Giving feed. Applicants are not
one of the matrix's subjects: tests/commissioning/test_applicant_access.py walks every URL as an
applicant. Calls are checked in each of draft, consultation, open, closed and decided; bids in
each of draft, submitted and awarded.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lde.accounts.models import Organisation, Post, PostKind, User
from lde.commissioning.models import SmallGrant
from lde.commissioning.selectors import pot_team_choices
from lde.partnerships.models import Partnership
from tests.access_vocabulary import (
    CONFIRMED,
    PUBLIC,
    READERS,
    SUBJECTS,
    CapabilityMatrix,
    Case,
    InEvery,
    expect,
    only,
    partnership_page,
    seen_by,
)
from tests.commissioning.builders import commissioning_world

CALL_STATES = ["draft", "consultation", "open", "closed", "decided"]
BID_STATES = ["draft", "submitted", "awarded"]
READ = [*READERS, "inspector"]
COMMENTERS = [*READERS, "community_reviewer"]
P = "partnership_id"


def call_seers(state: str) -> list[str]:
    return [*READ, "community_reviewer"] if state == "consultation" else list(READ)


def on_call(allowed: dict[str, list[str]], answer: Any) -> InEvery:
    """Seen by the call's readers (403 unless allowed in that state), 404 for the rest."""
    return InEvery(
        "call",
        lambda s: seen_by(call_seers(s), dict.fromkeys(allowed.get(s, []), answer)),
    )


def bid_seers(state: str) -> list[str]:
    if state == "draft":
        return []  # a draft is its applicant's alone
    readers = ["coordinator", "contributor", "viewer", "inspector"]
    # The board member declared on the closed call's panel, and is clear of its bid.
    return [*readers, "board_member"] if state == "submitted" else readers


def on_bid(allowed: dict[str, list[str]], answer: Any) -> InEvery:
    return InEvery(
        "bid", lambda s: seen_by(bid_seers(s), dict.fromkeys(allowed.get(s, []), answer))
    )


PUBLISHED = ("open", "closed", "decided")
PUBLISHABLE = {"draft": ["coordinator"], "consultation": ["coordinator"]}
CLOSABLE = {"open": ["coordinator"]}


def public_call(state: str) -> dict[str, Any]:
    return dict.fromkeys(SUBJECTS, 200 if state in PUBLISHED else 404)


def bid_start(state: str) -> dict[str, Any]:
    # Signed in but not an applicant: 403 on a published call, 404 on one not published.
    return expect(403 if state in PUBLISHED else 404)


CASES: dict[str, Case] = {
    "commissioning:call-list": Case("GET", (P,), partnership_page(READ)),
    "commissioning:call-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "commissioning:call-detail": Case(
        "GET", ("call_id",), InEvery("call", lambda s: only(200, call_seers(s), 404))
    ),
    "commissioning:criterion-add": Case(
        "GET", ("call_id",), on_call({"draft": ["coordinator"]}, 200)
    ),
    "commissioning:call-edit": Case("GET", ("call_id",), on_call({"draft": ["coordinator"]}, 200)),
    "commissioning:call-consult": Case(
        "POST", ("call_id",), on_call({"draft": ["coordinator"]}, 302)
    ),
    # Publishing and closing cannot be undone: a GET is the confirmation page (CONFIRMATIONS).
    "commissioning:call-publish": Case("GET", ("call_id",), on_call(PUBLISHABLE, 200)),
    "commissioning:call-close": Case("GET", ("call_id",), on_call(CLOSABLE, 200)),
    "commissioning:comment-add": Case(
        "GET", ("call_id",), on_call({"consultation": COMMENTERS}, 200)
    ),
    **{
        f"commissioning:{name}": Case(
            "GET",
            ("call_id",),
            on_call({s: ["coordinator"] for s in CALL_STATES if s != "decided"}, 200),
        )
        for name in ("panel-name", "panel-threshold")
    },
    "commissioning:declare": Case(
        "GET", ("call_id",), on_call({"open": ["board_member"], "closed": ["board_member"]}, 200)
    ),
    "commissioning:bid-create": Case("GET", ("call_id",), InEvery("call", bid_start)),
    "commissioning:bid-detail": Case(
        "GET", ("bid_id",), InEvery("bid", lambda s: only(200, bid_seers(s), 404))
    ),
    "commissioning:bid-edit": Case("GET", ("bid_id",), on_bid({}, 200)),
    "commissioning:bid-submit": Case("GET", ("bid_id",), on_bid({}, 200)),
    "commissioning:bid-score": Case(
        "GET", ("bid_id",), on_bid({"submitted": ["board_member"]}, 200)
    ),
    "commissioning:bid-decide": Case(
        "GET", ("bid_id",), on_bid({"submitted": ["coordinator"]}, 200)
    ),
    "commissioning:bid-letter": Case("GET", ("bid_id",), on_bid({"awarded": ["coordinator"]}, 200)),
    "commissioning:my-bids": Case("GET", (), expect(404)),
    # Devolved small grants: the partnership's readers read a pot; its coordinators (and the
    # holder of the pot's post, not a subject here: tests/commissioning/test_small_grants.py)
    # record grants.
    "commissioning:pot-list": Case("GET", (P,), partnership_page(READ)),
    "commissioning:pot-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "commissioning:pot-detail": Case("GET", ("devolved_pot_id",), only(200, READ, 404)),
    "commissioning:grant-record": Case(
        "GET", ("devolved_pot_id",), {**only(403, READ, 404), "coordinator": 200}
    ),
    "commissioning:grant-outcome": Case(
        "GET", ("small_grant_id",), {**only(403, READ, 404), "coordinator": 200}
    ),
    "commissioning:public-calls": Case("GET", (), PUBLIC),
    "commissioning:public-call": Case("GET", ("call_id",), InEvery("call", public_call)),
    "commissioning:public-register": Case("GET", (), PUBLIC),
    "commissioning:feed-json": Case("GET", (), PUBLIC),
    "commissioning:feed-xlsx": Case("GET", (), PUBLIC),
    "commissioning:register": Case("GET", (), PUBLIC),
    "commissioning:register-confirm": Case("GET", ("signed",), dict.fromkeys(SUBJECTS, 400)),
}

# Confirmed by a POST carrying the confirmation's own field (lde/core/confirm.py). A decision
# posted with that field alone lacks its outcome and reasons: refused after the policy (400).
CONFIRMATIONS: dict[str, Case] = {
    "commissioning:call-publish": Case("POST", ("call_id",), on_call(PUBLISHABLE, 302), CONFIRMED),
    "commissioning:call-close": Case("POST", ("call_id",), on_call(CLOSABLE, 302), CONFIRMED),
    "commissioning:bid-submit": Case("POST", ("bid_id",), on_bid({}, 302), CONFIRMED),
    "commissioning:bid-decide": Case(
        "POST", ("bid_id",), on_bid({"submitted": ["coordinator"]}, 400), CONFIRMED
    ),
}

C = "/api/v1/commissioning"

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{C}/partnerships/{{partnership_id}}/calls"): partnership_page(READ),
    ("POST", f"{C}/partnerships/{{partnership_id}}/calls"): {
        **partnership_page([]),
        "coordinator": 201,
    },
    # On the closed call: its declared board member scores; readers are refused (403).
    ("POST", f"{C}/calls/{{call_id}}/scores"): {
        **only(403, READ, 404),
        "board_member": 201,
    },
    # Devolved small grants, as their pages: readers read; coordinators (and the holder of the
    # pot's post, tests/commissioning/test_small_grants_api.py) delegate and record.
    ("GET", f"{C}/partnerships/{{partnership_id}}/pots"): partnership_page(READ),
    ("POST", f"{C}/partnerships/{{partnership_id}}/pots"): {
        **partnership_page([]),
        "coordinator": 201,
    },
    ("GET", f"{C}/pots/{{devolved_pot_id}}"): only(200, READ, 404),
    ("POST", f"{C}/pots/{{devolved_pot_id}}/grants"): {**only(403, READ, 404), "coordinator": 201},
    ("PUT", f"{C}/small-grants/{{small_grant_id}}/outcome"): {
        **only(403, READ, 404),
        "coordinator": 200,
    },
}

API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", f"{C}/calls/{{call_id}}"): InEvery("call", lambda s: only(200, call_seers(s), 404)),
    ("GET", f"{C}/calls/{{call_id}}/bids"): InEvery(
        "call", lambda s: only(200, call_seers(s), 404)
    ),
    ("POST", f"{C}/calls/{{call_id}}/declaration"): on_call(
        {"open": ["board_member"], "closed": ["board_member"]}, 201
    ),
    ("GET", f"{C}/bids/{{bid_id}}"): InEvery("bid", lambda s: only(200, bid_seers(s), 404)),
    ("PUT", f"{C}/calls/{{call_id}}"): on_call({"draft": ["coordinator"]}, 200),
    # The draft call's weights already sum to 100, so one more criterion is refused after the
    # policy (400); the weight rule itself is tried in tests/commissioning/test_services.py.
    ("POST", f"{C}/calls/{{call_id}}/criteria"): on_call({"draft": ["coordinator"]}, 400),
    # Bids are the applicants' (tests/commissioning/test_api.py): no subject here is one.
    ("POST", f"{C}/calls/{{call_id}}/bids"): InEvery("call", bid_start),
    ("PUT", f"{C}/bids/{{bid_id}}"): on_bid({}, 200),
    ("POST", f"{C}/bids/{{bid_id}}/submit"): on_bid({}, 200),
    ("POST", f"{C}/bids/{{bid_id}}/decision"): on_bid({"submitted": ["coordinator"]}, 201),
}

BID_BODY = {"title": "Matrix bid", "summary": "Weekly sessions.", "amount": "100"}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{C}/calls/{{call_id}}/scores"): {
        "bid_id": "{commissioning_bid_id}",
        "criterion_id": "{commissioning_criterion_id}",
        "score": 3,
        "reason": "Clear need.",
    },
    ("POST", f"{C}/calls/{{call_id}}/declaration"): {"recused_from_bid_ids": []},
    ("POST", f"{C}/bids/{{bid_id}}/decision"): {"outcome": "decline", "reasons": "Weaker need."},
    ("POST", f"{C}/partnerships/{{partnership_id}}/calls"): {
        "title": "Matrix call",
        "purpose": "Youth work.",
        "eligibility": "Voluntary groups.",
        "maximum_amount": "5000",
        "opens_on": "2030-01-01",
        "closes_on": "2030-03-01",
    },
    ("PUT", f"{C}/calls/{{call_id}}"): {"title": "Matrix call, renamed"},
    ("POST", f"{C}/calls/{{call_id}}/criteria"): {"title": "Reach", "weight": 10},
    ("POST", f"{C}/calls/{{call_id}}/bids"): BID_BODY,
    ("PUT", f"{C}/bids/{{bid_id}}"): BID_BODY,
    ("POST", f"{C}/partnerships/{{partnership_id}}/pots"): {
        "name": "Matrix pot",
        "amount": "1000",
        "per_grant_limit": "100",
        "team_id": "{commissioning_partner_id}",
        "holder_post_id": "{commissioning_partner_post_id}",
        "starts_on": "2030-04-01",
        "ends_on": "2031-03-31",
    },
    ("POST", f"{C}/pots/{{devolved_pot_id}}/grants"): {
        "recipient_id": "{commissioning_recipient_id}",
        "amount": "10",
        "purpose": "Room hire for a parents' evening.",
        "awarded_on": "{commissioning_grant_day}",
    },
    ("PUT", f"{C}/small-grants/{{small_grant_id}}/outcome"): {"outcome": "Forty came."},
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    # The funder's org-id, so that the register's 360Giving feed is complete.
    Organisation.objects.filter(pk=world["organisation_id"]).update(org_id="GB-GSS-E08000099")
    built = commissioning_world(
        coordinator=users["coordinator"],
        board_member=users["board_member"],
        partnership=Partnership.objects.get(pk=world["partnership_id"]),
    )
    for name in (
        "commissioning_applicant",
        "commissioning_other_applicant",
        "commissioning_conflicted",
        "commissioning_pot_holder",
    ):
        built.pop(name)
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    teams, posts = pot_team_choices(partnership)
    post = posts.first() or Post.objects.create(
        organisation=teams.first(), kind=PostKind.OTHER, title="Matrix team leader"
    )
    return {
        **built,
        "commissioning_partner_id": post.organisation_id,
        "commissioning_partner_post_id": post.pk,
        "commissioning_recipient_id": SmallGrant.objects.get(
            pk=built["commissioning_small_grant_id"]
        ).recipient_id,
        "commissioning_grant_day": timezone.localdate().isoformat(),
        "call_id": built["commissioning_closed_call_id"],
        "bid_id": built["commissioning_bid_id"],
        "signed": "not-a-token",
        "devolved_pot_id": built["commissioning_pot_id"],
        "small_grant_id": built["commissioning_small_grant_id"],
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"call": CALL_STATES, "bid": BID_STATES},
)
