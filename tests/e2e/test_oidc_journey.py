"""Signing in through the council's identity provider, in Chromium, on the fictional demo.

A fake OpenID Connect provider runs on 127.0.0.1 (lde.accounts.oidc_fake). Harrowfield's viewer
presses "Sign in with Harrowfield Council", types their address at the provider and lands on
their home page. Someone the demo never invited is refused with the page telling them to ask
their coordinator. The coordinator, who signed in with a second factor at the provider, goes
straight to their home page. The service's pages are scanned with axe-core; the fake provider's
page is not the service's and is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from lde.accounts import oidc
from lde.accounts.models import User
from lde.accounts.oidc_fake import FakeIdentityProvider
from lde.partnerships.demo import DemoResult
from tests.e2e.conftest import COORDINATOR, VIEWER, assert_accessible, go, path_of, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server: Any) -> Iterator[FakeIdentityProvider]:
    fake = FakeIdentityProvider().start()
    oidc.caches_clear()
    with override_settings(
        LDE_SITE_URL=live_server.url,
        LDE_OIDC_ISSUER=fake.issuer,
        LDE_OIDC_CLIENT_ID=fake.client_id,
        LDE_OIDC_CLIENT_SECRET=fake.client_secret,
        LDE_OIDC_NAME="Harrowfield Council",
    ):
        yield fake
    fake.stop()
    oidc.caches_clear()


def _at_the_provider(page: Page, email: str, *, multi_factor: bool = False) -> None:
    visit(page, "/sign-in/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in with Harrowfield Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fake identity provider")
    page.get_by_label("Email address").fill(email)
    if multi_factor:
        page.get_by_label("Signed in with a second factor here").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)


def test_a_demo_user_signs_in_through_the_provider_and_a_stranger_is_refused(
    page: Page, demo: DemoResult, provider: FakeIdentityProvider
) -> None:
    _at_the_provider(page, VIEWER)
    assert path_of(page) == "/"
    go(page, page.get_by_role("button", name="Sign out"))

    people = User.objects.count()
    _at_the_provider(page, "stranger@harrowfield.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("No account for this email")
    expect(page.get_by_text("Ask your coordinator for an invitation.")).to_be_visible()
    assert User.objects.count() == people

    # The coordinator gave a second factor at the provider: no second step here.
    _at_the_provider(page, COORDINATOR, multi_factor=True)
    assert path_of(page) == "/"
