"""The local narrative in Chromium, from the home page alone, each page scanned with axe-core.

On the fictional demo, Harrowfield's coordinator sees on their home page that the narrative in
force is past its review date, follows it to the partnership's narrative, drafts the next
version, rewrites the vision of success, compares the draft with the version before and shares
it for consultation. The community reviewer of the faith forum (the consultative group, ¶175)
reads it and comments. The coordinator signs it off for the council, the only organisation
named, which approves it, publishes the public summary, signs out and opens the public page,
which names who approved it and when.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from lde.narratives.demo import demo_build as narratives_demo_build
from lde.narratives.models import NarrativeVersion
from lde.partnerships.demo import DemoResult
from lde.partnerships.models import Partnership
from lde.sharing.demo import demo_build as sharing_demo_build
from tests.e2e.conftest import (
    COMMUNITY_REVIEWER,
    COORDINATOR,
    confirm,
    go,
    policy_context,
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser

VISION = "Young people across Harrowfield are supported early, and communities lead the work."
COMMENT = "The forum welcomes the new vision and asks to be told of progress each year."


@pytest.fixture
def narrative_demo(demo: DemoResult) -> DemoResult:
    sharing_demo_build()
    narratives_demo_build()
    return demo


def _another_browser(page: Page) -> Page:
    base = page.url.split("/", 3)
    context = policy_context(
        page.context.browser,  # type: ignore[arg-type]
        base_url=f"{base[0]}//{base[2]}",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def sign_out(page: Page) -> None:
    go(page, page.get_by_role("button", name="Sign out"))


def test_draft_compare_consult_sign_publish_and_read_signed_out(
    page: Page, narrative_demo: DemoResult
) -> None:
    harrowfield = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", name="Local narratives due for review")).to_be_visible()
    go(
        page,
        page.get_by_role("link", name="The local narrative of Harrowfield Prevent Partnership"),
    )
    expect(page.get_by_role("heading", name="Local narrative", level=1)).to_be_visible()
    go(page, page.get_by_role("link", name="Draft the next version"))
    go(page, page.get_by_role("button", name="Start the draft"))
    expect(page.get_by_role("heading", name="Version 3", level=1)).to_be_visible()
    go(page, page.get_by_role("link", name="Write The vision of success"))
    page.get_by_label("The vision of success").fill(VISION)
    go(page, page.get_by_role("button", name="Save the section"))
    go(page, page.get_by_role("link", name="Compare with version 2"))
    expect(page.locator("ins", has_text=VISION)).to_be_visible()
    go(page, page.get_by_role("link", name="Version 3"))
    go(page, page.get_by_role("link", name="Share for consultation"))
    confirm(page, "Share for consultation")
    version_url = page.url

    # The community reviewer, in a browser of their own: the coordinator stays signed in (a
    # second factor's code is good once).
    reviewer = _another_browser(page)
    sign_in(reviewer, COMMUNITY_REVIEWER)
    visit(reviewer, version_url)
    go(reviewer, reviewer.get_by_role("link", name="Comment", exact=True))
    reviewer.get_by_label("Your comment").fill(COMMENT)
    go(reviewer, reviewer.get_by_role("button", name="Add your comment"))
    expect(reviewer.get_by_text(COMMENT)).to_be_visible()
    reviewer.context.close()

    visit(page, version_url)
    go(page, page.get_by_role("link", name="Sign off for Harrowfield Borough Council"))
    confirm(page, "Sign off for Harrowfield Borough Council")
    expect(page.get_by_text("The version is approved.")).to_be_visible()
    go(page, page.get_by_role("link", name="Publish the public summary"))
    confirm(page, "Publish the public summary")
    sign_out(page)

    visit(page, f"/narratives/public/partnership/{harrowfield.pk}/")
    expect(
        page.get_by_role("heading", name="What we are doing to prevent violent extremism, and why")
    ).to_be_visible()
    expect(page.get_by_text("Harrowfield Borough Council")).to_be_visible()
    expect(page.get_by_text("This is version 3")).to_be_visible()


def test_the_narrative_pages_reflow_at_320_pixels(page: Page, narrative_demo: DemoResult) -> None:
    """WCAG 1.4.10: the narrative's main pages, and the public summary, never scroll sideways."""
    harrowfield = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    latest, before = NarrativeVersion.objects.filter(partnership=harrowfield).order_by("-number")[
        :2
    ]
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, COORDINATOR)
    for path in (
        reverse("narratives:narrative-home", args=[harrowfield.pk]),
        reverse("narratives:version-detail", args=[latest.pk]),
        reverse("narratives:version-compare", args=[latest.pk, before.pk]),
        reverse("narratives:public-summary", args=[latest.pk]),
    ):
        visit(page, path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide at 320px"
