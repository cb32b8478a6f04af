import pytest
from tests.e2e.conftest import *  # noqa

pytestmark = pytest.mark.browser

@pytest.mark.parametrize("email", [COORDINATOR, BOARD_MEMBER, CONTRIBUTOR, VIEWER, COMMUNITY_REVIEWER, SECURITY_CONTACT, INSPECTOR, PEER_REVIEWER, NATIONAL_ANALYST, SITE_ADMINISTRATOR, FORMER_INSPECTOR])
def test_dump(page, demo, email):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    print("\n#####", email, page.url)
    if "two-factor" in page.url:
        page.get_by_label("Security code").fill(demo_code(email))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    print(page.url)
    print(page.locator("main").inner_text())
