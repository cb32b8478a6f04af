"""The status-change helper: a move the map refuses writes nothing, the guard runs before any
write, and an allowed move leaves exactly one history row and the new status."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lde.core.workflow import StatusTransition, transition, transition_allowed
from lde.sharing.models import Protocol, ProtocolTransition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAP = {
    ("draft", "in_force"): "bring into force",
    ("in_force", "ended"): "end",
}


def protocol() -> Protocol:
    return Protocol.objects.create(
        title="Data sharing",
        purpose="Prevent",
        legal_basis="Public task",
        dpia_reference="DPIA-1",
        information_shared="Briefings",
        who_may_see="Panel members",
        handling="Official",
        retention_days=30,
        review_on=date(2030, 1, 1),
    )


def move(obj: Protocol, to_status: str, **overrides: Any) -> tuple[str, ProtocolTransition]:
    arguments: dict[str, Any] = {
        "obj": obj,
        "to_status": to_status,
        "transitions": MAP,
        "history_model": ProtocolTransition,
        "subject_field": "protocol",
        "actor": None,
        "error": f"Cannot go from {obj.status} to {to_status}.",
    }
    return transition(**(arguments | overrides))


def test_an_allowed_move_saves_the_status_and_leaves_one_history_row() -> None:
    actor = UserFactory()
    p = protocol()

    value, row = move(p, "in_force", actor=actor, reason="Signed by all parties")

    assert value == "bring into force"
    assert Protocol.objects.get(pk=p.pk).status == "in_force"
    assert list(
        ProtocolTransition.objects.filter(protocol=p).values_list(
            "from_status", "to_status", "actor_id", "reason"
        )
    ) == [("draft", "in_force", actor.pk, "Signed by all parties")]
    assert row.pk == ProtocolTransition.objects.get(protocol=p).pk
    assert row.occurred_at is not None
    assert str(row) == "draft → in_force"


def test_a_move_the_map_refuses_is_refused_in_the_callers_words_and_writes_nothing() -> None:
    p = protocol()

    with pytest.raises(ValidationError) as refused:
        move(p, "ended", error_field="to_status")

    assert refused.value.message_dict == {"to_status": ["Cannot go from draft to ended."]}
    assert p.status == "draft"
    assert Protocol.objects.get(pk=p.pk).status == "draft"
    assert ProtocolTransition.objects.count() == 0


def test_the_error_field_is_status_unless_the_caller_names_another() -> None:
    p = protocol()

    with pytest.raises(ValidationError) as refused:
        move(p, "suspended")

    assert refused.value.message_dict == {"status": ["Cannot go from draft to suspended."]}


def test_the_guard_gets_the_maps_value_before_anything_is_written() -> None:
    p = protocol()
    seen: list[tuple[str, int, str]] = []

    def guard(value: str) -> None:
        seen.append((value, ProtocolTransition.objects.count(), Protocol.objects.get().status))

    move(p, "in_force", guard=guard)

    assert seen == [("bring into force", 0, "draft")]


def test_a_guard_that_raises_stops_the_move() -> None:
    p = protocol()

    def guard(value: str) -> None:
        raise ValidationError({"reason": "Say why"})

    with pytest.raises(ValidationError) as refused:
        move(p, "in_force", guard=guard)

    assert refused.value.message_dict == {"reason": ["Say why"]}
    assert p.status == "draft"
    assert Protocol.objects.get(pk=p.pk).status == "draft"
    assert ProtocolTransition.objects.count() == 0


def test_the_guard_is_not_called_for_a_refused_move() -> None:
    p = protocol()
    calls: list[str] = []

    with pytest.raises(ValidationError):
        move(p, "ended", guard=calls.append)

    assert calls == []


def test_a_callable_error_is_worked_out_only_when_the_move_is_refused() -> None:
    calls: list[str] = []

    def error() -> str:
        calls.append("called")
        return "No."

    assert (
        transition_allowed(transitions=MAP, from_status="in_force", to_status="ended", error=error)
        == "end"
    )
    assert calls == []
    with pytest.raises(ValidationError) as refused:
        transition_allowed(transitions=MAP, from_status="ended", to_status="draft", error=error)
    assert refused.value.message_dict == {"status": ["No."]}
    assert calls == ["called"]


def test_history_rows_read_oldest_first() -> None:
    p = protocol()
    move(p, "in_force")
    move(p, "ended")

    assert list(ProtocolTransition.objects.values_list("from_status", "to_status")) == [
        ("draft", "in_force"),
        ("in_force", "ended"),
    ]


def test_the_history_base_is_abstract_and_each_app_table_subclasses_it() -> None:
    assert StatusTransition._meta.abstract is True
    assert issubclass(ProtocolTransition, StatusTransition)
    assert ProtocolTransition._meta.ordering == ["occurred_at", "pk"]
