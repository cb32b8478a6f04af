"""Consequence management's part of the access matrix (tests/test_access_matrix.py): every page
and API operation, with the answer docs/apps/consequence_management.md gives each kind of user,
and cascades checked running and closed.

Readiness plans are read by the partnership's coordinators, board members, contributors and
viewers and its live inspectors; the directory and cascades by its coordinators, board members
and contributors; coordinators keep them; a running cascade's calls are recorded by coordinators
and contributors. The acknowledgement link is public (its signature is the authority); Notify's
two callbacks answer 401 to anyone without the callback's bearer token, signed in or not.
"""

from __future__ import annotations

from typing import Any

from lde.accounts.models import User
from lde.consequence_management.models import CascadeRecipient, CascadeStatus
from lde.consequence_management.services import ack_token
from lde.partnerships.models import Partnership
from tests.access_vocabulary import (
    CONFIRMED,
    PUBLIC,
    READERS,
    SUBJECTS,
    CapabilityMatrix,
    Case,
    InEvery,
    only,
    partnership_page,
)
from tests.consequence_management.builders import cascade_make, directory_make, plan_make

PLAN_READERS = [*READERS, "inspector"]
CALLERS = ["coordinator", "board_member", "contributor"]
RECORDERS = ["coordinator", "contributor"]
P = "partnership_id"
UNAUTHORISED = dict.fromkeys(SUBJECTS, 401)


def kept(readers: list[str], answer: int, by: list[str] | None = None) -> dict[str, Any]:
    """Seen by `readers` (403), done by `by` (the coordinator), 404 for everyone else."""
    return {**only(403, readers, 404), **dict.fromkeys(by or ["coordinator"], answer)}


def on_cascade(answer: int, by: list[str]) -> InEvery:
    """Done by `by` while the cascade runs; seen, and refused, by the callers when closed."""
    return InEvery(
        "cascade",
        lambda state: (
            kept(CALLERS, answer, by) if state == CascadeStatus.RUNNING else only(403, CALLERS, 404)
        ),
    )


CASCADE_READ = InEvery("cascade", lambda state: only(200, CALLERS, 404))

CASES: dict[str, Case] = {
    "consequence_management:overview": Case("GET", (P,), partnership_page(PLAN_READERS)),
    "consequence_management:plan-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "consequence_management:plan-detail": Case(
        "GET", ("readiness_plan_id",), only(200, PLAN_READERS, 404)
    ),
    **{
        f"consequence_management:{name}": Case(
            "GET", ("readiness_plan_id",), kept(PLAN_READERS, 200)
        )
        for name in ("plan-update", "plan-role-add", "plan-message-add", "rumour-add")
    },
    "consequence_management:contact-list": Case("GET", (P,), partnership_page(CALLERS)),
    "consequence_management:contact-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "consequence_management:contact-update": Case("GET", ("contact_id",), kept(CALLERS, 200)),
    "consequence_management:contact-verify": Case("POST", ("contact_id",), kept(CALLERS, 302), {}),
    "consequence_management:cascade-start": Case("GET", (P,), partnership_page(["coordinator"])),
    "consequence_management:cascade-detail": Case("GET", ("cascade_id",), CASCADE_READ),
    "consequence_management:cascade-roll-call": Case("GET", ("cascade_id",), CASCADE_READ),
    "consequence_management:call-record": Case(
        "GET", ("cascade_id", "recipient_id"), on_cascade(200, RECORDERS)
    ),
    # Closing cannot be undone: a GET is the confirmation page.
    "consequence_management:cascade-close": Case(
        "GET", ("cascade_id",), on_cascade(200, ["coordinator"])
    ),
    # Public: the signed link, and Notify's callbacks (a bearer token, no session).
    "consequence_management:ack": Case("GET", ("ack_token",), PUBLIC),
    "consequence_management:notify-inbound": Case("POST", (), UNAUTHORISED, {}),
    "consequence_management:notify-receipts": Case("POST", (), UNAUTHORISED, {}),
}

CONFIRMATIONS: dict[str, Case] = {
    "consequence_management:cascade-close": Case(
        "POST", ("cascade_id",), on_cascade(302, ["coordinator"]), CONFIRMED
    ),
}

C = "/api/v1/consequence-management"
PC = f"{C}/partnerships/{{partnership_id}}"

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{PC}/plans"): partnership_page(PLAN_READERS),
    ("GET", f"{C}/plans/{{readiness_plan_id}}"): only(200, PLAN_READERS, 404),
    ("GET", f"{PC}/contacts"): partnership_page(CALLERS),
    ("POST", f"{PC}/contacts"): {**partnership_page([]), "coordinator": 201},
    ("POST", f"{PC}/cascades"): {**partnership_page([]), "coordinator": 201},
}

API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", f"{C}/cascades/{{cascade_id}}"): CASCADE_READ,
    ("POST", f"{C}/cascades/{{cascade_id}}/recipients/{{recipient_id}}/call"): on_cascade(
        200, RECORDERS
    ),
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{PC}/contacts"): {
        "kind": "community",
        "organisation_id": "{organisation_id}",
        "role": "Matrix chair",
        "email": "matrix.chair@example.test",
        "mobile": "07700 900555",
        "consented_on": "2025-01-05",
        "verified_on": "2025-01-05",
    },
    ("POST", f"{PC}/cascades"): {
        "title": "Matrix exercise",
        "kind": "exercise",
        "mode": "broadcast",
        "template": "Please acknowledge, {role}: {ack_link}",
        "start_key": "matrix-start-key-0001",
    },
    ("POST", f"{C}/cascades/{{cascade_id}}/recipients/{{recipient_id}}/call"): {
        "outcome": "no_answer"
    },
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    coordinator = users["coordinator"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    plan = plan_make(coordinator=coordinator, partnership=partnership)
    contacts = directory_make(coordinator=coordinator, partnership=partnership)
    states: dict[str, dict[str, Any]] = {}
    for status in CascadeStatus.values:
        cascade = cascade_make(
            coordinator=coordinator,
            partnership=partnership,
            key=f"matrix-cascade-{status}",
            title=f"Matrix cascade ({status})",
        )
        recipient = CascadeRecipient.objects.get(cascade=cascade, contact=contacts["chair"])
        if status == CascadeStatus.CLOSED:
            from lde.consequence_management.services import cascade_close

            cascade_close(actor=coordinator, cascade=cascade)
        states[status] = {"cascade_id": cascade.pk, "recipient_id": recipient.pk}
        if status == CascadeStatus.RUNNING:
            token = ack_token(recipient)
    return {
        "readiness_plan_id": plan.pk,
        "contact_id": contacts["chair"].pk,
        "ack_token": token,
        **states[CascadeStatus.RUNNING],
        "states": {"cascade": states},
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"cascade": list(CascadeStatus.values)},
)
