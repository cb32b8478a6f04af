"""The demo's cross-site learning, added to a programme of the inspections demo: findings of
each kind, key learning, two case studies (one sent to the library and taken in), the feedback
of two sites and an advisory member's comment. Everything is fictional and names roles and
organisations only. Safe to run again: a programme that already has findings is left alone.

`learning_demo_build(programme)` is called by the inspections demo with its programme;
`demo_build()` finds the demo's programmes itself (every programme with at least two sites and
no findings yet), for `LDE_DEMO_BUILDERS`.
"""

from __future__ import annotations

from django.db import transaction

from lde.accounts import services as account_services
from lde.accounts.models import User
from lde.inspections import learning_services as services
from lde.inspections.models import Programme, ProgrammeStatus, Site
from lde.inspections.models_learning import CaseStudy, FindingKind
from lde.partnerships.demo import DEMO_PASSWORD, DOMAIN
from lde.partnerships.models import Membership, Role

ADVISER_EMAIL = f"adviser@{DOMAIN}"

FINDINGS = [
    (
        "q2a-community-knowledge",
        FindingKind.WORKS,
        "Partners who met community organisations routinely knew local concerns before they "
        "grew, and shared that knowledge through the partnership's standing forum.",
    ),
    (
        "q2c-mainstreaming",
        FindingKind.DOESNT_WORK,
        "Work funded for one year only and run apart from mainstream services stopped when the "
        "money did, and little of what was learned stayed with the partners.",
    ),
    (
        "q2b-young-people-women-vulnerable",
        FindingKind.LOOKS_PROMISING,
        "Youth services offering debate and mentoring in familiar venues drew young people who "
        "did not come to other activities; too early to say what effect it has.",
    ),
    (
        "q2d-routine-sharing",
        FindingKind.BARRIER,
        "Uncertainty over what could be shared between the police and the council held back "
        "joint planning where no information sharing protocol had been agreed.",
    ),
]

CASE_STUDIES = [
    {
        "title": "A standing forum with community organisations",
        "theme": "q2a-community-knowledge",
        "summary": "The council and the police met community organisations every month.",
        "what_was_done": "A forum chaired in turn by its members, with an agenda they agreed.",
        "outcome": "Partners said they heard local concerns earlier and answered them together.",
        "strand": "resilience",
        "setting": "community",
    },
    {
        "title": "Debate and mentoring in youth venues",
        "theme": "q2b-young-people-women-vulnerable",
        "summary": "Youth workers ran debates and mentoring in venues young people already used.",
        "what_was_done": "Weekly sessions with trained youth workers and local volunteers.",
        "outcome": "Attendance held over the year; no effect has been measured.",
        "strand": "challenging",
        "setting": "community",
    },
]


def _adviser() -> User:
    found = User.objects.filter(email=ADVISER_EMAIL).first()
    if found is not None:
        return found
    return account_services.user_create(
        actor=None,
        email=ADVISER_EMAIL,
        full_name="Dr Amal Hussain",
        organisation=None,
        job_title="Academic adviser to the programme",
        password=DEMO_PASSWORD,
    )


def _coordinator(site: Site) -> User | None:
    membership = (
        Membership.objects.filter(partnership=site.partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def learning_demo_build(programme: Programme) -> None:
    if programme.findings.exists():
        return
    lead = programme.lead
    # The learning is written while the programme runs: a published programme is opened for the
    # writes and put back, so that its report shows what a finished programme holds.
    status = programme.status
    if status in (ProgrammeStatus.PUBLISHED, ProgrammeStatus.DRAFT):
        Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.REPORTING)
    sites = list(programme.sites.select_related("partnership").order_by("pk"))
    findings = [
        services.finding_add(
            actor=lead, programme=programme, theme=theme, kind=kind, text=text, sites=sites[:2]
        )
        for theme, kind, text in FINDINGS
    ]
    services.key_learning_add(
        actor=lead,
        programme=programme,
        text="Knowledge of communities grows where partners meet them routinely and share what "
        "they hear; it fades where work runs apart from mainstream services.",
        findings=findings[:2],
    )
    studies = [
        services.case_study_add(actor=lead, programme=programme, site=sites[i % len(sites)], **f)
        for i, f in enumerate(CASE_STUDIES)
    ]
    services.case_study_send(actor=lead, case_study=studies[0])
    keeper = User.objects.filter(is_site_administrator=True, is_active=True).order_by("pk").first()
    if keeper is not None:
        services.case_study_take(actor=keeper, case_study=CaseStudy.objects.get(pk=studies[0].pk))
    adviser = _adviser()
    if lead.pk != adviser.pk:
        services.advisory_member_name(actor=lead, programme=programme, email=adviser.email)
        services.advisory_comment_add(
            actor=adviser,
            programme=programme,
            text="The barrier on information sharing deserves its own recommendation: the "
            "protocols exist in some sites and could be offered to the others.",
        )
    for site, useful in zip(sites[:2], (5, 4), strict=False):
        coordinator = _coordinator(site)
        if coordinator is not None:
            services.site_feedback_give(
                actor=coordinator,
                site=site,
                useful=useful,
                what_helped="The document request was clear and the visit well organised.",
                what_to_change="More notice of the focus groups, so that partners can attend.",
            )
    if status != ProgrammeStatus.REPORTING:
        Programme.objects.filter(pk=programme.pk).update(status=status)


def demo_build() -> None:
    for programme in Programme.objects.order_by("pk"):
        if programme.sites.count() >= 2:
            learning_demo_build(programme)
