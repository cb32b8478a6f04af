"""Sign-in through the council's or force's identity provider (OpenID Connect, issue 18), against
the fake provider of lde.accounts.oidc_fake, reached over real HTTP on 127.0.0.1.

It signs in people who already have an account, matched by a verified email, and never creates
one; it refuses a token it cannot trust; privileged roles still give the platform's second factor
unless the provider asserts one.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from django.test import Client, override_settings
from django.urls import reverse

from lde.accounts import oidc, oidc_views
from lde.accounts.models import User
from lde.accounts.oidc_fake import FakeIdentityProvider
from lde.core.audit.models import AuditEvent
from lde.core.ratelimit import Limit
from lde.partnerships.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = "/accounts/oidc/start/"
CALLBACK = "/accounts/oidc/callback/"


@pytest.fixture
def provider() -> Iterator[FakeIdentityProvider]:
    fake = FakeIdentityProvider().start()
    oidc.caches_clear()
    with override_settings(
        LDE_OIDC_ISSUER=fake.issuer,
        LDE_OIDC_CLIENT_ID=fake.client_id,
        LDE_OIDC_CLIENT_SECRET=fake.client_secret,
        LDE_OIDC_NAME="Harrowfield Council",
    ):
        yield fake
    fake.stop()
    oidc.caches_clear()


def _leave(client: Client, next_url: str = "/") -> dict[str, str]:
    """Press the sign-in page's button: the authorisation request sent to the provider."""
    response = client.post(START, {"next": next_url})
    assert response.status_code == 302
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(response["Location"]).query))


def _come_back(client: Client, location: str) -> Any:
    back = urllib.parse.urlparse(location)
    assert back.path == CALLBACK
    return client.get(back.path, dict(urllib.parse.parse_qsl(back.query)))


def _through(client: Client, provider: FakeIdentityProvider, email: str, **at_provider: Any) -> Any:
    return _come_back(client, provider.authorise(_leave(client), email=email, **at_provider))


def _refusals() -> list[dict[str, Any]]:
    return [
        json.loads(event.payload)["detail"]
        for event in AuditEvent.objects.filter(verb="USER_SIGN_IN_REFUSED")
    ]


def _signed_in(client: Client) -> bool:
    return client.get("/profile/").status_code == 200


# --- Set up or not ----------------------------------------------------------------------------


def test_with_no_provider_set_up_there_is_no_button_and_its_pages_are_not_found(
    client: Client,
) -> None:
    page = client.get("/sign-in/").content.decode()
    assert "/accounts/oidc/start/" not in page
    assert "Or sign in through your organisation" not in page
    assert client.post(START).status_code == 404
    assert client.get(CALLBACK, {"state": "x", "code": "y"}).status_code == 404


def test_the_sign_in_page_offers_the_providers_button(
    client: Client, provider: FakeIdentityProvider
) -> None:
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with Harrowfield Council" in page
    assert 'action="/accounts/oidc/start/"' in page


def _form_action(response: Any) -> list[str]:
    policy = response.headers["Content-Security-Policy"]
    directive = next(d.strip() for d in policy.split(";") if d.strip().startswith("form-action"))
    return directive.split()[1:]


def test_the_sign_in_pages_policy_lets_its_button_lead_to_the_provider_and_no_further(
    client: Client, provider: FakeIdentityProvider
) -> None:
    """A browser applies `form-action` to where a form's answer redirects: with 'self' alone it
    stops the button's answer, a redirect to the provider, before the provider's page."""
    assert _form_action(client.get("/sign-in/")) == ["'self'", provider.issuer]
    assert _form_action(client.post("/sign-in/", {"username": "x@y.invalid"})) == [
        "'self'",
        provider.issuer,
    ]
    # Every other page, the password reset's form included, keeps to this service.
    assert _form_action(client.get(reverse("accounts:password-reset"))) == ["'self'"]


def test_with_no_provider_the_sign_in_pages_forms_keep_to_this_service(client: Client) -> None:
    assert _form_action(client.get("/sign-in/")) == ["'self'"]


def test_a_provider_whose_sign_in_page_is_on_another_site_is_refused(
    client: Client, provider: FakeIdentityProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sign-in page's policy names the issuer's site only, so a browser would stop the
    person on the way to another: say so here rather than leave them on a blank error."""
    document = provider.discovery()
    monkeypatch.setattr(
        provider,
        "discovery",
        lambda: {**document, "authorization_endpoint": "https://login.elsewhere.example/auth"},
    )
    response = client.post(START)
    assert response.status_code == 502
    assert "not set up correctly" in response.content.decode()
    assert oidc.FLOW_SESSION_KEY not in client.session


def test_the_authorisation_request_carries_state_nonce_and_a_pkce_challenge(
    client: Client, provider: FakeIdentityProvider
) -> None:
    params = _leave(client)
    assert params["response_type"] == "code"
    assert params["client_id"] == "lde-demo"
    assert params["redirect_uri"] == "http://127.0.0.1:8000/accounts/oidc/callback/"
    assert params["scope"].split() == ["openid", "email", "profile"]
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert len(params["code_challenge"]) == 43  # SHA-256, base64url without padding
    assert params["state"] != params["nonce"]


# --- Who is signed in --------------------------------------------------------------------------


def test_a_member_signs_in_through_the_provider_and_it_is_audited(
    client: Client, provider: FakeIdentityProvider
) -> None:
    membership = MembershipFactory(role=Role.VIEWER)
    response = _through(client, provider, membership.user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(verb="USER_SIGNED_IN").get()
    assert event.actor_id == membership.user.pk
    assert json.loads(event.payload)["detail"] == {
        "method": "oidc",
        "provider_multi_factor": False,
    }


def test_the_provider_page_itself_signs_a_member_in(
    client: Client, provider: FakeIdentityProvider
) -> None:
    """Through the fake provider's own form, over HTTP, as a person in a browser would."""
    membership = MembershipFactory(role=Role.CONTRIBUTOR)
    params = _leave(client)
    page = urllib.request.urlopen(
        f"{provider.issuer}/authorize?{urllib.parse.urlencode(params)}", timeout=5
    ).read()
    assert b'<label for="email">Email address</label>' in page

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    form = {**params, "email": membership.user.email, "email_verified": "1"}
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.build_opener(NoRedirect).open(
            f"{provider.issuer}/authorize", urllib.parse.urlencode(form).encode(), timeout=5
        )
    assert answered.value.code == 302
    assert _come_back(client, answered.value.headers["Location"]).status_code == 302
    assert _signed_in(client)


def test_an_unknown_email_is_refused_with_a_clear_page_and_no_account_is_made(
    client: Client, provider: FakeIdentityProvider
) -> None:
    before = User.objects.count()
    response = _through(client, provider, "stranger@harrowfield.example")
    assert response.status_code == 403
    page = response.content.decode()
    assert "No account for this email" in page
    assert "Ask your coordinator for an invitation." in page
    assert User.objects.count() == before
    assert not _signed_in(client)
    [refusal] = _refusals()
    assert refusal["reason"] == "no_account"
    assert refusal["email_digest"] == oidc.email_digest("stranger@harrowfield.example")
    # The address itself is nowhere in the trail.
    assert not AuditEvent.objects.filter(payload__icontains="stranger@").exists()


def test_an_email_the_provider_has_not_verified_is_refused(
    client: Client, provider: FakeIdentityProvider
) -> None:
    user = UserFactory()
    response = _through(client, provider, user.email, email_verified=False)
    assert response.status_code == 403
    assert "has not verified this email address" in response.content.decode()
    assert not _signed_in(client)
    assert _refusals()[0]["reason"] == "email_unverified"


def test_a_token_with_no_verified_claim_at_all_is_refused(
    client: Client, provider: FakeIdentityProvider
) -> None:
    """Strict by default: a provider that says nothing about verification is not believed."""
    user = UserFactory()
    provider.claims_override = {"email_verified": None}
    response = _through(client, provider, user.email)
    assert response.status_code == 403
    assert not _signed_in(client)


def test_a_configured_claim_stands_for_email_verified(
    client: Client, provider: FakeIdentityProvider
) -> None:
    """Microsoft Entra ID omits email_verified; its optional claim xms_edov is used instead."""
    user = UserFactory()
    provider.claims_override = {"email_verified": None, "xms_edov": True}
    with override_settings(LDE_OIDC_EMAIL_VERIFIED_CLAIM="xms_edov"):
        response = _through(client, provider, user.email)
    assert response.status_code == 302
    assert _signed_in(client)


def test_an_inactive_account_is_refused(client: Client, provider: FakeIdentityProvider) -> None:
    user = UserFactory(is_active=False)
    response = _through(client, provider, user.email)
    assert response.status_code == 403
    assert "This account is not active" in response.content.decode()
    assert not _signed_in(client)
    event = AuditEvent.objects.get(verb="USER_SIGN_IN_REFUSED")
    assert (event.target_id, json.loads(event.payload)["detail"]["reason"]) == (
        str(user.pk),
        "account_inactive",
    )


def test_an_account_locked_out_by_wrong_passwords_is_refused(
    client: Client, provider: FakeIdentityProvider
) -> None:
    user = UserFactory()
    for _ in range(5):
        client.post("/sign-in/", {"username": user.email, "password": "wrong"})
    response = _through(client, provider, user.email)
    assert response.status_code == 429
    assert "locked after too many wrong passwords" in response.content.decode()
    assert not _signed_in(client)


# --- Tokens that cannot be trusted ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "foreign_key"),
    [
        ({}, True),
        ({"aud": "someone-else"}, False),
        ({"iss": "http://127.0.0.1:1/elsewhere"}, False),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, False),
        ({"nonce": "a-nonce-from-another-flow"}, False),
        ({"nonce": None}, False),
        ({"aud": ["lde-demo", "another-client"]}, False),
    ],
    ids=[
        "bad-signature",
        "wrong-audience",
        "wrong-issuer",
        "expired",
        "wrong-nonce",
        "no-nonce",
        "several-audiences-no-azp",
    ],
)
def test_an_id_token_that_cannot_be_trusted_is_refused(
    client: Client, provider: FakeIdentityProvider, override: dict[str, Any], foreign_key: bool
) -> None:
    user = UserFactory()
    provider.claims_override = override
    provider.sign_with_foreign_key = foreign_key
    response = _through(client, provider, user.email)
    assert response.status_code == 400
    assert "could not be trusted" in response.content.decode()
    assert not _signed_in(client)
    assert _refusals()[0]["reason"] == "id_token_invalid"


def test_a_token_signed_with_an_hmac_of_the_client_secret_is_refused(
    provider: FakeIdentityProvider,
) -> None:
    """Only RS256 by a published key: never HS256 keyed by something the client knows."""
    config = oidc.oidc_config()
    assert config is not None
    now = int(time.time())
    claims = {"iss": provider.issuer, "aud": "lde-demo", "sub": "1", "iat": now}
    forged = jwt.encode(
        {**claims, "exp": now + 60, "nonce": "n"},
        provider.client_secret.ljust(32, "x"),
        algorithm="HS256",
        headers={"kid": provider.kid},
    )
    with pytest.raises(oidc.OidcRefused) as refused:
        oidc.id_token_verify(config, forged, nonce="n")
    assert refused.value.reason == "id_token_invalid"


def test_a_wrong_state_is_refused_and_spends_the_flow(
    client: Client, provider: FakeIdentityProvider
) -> None:
    user = UserFactory()
    back = urllib.parse.urlparse(provider.authorise(_leave(client), email=user.email))
    answer = dict(urllib.parse.parse_qsl(back.query))
    forged = client.get(CALLBACK, {**answer, "state": "guessed"})
    assert forged.status_code == 400
    assert "was not started here" in forged.content.decode()
    # The flow was spent by the forged answer: the real one no longer signs in either.
    assert client.get(CALLBACK, answer).status_code == 400
    assert not _signed_in(client)
    assert provider.tokens_issued == 0


def test_an_answer_in_another_browser_is_refused(
    client: Client, provider: FakeIdentityProvider
) -> None:
    """Login cross-site request forgery: a code sent to someone else's browser does nothing."""
    user = UserFactory()
    location = provider.authorise(_leave(client), email=user.email)
    other = Client()
    assert _come_back(other, location).status_code == 400
    assert not _signed_in(other)


def test_the_provider_saying_no_is_refused(client: Client, provider: FakeIdentityProvider) -> None:
    state = _leave(client)["state"]
    response = client.get(CALLBACK, {"state": state, "error": "access_denied"})
    assert response.status_code == 400
    assert "did not sign you in" in response.content.decode()


def test_answers_from_one_address_are_limited(
    client: Client, provider: FakeIdentityProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        oidc_views, "CALLBACKS_PER_ADDRESS", Limit("oidc-callback-test", count=2, seconds=600)
    )
    for _ in range(2):
        assert client.get(CALLBACK, {"state": "x", "code": "y"}).status_code == 400
    response = client.get(CALLBACK, {"state": "x", "code": "y"})
    assert response.status_code == 429
    assert "Retry-After" in response


# --- Two-factor for privileged roles ---------------------------------------------------------


def test_a_coordinator_without_the_providers_second_factor_gives_the_platforms(
    client: Client, provider: FakeIdentityProvider
) -> None:
    membership = MembershipFactory(role=Role.COORDINATOR)
    assert _through(client, provider, membership.user.email).status_code == 302
    page = client.get(f"/partnerships/{membership.partnership_id}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/two-factor/set-up/")


def test_a_coordinator_with_the_providers_second_factor_goes_straight_in(
    client: Client, provider: FakeIdentityProvider
) -> None:
    membership = MembershipFactory(role=Role.COORDINATOR)
    response = _through(client, provider, membership.user.email, multi_factor=True)
    assert response.status_code == 302
    assert client.get(f"/partnerships/{membership.partnership_id}/").status_code == 200
    detail = json.loads(AuditEvent.objects.get(verb="USER_SIGNED_IN").payload)["detail"]
    assert detail["provider_multi_factor"] is True


def test_a_password_sign_in_later_in_the_session_does_not_inherit_the_providers_factor(
    client: Client, provider: FakeIdentityProvider
) -> None:
    """The provider's assertion was for one person: signing in as another starts afresh."""
    viewer = MembershipFactory(role=Role.VIEWER)
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    _through(client, provider, viewer.user.email, multi_factor=True)
    client.post("/sign-out/")
    client.post("/sign-in/", {"username": coordinator.user.email, "password": PASSWORD})
    page = client.get(f"/partnerships/{coordinator.partnership_id}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/two-factor/")


def test_an_acr_value_can_be_what_counts_as_a_second_factor(
    client: Client, provider: FakeIdentityProvider
) -> None:
    membership = MembershipFactory(role=Role.COORDINATOR)
    provider.claims_override = {"acr": "urn:harrowfield:loa:high"}
    with override_settings(LDE_OIDC_MFA_ACR=["urn:harrowfield:loa:high"]):
        _through(client, provider, membership.user.email)
    assert client.get(f"/partnerships/{membership.partnership_id}/").status_code == 200


# --- The provider itself -------------------------------------------------------------------------


def test_a_discovery_document_naming_another_issuer_is_refused(
    client: Client, provider: FakeIdentityProvider
) -> None:
    """As Entra's multi-tenant /common document does: its issuer is a template."""
    with override_settings(LDE_OIDC_ISSUER=provider.issuer + "/"):
        response = client.post(START)
    assert response.status_code == 502
    assert "not set up correctly" in response.content.decode()


def test_only_https_or_this_machine_is_spoken_to() -> None:
    for url in ("https://login.example.gov.uk/x", "http://127.0.0.1:8765/x", "http://[::1]/x"):
        oidc._url_check(url)
    for url in ("http://login.example.gov.uk/x", "ftp://127.0.0.1/x", "file:///etc/passwd"):
        with pytest.raises(oidc.OidcRefused):
            oidc._url_check(url)


def test_a_key_rotated_at_the_provider_is_fetched_again(
    client: Client, provider: FakeIdentityProvider
) -> None:
    user = UserFactory()
    _through(client, provider, user.email)
    client.post("/sign-out/")
    from lde.accounts.oidc_fake import _rsa_key

    provider.key, provider.kid = _rsa_key(), "rotated"
    oidc._keys_cache.update(
        {
            uri: (stamp - oidc.KEYS_REFRESH_MIN_SECONDS, keys)
            for uri, (stamp, keys) in oidc._keys_cache.items()
        }
    )
    assert _through(client, provider, user.email).status_code == 302
    assert _signed_in(client)


def test_production_refuses_an_issuer_not_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake provider's plain-HTTP issuer is for this machine's tests and demo only."""
    import importlib
    import secrets
    import sys

    from django.core.exceptions import ImproperlyConfigured

    import config.env

    for name, value in {
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/lde",
        "LDE_SITE_URL": "https://lde.example.gov.uk",
        "LDE_SECRET_KEY": secrets.token_urlsafe(32),
        "LDE_AUDIT_KEY": secrets.token_urlsafe(32),
        "LDE_OIDC_ISSUER": "http://127.0.0.1:8765",
    }.items():
        monkeypatch.setenv(name, value)
    importlib.reload(config.env)
    sys.modules.pop("config.settings.production", None)
    try:
        with pytest.raises(ImproperlyConfigured) as refused:
            importlib.import_module("config.settings.production")
        assert str(refused.value) == "LDE_OIDC_ISSUER must start with https:// in production."
    finally:
        monkeypatch.undo()
        importlib.reload(config.env)
        sys.modules.pop("config.settings.production", None)
