"""Production settings: PostgreSQL, HTTPS, and a refusal to start on local defaults."""

from django.core.exceptions import ImproperlyConfigured

from config import env
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

if not env.DATABASE_URL:
    raise ImproperlyConfigured("Production needs DATABASE_URL (PostgreSQL).")
for _name, _value in (("LDE_SECRET_KEY", env.SECRET_KEY), ("LDE_AUDIT_KEY", env.AUDIT_KEY)):
    if _problem := env.key_problem(_name, _value):
        raise ImproperlyConfigured(_problem)
# One key leaking must not give away the other: sessions and the audit chain are keyed apart.
if env.SECRET_KEY.strip() == env.AUDIT_KEY.strip():
    raise ImproperlyConfigured("LDE_SECRET_KEY and LDE_AUDIT_KEY must be different keys.")
# Links in emails would otherwise point at the local default, 127.0.0.1, on the reader's machine.
if _problem := env.site_url_problem(env.SITE_URL_GIVEN, production=True):
    raise ImproperlyConfigured(_problem)

# The relying party accepts plain HTTP from this machine only, for the fake provider of the
# tests and the demo, which signs in as anyone: production talks to a real provider over HTTPS.
if env.env_str("LDE_OIDC_ISSUER", "").strip() and not env.env_str(
    "LDE_OIDC_ISSUER", ""
).strip().startswith("https://"):
    raise ImproperlyConfigured("LDE_OIDC_ISSUER must start with https:// in production.")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.SSL_REDIRECT
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Connections are kept between requests (CONN_MAX_AGE); each is checked before a request reuses
# it, so that after PostgreSQL restarts (a failover, an upgrade) every process reconnects on its
# next request instead of answering 500 on a dead connection (docs/how-to/run-in-production.md,
# "Faults").
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Static files are compressed by collectstatic (a .gz and a .br beside each) and WhiteNoise sends
# the smaller one to a browser that accepts it: they hold no secret, unlike pages and API answers,
# which are never compressed (ADR 0029). Plain names, no manifest of hashed ones (ADR 0031).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "lde.core.static_files.CompressedStaticFiles"},
}
