"""The information sharing gateway in Chromium, from the home page alone, each page scanned with
axe-core.

On the fictional demo (the Pennine Counter-Terrorism Unit briefing Harrowfield under a protocol
in force), the unit's analyst finishes the demo's draft schools briefing: marks it
OFFICIAL-SENSITIVE, writes its body with a duty officer's mobile number in it, and puts
Harrowfield's board members on its list. The personal-data check on the submit page lists the
number and where it is; the analyst takes it out, declares and sends the product for review,
and the unit's intelligence manager approves and releases it. Harrowfield's coordinator, who may
read it, opens it from home, downloads the PDF stamped with the marking and their name on every
page, and acknowledges it. Harrowfield's board member, on its list by role but whose BPSS
clearance expired yesterday, gets the same 404 as for a missing product and never sees its title.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PageObject, PdfReader

from lde.accounts.models import User
from lde.core.access.facts import facts_forget
from lde.core.access.markings import Marking
from lde.partnerships.demo import DOMAIN, DemoResult
from lde.partnerships.models import Role
from lde.sharing import services
from lde.sharing.demo import demo_build as sharing_demo_build
from lde.sharing.models import (
    Acknowledgement,
    BriefingProduct,
    DisseminationKind,
    ProductStatus,
)
from tests.e2e.conftest import (
    BOARD_MEMBER,
    COORDINATOR,
    assert_accessible,
    confirm,
    go,
    path_of,
    sign_in,
    table_rows,
)

pytestmark = pytest.mark.browser

# The gateway demo's sign-ins (see lde/sharing/demo.py and docs/apps/sharing.md).
ANALYST = f"analyst@pennine-ctu.{DOMAIN}"  # Rhys Morgan, the schools briefing's author
MANAGER = f"manager@pennine-ctu.{DOMAIN}"  # Claire Whitfield, its gateway approver
UNIT = "Pennine Counter-Terrorism Unit (fictional)"

SCHOOLS_BRIEFING = "Prevent briefing for schools and the college"
THREAT_PICTURE = "Harrowfield threat picture for the programme board"
LOCAL_PROFILE = "Counter-terrorism local profile summary: Harrowfield"
MARKING = "OFFICIAL-SENSITIVE"
PHONE = "07700 900123"
FINDINGS = "What the personal data check found, and where"

# Enough text for the PDF to run to more than one page, so that "every page" means something.
PARAGRAPHS = [
    f"Theme {n}: designated safeguarding leads see online material reaching pupils through "
    "gaming platforms and short video apps. Staff should know the signs, record what they see "
    "in the school's own safeguarding system, and talk to the local authority's Prevent lead "
    "about training for the whole staff. The partnership's education officer can arrange a "
    "session in the spring term, and the college's safeguarding team will share its approach."
    for n in range(1, 15)
]
BODY = "\n\n".join(PARAGRAPHS)
# The author's first version: the duty officer's mobile number on the body's second line.
BODY_WITH_PHONE = (
    f"{PARAGRAPHS[0]}\nOut of hours, ring the duty officer on {PHONE}.\n\n"
    + "\n\n".join(PARAGRAPHS[1:])
)


@pytest.fixture
def gateway_demo(demo: DemoResult) -> DemoResult:
    """The demo as `lde demo` loads it, as far as this journey reaches: the partnerships, then
    the gateway."""
    sharing_demo_build()
    return demo


def schools_briefing() -> BriefingProduct:
    return BriefingProduct.objects.get(title=SCHOOLS_BRIEFING, version=1)


@pytest.fixture
def released_briefing(gateway_demo: DemoResult) -> BriefingProduct:
    """The schools briefing as the first journey leaves it, released through the services: the
    readers' journeys start from a released product without repeating the author's and the
    approver's sign-ins, which the first journey already makes through the pages."""
    analyst = User.objects.get(email=ANALYST)
    manager = User.objects.get(email=MANAGER)
    product = schools_briefing()
    services.product_update(
        actor=analyst,
        product=product,
        title=product.title,
        marking=Marking.objects.get(code="official-sensitive"),
        summary=product.summary,
        body=BODY,
        area_gss_codes=product.area_gss_codes or [],
        recipients=list(product.recipients.all()),
        protocol=product.protocol,
    )
    services.dissemination_add(
        actor=analyst, product=product, kind=DisseminationKind.ROLE, role=Role.BOARD_MEMBER
    )
    services.product_submit(actor=analyst, product=product, no_personal_data_declared=True)
    facts_forget(manager)
    shown = schools_briefing()
    services.product_approve(actor=manager, product=shown, seen_hash=shown.version_hash)
    released = services.product_release(actor=manager, product=schools_briefing())
    assert released.status == ProductStatus.RELEASED
    return released


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def success_banners(page: Page) -> list[str]:
    texts = page.locator(".govuk-notification-banner__heading").all_inner_texts()
    return [text.strip() for text in texts]


def sign_out(page: Page) -> None:
    go(page, page.get_by_role("button", name="Sign out"))


def open_product_list_from_home(page: Page) -> None:
    assert path_of(page) == "/"
    go(page, page.get_by_role("link", name="Briefing products you can see").first)
    assert heading(page) == "Briefing products"


def product_titles(page: Page) -> list[str]:
    """The titles in the list of products the user can see."""
    table = page.locator("main table")
    if table.count() == 0:
        return []
    return [text.strip() for text in table.locator("tbody tr td:first-child a").all_inner_texts()]


def markings_in_place(pdf_page: PageObject) -> list[tuple[str, str]]:
    """One PDF page's text lines with where they sit: the top or bottom twentieth, or the body."""
    height = float(pdf_page.mediabox.height)
    seen: list[tuple[str, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            place = "top" if y > height * 0.95 else "bottom" if y < height * 0.05 else "body"
            seen.append((place, text.strip()))

    pdf_page.extract_text(visitor_text=visit)
    return seen


def test_an_author_takes_out_a_phone_number_the_check_found_and_the_product_is_released(
    page: Page, gateway_demo: DemoResult
) -> None:
    # Given the demo's draft schools briefing, OFFICIAL, with no body yet
    draft = schools_briefing()
    assert draft.status == ProductStatus.DRAFT
    assert draft.body == ""

    # When its author signs in and goes from home to the draft
    sign_in(page, ANALYST)
    open_product_list_from_home(page)
    go(page, page.get_by_role("link", name=SCHOOLS_BRIEFING, exact=True))
    assert heading(page) == SCHOOLS_BRIEFING

    # and changes it: OFFICIAL-SENSITIVE, with a body that gives a duty officer's mobile number
    go(page, page.get_by_role("link", name="Change the draft"))
    assert heading(page) == "Change the draft"
    page.get_by_role("radio", name=MARKING, exact=True).check()
    page.get_by_label("Body", exact=True).fill(BODY_WITH_PHONE)
    go(page, page.get_by_role("button", name="Save the draft"))
    assert success_banners(page) == ["Draft saved. Any earlier approvals no longer count."]
    expect(page.get_by_role("note", name="Protective marking").first).to_have_text(MARKING)

    # and puts the board members of the recipient partnership on its dissemination list
    go(page, page.get_by_role("link", name="Change the dissemination list"))
    page.get_by_role("radio", name="Role in a recipient partnership").check()
    page.get_by_role("combobox", name="Role in a recipient partnership").select_option(
        label="Board member"
    )
    go(page, page.get_by_role("button", name="Add", exact=True))
    assert success_banners(page) == ["Added to the dissemination list."]
    assert ["Role in a recipient partnership", "Every board member of a recipient partnership"] in [
        row[:2] for row in table_rows(page, "Dissemination list")
    ]

    # and goes to send it for review
    go(page, page.get_by_role("link", name="Back to the product"))
    go(page, page.get_by_role("link", name="Send for gateway review"))
    assert heading(page) == f"Send {SCHOOLS_BRIEFING} for gateway review"

    # Then the personal data check lists the phone number, where it is, masked
    expect(page.locator("main .govuk-warning-text").first).to_contain_text(
        "1 thing in this product looks like a person's details"
    )
    assert table_rows(page, FINDINGS) == [["Body, line 2", "Phone number", "07••••••••23"]]
    assert PHONE not in page.locator("main").inner_text()

    # When the author follows the link to the product's details and takes the number out
    go(page, page.get_by_role("link", name="the product's details"))
    assert heading(page) == "Change the draft"
    body = page.get_by_label("Body", exact=True)
    assert PHONE in body.input_value()
    body.fill(BODY)
    go(page, page.get_by_role("button", name="Save the draft"))
    assert success_banners(page) == ["Draft saved. Any earlier approvals no longer count."]

    # Then the check on the submit page finds nothing
    go(page, page.get_by_role("link", name="Send for gateway review"))
    expect(page.get_by_role("table", name=FINDINGS)).to_have_count(0)
    expect(page.locator("main")).to_contain_text("The check found no dates of birth")

    # When they declare and send it for review
    page.get_by_label(
        "I confirm that this version of the product, its attachments and its lists hold no "
        "information about identifiable members of the public"
    ).check()
    confirm(page, "Send this product for gateway review")

    # Then it is in review, declared by them on this version
    assert success_banners(page) == ["Sent for gateway review."]
    assert heading(page) == SCHOOLS_BRIEFING
    expect(page.locator("main .govuk-tag").first).to_have_text("In review")
    expect(page.locator("main")).to_contain_text(
        "An author declared that this version holds no information about identifiable members "
        "of the public (Rhys Morgan"
    )
    in_review = schools_briefing()
    assert in_review.status == ProductStatus.IN_REVIEW
    assert PHONE not in in_review.body
    assert in_review.personal_data_declared_hash == in_review.version_hash

    # When the gateway approver signs in, finds it waiting for her on the home page and opens it
    sign_out(page)
    sign_in(page, MANAGER)
    expect(page.get_by_text("Waiting for your approval:")).to_be_visible()
    go(page, page.get_by_role("link", name=SCHOOLS_BRIEFING, exact=True))
    assert heading(page) == SCHOOLS_BRIEFING

    # and approves this version for the unit, after reading what approving does
    go(page, page.get_by_role("button", name=f"Approve this version for {UNIT}"))
    assert heading(page) == f"Approve {SCHOOLS_BRIEFING} for {UNIT}"
    confirm(page, f"Approve this version for {UNIT}")
    assert success_banners(page) == ["You have approved this version for your organisation."]
    assert table_rows(page, "Approvals by organisation")[0][0] == UNIT
    assert table_rows(page, "Approvals by organisation")[0][1].startswith("Claire Whitfield, ")
    expect(page.locator("main")).to_contain_text(
        "Every organisation has approved this version. It can be released."
    )

    # and releases it
    go(page, page.get_by_role("link", name="Release it"))
    confirm(page, "Release this product")

    # Then it is released; she is on its list as a Harrowfield board member, so still sees it
    assert success_banners(page) == ["Released. Its readers can now see it."]
    assert heading(page) == SCHOOLS_BRIEFING
    expect(page.locator("main .govuk-tag").first).to_have_text("Released")
    released = schools_briefing()
    assert released.status == ProductStatus.RELEASED
    assert released.marking.code == "official-sensitive"
    assert released.retention_ends_on is not None


def test_a_reader_downloads_the_marked_pdf_and_acknowledges_it(
    page: Page, released_briefing: BriefingProduct
) -> None:
    reader = User.objects.get(email=COORDINATOR)

    # When Harrowfield's coordinator, on its list by role, signs in
    sign_in(page, COORDINATOR)

    # Then the home page counts it among the products waiting for them to acknowledge
    expect(page.locator("main")).to_contain_text(
        re.compile(r"\d+ released products? (is|are) waiting for you to read and acknowledge")
    )

    # When they go from home to the list and open it
    open_product_list_from_home(page)
    assert SCHOOLS_BRIEFING in product_titles(page)
    go(page, page.get_by_role("link", name=SCHOOLS_BRIEFING, exact=True))
    assert heading(page) == SCHOOLS_BRIEFING

    # Then it is marked at its top and bottom, and shows no part of the gateway review
    markings = page.get_by_role("note", name="Protective marking")
    expect(markings).to_have_count(2)
    expect(markings.first).to_have_text(MARKING)
    expect(markings.last).to_have_text(MARKING)
    expect(page.get_by_role("heading", name="Gateway review")).to_have_count(0)

    # When they download it as a PDF
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download as PDF (marked, with your name)").click()
    download = waiting.value
    data = download.path().read_bytes()

    # Then it is the product, with the marking at the top and the bottom of every page, and
    # their name at the bottom of every page
    assert download.suggested_filename == "prevent-briefing-for-schools-and-the-college-v1.pdf"
    assert data.startswith(b"%PDF")
    reader_pages = PdfReader(io.BytesIO(data)).pages
    assert len(reader_pages) >= 2
    text = " ".join(" ".join(p.extract_text() for p in reader_pages).split())
    assert SCHOOLS_BRIEFING in text
    assert "Theme 14:" in text
    for number, pdf_page in enumerate(reader_pages, start=1):
        seen = markings_in_place(pdf_page)
        assert ("top", MARKING) in seen, f"page {number} has no marking at its top"
        assert ("bottom", MARKING) in seen, f"page {number} has no marking at its bottom"
        named = [
            t for place, t in seen if place == "bottom" and f"Downloaded by {reader.full_name}" in t
        ]
        assert named, f"page {number} does not name the reader at its bottom: {seen}"

    # When they acknowledge it
    go(page, page.get_by_role("button", name="I have read and understood it"))

    # Then it is recorded, for this version, and the button has gone
    assert success_banners(page) == ["Recorded: you have read and understood it."]
    expect(page.locator("main")).to_contain_text("You acknowledged it on ")
    expect(page.get_by_role("button", name="I have read and understood it")).to_have_count(0)
    acknowledgement = Acknowledgement.objects.get(product=released_briefing, user=reader)
    assert acknowledgement.version_hash == schools_briefing().version_hash


def test_a_board_member_whose_clearance_has_lapsed_gets_a_404_and_never_sees_the_title(
    page: Page, released_briefing: BriefingProduct
) -> None:
    # Given the board member is on the released briefing's list by role, but his BPSS expired
    product_url = reverse("sharing:product-detail", args=[released_briefing.pk])
    missing_url = reverse("sharing:product-detail", args=[released_briefing.pk + 10_000])
    assert not BriefingProduct.objects.filter(pk=released_briefing.pk + 10_000).exists()

    # When he signs in, the title appears nowhere on his home page
    sign_in(page, BOARD_MEMBER)
    assert SCHOOLS_BRIEFING not in page.content()
    assert LOCAL_PROFILE not in page.content()

    # nor in the list of products he can see, which holds the OFFICIAL threat picture only
    open_product_list_from_home(page)
    assert set(product_titles(page)) == {THREAT_PICTURE}
    assert SCHOOLS_BRIEFING not in page.content()

    # When he goes to its address
    response = page.goto(product_url)

    # Then he gets the 404 page, as for a product that does not exist, without the title
    assert response is not None
    assert response.status == 404
    assert_accessible(page)
    assert heading(page) == "Page not found"
    assert SCHOOLS_BRIEFING not in page.content()
    refused = page.locator("main").inner_text()
    response = page.goto(missing_url)
    assert response is not None
    assert response.status == 404
    assert page.locator("main").inner_text() == refused

    # and its PDF is refused the same way
    response = page.goto(reverse("sharing:product-pdf", args=[released_briefing.pk]))
    assert response is not None
    assert response.status == 404
    assert_accessible(page)
    assert SCHOOLS_BRIEFING not in page.content()
