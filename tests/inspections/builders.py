"""An inspection programme in every state, for the tests of the inspections app: a programme
lead, a partnership with its coordinator and board member and a submitted self-assessment, a
programme in the field with one site and its inspector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

import lde.frameworks
from lde.accounts.models import User
from lde.assessments.models import Assessment, AssessmentKind
from lde.assessments.services import assessment_start, assessment_submit
from lde.frameworks.models import FrameworkVersion
from lde.frameworks.services import framework_load_file
from lde.inspections import services
from lde.inspections.models import Programme, Site
from lde.partnerships.models import Partnership, Role
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

KEY_THEMES = Path(lde.frameworks.__file__).parent / "data" / "lde-key-themes-2008.yaml"


def key_themes() -> FrameworkVersion:
    return framework_load_file(actor=None, path=KEY_THEMES).version


def submitted_self_assessment(partnership: Partnership, version: FrameworkVersion) -> Assessment:
    day = timezone.localdate()
    assessment = assessment_start(
        actor=None,
        partnership=partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title="Self-assessment",
        period_start=day - timedelta(days=365),
        period_end=day,
    )
    return assessment_submit(actor=None, assessment=assessment, no_personal_data_declared=True)


@dataclass
class InspectionWorld:
    version: FrameworkVersion
    lead: User
    inspector: User
    partnership: Partnership
    coordinator: User
    board_member: User
    programme: Programme
    site: Site


def inspection_world(*, fieldwork: bool = True, assigned: bool = True) -> InspectionWorld:
    version = key_themes()
    lead = UserFactory(full_name="Lena Lead", is_programme_lead=True)
    inspector = UserFactory(full_name="Ivan Inspector")
    partnership = PartnershipFactory(name="Inspected partnership")
    coordinator = MembershipFactory(partnership=partnership, role=Role.COORDINATOR).user
    board_member = MembershipFactory(partnership=partnership, role=Role.BOARD_MEMBER).user
    submitted_self_assessment(partnership, version)
    today = timezone.localdate()
    programme = services.programme_create(
        actor=lead,
        title="Learning and development exercise",
        purpose="What works in local partnerships (¶19).",
        starts_on=today,
        ends_on=today + timedelta(days=120),
    )
    site = services.site_add(actor=lead, programme=programme, partnership=partnership)
    if assigned:
        services.inspector_assign(actor=lead, site=site, inspector=inspector)
    if fieldwork:
        services.programme_advance(actor=lead, programme=programme)
    site.refresh_from_db()
    programme.refresh_from_db()
    return InspectionWorld(
        version, lead, inspector, partnership, coordinator, board_member, programme, site
    )


def site_to(world: InspectionWorld, status: str, **kw: Any) -> Site:
    """Move the world's site along its steps until it reaches `status`."""
    order = ["planned", "documents", "visited", "draft", "accuracy", "published"]
    site, inspector = world.site, world.inspector
    for step in order[order.index(site.status) + 1 : order.index(status) + 1]:
        if step == "documents":
            services.document_request_send(
                actor=inspector,
                site=site,
                items=["The partnership's Prevent action plan", "Board minutes"],
                due_on=timezone.localdate() + timedelta(days=14),
            )
        elif step == "visited":
            services.visit_record(actor=inspector, site=site, visited_on=date.today())
        elif step == "draft":
            services.report_start(actor=inspector, site=site)
        elif step == "accuracy":
            services.report_send_for_check(
                actor=inspector, site=site, no_personal_data_declared=True
            )
        elif step == "published":
            from lde.assessments.services import factual_accuracy_comment

            site.refresh_from_db()
            assert site.assessment is not None
            factual_accuracy_comment(
                actor=world.coordinator, assessment=site.assessment, body="Checked: accurate."
            )
            services.report_publish(actor=inspector, site=site)
        site.refresh_from_db()
    return site
