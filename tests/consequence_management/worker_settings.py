"""Settings for a real `lde worker` process started by a test (test_worker_killed.py): the test
settings, on the database the test itself is using (its name passed in the environment, as the
test database's name is known only once the test runs), with the fake Notify kept in a file both
processes read."""

import os
from pathlib import Path

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["LDE_TEST_WORKER_DATABASE"]
LDE_NOTIFY_PROVIDER = "lde.consequence_management.notify.FileNotify"
LDE_FAKE_NOTIFY_FILE = os.environ["LDE_FAKE_NOTIFY_FILE"]
PRIVATE_FILES_ROOT = Path(os.environ["LDE_TEST_WORKER_FILES"])
AUDIT_CHECKPOINT_DIR = Path(os.environ["LDE_TEST_WORKER_FILES"])
