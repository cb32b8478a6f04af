"""Reflow at 320 CSS pixels (WCAG 2.2, 1.4.10): on a phone-width window no page scrolls
sideways. Tables that must stay tables scroll inside their own labelled, focusable region
(`lde-table-scroll`), which is allowed; the page itself must not be wider than the window.

The demo is built as `lde demo` loads it (partnerships, their assessments and actions, then the
gateway); the coordinator of Harrowfield opens each of the main pages, and the site
administrator the site's audit trail. Each page is scanned with axe-core as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from playwright.sync_api import Browser, Page

from lde.accounts.models import User
from lde.action_plans.models import Action
from lde.assessments.models import Assessment
from lde.commissioning.models import Bid, Call
from lde.frameworks.models import FrameworkVersion
from lde.partnerships.demo import DemoResult
from lde.partnerships.models import Partnership
from lde.programme.models import AlliancePot, Project
from lde.sharing.models import BriefingProduct, Protocol

from .conftest import COORDINATOR, SITE_ADMINISTRATOR, assert_accessible, policy_context, sign_in

pytestmark = pytest.mark.browser

WIDTH = 320
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def narrow(browser: Browser, live_server: object) -> Page:
    context = policy_context(
        browser,
        base_url=live_server.url,  # type: ignore[attr-defined]
        viewport={"width": WIDTH, "height": 640},
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def _coordinator_pages() -> list[str]:
    harrowfield = Partnership.objects.get(name__startswith="Harrowfield")
    # The partnership's own self-assessment being written: the demo's later readiness one is
    # published, and a published assessment's criteria are no longer rated.
    assessment = (
        Assessment.objects.filter(
            partnership=harrowfield,
            framework_version__framework__identifier="prevent-partnership-model",
        )
        .order_by("-period_start", "-pk")
        .first()
    )
    assert assessment is not None
    response = assessment.responses.order_by("criterion__position").first()
    assert response is not None
    pages = [
        "/",
        reverse("partnerships:partnership-list"),
        reverse("partnerships:partnership-detail", args=[harrowfield.pk]),
        reverse("partnerships:membership-list", args=[harrowfield.pk]),
        reverse("partnerships:post-list", args=[harrowfield.pk]),
        reverse("partnerships:partnership-clearances", args=[harrowfield.pk]),
        reverse("partnerships:partnership-audit", args=[harrowfield.pk]),
        reverse("assessments:assessment-list", args=[harrowfield.pk]),
        reverse("assessments:assessment-detail", args=[assessment.pk]),
        reverse("assessments:response-update", args=[assessment.pk, response.pk]),
        reverse("assessments:contributions", args=[assessment.pk]),
        reverse("assessments:gaps", args=[assessment.pk]),
        reverse("assessments:compare", args=[assessment.pk]),
        reverse("assessments:trends", args=[harrowfield.pk]),
        reverse("action_plans:action-list", args=[harrowfield.pk]),
        reverse("frameworks:framework-library"),
        reverse("sharing:product-list"),
        reverse("sharing:protocol-list"),
        reverse("sharing:source-list", args=[harrowfield.pk]),
        reverse("accounts:profile"),
        reverse("accounts:organisation-list"),
        # Capacity and engagement (the narrative's pages are checked in its own journey).
        *(
            reverse(f"capacity:{name}", args=[harrowfield.pk])
            for name in ("overview", "board", "coverage", "leadership", "training", "relationships")
        ),
        *(
            reverse(f"engagement:{name}", args=[harrowfield.pk])
            for name in (
                "overview",
                "forum-list",
                "initiative-list",
                "communications",
                "school-list",
            )
        ),
    ]
    # Programme and commissioning: the portfolio's strand × tier table, the budget's years, and
    # a call's assessment table are wide tables in their own scrolling regions.
    pages += [
        *(
            reverse(f"programme:{name}", args=[harrowfield.pk])
            for name in ("portfolio", "project-list", "budget")
        ),
        reverse("commissioning:call-list", args=[harrowfield.pk]),
        reverse("commissioning:public-calls"),
        reverse("commissioning:public-register"),
    ]
    project = Project.objects.filter(partnership=harrowfield).order_by("pk").first()
    if project is not None:
        pages.append(reverse("programme:project-detail", args=[project.pk]))
    pot = AlliancePot.objects.filter(alliance__partnerships=harrowfield).order_by("pk").first()
    if pot is not None:
        pages.append(reverse("programme:pot-detail", args=[pot.pk]))
    for call in Call.objects.filter(partnership=harrowfield).order_by("pk"):
        pages.append(reverse("commissioning:call-detail", args=[call.pk]))
    bid = Bid.objects.filter(call__partnership=harrowfield).exclude(status="draft").first()
    if bid is not None:
        pages.append(reverse("commissioning:bid-detail", args=[bid.pk]))
    pages += _money_and_readiness_pages(harrowfield)
    pages += _evaluation_pages(harrowfield)
    action = Action.objects.filter(partnership=harrowfield).order_by("pk").first()
    if action is not None:
        pages.append(reverse("action_plans:action-detail", args=[action.pk]))
    version = FrameworkVersion.objects.select_related("framework").order_by("pk").first()
    if version is not None:
        pages.append(
            reverse(
                "frameworks:version-detail", args=[version.framework.identifier, version.version]
            )
        )
    protocol = Protocol.objects.order_by("pk").first()
    if protocol is not None:
        pages.append(reverse("sharing:protocol-detail", args=[protocol.pk]))
    product = BriefingProduct.objects.order_by("pk").first()
    if product is not None:
        pages.append(reverse("sharing:product-detail", args=[product.pk]))
    return pages


def _money_and_readiness_pages(harrowfield: Partnership) -> list[str]:
    """Monitoring (agreements, a return with its spend and output tables, value for money) and
    consequence management (overview, a readiness plan, the directory, a cascade's roll-call).
    Where the demo has no plan, directory or cascade yet, the test's builders make them."""
    from lde.consequence_management.models import Cascade, ReadinessPlan
    from lde.monitoring.models import Agreement, Return
    from tests.consequence_management.builders import cascade_make, directory_make, plan_make

    coordinator = User.objects.get(email=COORDINATOR)
    plan = ReadinessPlan.objects.filter(partnership=harrowfield).order_by("pk").first()
    if plan is None:
        plan = plan_make(coordinator=coordinator, partnership=harrowfield)
    cascade = Cascade.objects.filter(partnership=harrowfield).order_by("pk").first()
    if cascade is None:
        directory_make(coordinator=coordinator, partnership=harrowfield)
        cascade = cascade_make(coordinator=coordinator, partnership=harrowfield)
    pages = [
        reverse("monitoring:agreement-list", args=[harrowfield.pk]),
        reverse("monitoring:rules", args=[harrowfield.pk]),
        reverse("monitoring:value-for-money", args=[harrowfield.pk]),
        reverse("consequence_management:overview", args=[harrowfield.pk]),
        reverse("consequence_management:contact-list", args=[harrowfield.pk]),
        reverse("consequence_management:plan-detail", args=[plan.pk]),
        reverse("consequence_management:cascade-detail", args=[cascade.pk]),
    ]
    agreement = (
        Agreement.objects.filter(partnership=harrowfield, returns__isnull=False)
        .order_by("pk")
        .first()
    )
    assert agreement is not None, "the monitoring demo has an agreement with returns"
    pages.append(reverse("monitoring:agreement-detail", args=[agreement.pk]))
    made = Return.objects.filter(agreement__partnership=harrowfield).exclude(spend=None).first()
    assert made is not None, "the monitoring demo has a return with spend"
    pages.append(reverse("monitoring:return-detail", args=[made.pk]))
    alliance = harrowfield.alliances.order_by("pk").first()
    if alliance is not None:
        pages.append(reverse("monitoring:alliance-value", args=[alliance.pk]))
    return pages


def _evaluation_pages(harrowfield: Partnership) -> list[str]:
    """Evaluation (issue 16): the survey data sets, a data set's estimates worked out by domain
    (the widest table), a saved estimate, the indicators with one indicator and its open page,
    the library of what works searched and one of its entries, and a questionnaire's change
    between before and after."""
    from lde.indicators.models import Indicator
    from lde.surveys.models import Questionnaire, SavedEstimate, SurveyDataSet
    from lde.what_works.models import Entry

    data_set = SurveyDataSet.objects.filter(partnership=harrowfield).order_by("pk").first()
    assert data_set is not None, "the survey demo has a data set"
    estimate = SavedEstimate.objects.filter(data_set=data_set).exclude(domain_column="").first()
    assert estimate is not None, "the survey demo has an estimate by domain"
    indicator = Indicator.objects.filter(partnership=harrowfield, published=True).first()
    assert indicator is not None, "the indicators demo has a published indicator"
    entry = Entry.objects.filter(report_key="case-study-5").first()
    assert entry is not None, "the library has the report's case studies"
    asking = (
        "?statistic=proportion&outcome=confident_reporting_hate_crime&value=Yes&domain_column=ward"
    )
    pages = [
        reverse("survey_data:data-set-list", args=[harrowfield.pk]),
        reverse("survey_data:data-set-detail", args=[data_set.pk]),
        reverse("survey_data:data-set-estimates", args=[data_set.pk]) + asking,
        reverse("survey_data:estimate-detail", args=[estimate.pk]),
        reverse("indicators:indicator-list", args=[harrowfield.pk]),
        reverse("indicators:indicator-detail", args=[indicator.pk]),
        reverse("indicators:open-detail", args=[indicator.pk]),
        reverse("what_works:library") + "?q=workshops&kind=case_study",
        reverse("what_works:entry-detail", args=[entry.pk]),
    ]
    questionnaire = Questionnaire.objects.filter(
        partnership=harrowfield, title__startswith="Voices of Harrowfield"
    ).first()
    assert questionnaire is not None, "the questionnaires demo asks Voices of Harrowfield"
    pages.append(reverse("questionnaires:questionnaire-change", args=[questionnaire.pk]))
    return pages


def _overflow(page: Page) -> str:
    """What is wider than the window, for the failure message: the widest few elements that
    are not inside a scrolling region of their own."""
    return str(
        page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(e => (e.getBoundingClientRect().right > width + 1
                              || e.scrollWidth > e.clientWidth + 1
                                 && getComputedStyle(e).overflowX === 'visible')
                          && !(e.parentElement && e.parentElement.closest('.lde-table-scroll')))
                .slice(0, 6)
                .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
                          + ' ' + Math.round(e.getBoundingClientRect().right))
                .join('; ')""",
            WIDTH,
        )
    )


def _assert_reflows(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{path} is {scroll_width}px wide at {WIDTH}px: {_overflow(page)}"
    assert_accessible(page)


@pytest.fixture
def whole_demo(demo: DemoResult) -> DemoResult:
    """The demo as `lde demo` loads it: the partnerships, then every builder of
    settings.LDE_DEMO_BUILDERS in order."""
    for dotted in settings.LDE_DEMO_BUILDERS:
        import_string(dotted)()
    return demo


def test_no_page_scrolls_sideways_at_320_pixels(narrow: Page, whole_demo: DemoResult) -> None:
    sign_in(narrow, COORDINATOR)
    failures = []
    for path in _coordinator_pages():
        try:
            _assert_reflows(narrow, path)
        except AssertionError as failure:
            failures.append(str(failure).split("\nassert")[0])
            SCREENSHOTS.mkdir(exist_ok=True)
            name = path.strip("/").replace("/", "-") or "home"
            page_name = SCREENSHOTS / f"overflow-{name}.png"
            narrow.screenshot(path=str(page_name), full_page=True)
    assert failures == []
    # Every table that scrolls is a labelled region a keyboard can reach. The assessment page,
    # the longest, is kept as a picture for people to look at (test-results/ is not committed).
    pages = _coordinator_pages()
    SCREENSHOTS.mkdir(exist_ok=True)
    narrow.goto(pages[6])
    narrow.screenshot(path=str(SCREENSHOTS / "audit-trail-320.png"), full_page=True)
    narrow.goto(pages[8])
    narrow.screenshot(path=str(SCREENSHOTS / "assessment-320.png"), full_page=True)
    for region in narrow.locator(".lde-table-scroll").all():
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        assert (region.get_attribute("aria-label") or "").strip()


def test_the_site_audit_trail_reflows_at_320_pixels(narrow: Page, demo: DemoResult) -> None:
    sign_in(narrow, SITE_ADMINISTRATOR)
    _assert_reflows(narrow, reverse("core:site-audit"))
