from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: no deadlines in CI (the machine may be busy), and a fixed number of examples.
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Any:
    yield
    remove_private_dirs()


def remove_private_dirs() -> None:
    """Empty this process's uploaded files and audit checkpoints (each test process, an xdist
    worker included, has folders of its own: see config/settings/test.py)."""
    for name in ("PRIVATE_FILES_ROOT", "AUDIT_CHECKPOINT_DIR"):
        shutil.rmtree(getattr(settings, name), ignore_errors=True)


@contextmanager
def kept_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture that builds something large (the demo) once: what it writes
    stays until the module ends, then is rolled back and its files removed.

    Each test still runs in a transaction of its own, a savepoint inside this one, rolled back
    after it, so no test sees another's writes. A module using this replaces the autouse
    `_clean_private_dirs` with one that does nothing, so that the files the build wrote last as
    long as its rows.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
    remove_private_dirs()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a transactional test, put back what the migrations wrote (the markings, the audit
    chain's head, content types) and Django's flush took away.

    Run serially, pytest-django puts the transactional tests last; in parallel processes they
    run among the others, and whatever ran after them would find those rows gone. The browser
    journeys replay their data migration themselves (tests/e2e/conftest.py).
    """
    try:
        return (yield)
    finally:
        # The last test of a process has no one after it, and its database is already gone.
        if nextitem is not None and _empties_the_database(item):
            _restore_migrated_rows(item)


def _empties_the_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("browser"):
        return False
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def _restore_migrated_rows(item: pytest.Item) -> None:
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        raise RuntimeError(
            f"{item.nodeid} empties the test database: mark it "
            "@pytest.mark.django_db(transaction=True, serialized_rollback=True), so that what the "
            "migrations wrote is kept and can be put back after it."
        )
    with item.config.stash[blocking_manager_key].unblock():
        connection.creation.deserialize_db_from_string(contents)


def sign_in(client: Client, user: Any, *, verified: bool = True) -> Client:
    """Sign in as `user`, with the second factor already given when `verified`."""
    client.force_login(user)
    if verified:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def date_input(name: str, value: date | str | tuple[str, str, str]) -> dict[str, str]:
    """A date as the GOV.UK date input posts it: `<name>-day`, `<name>-month`, `<name>-year`.
    `value` is a date, an ISO date, or the three boxes as typed."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else ("", "", "")
    if isinstance(value, date):
        value = (str(value.day), str(value.month), str(value.year))
    return dict(zip((f"{name}-day", f"{name}-month", f"{name}-year"), value, strict=True))


# What a confirmation page's own form adds to its POST (lde/core/confirm.py): without it, an
# action that cannot be undone only shows its confirmation page.
CONFIRMED = {"confirmed": "yes"}


@pytest.fixture
def api_rate_limits_lifted(monkeypatch: pytest.MonkeyPatch) -> None:
    """For the schemathesis runs: they send thousands of requests with one token, and bad
    tokens from one address on purpose to see each refused with 401, and the API's limits on
    both (tested in tests/core/test_rate_limits.py) would answer 429 long before they finish."""
    from lde.api import router
    from lde.core.ratelimit import Limit

    unlimited = Limit("lifted for schemathesis", count=10**9, seconds=600)
    monkeypatch.setattr(router, "API_FAILURES_PER_ADDRESS", unlimited)
    monkeypatch.setattr(router, "API_PER_TOKEN", unlimited)
