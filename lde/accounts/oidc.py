"""Sign-in through the council's or force's identity provider: an OpenID Connect relying party.

The authorisation code flow with PKCE (S256), `state` and `nonce`, as OpenID Connect Core 1.0
and RFC 7636 describe it. The provider is found by its discovery document; the ID token is
checked with PyJWT: an RS256 signature by a key from the provider's JWKS, the issuer, the
audience (and `azp` when there are several), the expiry and the nonce.

The rules (issue 18, docs/apps/accounts.md):
- it signs in only people who already have an account, matched by an email address the provider
  says it verified (`LDE_OIDC_EMAIL_VERIFIED_CLAIM` must be JSON `true`): it never creates one,
  because people join by invitation;
- an account that is not active, or locked out after wrong passwords, is refused;
- people whose roles require two-factor authentication still give the platform's own second
  factor, unless the ID token asserts a second factor (`amr` or `acr`, see `LDE_OIDC_MFA_*`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse

from lde.accounts.models import User

# Where the flow waits between leaving for the provider and coming back, in the session.
FLOW_SESSION_KEY = "lde_oidc_flow"
# The user the provider asserted a second factor for, in the session (read by
# TwoFactorRequiredMiddleware): the platform's own second step is then not asked.
MFA_SESSION_KEY = "lde_oidc_multi_factor_user"
# A person has ten minutes at the provider before the flow must start again.
FLOW_LIFETIME_SECONDS = 600
# The provider's documents are kept this long; an ID token signed by a key not yet seen fetches
# the keys again at once (keys rotate), at most once a minute.
METADATA_LIFETIME_SECONDS = 3600
KEYS_REFRESH_MIN_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10
# Clocks differ: an ID token is accepted up to a minute either side of its times.
CLOCK_LEEWAY_SECONDS = 60
# Only RS256, whatever the token's header says: never `none`, never an HMAC keyed by something
# public such as the client id.
ALGORITHMS = ["RS256"]


class OidcRefused(Exception):
    """Why a sign-in through the provider was refused: `reason` is recorded in the audit trail,
    `message` is shown to the person, `status` is the page's HTTP status."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        status: int = 400,
        email: str = "",
        user: Any = None,
        detail: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status
        self.email = email
        self.user = user
        # What was wrong, for the audit trail (never shown: it would help whoever forged it).
        self.detail = detail


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    name: str
    scopes: tuple[str, ...]
    email_claim: str
    email_verified_claim: str
    mfa_amr: frozenset[str]
    mfa_acr: frozenset[str]


def oidc_config() -> OidcConfig | None:
    """The provider's settings, or None when sign-in through a provider is not set up."""
    issuer = str(getattr(settings, "LDE_OIDC_ISSUER", "") or "").strip()
    client_id = str(getattr(settings, "LDE_OIDC_CLIENT_ID", "") or "").strip()
    if not issuer or not client_id:
        return None
    scopes = tuple(getattr(settings, "LDE_OIDC_SCOPES", None) or ("openid", "email", "profile"))
    if "openid" not in scopes:
        scopes = ("openid", *scopes)
    return OidcConfig(
        issuer=issuer,
        client_id=client_id,
        client_secret=str(getattr(settings, "LDE_OIDC_CLIENT_SECRET", "") or ""),
        name=str(getattr(settings, "LDE_OIDC_NAME", "") or "your organisation's account"),
        scopes=scopes,
        email_claim=str(getattr(settings, "LDE_OIDC_EMAIL_CLAIM", "") or "email"),
        email_verified_claim=str(
            getattr(settings, "LDE_OIDC_EMAIL_VERIFIED_CLAIM", "") or "email_verified"
        ),
        mfa_amr=frozenset(getattr(settings, "LDE_OIDC_MFA_AMR", None) or ()),
        mfa_acr=frozenset(getattr(settings, "LDE_OIDC_MFA_ACR", None) or ()),
    )


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an address, as a Content-Security-Policy source names it."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def redirect_uri() -> str:
    """The callback's address as registered with the provider: built on LDE_SITE_URL, whatever
    address the request came in by, so that a forged Host header cannot change it."""
    return f"{str(settings.LDE_SITE_URL).rstrip('/')}{reverse('accounts:oidc-callback')}"


# ---------------------------------------------------------------------------------------------
# Talking to the provider


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_check(url: str) -> None:
    """Only HTTPS, except to this machine itself (the fake provider of the tests and the demo):
    the ID token and the client secret travel over these connections."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "https" and parsed.hostname:
        return
    if parsed.scheme == "http" and parsed.hostname and _is_loopback(parsed.hostname):
        return
    raise OidcRefused(
        "provider_insecure",
        "The identity provider's address is not HTTPS. Tell your coordinator.",
        status=502,
    )


def _http_json(
    url: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    _url_check(url)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            payload = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as error:
        raise OidcRefused(
            "provider_refused",
            "The identity provider did not confirm who you are. Try again.",
            status=502,
        ) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise OidcRefused(
            "provider_unreachable",
            "The identity provider could not be reached. Try again in a few minutes.",
            status=502,
        ) from error
    if not isinstance(payload, dict):
        raise OidcRefused(
            "provider_unreadable", "The identity provider's answer was not understood.", status=502
        )
    return payload


_cache_lock = threading.Lock()
_metadata_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_keys_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def provider_metadata(config: OidcConfig) -> dict[str, Any]:
    """The provider's discovery document, which must name the issuer configured, exactly."""
    now = time.monotonic()
    with _cache_lock:
        cached = _metadata_cache.get(config.issuer)
    if cached and now - cached[0] < METADATA_LIFETIME_SECONDS:
        return cached[1]
    metadata = _http_json(f"{config.issuer.rstrip('/')}/.well-known/openid-configuration")
    if metadata.get("issuer") != config.issuer:
        # A multi-tenant document (Entra's /common, whose issuer holds "{tenantid}") or another
        # provider's: either way tokens from it could not be trusted as this issuer's.
        raise OidcRefused(
            "provider_issuer_mismatch",
            "The identity provider is not set up correctly for this service. Tell your "
            "coordinator.",
            status=502,
        )
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(name), str):
            raise OidcRefused(
                "provider_unreadable",
                "The identity provider's answer was not understood.",
                status=502,
            )
        _url_check(metadata[name])
    with _cache_lock:
        _metadata_cache[config.issuer] = (now, metadata)
    return metadata


def _provider_keys(config: OidcConfig, *, refresh: bool) -> dict[str, Any]:
    metadata = provider_metadata(config)
    uri = str(metadata["jwks_uri"])
    now = time.monotonic()
    with _cache_lock:
        cached = _keys_cache.get(uri)
    fresh_enough = cached and now - cached[0] < (
        KEYS_REFRESH_MIN_SECONDS if refresh else METADATA_LIFETIME_SECONDS
    )
    if cached and fresh_enough:
        return cached[1]
    document = _http_json(uri)
    keys: dict[str, Any] = {}
    for entry in document.get("keys", []):
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            keys[str(entry.get("kid", ""))] = jwt.PyJWK(entry, algorithm="RS256").key
        except jwt.PyJWTError:
            continue
    with _cache_lock:
        _keys_cache[uri] = (now, keys)
    return keys


def _signing_key(config: OidcConfig, kid: str) -> Any:
    keys = _provider_keys(config, refresh=False)
    if kid not in keys:
        keys = _provider_keys(config, refresh=True)
    if kid not in keys:
        # With no kid, a provider that publishes a single key is understood to mean that one.
        if not kid and len(keys) == 1:
            return next(iter(keys.values()))
        raise _bad_token("no key of the provider's signed it")
    return keys[kid]


def caches_clear() -> None:
    """Forget the providers' documents (tests start each provider afresh)."""
    with _cache_lock:
        _metadata_cache.clear()
        _keys_cache.clear()


# ---------------------------------------------------------------------------------------------
# The flow


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def authorisation_start(session: SessionBase, config: OidcConfig, *, next_url: str) -> str:
    """Remember a new flow in the session and return the provider's address to send the person
    to. A flow started again replaces the one before."""
    metadata = provider_metadata(config)
    endpoint = str(metadata["authorization_endpoint"])
    if origin_of(endpoint) != origin_of(config.issuer):
        # The sign-in page's policy lets its button's form lead to the issuer's site only
        # (SignInView): a browser would stop the person on the way to any other.
        raise OidcRefused(
            "provider_authorisation_elsewhere",
            "The identity provider is not set up correctly for this service. Tell your "
            "coordinator.",
            status=502,
            detail=f"authorization_endpoint {endpoint} is not on {origin_of(config.issuer)}",
        )
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    session[FLOW_SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "started": time.time(),
    }
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri(),
            "scope": " ".join(config.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": _b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _expired_flow() -> OidcRefused:
    return OidcRefused(
        "flow_unknown",
        "This sign-in was not started here, or took too long. Start again from the sign-in page.",
        status=400,
    )


def _bad_token(why: str) -> OidcRefused:
    return OidcRefused(
        "id_token_invalid",
        "The identity provider's answer could not be trusted, so you have not been signed in. "
        "Start again from the sign-in page.",
        status=400,
        detail=why,
    )


def authorisation_finish(
    session: SessionBase, config: OidcConfig, params: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """Check the provider's answer against the flow in the session (spent, whatever happens),
    exchange the code and return the ID token's verified claims and where to go next."""
    flow = session.pop(FLOW_SESSION_KEY, None)
    if not isinstance(flow, dict):
        raise _expired_flow()
    if not hmac.compare_digest(str(params.get("state", "")), str(flow.get("state", ""))):
        raise _expired_flow()
    if time.time() - float(flow.get("started", 0)) > FLOW_LIFETIME_SECONDS:
        raise _expired_flow()
    if params.get("error"):
        raise OidcRefused(
            "provider_error",
            "The identity provider did not sign you in. Start again, or sign in with your "
            "password.",
            status=400,
        )
    code = params.get("code", "")
    if not code:
        raise _expired_flow()
    metadata = provider_metadata(config)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri(),
        "code_verifier": str(flow["verifier"]),
    }
    headers: dict[str, str] = {}
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" in methods:
        pair = f"{urllib.parse.quote(config.client_id, safe='')}:" + urllib.parse.quote(
            config.client_secret, safe=""
        )
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        form.update(client_id=config.client_id, client_secret=config.client_secret)
    tokens = _http_json(str(metadata["token_endpoint"]), data=form, headers=headers)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise _bad_token("no ID token")
    claims = id_token_verify(config, id_token, nonce=str(flow["nonce"]))
    return claims, str(flow.get("next") or "")


def id_token_verify(config: OidcConfig, id_token: str, *, nonce: str) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce are right."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as error:
        raise _bad_token("unreadable") from error
    if header.get("alg") not in ALGORITHMS:
        raise _bad_token(f"algorithm {header.get('alg')!r}")
    key = _signing_key(config, str(header.get("kid") or ""))
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key=key,
            algorithms=ALGORITHMS,
            audience=config.client_id,
            issuer=config.issuer,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.PyJWTError as error:
        raise _bad_token(type(error).__name__) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # Core 1.0, 3.1.3.7: a token for several audiences must name this client as its `azp`.
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != config.client_id:
        raise _bad_token("azp")
    if not hmac.compare_digest(str(claims["nonce"]), nonce):
        raise _bad_token("nonce")
    return claims


# ---------------------------------------------------------------------------------------------
# Whom it signs in


def email_digest(email: str) -> str:
    """A keyed hash of an email address, so that the audit trail of refused sign-ins can tell
    one address from another without holding the address."""
    key = str(settings.SECRET_KEY).encode()
    return hmac.new(key, f"oidc-refused\n{email}".encode(), hashlib.sha256).hexdigest()


def account_for(config: OidcConfig, claims: dict[str, Any]) -> User:
    """The existing, active account whose email the provider verified; never a new one."""
    email = str(claims.get(config.email_claim) or "").strip().lower()
    if not email or "@" not in email:
        raise OidcRefused(
            "no_email",
            "The identity provider did not give an email address, so we cannot tell which "
            "account is yours. Sign in with your password, or ask your coordinator.",
            status=403,
        )
    if claims.get(config.email_verified_claim) is not True:
        raise OidcRefused(
            "email_unverified",
            "The identity provider has not verified this email address, so it cannot sign you "
            "in here. Sign in with your password, or ask your coordinator.",
            status=403,
            email=email,
        )
    user = User.objects.filter(email=email).first()
    if user is None:
        raise OidcRefused(
            "no_account",
            "No account for this email: ask your coordinator for an invitation.",
            status=403,
            email=email,
        )
    if not user.is_active:
        raise OidcRefused(
            "account_inactive",
            "This account is not active. Ask your coordinator if you need it again.",
            status=403,
            email=email,
            user=user,
        )
    return user


def asserts_multi_factor(config: OidcConfig, claims: dict[str, Any]) -> bool:
    """Whether the ID token says the person gave a second factor at the provider."""
    amr = claims.get("amr")
    methods = {str(value) for value in amr} if isinstance(amr, list) else set()
    if methods & config.mfa_amr:
        return True
    return bool(config.mfa_acr) and str(claims.get("acr", "")) in config.mfa_acr
