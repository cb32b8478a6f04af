"""The questionnaires' part of the access matrix (tests/access_vocabulary.py).

`permissions.md`, "indicators, surveys, evidence": coordinators read and write; board members,
contributors, viewers and live inspectors read (the questionnaire, its collections and the
change before and after); nobody else sees a partnership's questionnaires. Only coordinators
export the answers by pseudonymous code. The participant's page is public: the single-use link
is the authority, and it works only while its collection is open.

A collection is checked in each of its states: draft, open and closed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from lde.sharing.models import Protocol, ProtocolStatus
from lde.surveys.models import (
    Choice,
    Collection,
    ParticipantLink,
    Question,
    Questionnaire,
)
from lde.surveys.questionnaires.services import token_hash
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
    seen_by,
)

STATES = ["draft", "open", "closed"]
SEERS = [*READERS, "inspector"]


def readers() -> dict[str, Any]:
    return only(200, SEERS, 404)


def coordinator(answer: Any = 200) -> dict[str, Any]:
    return seen_by(SEERS, {"coordinator": answer})


def when(answers: dict[str, Any], otherwise: Any) -> InEvery:
    """The coordinator's answer in each state (`otherwise` in the rest); 403 for the other
    readers, 404 for everyone else."""
    return InEvery("collection", lambda state: coordinator(answers.get(state, otherwise)))


def participant(state: str) -> dict[str, Any]:
    return dict(PUBLIC) if state == "open" else dict.fromkeys(SUBJECTS, 400)


CASES: dict[str, Case] = {
    "questionnaires:questionnaire-list": Case("GET", ("partnership_id",), partnership_page(SEERS)),
    "questionnaires:questionnaire-add": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    "questionnaires:questionnaire-import": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    "questionnaires:questionnaire-detail": Case("GET", ("questionnaire_id",), readers()),
    "questionnaires:questionnaire-update": Case("GET", ("questionnaire_id",), coordinator()),
    "questionnaires:question-add": Case("GET", ("questionnaire_id",), coordinator()),
    "questionnaires:question-update": Case("GET", ("question_id",), coordinator()),
    "questionnaires:question-move": Case(
        "POST", ("question_id",), coordinator(302), {"direction": "down"}
    ),
    "questionnaires:collection-add": Case("GET", ("questionnaire_id",), coordinator()),
    "questionnaires:questionnaire-change": Case("GET", ("questionnaire_id",), readers()),
    "questionnaires:answers-csv": Case("GET", ("questionnaire_id",), coordinator()),
    "questionnaires:answers-xlsx": Case("GET", ("questionnaire_id",), coordinator()),
    "questionnaires:collection-detail": Case(
        "GET", ("collection_id",), InEvery("collection", lambda state: readers())
    ),
    "questionnaires:collection-open": Case("GET", ("collection_id",), when({}, 200)),
    "questionnaires:collection-close": Case("GET", ("collection_id",), when({}, 200)),
    "questionnaires:links-issue": Case(
        "POST", ("collection_id",), when({"closed": 400}, 200), {"count": "2"}
    ),
    # Public: the link's token is the authority, while its collection is open.
    "questionnaires:answer": Case("GET", ("token",), InEvery("collection", participant)),
}

CONFIRMATIONS: dict[str, Case] = {
    "questionnaires:collection-open": Case(
        "POST", ("collection_id",), when({"draft": 302}, 400), CONFIRMED
    ),
    "questionnaires:collection-close": Case(
        "POST", ("collection_id",), when({"open": 302}, 400), CONFIRMED
    ),
}

Q = "/api/v1/surveys/questionnaires/{questionnaire_id}"
C = "/api/v1/surveys/collections/{collection_id}"

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/surveys/partnership/{partnership_id}/questionnaires"): partnership_page(SEERS),
    # No file sent: the coordinator is told to send one (400).
    ("POST", "/api/v1/surveys/partnership/{partnership_id}/questionnaires/xlsform"): {
        **partnership_page([]),
        "coordinator": 400,
    },
    ("GET", Q): readers(),
    ("GET", f"{Q}/change"): readers(),
}

API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("POST", f"{C}/open"): when({"draft": 200}, 400),
    ("POST", f"{C}/close"): when({"open": 200}, 400),
    ("POST", f"{C}/links"): when({"closed": 409}, 201),
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{C}/links"): {"count": 2},
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    protocol = Protocol.objects.create(
        title="Youth project evaluation",
        purpose="Evaluating the youth project",
        legal_basis="Public task",
        dpia_reference="DPIA-1",
        information_shared="Pseudonymous answers",
        who_may_see="Coordinators",
        handling="Official",
        retention_days=365,
        review_on=date(2030, 1, 1),
        status=ProtocolStatus.IN_FORCE,
    )
    questionnaire = Questionnaire.objects.create(
        partnership_id=world["partnership_id"], title="Confidence", protocol=protocol
    )
    first = Question.objects.create(
        questionnaire=questionnaire,
        position=1,
        kind="select_one",
        name="confidence",
        label="I feel confident",
        list_name="agree",
    )
    Question.objects.create(
        questionnaire=questionnaire, position=2, kind="integer", name="trusted", label="Trusted"
    )
    Choice.objects.create(
        questionnaire=questionnaire, list_name="agree", name="1", label="No", position=1
    )
    expires = timezone.now() + timedelta(days=10)
    states: dict[str, dict[str, Any]] = {}
    for state in STATES:
        collection = Collection.objects.create(
            questionnaire=questionnaire, wave="before", title=f"Before ({state})", status=state
        )
        token = f"matrix-{state}-token"
        ParticipantLink.objects.create(
            collection=collection, token_hash=token_hash(token), expires_at=expires
        )
        states[state] = {"collection_id": collection.pk, "token": token}
    return {
        "questionnaire_id": questionnaire.pk,
        "question_id": first.pk,
        "states": {"collection": states},
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"collection": STATES},
)
