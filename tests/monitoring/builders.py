"""Monitoring records for tests: agreements in every state (draft, active, closed) made for an
award, returns in every state (due and late, submitted and overspent, sent back, accepted), and
a small agreement with one end return."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from lde.accounts.models import Organisation, User
from lde.commissioning.models import Decision
from lde.monitoring import services
from lde.monitoring.models import Agreement, Return, ReturnStatus
from lde.partnerships.models import Partnership


def fill(
    coordinator: User, agreement: Agreement, *, staff: str = "8000", admin: str = "2000"
) -> None:
    """Two lines (staff and administration), a target, a milestone, an indicator, payments (one
    in advance) adding up to the amount."""
    services.line_add(
        actor=coordinator, agreement=agreement, heading="Staff costs", kind="staff", amount=staff
    )
    services.line_add(
        actor=coordinator,
        agreement=agreement,
        heading="Administration",
        kind="administration",
        amount=admin,
    )
    services.target_add(actor=coordinator, agreement=agreement, kind="participants", target=100)
    services.target_add(actor=coordinator, agreement=agreement, kind="sessions", target=20)
    services.milestone_add(
        actor=coordinator,
        agreement=agreement,
        title="Sessions begin",
        due_on=agreement.starts_on + timedelta(days=30),
    )
    services.indicator_add(
        actor=coordinator,
        agreement=agreement,
        text="Young people say they feel more able to challenge extremist messages.",
    )
    half = agreement.amount / 2
    services.instalment_add(
        actor=coordinator,
        agreement=agreement,
        due_on=agreement.starts_on,
        amount=str(half),
        in_advance=True,
    )
    services.instalment_add(
        actor=coordinator,
        agreement=agreement,
        due_on=agreement.ends_on,
        amount=str(agreement.amount - half),
    )


def agreement(
    coordinator: User,
    partnership: Partnership,
    organisation: Organisation,
    title: str,
    *,
    amount: str = "10000",
    starts_on: date,
    months: int = 12,
    decision: Decision | None = None,
) -> Agreement:
    made = services.agreement_create(
        actor=coordinator,
        partnership=partnership,
        organisation=organisation,
        title=title,
        amount=amount,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=30 * months),
        conditions="Report every quarter; acknowledge the funding in publicity.",
        decision=decision,
    )
    staff = str(made.amount * 8 / 10)
    fill(coordinator, made, staff=staff, admin=str(made.amount - made.amount * 8 / 10))
    return made


def monitoring_world(
    *, coordinator: User, partnership: Partnership, organisation: Organisation, applicant: User
) -> dict[str, Any]:
    """`organisation` delivers (its `applicant` makes returns). Returns ids by name and by state."""
    today = timezone.localdate()
    start = today - timedelta(days=300)
    draft = agreement(coordinator, partnership, organisation, "Draft agreement", starts_on=start)
    active = agreement(coordinator, partnership, organisation, "Active agreement", starts_on=start)
    services.agreement_activate(actor=coordinator, agreement=active)
    returns = list(active.returns.order_by("period_start"))
    lines = {x.kind: x for x in active.lines.all()}
    # First quarter: submitted on time, then accepted.
    accepted = returns[0]
    services.return_save(
        actor=applicant,
        return_made=accepted,
        spend={lines["staff"].pk: "1000", lines["administration"].pk: "200"},
        outputs={active.targets.get(kind="participants").pk: 20},
        narrative="Two groups started.",
    )
    services.return_submit(actor=applicant, return_made=accepted)
    services.return_review(actor=coordinator, return_made=accepted, accept=True)
    # Second: staff overspent beyond the tolerance, explained, submitted.
    submitted = returns[1]
    services.return_save(
        actor=applicant,
        return_made=submitted,
        spend={lines["staff"].pk: "8000"},
        variance_explanation="A second youth worker was needed for the larger group.",
    )
    services.return_submit(actor=applicant, return_made=submitted)
    # Third: sent back.
    sent_back = returns[2]
    services.return_save(actor=applicant, return_made=sent_back, narrative="Sessions continued.")
    services.return_submit(actor=applicant, return_made=sent_back)
    services.return_review(
        actor=coordinator, return_made=sent_back, accept=False, reasons="Add the outputs."
    )
    # The next one still due: late if its due date has passed.
    due = active.returns.filter(status=ReturnStatus.DUE).order_by("period_start").first()
    assert due is not None
    closed = agreement(coordinator, partnership, organisation, "Closed agreement", starts_on=start)
    services.agreement_activate(actor=coordinator, agreement=closed)
    services.agreement_close(actor=coordinator, agreement=closed)
    closed_return = Return.objects.filter(agreement=closed).order_by("period_start").first()
    assert closed_return is not None
    states = {
        "agreement": {
            "draft": {"agreement_id": draft.pk},
            "active": {"agreement_id": active.pk},
            "closed": {"agreement_id": closed.pk},
        },
        "return": {
            "due": {"return_id": due.pk},
            "submitted": {"return_id": submitted.pk},
            "sent_back": {"return_id": sent_back.pk},
            "accepted": {"return_id": accepted.pk},
            "closed": {"return_id": closed_return.pk},
        },
    }
    return {
        "monitoring_agreement_id": active.pk,
        "monitoring_return_id": due.pk,
        "monitoring_submitted_id": submitted.pk,
        "monitoring_closed_return_id": closed_return.pk,
        "states": states,
    }
