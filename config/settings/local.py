"""Settings for `make demo` and local development: embedded SQLite, plain HTTP on 127.0.0.1."""

from config import env
from config.settings.base import *  # noqa: F403

DEBUG = env.env_bool("LDE_DEBUG", False)
# The demo is served over plain HTTP on the loopback address, so cookies cannot be Secure there.
SESSION_COOKIE_SECURE = env.env_bool("LDE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Serve static files straight from the source folders, with no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
