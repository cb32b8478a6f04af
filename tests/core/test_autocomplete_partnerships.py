"""The partnerships' national lists (issue 18), chosen by autocomplete like the others in
tests/core/test_autocomplete.py: a partner organisation from the national register, a new
partnership's lead council and police BCUs, and an assignment's partnerships."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from lde.accounts.models import Organisation, OrganisationType
from lde.partnerships.forms import AssignmentForm, PartnerOrganisationForm, PartnershipCreateForm
from lde.partnerships.models import Partnership
from tests.core.test_autocomplete import NOWHERE, Case, _harrowfield, _organisation, check


def _partner_form(data: dict[str, Any]) -> forms.Form:
    partnership = Partnership.objects.get(name="Harrowfield")
    organisations = Organisation.objects.exclude(partnership_links__partnership=partnership)
    return PartnerOrganisationForm(data, organisations=organisations)


CASES = {
    "partner organisation": Case(
        _partner_form,
        "organisation",
        inside=lambda: _organisation(OrganisationType.HEALTH).pk,
        # Already a partner: the list is of those that are not.
        outside=lambda: _harrowfield().lead_council_id,
    ),
    "partnership's lead council": Case(
        lambda data: PartnershipCreateForm(data),
        "lead_council",
        inside=lambda: _organisation(OrganisationType.COUNCIL).pk,
        outside=lambda: _organisation(OrganisationType.POLICE_BCU).pk,
    ),
    "partnership's police BCUs": Case(
        lambda data: PartnershipCreateForm(data),
        "police_bcus",
        inside=lambda: [_organisation(OrganisationType.POLICE_BCU).pk],
        outside=lambda: [_organisation(OrganisationType.COUNCIL).pk],
        multiple=True,
    ),
    "assignment's partnerships": Case(
        lambda data: AssignmentForm(data),
        "partnerships",
        inside=lambda: [_harrowfield().pk],
        outside=lambda: [NOWHERE],
        multiple=True,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_partnership_list_is_chosen_by_autocomplete_and_checked(name: str) -> None:
    check(name, CASES[name])
