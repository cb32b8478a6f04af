"""Settings for the test suite: a fast password hasher, plain static files, no secure cookies."""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATA_DIR

# Argon2 is right for people and far too slow for thousands of test sign-ins.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
AXES_ENABLED = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PRIVATE_FILES_ROOT = DATA_DIR / "test-files"
AUDIT_CHECKPOINT_DIR = DATA_DIR / "test-audit-checkpoints"

# A file rather than memory, so that several connections (concurrent audit writers, the browser
# journeys' live server) see one database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}  # noqa: F405
