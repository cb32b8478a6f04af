"""An organisation that owns open actions stays a partner (ADR 0028): the action plans register
their count with partnerships, which refuses to take the organisation out while there are any."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lde.accounts.models import OrganisationType
from lde.action_plans import services
from lde.partnerships.models import PartnerOrganisation
from lde.partnerships.services import partner_organisation_remove
from tests.action_plans.conftest import World
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_open_actions_keep_their_owner_a_partner_and_closed_ones_do_not(world: World) -> None:
    trust = OrganisationFactory(name="Oakfield Schools Trust", type=OrganisationType.OTHER)
    PartnerOrganisation.objects.create(partnership=world.partnership, organisation=trust)
    assessment = world.cycle(2024, {"ownership": 2, "board": 1})
    first = world.raise_action(assessment, "ownership", owner_organisation=trust)
    world.raise_action(assessment, "board", owner_organisation=trust, title="Board minutes")
    with pytest.raises(ValidationError) as refused:
        partner_organisation_remove(
            actor=world.coordinator, partnership=world.partnership, organisation=trust
        )
    assert refused.value.message_dict == {
        "organisation": [
            "2 open actions it owns: give each to another partner organisation, or cancel it, first"
        ]
    }
    services.action_cancel(actor=world.coordinator, action=first, reason="Merged with another.")
    with pytest.raises(ValidationError) as refused:
        partner_organisation_remove(
            actor=world.coordinator, partnership=world.partnership, organisation=trust
        )
    assert refused.value.messages == [
        "1 open action it owns: give each to another partner organisation, or cancel it, first"
    ]
    for action in world.partnership.actions.exclude(pk=first.pk):
        services.action_cancel(actor=world.coordinator, action=action, reason="Not needed.")
    partner_organisation_remove(
        actor=world.coordinator, partnership=world.partnership, organisation=trust
    )
    assert not PartnerOrganisation.objects.filter(
        partnership=world.partnership, organisation=trust
    ).exists()
    # The cancelled actions keep naming the owner they had.
    assert set(world.partnership.actions.values_list("owner_organisation", flat=True)) == {trust.pk}
