"""Production settings: PostgreSQL, HTTPS, and a refusal to start on local defaults."""

from django.core.exceptions import ImproperlyConfigured

from config import env
from config.settings.base import *  # noqa: F403

if not env.DATABASE_URL:
    raise ImproperlyConfigured("Production needs DATABASE_URL (PostgreSQL).")
if env.SECRET_KEY.startswith("local-only") or env.AUDIT_KEY.startswith("local-only"):
    raise ImproperlyConfigured("Production needs LDE_SECRET_KEY and LDE_AUDIT_KEY set.")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.SSL_REDIRECT
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
