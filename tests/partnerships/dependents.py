"""What the apps' tests of a registered partner dependent (ADR 0028) all check: the count is of
this partnership's and this organisation's records only, and the removal is refused in words."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from lde.accounts.models import Organisation, User
from lde.partnerships.models import Partnership
from lde.partnerships.services import partner_organisation_remove
from tests.factories import OrganisationFactory, PartnershipFactory

Count = Callable[..., int]


def assert_counted_for_its_own_only(
    count: Count, partnership: Partnership, organisation: Organisation, expected: int
) -> None:
    """`count(partnership_id=…, organisation_id=…)` is `expected` here, and nothing for another
    partnership or another organisation."""
    assert count(partnership_id=partnership.pk, organisation_id=organisation.pk) == expected
    assert count(partnership_id=PartnershipFactory().pk, organisation_id=organisation.pk) == 0
    assert count(partnership_id=partnership.pk, organisation_id=OrganisationFactory().pk) == 0


def removal_refused(actor: User, partnership: Partnership, organisation: Organisation) -> list[str]:
    """The refusal's words, one per kind of dependent, all on the organisation field."""
    with pytest.raises(ValidationError) as refused:
        partner_organisation_remove(actor=actor, partnership=partnership, organisation=organisation)
    assert set(refused.value.message_dict) == {"organisation"}
    return refused.value.messages
