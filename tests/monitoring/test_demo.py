"""The monitoring demo: Harrowfield's award in monitoring with a late and overspent return and
an accepted one, a late return on the coordinator's home page, a small agreement with one end
return, a draft and a closed agreement; built again without duplicates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from lde.accounts.models import User
from lde.commissioning import demo as commissioning_demo
from lde.core.audit.chain import audit_verify
from lde.monitoring import demo as monitoring_demo
from lde.monitoring import selectors
from lde.monitoring.models import Agreement
from lde.partnerships import demo as partnerships_demo
from lde.programme import demo as programme_demo
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        partnerships_demo.demo_build()
        commissioning_demo.demo_build()
        programme_demo.demo_build()
        monitoring_demo.demo_build()
        yield


def test_every_state_and_no_duplicates(demo: None) -> None:
    assert sorted(Agreement.objects.values_list("status", flat=True)) == [
        "active",
        "active",
        "closed",
        "draft",
    ]
    monitoring_demo.demo_build()
    assert Agreement.objects.count() == 4
    assert audit_verify().ok


def test_the_award_has_a_late_and_overspent_return_and_an_accepted_one(demo: None) -> None:
    award = Agreement.objects.get(title="Holiday programme with the schools")
    assert award.decision is not None and award.frequency == "quarterly"
    states = selectors.return_states(award)
    words = [[f.words for f in s.flags] for s in states]
    assert states[0].return_made.status == "accepted"
    second = states[1]
    assert second.return_made.status == "submitted" and second.late and second.overspent
    assert any(
        w == "Overspent: Youth workers £900.00 over a £6,000.00 line (15%, tolerance 10%)"
        for w in words[1]
    ), words[1]
    assert states[2].late and states[2].return_made.status == "due"
    small = Agreement.objects.get(title="Open-doors community afternoons")
    assert small.frequency == "end" and small.returns.count() == 1


def test_the_coordinator_sees_the_late_return_on_the_home_page(demo: None) -> None:
    coordinator = User.objects.get(email="coordinator@harrowfield.demo.invalid")
    page = sign_in(Client(), coordinator).get("/").content.decode()
    assert "Late returns, past their due date and not submitted" in page
    assert "Riverside Youth Project: Holiday programme with the schools" in page
