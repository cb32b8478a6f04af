"""Audit events read as sentences: every verb the code records has a phrase in
lde.core.audit.sentences.VERB_PHRASES, found by reading the source rather than by a list kept
by hand, so a new verb without a phrase fails here."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib import admin

from lde.action_plans.services import VERBS as ACTION_VERBS
from lde.assessments.models import AssessmentStatus
from lde.core.audit.models import AuditEvent
from lde.core.audit.sentences import VERB_PHRASES, event_sentence, verb_phrase
from lde.engagement.models import MessageStatus
from lde.engagement.services import RECORDS as ENGAGEMENT_RECORDS
from lde.rollups.models import PeerReviewRequestStatus
from lde.sharing.models import ProductStatus, ProtocolStatus

LDE = Path(__file__).resolve().parents[2] / "lde"


def _audit_helpers(trees: list[ast.Module]) -> dict[str, int]:
    """Functions taking a `verb` that pass it on to audit_record: name -> position of `verb`."""
    helpers: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            names = [a.arg for a in node.args.args]
            if "verb" not in names:
                continue
            passes_on = any(
                isinstance(call, ast.Call)
                and any(
                    k.arg == "verb" and isinstance(k.value, ast.Name) and k.value.id == "verb"
                    for k in call.keywords
                )
                for call in ast.walk(node)
            )
            if passes_on:
                helpers[node.name] = names.index("verb")
    return helpers


def recorded_verbs() -> set[str]:
    """Every literal verb: `verb="..."` anywhere, or a string in the verb's place in a call
    to a helper that passes its verb to audit_record."""
    trees = [
        ast.parse(path.read_text(encoding="utf-8"))
        for path in LDE.rglob("*.py")
        if "migrations" not in path.parts
    ]
    helpers = _audit_helpers(trees)
    verbs: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if (
                    keyword.arg == "verb"
                    and isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)
                ):
                    verbs.add(keyword.value.value)
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in helpers and len(node.args) > helpers[name]:
                argument = node.args[helpers[name]]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    verbs.add(argument.value)
    return verbs


def status_verbs() -> set[str]:
    """The verbs built from a status (`f"ASSESSMENT_{to_status.upper()}"` and the like), and
    the action plans' table of verbs by status."""
    return (
        {verb for by_status in ACTION_VERBS.values() for verb in by_status.values()}
        | {f"ASSESSMENT_{s.upper()}" for s in AssessmentStatus.values}
        | {f"PRODUCT_{s.upper()}" for s in ProductStatus.values}
        | {f"PROTOCOL_{s.upper()}" for s in ProtocolStatus.values}
        | {f"KEY_MESSAGE_{s.upper()}" for s in MessageStatus.values if s != MessageStatus.DRAFT}
        | {
            f"PEER_REVIEW_{s.upper()}"
            for s in PeerReviewRequestStatus.values
            if s != PeerReviewRequestStatus.REQUESTED
        }
        | {
            f"{record.audit_subject}_{done}"
            for record in ENGAGEMENT_RECORDS.values()
            for done in ("CREATED", "UPDATED")
        }
    )


def admin_verbs() -> set[str]:
    """lde.core.admin writes ADMIN_<model>_<CREATED|CHANGED|DELETED> for each registered model."""
    return {
        f"ADMIN_{model._meta.model_name.upper()}_{action}"
        for model in admin.site._registry
        for action in ("CREATED", "CHANGED", "DELETED")
    }


def test_the_source_scan_finds_the_verbs_it_should() -> None:
    verbs = recorded_verbs()
    # A literal keyword, one through an app's _audit helper, one from a view.
    assert {"PARTNERSHIP_CREATED", "EVIDENCE_ADDED", "USER_SIGNED_IN"} <= verbs
    assert len(verbs) > 60


def test_every_recorded_verb_has_a_phrase() -> None:
    missing = sorted(v for v in recorded_verbs() | status_verbs() if v not in VERB_PHRASES)
    assert missing == [], f"verbs without a phrase in VERB_PHRASES: {missing}"


def test_every_site_administration_verb_has_a_phrase() -> None:
    missing = sorted(v for v in admin_verbs() if verb_phrase(v) is None)
    assert missing == []
    assert verb_phrase("ADMIN_MARKING_CHANGED") == "changed a marking in site administration"


def test_no_phrase_is_left_over_from_a_verb_no_longer_recorded() -> None:
    stale = sorted(set(VERB_PHRASES) - recorded_verbs() - status_verbs())
    assert stale == []


def _event(verb: str, changes: dict[str, str] | None = None, **fields: object) -> AuditEvent:
    payload = json.dumps({"changes": changes or {}})
    return AuditEvent(
        sequence=7,
        occurred_at=datetime(2026, 12, 4, 14, 2, tzinfo=UTC),
        verb=verb,
        payload=payload,
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"rating": "x"}, "the rating of"),
        ({"rating": "x", "commentary": "y", "confirmed": "z"}, "the rating and commentary of"),
        ({"confirmed": "z"}, "the response of"),
    ],
)
def test_a_response_change_names_what_changed_and_the_criterion(
    changes: dict[str, str], words: str
) -> None:
    event = _event("CRITERION_RESPONSE_UPDATED", changes, actor_id=3, actor_label="a@example")
    sentence = event_sentence(event, actor_name="Alex Smith", target_label="criterion 2.3")
    assert sentence == f"Alex Smith changed {words} criterion 2.3 on 4 December 2026 at 14:02"


def test_no_actor_is_the_system_and_an_unknown_verb_is_still_words() -> None:
    sentence = event_sentence(_event("SOMETHING_ODD_HAPPENED"))
    assert sentence == "The system something odd happened on 4 December 2026 at 14:02"
