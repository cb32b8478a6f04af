"""Settings for the test suite: a fast password hasher, plain static files, no secure cookies."""

import os

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
# Tasks wait in the database as they do in production, so tests see what a write queued and
# run them when they choose (tests/tasks.py: tasks_run), rather than inside the write.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# National figures are worked out on every request, so that each test sees the data it made
# rather than another test's figures kept in the process's cache.
LDE_NATIONAL_FIGURES_SECONDS = 0
PRIVATE_FILES_ROOT = DATA_DIR / f"test-files-{os.getpid()}"
AUDIT_CHECKPOINT_DIR = DATA_DIR / f"test-audit-checkpoints-{os.getpid()}"

# A file rather than memory, so that several connections (concurrent audit writers, the browser
# journeys' live server) see one database.
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):  # noqa: F405
    # One file per test process, so that two runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(DATA_DIR / f"test-db-{os.getpid()}.sqlite3")
    }

# Serve static files straight from the source folders, with no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
