"""The demo's inspection programme (issue 17): a programme lead, a programme over the three
fictional partnerships, an inspector assigned to each site, and each site at a different step:
Harrowfield's report published, Kestlebury's in the partnership's factual-accuracy check, Marden
Vale visited with its notes written. Everything is fictional and names roles only. Safe to run
again: the programme is made once, by its title.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction

from lde.accounts.models import Organisation, OrganisationType, User
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.services import (
    assessment_start,
    assessment_submit,
    factual_accuracy_comment,
)
from lde.core.access.facts import today
from lde.inspections import services
from lde.inspections.models import Programme, Site
from lde.partnerships.demo import DOMAIN, _two_factor, _user
from lde.partnerships.models import Partnership

TITLE = "Learning and development exercise 2027"
SITES = [
    # partnership, coordinator's email, the step the site reaches
    ("Harrowfield Prevent Partnership", f"coordinator@harrowfield.{DOMAIN}", "published"),
    ("Kestlebury Prevent Partnership", f"coordinator@kestlebury.{DOMAIN}", "accuracy"),
    ("Marden Vale Prevent Partnership", f"coordinator@mardenvale.{DOMAIN}", "visited"),
]
NOTES = [
    (
        "interview",
        "Community safety manager",
        "The partnership's plan names its priorities from the local profile, and the board "
        "reviews it each quarter.",
        ["q1-local-plans", "q2c-leadership-and-structures"],
    ),
    (
        "focus_group",
        "Youth workers and school staff",
        "Staff know whom to call about a concern and were trained this year; they would like "
        "more feedback on what happened next.",
        ["q2d-routine-sharing"],
    ),
]


def _submitted_self_assessment(partnership: Partnership, programme: Programme) -> None:
    """An inspection reviews a submitted self-assessment: one against the key themes, made here
    where the partnership has none submitted."""
    if Assessment.objects.filter(
        partnership=partnership, kind=AssessmentKind.SELF, status=AssessmentStatus.SUBMITTED
    ).exists():
        return
    day = today()
    assessment = assessment_start(
        actor=None,
        partnership=partnership,
        kind=AssessmentKind.SELF,
        framework_version=programme.framework_version,
        title="Self-assessment against the 2008 key themes",
        period_start=day - timedelta(days=365),
        period_end=day,
        carry_forward=False,
    )
    assessment_submit(actor=None, assessment=assessment, no_personal_data_declared=True)


def _to(site: Site, step: str, inspector: User, coordinator: User, programme: Programme) -> None:
    services.document_request_send(
        actor=inspector,
        site=site,
        items=["The partnership's Prevent action plan", "The last year's board minutes"],
        due_on=today() + timedelta(days=14),
    )
    visit = services.visit_record(actor=inspector, site=site, visited_on=today())
    services.schedule_item_add(
        actor=inspector,
        visit=visit,
        starts_at=time(10, 0),
        kind="interview",
        roles_met="Community safety manager",
    )
    services.schedule_item_add(
        actor=inspector,
        visit=visit,
        starts_at=time(14, 0),
        kind="focus_group",
        roles_met="Youth workers and school staff",
    )
    for kind, roles, text, themes in NOTES:
        services.note_write(
            actor=inspector, visit=visit, kind=kind, roles_present=roles, text=text, themes=themes
        )
    if step == "visited":
        return
    _submitted_self_assessment(site.partnership, programme)
    services.report_start(actor=inspector, site=site)
    services.report_send_for_check(actor=inspector, site=site, no_personal_data_declared=True)
    if step == "accuracy":
        return
    site.refresh_from_db()
    assert site.assessment is not None
    factual_accuracy_comment(
        actor=coordinator,
        assessment=site.assessment,
        body="Checked by the partnership: the figures for training are for the last year.",
    )
    services.report_publish(actor=inspector, site=site)


@transaction.atomic
def demo_build() -> None:
    if Programme.objects.filter(title=TITLE).exists():
        return
    if services.key_themes_version() is None:
        return
    regulator, _ = Organisation.objects.get_or_create(
        name="Inspection Directorate (demo)", defaults={"type": OrganisationType.REGULATOR}
    )
    lead = _user(
        f"programme.lead@{DOMAIN}",
        "Ruth Adeyemi",
        regulator,
        "Programme lead",
        is_programme_lead=True,
    )
    _two_factor(lead)
    inspectors = []
    for email, name in (
        (f"site.inspector@{DOMAIN}", "Daniel Okoro"),
        (f"site.inspector2@{DOMAIN}", "Laura Finch"),
    ):
        inspector = _user(email, name, regulator, "Inspector")
        _two_factor(inspector)
        inspectors.append(inspector)
    day = today()
    programme = services.programme_create(
        actor=lead,
        title=TITLE,
        purpose="Learn what works, what does not and what looks promising in local Prevent "
        "partnerships, and what stands in the way, against the 2008 key themes (¶19–26).",
        starts_on=day - timedelta(days=30),
        ends_on=day + timedelta(days=150),
    )
    sites = []
    for index, (name, coordinator_email, step) in enumerate(SITES):
        partnership = Partnership.objects.filter(name=name).first()
        coordinator = User.objects.filter(email=coordinator_email).first()
        if partnership is None or coordinator is None:
            continue
        site = services.site_add(actor=lead, programme=programme, partnership=partnership)
        inspector = inspectors[0] if index < 2 else inspectors[1]
        services.inspector_assign(actor=lead, site=site, inspector=inspector)
        sites.append((site, step, User.objects.get(pk=inspector.pk), coordinator))
    if not sites:
        return
    services.programme_advance(actor=lead, programme=programme)
    for site, step, inspector, coordinator in sites:
        _to(site, step, inspector, coordinator, programme)
