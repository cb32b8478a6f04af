"""The only place the process environment is read.

Every setting that can differ between a laptop, CI and production comes from here, with a default
that is safe for local use. Production refuses to start on those defaults (see production.py).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(env_str("LDE_DATA_DIR", str(BASE_DIR / "var")))
SECRET_KEY = env_str("LDE_SECRET_KEY", "local-only-secret-key-not-for-production-use-0123456789")
# The audit chain is keyed by a secret held outside the database, so that someone who can write
# to the database cannot recompute a valid chain after tampering with it.
AUDIT_KEY = env_str("LDE_AUDIT_KEY", "local-only-audit-key-not-for-production-use")
# The fewest random bytes a production key may hold: 256 bits, the HMAC-SHA256 key size.
KEY_MIN_BYTES = 32
KEY_HOW_TO = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def key_problem(name: str, value: str) -> str | None:
    """Why a production key is unfit, or None when it is fit.

    Keys are given as URL-safe base64 (what `secrets.token_urlsafe` prints; hex passes too, as
    hex is a subset of the alphabet), so their strength is the decoded length, not the length of
    the text: a 32-character password is far weaker than 32 random bytes. A key whose bytes
    barely vary (`xxxx…`, a repeated word) is refused too: 32 random bytes almost never hold
    fewer than 16 different values.
    """
    text = value.strip()
    if not text:
        return f"{name} is not set: {KEY_HOW_TO}"
    if text.startswith("local-only"):
        return f"{name} still has its local-only default: {KEY_HOW_TO}"
    unpadded = text.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        # validate=True: otherwise characters outside the alphabet are silently dropped.
        decoded = base64.b64decode(unpadded + "=" * (-len(unpadded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return (
            f"{name} must be URL-safe base64 of at least {KEY_MIN_BYTES} random bytes: {KEY_HOW_TO}"
        )
    if len(decoded) < KEY_MIN_BYTES:
        return (
            f"{name} holds {len(decoded)} bytes and must hold at least {KEY_MIN_BYTES} "
            f"random bytes: {KEY_HOW_TO}"
        )
    if len(set(decoded)) < 16:
        return f"{name} is not random enough: {KEY_HOW_TO}"
    return None


DEBUG = env_bool("LDE_DEBUG", False)
ALLOWED_HOSTS = env_list("LDE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SECURE_COOKIES = env_bool("LDE_SECURE_COOKIES", True)
SSL_REDIRECT = env_bool("LDE_SSL_REDIRECT", True)
DATABASE_URL = env_str("DATABASE_URL", "")
# The reverse proxies in front of the service (addresses or networks, comma-separated), whose
# X-Forwarded-For header is believed. Empty: the peer's own address is the client's.
TRUSTED_PROXIES = env_list("LDE_TRUSTED_PROXIES", [])
# Where people reach the service: every link in an email starts here, whatever address a request
# came in by (the worker that sends emails has no request at all). Production requires it.
SITE_URL_DEFAULT = "http://127.0.0.1:8000"
SITE_URL_GIVEN = env_str("LDE_SITE_URL", "").strip()
SITE_URL = (SITE_URL_GIVEN or SITE_URL_DEFAULT).rstrip("/")


def site_url_problem(value: str, *, production: bool) -> str | None:
    """Why LDE_SITE_URL is unfit, or None: it must be the service's address alone (a scheme and
    a host, nothing after it), and in production it must be given, over HTTPS."""
    text = value.strip()
    example = "set it to the address people use, like https://lde.example.gov.uk"
    if not text:
        return f"LDE_SITE_URL is not set: {example}"
    parsed = urlparse(text)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return f"LDE_SITE_URL must be a web address, not {text!r}: {example}"
    if parsed.path.strip("/") or parsed.query or parsed.fragment or parsed.username:
        return f"LDE_SITE_URL must hold only the scheme and host (and port), not {text!r}"
    if production and parsed.scheme != "https":
        return f"LDE_SITE_URL must start with https:// in production, not {text!r}"
    return None


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def email_config(environ: Mapping[str, str]) -> dict[str, object]:
    """The mail relay's settings, in Django's names, from the LDE_EMAIL_* variables.

    A relay needs more than a host: its port, a login, and how the connection is encrypted.
    `LDE_EMAIL_USE_TLS` starts TLS on a plain connection (STARTTLS, usually port 587);
    `LDE_EMAIL_USE_SSL` opens the connection over TLS (usually port 465); a relay takes one or
    the other, so both at once is refused, as are a port or time-out that is not a number and a
    login without its password. With LDE_EMAIL_HOST set and no LDE_EMAIL_BACKEND, mail goes to
    that relay by SMTP; with neither, it is printed to the console (local use).
    """
    host = environ.get("LDE_EMAIL_HOST", "").strip()
    backend = environ.get("LDE_EMAIL_BACKEND", "").strip() or (
        SMTP_BACKEND if host else CONSOLE_BACKEND
    )
    use_tls = env_bool_in(environ, "LDE_EMAIL_USE_TLS")
    use_ssl = env_bool_in(environ, "LDE_EMAIL_USE_SSL")
    if use_tls and use_ssl:
        raise ValueError(
            "LDE_EMAIL_USE_TLS and LDE_EMAIL_USE_SSL are both set: a relay takes one or the other "
            "(TLS: STARTTLS, usually port 587; SSL: TLS from the start, usually port 465)"
        )
    default_port = 465 if use_ssl else 587 if use_tls else 25
    port_text = environ.get("LDE_EMAIL_PORT", "").strip() or str(default_port)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"LDE_EMAIL_PORT must be a port number (1 to 65535), not {port_text!r}")
    timeout_text = environ.get("LDE_EMAIL_TIMEOUT", "").strip() or "10"
    try:
        timeout = float(timeout_text)
    except ValueError:
        timeout = 0.0
    if not timeout > 0:
        raise ValueError(f"LDE_EMAIL_TIMEOUT must be a number of seconds, not {timeout_text!r}")
    user = environ.get("LDE_EMAIL_HOST_USER", "")
    password = environ.get("LDE_EMAIL_HOST_PASSWORD", "")
    if user and not password:
        raise ValueError("LDE_EMAIL_HOST_USER is set without LDE_EMAIL_HOST_PASSWORD")
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": host or "localhost",
        "EMAIL_PORT": int(port_text),
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        # Without a time-out a relay that stops answering holds a worker forever.
        "EMAIL_TIMEOUT": timeout,
    }


def env_bool_in(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


EMAIL = email_config(os.environ)
EMAIL_BACKEND = str(EMAIL["EMAIL_BACKEND"])
EMAIL_HOST = str(EMAIL["EMAIL_HOST"])
DEFAULT_FROM_EMAIL = env_str("LDE_FROM_EMAIL", "Prevent LDE <no-reply@prevent-lde.invalid>")


def trusted_proxies(values: list[str]) -> list[str]:
    """Check LDE_TRUSTED_PROXIES at start-up, so a typing slip fails loudly rather than quietly
    trusting nobody (or, worse, everybody)."""
    import ipaddress

    networks = []
    for value in values:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValueError(
                f"LDE_TRUSTED_PROXIES holds {value!r}, which is not an IP address or network"
            ) from None
        if network.prefixlen == 0:
            raise ValueError(
                f"LDE_TRUSTED_PROXIES holds {value!r}, which would trust every address"
            )
        networks.append(str(network))
    return networks


def database_config(url: str, sqlite_path: Path) -> dict[str, object]:
    """Translate DATABASE_URL (postgres://user:pass@host:port/name) into Django's form.

    Without a URL the platform runs on an embedded SQLite file in WAL mode; writers start
    IMMEDIATE transactions so that concurrent appends to the audit chain serialise.
    """
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must start with postgres://, not {parsed.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        # No just-in-time compilation: the platform's queries are short reads of a few hundred
        # rows, but the gateway filter's estimated cost crosses PostgreSQL's JIT threshold, and
        # compiling it took 600 ms of a query that runs in 30 (benchmarks/README.md, sharing).
        "OPTIONS": {"options": "-c jit=off"},
    }
