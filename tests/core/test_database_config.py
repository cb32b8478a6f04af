"""The database connection the platform makes from DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from config.env import database_config


def test_a_postgresql_url_gives_every_part_and_turns_just_in_time_compilation_off() -> None:
    config = database_config("postgres://lde:s%40fe@db.internal:5433/prevent", Path("unused"))
    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "prevent",
        "USER": "lde",
        "PASSWORD": "s@fe",
        "HOST": "db.internal",
        "PORT": "5433",
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"options": "-c jit=off"},
    }


def test_no_url_is_the_embedded_sqlite_file_in_wal_mode() -> None:
    config = database_config("", Path("/data/lde.sqlite3"))
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/data/lde.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]  # type: ignore[index]


def test_another_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="must start with postgres://, not mysql://"):
        database_config("mysql://lde@db/prevent", Path("unused"))


@pytest.mark.django_db
def test_the_connection_in_use_compiles_nothing_just_in_time() -> None:
    """On PostgreSQL (the suite's second run), the session itself says jit is off; the gateway
    filter took 600 ms to compile and 30 to run (benchmarks/README.md). SQLite has no JIT."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
    else:
        assert connection.vendor == "sqlite"
