"""Settings for `lde bench`: local settings on a throwaway database, never the service's own.

`lde bench` re-runs itself under these settings. Without DATABASE_URL the database is a fresh
SQLite file (WAL, exactly as in local use) in a temporary folder that the command creates and
removes. With DATABASE_URL it is a separate database, `lde_bench`, on the same PostgreSQL server:
the command creates it (dropping a leftover from an interrupted run) and drops it afterwards. The
database named in DATABASE_URL is only connected to, to create and drop `lde_bench`; nothing in
it is read or written.
"""

import os
import tempfile
from pathlib import Path

from config import env
from config.settings.local import *  # noqa: F403
from config.settings.local import ALLOWED_HOSTS, DATABASES

# Timings are of the service as it is deployed, not of the debug machinery.
DEBUG = False
# Benchmark users never sign in with a password; keep the hasher cheap all the same.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test client, which drives the pages, calls itself "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

BENCH_SQLITE_DIR = Path(tempfile.gettempdir()) / f"lde-bench-{os.getpid()}"
BENCH_POSTGRES_DATABASE = "lde_bench"
# The database named in DATABASE_URL: connected to only to create and drop the bench database.
BENCH_SERVER_DATABASE = ""

if env.DATABASE_URL:
    BENCH_SERVER_DATABASE = str(DATABASES["default"]["NAME"])
    DATABASES["default"]["NAME"] = BENCH_POSTGRES_DATABASE
else:
    DATABASES["default"] = env.database_config("", BENCH_SQLITE_DIR / "bench.sqlite3")
