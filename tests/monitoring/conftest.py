from __future__ import annotations

from typing import Any

import pytest

from lde.accounts.models import Organisation
from tests.commissioning import conftest as commissioning
from tests.commissioning.builders import applicant
from tests.monitoring.builders import monitoring_world

# The commissioning world (tests/commissioning/conftest.py): a partnership with a member in each
# role, calls in every state, and applicant organisations.
cworld = commissioning.cworld


@pytest.fixture
def mworld(cworld: dict[str, Any]) -> dict[str, Any]:
    """The commissioning world with agreements for its applicant's organisation in every
    state."""
    user = cworld["commissioning_applicant"]
    organisation = Organisation.objects.get(applicants__user=user)
    other = Organisation.objects.create(name="Other Delivery Trust", type="voluntary")
    built = monitoring_world(
        coordinator=cworld["people"]["coordinator"],
        partnership=cworld["partnership"],
        organisation=organisation,
        applicant=user,
    )
    return {
        **cworld,
        **built,
        "organisation": organisation,
        "other_organisation": other,
        "other_applicant": applicant("stranger@example.test", other),
    }
