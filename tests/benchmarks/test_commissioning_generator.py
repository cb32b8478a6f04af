"""The money generator of `lde bench commissioning`, at a tiny size: what it reports is what it
wrote, the heavy partnerships carry the share asked of them, every made return records spend and
outputs, and the feed of what it wrote validates. (The benchmark itself never runs in the
suite.)"""

from __future__ import annotations

import pytest

from benchmarks.commissioning_data import generate_commissioning, shares
from benchmarks.national import generate_national
from lde.accounts.models import Organisation
from lde.commissioning import exports
from lde.commissioning.models import Bid, Call, CallPartnership, Criterion, Decision
from lde.monitoring.models import (
    Agreement,
    BudgetLine,
    Instalment,
    Milestone,
    OutcomeIndicator,
    OutputTarget,
    Return,
    ReturnOutput,
    ReturnSpend,
    ReturnStatus,
)
from lde.programme.models import Allocation, FundingStream, Project, ProjectFunding, Tier

pytestmark = pytest.mark.django_db


def test_shares_add_up_and_favour_the_heavy() -> None:
    per = shares(1000, [1, 2, 3, 4, 5, 6], [2, 5], 0.3)
    assert sum(per) == 1000
    assert per == [175, 150, 175, 175, 150, 175]
    assert shares(7, [1, 2], [], 0.5) == [4, 3]
    # Every partnership heavy would leave nobody to spread the rest over: one stays light.
    assert sum(shares(10, [1, 2], [1, 2], 0.5)) == 10


def test_counts_it_reports_are_the_rows_in_the_database() -> None:
    world = generate_national(partnerships=10, users=160, seed=3)
    organisations_before = Organisation.objects.count()
    made = generate_commissioning(
        world, projects=100, awards=30, agreements=40, returns=333, heavy=2, heavy_share=0.5
    )
    in_database = {
        "programme.FundingStream": FundingStream.objects.count(),
        "programme.Allocation": Allocation.objects.count(),
        "programme.Project": Project.objects.count(),
        "programme.ProjectFunding": ProjectFunding.objects.count(),
        "commissioning.Call": Call.objects.count(),
        "commissioning.CallPartnership": CallPartnership.objects.count(),
        "commissioning.Criterion": Criterion.objects.count(),
        "accounts.Organisation": Organisation.objects.count() - organisations_before,
        "commissioning.Bid": Bid.objects.count(),
        "commissioning.Decision": Decision.objects.count(),
        "monitoring.Agreement": Agreement.objects.count(),
        "monitoring.BudgetLine": BudgetLine.objects.count(),
        "monitoring.OutputTarget": OutputTarget.objects.count(),
        "monitoring.Milestone": Milestone.objects.count(),
        "monitoring.OutcomeIndicator": OutcomeIndicator.objects.count(),
        "monitoring.Instalment": Instalment.objects.count(),
        "monitoring.Return": Return.objects.count(),
        "monitoring.ReturnSpend": ReturnSpend.objects.count(),
        "monitoring.ReturnOutput": ReturnOutput.objects.count(),
    }
    assert made.rows == in_database
    assert (in_database["programme.Project"], in_database["commissioning.Decision"]) == (100, 30)
    assert (in_database["monitoring.Agreement"], in_database["monitoring.Return"]) == (40, 333)
    # Half of everything on the two heavy partnerships.
    assert sum(made.projects_by_partnership[p] for p in made.heavy) == 50
    assert sum(made.agreements_by_partnership[p] for p in made.heavy) == 20
    assert sum(made.awards_by_partnership[p] for p in made.heavy) == 15
    # Every award has its agreement; the rest are for projects alone.
    assert Agreement.objects.filter(decision__isnull=False).count() == 30
    assert not Project.objects.filter(tier=Tier.TARGETED).exists()
    # Every return made records spend on each of its three lines and both outputs; due ones none.
    made_returns = Return.objects.exclude(status=ReturnStatus.DUE)
    assert made_returns.exists()
    assert Return.objects.filter(status=ReturnStatus.DUE).exists()
    assert ReturnSpend.objects.count() == 3 * made_returns.count()
    assert ReturnOutput.objects.count() == 2 * made_returns.count()
    assert not ReturnSpend.objects.filter(return_made__status=ReturnStatus.DUE).exists()
    package = exports.package(exports.awards())
    assert len(package["grants"]) == 30
    assert exports.validate(package) == []
