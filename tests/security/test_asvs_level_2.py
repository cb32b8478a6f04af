"""The OWASP ASVS level 2 requirements that no other test already shows (docs/security/asvs.md
lists every applicable requirement and the test for each): a new session at sign-in, sessions
that end on the server at sign-out and after eight hours, CSRF on every form, text escaped where
it is shown, passwords hashed with Argon2 and checked against the length and common-password
rules, API tokens kept only as digests, and error pages that show nothing of the inside."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone

import config.settings.base as base
from lde.accounts.models import ApiToken
from lde.accounts.services import api_token_create
from lde.partnerships.models import Role
from tests.conftest import sign_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _signed_in_by_password(client: Client) -> object:
    membership = MembershipFactory(role=Role.VIEWER)
    answer = client.post("/sign-in/", {"username": membership.user.email, "password": PASSWORD})
    assert answer.status_code == 302
    return membership


def test_signing_in_gives_a_new_session_id() -> None:
    """V3.2.1: a session id known before sign-in (say, planted) is worth nothing after it."""
    client = Client()
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = session.session_key
    _signed_in_by_password(client)
    assert client.cookies["sessionid"].value != before
    planted = Client()
    planted.cookies["sessionid"] = before
    assert planted.get("/").status_code == 302


def test_the_session_cookie_is_not_readable_by_script_nor_sent_from_other_sites() -> None:
    """V3.4.2 (HttpOnly), V3.4.3 (SameSite); V3.4.1 (Secure) is production's, shown in
    tests/accounts/test_sign_in_and_two_factor.py."""
    client = Client()
    _signed_in_by_password(client)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_signing_out_ends_the_session_on_the_server() -> None:
    """V3.3.1: the old cookie, replayed after sign-out, reaches nothing."""
    client = Client()
    _signed_in_by_password(client)
    cookie = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200
    assert client.post("/sign-out/").status_code == 302
    replayed = Client()
    replayed.cookies["sessionid"] = cookie
    answer = replayed.get("/")
    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")


def test_a_session_ends_eight_hours_after_sign_in() -> None:
    """V3.3.2: an absolute lifetime, whatever the activity."""
    client = Client()
    _signed_in_by_password(client)
    assert client.session.get_expiry_age() == 8 * 60 * 60
    later = timezone.now() + timedelta(hours=8, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        answer = client.get("/")
    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")


def test_a_form_posted_without_its_csrf_token_is_refused() -> None:
    """V4.2.2, V13.2.3: every state-changing form carries Django's CSRF token, and a post from
    another site, which cannot read it, is refused."""
    user = UserFactory()
    client = sign_in(Client(enforce_csrf_checks=True), user)
    refused = client.post("/profile/tokens/", {"name": "from elsewhere"})
    assert refused.status_code == 403
    assert not ApiToken.objects.filter(user=user).exists()
    page = client.get("/profile/")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_text_people_write_is_escaped_where_it_is_shown() -> None:
    """V5.3.3: output encoding by the template engine, never switched off for stored text."""
    membership = MembershipFactory(role=Role.COORDINATOR)
    partnership = membership.partnership
    partnership.name = 'Harrowfield <script>alert("x")</script>'
    partnership.save(update_fields=["name"])
    client = sign_in(Client(), membership.user)
    page = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<script>alert("x")</script>' not in page


def test_passwords_are_hashed_with_argon2_and_checked_against_the_rules() -> None:
    """V2.4.1 (a slow, salted hash), V2.1.1 (at least 12 characters), V2.1.7 (not a common
    password), V2.1.9 (no rule on the mix of characters)."""
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        hashed = make_password("an ordinary long phrase")
        assert hashed.startswith("argon2$argon2id$")
        assert check_password("an ordinary long phrase", hashed)
    with override_settings(AUTH_PASSWORD_VALIDATORS=base.AUTH_PASSWORD_VALIDATORS):
        for refused in ("too short", "password1234", "123456789012"):
            with pytest.raises(ValidationError):
                validate_password(refused)
        validate_password("kestrels over the moor at dusk")


def test_an_api_token_is_kept_only_as_its_digest() -> None:
    """V2.10.4 / V3.5.2: a copy of the database gives no working token."""
    token, raw = api_token_create(actor=UserFactory(), name="script")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(value) for value in row.values()}
    assert row["digest"] == ApiToken.digest_of(raw)


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the database password is hunter2")


urlpatterns = [path("boom/", _boom)]
handler500 = "lde.core.views.server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_error_page_shows_nothing_of_the_inside() -> None:
    """V7.4.1: a generic message, no stack trace, no exception text."""
    client = Client(raise_request_exception=False)
    answer = client.get("/boom/")
    page = answer.content.decode()
    assert answer.status_code == 500
    assert "hunter2" not in page and "Traceback" not in page and "RuntimeError" not in page
    assert "Sorry, there is a problem with the service" in page
