"""Monitoring's services and the rules a return's status is computed by, including the issue's
bad input that falls to monitoring: negative and non-numeric amounts, spend beyond a budget
line's tolerance, a return for a closed agreement, and personal identifiers in a return."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.monitoring import selectors, services
from lde.monitoring.models import (
    Agreement,
    AgreementStatus,
    MonitoringRules,
    Return,
    ReturnStatus,
    ReturnTransition,
)
from tests.monitoring.builders import agreement

pytestmark = pytest.mark.django_db


def _line(agreement_id: int, kind: str) -> int:
    return Agreement.objects.get(pk=agreement_id).lines.get(kind=kind).pk


def test_the_schedule_is_proportionate_to_the_award(mworld: dict[str, Any]) -> None:
    rules = MonitoringRules(quarterly_from=Decimal("10000"))
    start = date(2027, 4, 1)
    big = services.schedule(
        starts_on=start, ends_on=date(2028, 3, 31), amount=Decimal("10000"), rules=rules
    )
    assert [(p.start, p.end) for p in big] == [
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)),
        (date(2028, 1, 1), date(2028, 3, 31)),
    ]
    assert big[0].due_on == date(2027, 7, 30)
    assert [p.final for p in big] == [False, False, False, True]
    small = services.schedule(
        starts_on=start, ends_on=date(2028, 3, 31), amount=Decimal("9999.99"), rules=rules
    )
    assert [(p.start, p.end, p.due_on, p.final) for p in small] == [
        (start, date(2028, 3, 31), date(2028, 4, 30), True)
    ]


def test_activation_writes_the_schedule_and_a_small_award_makes_one_end_return(
    mworld: dict[str, Any],
) -> None:
    coordinator = mworld["people"]["coordinator"]
    services.rules_set(
        actor=coordinator,
        partnership=mworld["partnership"],
        quarterly_from="5000",
        tolerance_percent="10",
    )
    small = agreement(
        coordinator,
        mworld["partnership"],
        mworld["organisation"],
        "Small grant",
        amount="3000",
        starts_on=date(2027, 4, 1),
    )
    services.agreement_activate(actor=coordinator, agreement=small)
    small.refresh_from_db()
    assert small.status == AgreementStatus.ACTIVE and small.frequency == "end"
    assert list(small.returns.values_list("final", "status")) == [(True, "due")]
    event = AuditEvent.objects.filter(verb="AGREEMENT_ACTIVATED").last()
    assert event is not None and json.loads(event.payload)["detail"]["returns"] == 1


def test_activation_refuses_lines_or_payments_that_do_not_add_up(mworld: dict[str, Any]) -> None:
    coordinator = mworld["people"]["coordinator"]
    made = services.agreement_create(
        actor=coordinator,
        partnership=mworld["partnership"],
        organisation=mworld["organisation"],
        title="Unbalanced",
        amount="5000",
        starts_on=date(2027, 4, 1),
        ends_on=date(2028, 3, 31),
    )
    services.line_add(
        actor=coordinator, agreement=made, heading="Staff", kind="staff", amount="4000"
    )
    with pytest.raises(ValidationError) as refused:
        services.agreement_activate(actor=coordinator, agreement=made)
    assert refused.value.message_dict == {
        "lines": ["The budget lines add up to £4,000.00, not the agreement's £5,000.00"]
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "The spend cannot be negative"),
        ("ten pounds", "Enter the spend as a number, like 2500 or 2500.50"),
        ("NaN", "Enter the spend as a number, like 2500 or 2500.50"),
        ("12.345", "Give the spend in pounds and pence"),
    ],
)
def test_negative_or_non_numeric_spend_is_refused_naming_the_line(
    mworld: dict[str, Any], value: str, message: str
) -> None:
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    line = _line(row.agreement_id, "staff")
    with pytest.raises(ValidationError) as refused:
        services.return_save(
            actor=mworld["commissioning_applicant"], return_made=row, spend={line: value}
        )
    assert refused.value.message_dict == {f"spend_{line}": [message]}
    assert not row.spend.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "The number achieved cannot be negative"),
        ("lots", "Enter the number achieved as a whole number, like 12"),
    ],
)
def test_negative_or_non_numeric_outputs_are_refused(
    mworld: dict[str, Any], value: str, message: str
) -> None:
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    target = row.agreement.targets.get(kind="participants").pk
    with pytest.raises(ValidationError) as refused:
        services.return_save(
            actor=mworld["commissioning_applicant"], return_made=row, outputs={target: value}
        )
    assert refused.value.message_dict == {f"output_{target}": [message]}


def test_spend_beyond_the_tolerance_is_refused_unless_explained_and_flagged_with_its_rule(
    mworld: dict[str, Any],
) -> None:
    applicant = mworld["commissioning_applicant"]
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    staff = _line(row.agreement_id, "staff")
    # Staff line £8,000: £1,000 accepted and £8,000 submitted already; £250 more is £1,250 over.
    services.return_save(actor=applicant, return_made=row, spend={staff: "250"})
    with pytest.raises(ValidationError) as refused:
        services.return_submit(actor=applicant, return_made=row)
    assert list(refused.value.message_dict) == ["variance_explanation"]
    assert "Staff costs £1,250.00 over a £8,000.00 line (15.6%, tolerance 10%)" in str(
        refused.value
    )
    row.refresh_from_db()
    assert row.status == ReturnStatus.DUE
    services.return_save(
        actor=applicant,
        return_made=row,
        variance_explanation="Extra sessions agreed by phone call.",
    )
    services.return_submit(actor=applicant, return_made=row)
    state = selectors.return_state(Return.objects.get(pk=row.pk))
    assert [f.rule for f in state.flags if f.rule == "overspent"] == ["overspent"]
    words = next(f.words for f in state.flags if f.rule == "overspent")
    assert words == "Overspent: Staff costs £1,250.00 over a £8,000.00 line (15.6%, tolerance 10%)"


def test_spend_over_the_line_within_the_tolerance_is_taken_and_said(mworld: dict[str, Any]) -> None:
    submitted = selectors.return_state(Return.objects.get(pk=mworld["monitoring_submitted_id"]))
    # £1,000 + £8,000 against an £8,000 line: £1,000 over, 12.5%, beyond 10%: explained.
    assert [f.words for f in submitted.flags if f.rule == "overspent"] == [
        "Overspent: Staff costs £1,000.00 over a £8,000.00 line (12.5%, tolerance 10%)"
    ]
    services.rules_set(
        actor=mworld["people"]["coordinator"],
        partnership=mworld["partnership"],
        quarterly_from="10000",
        tolerance_percent="15",
    )
    again = selectors.return_state(Return.objects.get(pk=mworld["monitoring_submitted_id"]))
    # Submitted after its due date (the world's agreement began ten months ago), and now within
    # the wider tolerance.
    assert [f.rule for f in again.flags] == ["late", "over_within_tolerance"]
    assert again.flags[0].words.startswith("Late: due ")


def test_a_late_return_is_said_in_words(mworld: dict[str, Any]) -> None:
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    state = selectors.return_state(row)
    if row.due_on < date.today():
        assert state.flags[0].words == f"Late: due {row.due_on:%-d %B %Y}, not submitted"
        assert state.late
    late = selectors.overdue(user=mworld["people"]["coordinator"], today=row.due_on + timedelta(1))
    assert row.pk in [r.pk for r in late]


def test_a_return_for_a_closed_agreement_is_refused(mworld: dict[str, Any]) -> None:
    row = Return.objects.get(pk=mworld["monitoring_closed_return_id"])
    for actor in (mworld["commissioning_applicant"], mworld["people"]["coordinator"]):
        with pytest.raises(Conflict) as refused:
            services.return_save(actor=actor, return_made=row, narrative="Late news.")
        assert refused.value.message_dict == {
            "__all__": ["The agreement is closed: no return is taken on it"]
        }
        with pytest.raises(Conflict):
            services.return_submit(actor=actor, return_made=row)
    row.refresh_from_db()
    assert row.status == ReturnStatus.DUE and row.narrative == ""


def test_personal_identifiers_in_a_return_are_listed_then_refused(mworld: dict[str, Any]) -> None:
    applicant = mworld["commissioning_applicant"]
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    services.return_save(
        actor=applicant,
        return_made=row,
        narrative="Call the parent on 07700 900123 or jo.bloggs@example.com.",
    )
    findings = services.return_findings(Return.objects.get(pk=row.pk))
    assert len(findings) == 2
    with pytest.raises(ValidationError) as refused:
        services.return_submit(actor=applicant, return_made=row)
    assert list(refused.value.message_dict) == ["narrative"]
    assert "personal-data guard" in str(refused.value)
    assert Return.objects.get(pk=row.pk).status == ReturnStatus.DUE


def test_another_organisation_cannot_make_the_return(mworld: dict[str, Any]) -> None:
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    with pytest.raises(PermissionDenied403):
        services.return_save(actor=mworld["other_applicant"], return_made=row, narrative="x")


def test_review_accepts_or_sends_back_with_reasons(mworld: dict[str, Any]) -> None:
    coordinator = mworld["people"]["coordinator"]
    row = Return.objects.get(pk=mworld["monitoring_submitted_id"])
    with pytest.raises(ValidationError) as refused:
        services.return_review(actor=coordinator, return_made=row, accept=False, reasons=" ")
    assert refused.value.message_dict == {"reasons": ["Say why the return is sent back"]}
    with pytest.raises(PermissionDenied403):
        services.return_review(
            actor=mworld["commissioning_applicant"], return_made=row, accept=True
        )
    services.return_review(actor=coordinator, return_made=row, accept=True)
    assert Return.objects.get(pk=row.pk).status == ReturnStatus.ACCEPTED
    assert ReturnTransition.objects.filter(return_made=row).last().to_status == "accepted"  # type: ignore[union-attr]


def test_payments_in_advance_are_allowed_and_kept_as_such(mworld: dict[str, Any]) -> None:
    active = Agreement.objects.get(pk=mworld["monitoring_agreement_id"])
    assert list(active.instalments.values_list("in_advance", flat=True)) == [True, False]
