"""The open data demo builder: one partnership release released, one national release proposed
and waiting for a second analyst, one approved under embargo; running it again adds nothing."""

from __future__ import annotations

import pytest

from lde.rollups import opendata_demo
from lde.rollups.models import OpenDataRelease, OpenDataStatus
from tests.rollups.opendata_builders import partnered

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_release_in_each_state_it_shows_and_runs_twice() -> None:
    partnered()
    opendata_demo.demo_build()
    opendata_demo.demo_build()
    found = {r.title: r for r in OpenDataRelease.objects.all()}
    assert len(found) == 3
    released = found[opendata_demo.PARTNERSHIP_TITLE]
    assert released.status == OpenDataStatus.RELEASED
    proposed = found[opendata_demo.PROPOSED_TITLE]
    assert (proposed.status, proposed.approved_by) == (OpenDataStatus.PROPOSED, None)
    embargoed = found[opendata_demo.EMBARGOED_TITLE]
    assert embargoed.status == OpenDataStatus.APPROVED
    assert embargoed.embargo_until is not None
    assert embargoed.approved_by != embargoed.proposed_by
    assert proposed.proposed_by is not None
    assert proposed.proposed_by.email == "analyst@demo.invalid"
