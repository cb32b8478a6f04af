"""The demo's open data: a partnership's own figures released (a published indicator's, with
the quarters under 10 withheld), national briefing coverage proposed by one national analyst and
waiting for a second, and national coverage approved by the second analyst under an embargo.

It runs after the national picture (`lde.rollups.demo`), so the national figures show real
numbers, and adds the demo's second national analyst. Running it again finds what it made."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from lde.core.access.facts import facts_forget
from lde.indicators.models import Indicator
from lde.partnerships.demo import DOMAIN, _user
from lde.partnerships.models import Membership, Role
from lde.rollups import opendata_services
from lde.rollups.models import OpenDataRelease

PARTNERSHIP_TITLE = "Hate crimes reported, by quarter"
PROPOSED_TITLE = "Briefing coverage of strategic posts, by region"
EMBARGOED_TITLE = "Briefing coverage of strategic posts, by region (next quarter's release)"


@transaction.atomic
def demo_build() -> None:
    first = _user(
        f"analyst@{DOMAIN}", "Priya Raman", None, "National analyst", is_national_analyst=True
    )
    second = _user(
        f"analyst2@{DOMAIN}", "Owen Hartley", None, "National analyst", is_national_analyst=True
    )
    facts_forget(first)
    facts_forget(second)
    indicator = Indicator.objects.filter(published=True).order_by("pk").first()
    if (
        indicator is not None
        and not OpenDataRelease.objects.filter(title=PARTNERSHIP_TITLE).exists()
    ):
        membership = (
            Membership.objects.filter(partnership=indicator.partnership, role=Role.COORDINATOR)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            coordinator = membership.user
            facts_forget(coordinator)
            release = opendata_services.open_data_release_create(
                actor=coordinator,
                partnership=indicator.partnership,
                title=PARTNERSHIP_TITLE,
                description="The whole area's count each quarter, from the partnership's "
                "published indicator. Quarters resting on fewer than 10 are withheld.",
                publisher=indicator.partnership.name,
                figures_kind="indicator_observations",
                parameters={"indicator_id": indicator.pk},
            )
            for step in (
                opendata_services.open_data_release_propose,
                opendata_services.open_data_release_approve,
                opendata_services.open_data_release_release,
            ):
                step(actor=coordinator, release=release)
    if not OpenDataRelease.objects.filter(title=PROPOSED_TITLE).exists():
        proposed = opendata_services.open_data_release_create(
            actor=first,
            partnership=None,
            title=PROPOSED_TITLE,
            description="The share of strategic posts whose holders were briefed in the last "
            "quarter, by region and for England (fictional partnerships).",
            publisher="National analysts, Prevent LDE (fictional)",
            figures_kind="national_briefing_coverage",
            parameters={},
        )
        opendata_services.open_data_release_propose(actor=first, release=proposed)
    if not OpenDataRelease.objects.filter(title=EMBARGOED_TITLE).exists():
        embargoed = opendata_services.open_data_release_create(
            actor=second,
            partnership=None,
            title=EMBARGOED_TITLE,
            description="Approved, and released automatically when its embargo ends.",
            publisher="National analysts, Prevent LDE (fictional)",
            figures_kind="national_briefing_coverage",
            parameters={},
            embargo_until=timezone.now() + timedelta(days=14),
        )
        opendata_services.open_data_release_propose(actor=second, release=embargoed)
        opendata_services.open_data_release_approve(actor=first, release=embargoed)
