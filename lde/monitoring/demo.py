"""Fictional monitoring for the demo: Harrowfield's agreements in every state.

- "Holiday programme with the schools": the Riverside Youth Project's award from "Schools and
  families fund 2026" (commissioning's demo), £9,000, quarterly returns under Harrowfield's rules
  (quarterly from £5,000, tolerance 10%): the first return accepted; the second submitted late
  and overspent on staff, with the variance explained; the third past its due date and not
  submitted (late, on the coordinator's home page); the rest still to come.
- A small agreement for a funded programme project, £2,500, one return at the end.
- A draft agreement still being written, and a closed one whose final return was accepted.

Safe to run again: it does nothing once Harrowfield has an agreement.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from lde.accounts.models import Organisation, User
from lde.commissioning.models import Applicant as CommissioningApplicant
from lde.commissioning.models import Decision, Outcome
from lde.core.access.facts import today
from lde.monitoring import services
from lde.monitoring.models import Agreement, Return, ReturnStatus
from lde.partnerships.models import Partnership
from lde.programme.models import Project

DOMAIN = "demo.invalid"


def _fill(
    coordinator: User,
    agreement: Agreement,
    lines: list[tuple[str, str, str]],
    targets: list[tuple[str, int]],
    milestones: list[tuple[str, int]],
    payments: list[tuple[int, str, bool]],
    indicator: str,
) -> None:
    for heading, kind, amount in lines:
        services.line_add(
            actor=coordinator, agreement=agreement, heading=heading, kind=kind, amount=amount
        )
    for kind, target in targets:
        services.target_add(actor=coordinator, agreement=agreement, kind=kind, target=target)
    for title, days in milestones:
        services.milestone_add(
            actor=coordinator,
            agreement=agreement,
            title=title,
            due_on=agreement.starts_on + timedelta(days=days),
        )
    for days, amount, in_advance in payments:
        services.instalment_add(
            actor=coordinator,
            agreement=agreement,
            due_on=agreement.starts_on + timedelta(days=days),
            amount=amount,
            in_advance=in_advance,
        )
    services.indicator_add(actor=coordinator, agreement=agreement, text=indicator)


@transaction.atomic
def demo_build() -> None:
    partnership = Partnership.objects.filter(name="Harrowfield Prevent Partnership").first()
    if partnership is None or Agreement.objects.filter(partnership=partnership).exists():
        return
    coordinator = User.objects.filter(email=f"coordinator@harrowfield.{DOMAIN}").first()
    if coordinator is None:
        return
    day = today()
    services.rules_set(
        actor=coordinator, partnership=partnership, quarterly_from="5000", tolerance_percent="10"
    )
    award = (
        Decision.objects.filter(
            outcome=Outcome.AWARD,
            bid__call__partnership=partnership,
            bid__title="Holiday programme with the schools",
        )
        .select_related("bid__organisation")
        .first()
    )
    if award is not None:
        _award(coordinator, award, day)
    project = (
        Project.objects.filter(partnership=partnership, delivered_by__type="voluntary")
        .exclude(funding=None)
        .order_by("title")
        .first()
    )
    group = (
        project.delivered_by if project else Organisation.objects.filter(type="voluntary").first()
    )
    if group is None:
        return
    small = services.agreement_create(
        actor=coordinator,
        partnership=partnership,
        organisation=group,
        title="Open-doors community afternoons",
        amount="2500",
        starts_on=day - timedelta(days=60),
        ends_on=day + timedelta(days=120),
        conditions="Acknowledge the partnership's funding in publicity.",
        project=project,
    )
    _fill(
        coordinator,
        small,
        lines=[
            ("Venue hire", "venue", "1200"),
            ("Refreshments and materials", "materials", "1000"),
            ("Administration", "administration", "300"),
        ],
        targets=[("events", 4), ("participants", 120)],
        milestones=[("First afternoon held", 30)],
        payments=[(0, "2500", True)],
        indicator="Neighbours from different communities report knowing more of each other.",
    )
    services.agreement_activate(actor=coordinator, agreement=small)

    closed = services.agreement_create(
        actor=coordinator,
        partnership=partnership,
        organisation=group,
        title="Parents' evening workshops 2025",
        amount="1500",
        starts_on=day - timedelta(days=400),
        ends_on=day - timedelta(days=220),
        project=project,
    )
    _fill(
        coordinator,
        closed,
        lines=[("Facilitators", "staff", "1300"), ("Administration", "administration", "200")],
        targets=[("sessions", 3), ("participants", 45)],
        milestones=[],
        payments=[(0, "1500", True)],
        indicator="Parents say they feel able to talk with their children about online harms.",
    )
    services.agreement_activate(actor=coordinator, agreement=closed)
    final = closed.returns.get()
    maker = _maker(group) or coordinator
    lines = {x.kind: x.pk for x in closed.lines.all()}
    targets = {t.kind: t.pk for t in closed.targets.all()}
    services.return_save(
        actor=maker,
        return_made=final,
        spend={lines["staff"]: "1300", lines["administration"]: "180"},
        outputs={targets["sessions"]: 3, targets["participants"]: 51},
        narrative="Three evenings at two schools; more parents came than planned.",
    )
    services.return_submit(actor=maker, return_made=final)
    services.return_review(actor=coordinator, return_made=final, accept=True)
    services.agreement_close(actor=coordinator, agreement=closed)

    draft = services.agreement_create(
        actor=coordinator,
        partnership=partnership,
        organisation=group,
        title="Youth voice radio project",
        amount="6000",
        starts_on=day + timedelta(days=30),
        ends_on=day + timedelta(days=395),
    )
    services.line_add(
        actor=coordinator, agreement=draft, heading="Studio time", kind="delivery", amount="4000"
    )


def _maker(organisation: Organisation) -> User | None:
    found = CommissioningApplicant.objects.filter(organisation=organisation).first()
    return found.user if found else None


def _award(coordinator: User, award: Decision, day: date) -> None:
    agreement = services.agreement_from_decision(
        actor=coordinator,
        decision=award,
        starts_on=day - timedelta(days=300),
        ends_on=day + timedelta(days=150),
        conditions="Returns every quarter; the schools are named partners; publicity names "
        "the partnership's funding.",
    )
    _fill(
        coordinator,
        agreement,
        lines=[
            ("Youth workers", "staff", "6000"),
            ("Coaches and equipment", "delivery", "1800"),
            ("Administration", "administration", "1200"),
        ],
        targets=[("participants", 80), ("sessions", 40), ("staff_trained", 6)],
        milestones=[("Programme starts with both schools", 20), ("Summer programme ends", 200)],
        payments=[(0, "4500", True), (180, "2250", True), (450, "2250", False)],
        indicator="Young people say they feel more able to challenge extremist messages online.",
    )
    services.agreement_activate(actor=coordinator, agreement=agreement)
    maker = _maker(award.bid.organisation) or coordinator
    lines = {x.kind: x.pk for x in agreement.lines.all()}
    targets = {t.kind: t.pk for t in agreement.targets.all()}
    stones = list(agreement.milestones.values_list("pk", flat=True))
    past = list(Return.objects.filter(agreement=agreement, due_on__lt=day).order_by("period_start"))
    if past:
        services.return_save(
            actor=maker,
            return_made=past[0],
            spend={
                lines["staff"]: "1500",
                lines["delivery"]: "400",
                lines["administration"]: "300",
            },
            outputs={
                targets["participants"]: 25,
                targets["sessions"]: 8,
                targets["staff_trained"]: 6,
            },
            milestones={stones[0]: "done"},
            narrative="Both schools signed up; two weekly groups running.",
        )
        services.return_submit(actor=maker, return_made=past[0])
        services.return_review(actor=coordinator, return_made=past[0], accept=True)
    if len(past) > 1:
        # Submitted after its due date, and the youth workers' line overspent beyond the
        # tolerance (explained): flagged "Late" and "Overspent" with their rules.
        services.return_save(
            actor=maker,
            return_made=past[1],
            spend={lines["staff"]: "5400", lines["delivery"]: "600"},
            outputs={targets["participants"]: 40, targets["sessions"]: 20},
            milestones={stones[1]: "on_track"},
            narrative="The summer programme drew more young people than planned.",
            variance_explanation="A third youth worker was needed for the summer's numbers; "
            "agreed with the coordinator at the time.",
        )
        services.return_submit(actor=maker, return_made=past[1])
    # Any later return past its due date stays not submitted: late, on the home page.
    assert all(r.status == ReturnStatus.DUE for r in past[2:])
