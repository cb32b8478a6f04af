"""Monitoring's part of the access matrix (tests/access_vocabulary.py), from permissions.md's
row "programme, commissioning" and the policy table in docs/apps/monitoring.md.

Coordinators read and write agreements, review returns and make them on the delivering
organisation's behalf; board members, contributors, viewers and live inspectors read; community
reviewers and everyone outside the partnership see nothing. The delivering organisation's
applicants are not one of the matrix's subjects: tests/monitoring/test_applicant_access.py
checks them. Agreements are checked in each of draft, active and closed; returns in each of
due, submitted, sent back, accepted, and due on a closed agreement.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from lde.accounts.models import Organisation, User
from lde.commissioning.models import Decision, Outcome
from lde.monitoring import services
from lde.monitoring.models import Return
from lde.partnerships.models import Partnership
from tests.access_vocabulary import (
    CONFIRMED,
    READERS,
    CapabilityMatrix,
    Case,
    InEvery,
    only,
    partnership_page,
    seen_by,
)
from tests.commissioning.builders import applicant
from tests.monitoring.builders import monitoring_world

AGREEMENT_STATES = ["draft", "active", "closed"]
RETURN_STATES = ["due", "submitted", "sent_back", "accepted", "closed"]
READ = [*READERS, "inspector"]
P = "partnership_id"


def on_agreement(allowed: dict[str, list[str]], answer: Any) -> InEvery:
    return InEvery("agreement", lambda s: seen_by(READ, dict.fromkeys(allowed.get(s, []), answer)))


def on_return(allowed: dict[str, list[str]], answer: Any) -> InEvery:
    return InEvery("return", lambda s: seen_by(READ, dict.fromkeys(allowed.get(s, []), answer)))


# A return is made (by a coordinator on the organisation's behalf) while due or sent back on an
# active agreement; reviewed once submitted.
MAKING = {"due": ["coordinator"], "sent_back": ["coordinator"]}
REVIEWING = {"submitted": ["coordinator"]}
EVERY_STATE_READ = InEvery("agreement", lambda s: only(200, READ, 404))
RETURN_READ = InEvery("return", lambda s: only(200, READ, 404))

CASES: dict[str, Case] = {
    "monitoring:agreement-list": Case("GET", (P,), partnership_page(READ)),
    "monitoring:rules": Case("GET", (P,), partnership_page(["coordinator"])),
    "monitoring:agreement-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "monitoring:from-award": Case(
        "GET", ("award_id",), {**only(403, READ, 404), "coordinator": 200}
    ),
    "monitoring:agreement-detail": Case("GET", ("agreement_id",), EVERY_STATE_READ),
    **{
        f"monitoring:{name}": Case(
            "GET", ("agreement_id",), on_agreement({"draft": ["coordinator"]}, 200)
        )
        for name in (
            "milestone-add",
            "target-add",
            "indicator-add",
            "line-add",
            "instalment-add",
            "agreement-activate",
        )
    },
    "monitoring:agreement-close": Case(
        "GET", ("agreement_id",), on_agreement({"active": ["coordinator"]}, 200)
    ),
    "monitoring:return-detail": Case("GET", ("return_id",), RETURN_READ),
    "monitoring:return-edit": Case("GET", ("return_id",), on_return(MAKING, 200)),
    "monitoring:return-submit": Case("GET", ("return_id",), on_return(MAKING, 200)),
    "monitoring:evidence-add": Case("GET", ("return_id",), on_return(MAKING, 200)),
    "monitoring:spend-import": Case("GET", ("return_id",), on_return(MAKING, 200)),
    "monitoring:return-accept": Case("GET", ("return_id",), on_return(REVIEWING, 200)),
    "monitoring:return-send-back": Case("GET", ("return_id",), on_return(REVIEWING, 200)),
    "monitoring:evidence-download": Case("GET", ("return_evidence_id",), only(200, READ, 404)),
    "monitoring:value-for-money": Case("GET", (P,), partnership_page(READ)),
    "monitoring:value-pdf": Case("GET", (P,), partnership_page(READ)),
    "monitoring:value-xlsx": Case("GET", (P,), partnership_page(READ)),
    # The programme matrix's alliance: the world's partnership and the other partnership, whose
    # coordinator reads the alliance's figures for their own agreements (none).
    "monitoring:alliance-value": Case(
        "GET", ("alliance_id",), only(200, [*READ, "other_partnership"], 404)
    ),
}

CONFIRMATIONS: dict[str, Case] = {
    "monitoring:agreement-activate": Case(
        "POST", ("agreement_id",), on_agreement({"draft": ["coordinator"]}, 302), CONFIRMED
    ),
    "monitoring:agreement-close": Case(
        "POST", ("agreement_id",), on_agreement({"active": ["coordinator"]}, 302), CONFIRMED
    ),
    "monitoring:return-submit": Case("POST", ("return_id",), on_return(MAKING, 302), CONFIRMED),
    "monitoring:return-accept": Case("POST", ("return_id",), on_return(REVIEWING, 302), CONFIRMED),
}

M = "/api/v1/monitoring"

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{M}/partnerships/{{partnership_id}}/agreements"): partnership_page(READ),
}


def _closed_refused(allowed: dict[str, list[str]], answer: int) -> InEvery:
    """A return on a closed agreement is refused to everyone who sees it (409, the agreement is
    closed), before their permission is asked."""

    def answers(state: str) -> dict[str, Any]:
        if state == "closed":
            return seen_by(READ, dict.fromkeys(READ, 409))
        return seen_by(READ, dict.fromkeys(allowed.get(state, []), answer))

    return InEvery("return", answers)


API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", f"{M}/agreements/{{agreement_id}}"): EVERY_STATE_READ,
    ("GET", f"{M}/agreements/{{agreement_id}}/returns"): EVERY_STATE_READ,
    ("GET", f"{M}/returns/{{return_id}}"): RETURN_READ,
    ("POST", f"{M}/returns/{{return_id}}"): _closed_refused(MAKING, 200),
    ("POST", f"{M}/returns/{{return_id}}/submission"): _closed_refused(MAKING, 201),
    ("POST", f"{M}/returns/{{return_id}}/review"): on_return(REVIEWING, 201),
    # Sent without a file: whoever may make the return is told to send one (422), before which
    # who may not is refused and a closed agreement answered 409.
    ("POST", f"{M}/returns/{{return_id}}/spend-import"): _closed_refused(MAKING, 422),
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{M}/returns/{{return_id}}"): {"narrative": "Sessions went ahead as planned."},
    ("POST", f"{M}/returns/{{return_id}}/review"): {"outcome": "accept"},
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    organisation = Organisation.objects.create(name="Matrix Delivery Trust", type="voluntary")
    delivering = applicant("delivery-applicant@example.test", organisation)
    built = monitoring_world(
        coordinator=users["coordinator"],
        partnership=partnership,
        organisation=organisation,
        applicant=delivering,
    )
    evidence = services.evidence_add(
        actor=delivering,
        return_made=Return.objects.get(pk=built["monitoring_return_id"]),
        title="Session counts",
        upload=SimpleUploadedFile("counts.csv", b"session,count\n1,12\n"),
    )
    # An award to make an agreement for: the commissioning world's, or one of our own.
    decision = Decision.objects.filter(
        outcome=Outcome.AWARD, bid__call__partnership=partnership
    ).first()
    assert decision is not None, "the commissioning matrix's world holds an award"
    return {
        "states": built["states"],
        "agreement_id": built["monitoring_agreement_id"],
        "return_id": built["monitoring_return_id"],
        "return_evidence_id": evidence.pk,
        "award_id": decision.pk,
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"agreement": AGREEMENT_STATES, "return": RETURN_STATES},
)
