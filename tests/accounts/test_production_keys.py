"""Production refuses keys too short or too plain to keep sessions and the audit chain safe."""

from __future__ import annotations

import base64
import importlib
import secrets
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.env
from config.env import key_problem

HOW_TO = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def test_32_random_bytes_in_url_safe_base64_or_hex_are_fit() -> None:
    assert key_problem("LDE_SECRET_KEY", secrets.token_urlsafe(32)) is None
    assert key_problem("LDE_SECRET_KEY", secrets.token_hex(32)) is None
    padded = base64.b64encode(secrets.token_bytes(32)).decode()
    assert key_problem("LDE_AUDIT_KEY", padded) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "LDE_AUDIT_KEY is not set: " + HOW_TO),
        ("   ", "LDE_AUDIT_KEY is not set: " + HOW_TO),
        (
            "local-only-audit-key-not-for-production-use",
            "LDE_AUDIT_KEY still has its local-only default: " + HOW_TO,
        ),
        (
            secrets.token_urlsafe(31),
            "LDE_AUDIT_KEY holds 31 bytes and must hold at least 32 random bytes: " + HOW_TO,
        ),
        (
            "correct horse battery staple, a passphrase",
            "LDE_AUDIT_KEY must be URL-safe base64 of at least 32 random bytes: " + HOW_TO,
        ),
        ("x" * 64, "LDE_AUDIT_KEY is not random enough: " + HOW_TO),
    ],
    # Named, not shown: a random value in a test's id differs between the parallel test
    # processes, which must all collect the same tests.
    ids=["unset", "blank", "local-default", "31-bytes", "passphrase", "not-random"],
)
def test_unfit_keys_are_refused_with_the_setting_named(value: str, problem: str) -> None:
    assert key_problem("LDE_AUDIT_KEY", value) == problem


def _production(monkeypatch: pytest.MonkeyPatch, **variables: str) -> object:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/lde")
    monkeypatch.setenv("LDE_SITE_URL", "https://lde.example.gov.uk")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    importlib.reload(config.env)
    sys.modules.pop("config.settings.production", None)
    return importlib.import_module("config.settings.production")


@pytest.fixture(autouse=True)
def _restore_settings_modules(monkeypatch: pytest.MonkeyPatch) -> object:
    yield
    monkeypatch.undo()
    importlib.reload(config.env)
    sys.modules.pop("config.settings.production", None)


def test_production_refuses_a_short_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        _production(
            monkeypatch,
            LDE_SECRET_KEY=secrets.token_urlsafe(16),
            LDE_AUDIT_KEY=secrets.token_urlsafe(32),
        )
    assert str(refused.value) == (
        "LDE_SECRET_KEY holds 16 bytes and must hold at least 32 random bytes: " + HOW_TO
    )


def test_production_refuses_an_empty_audit_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        _production(monkeypatch, LDE_SECRET_KEY=secrets.token_urlsafe(32), LDE_AUDIT_KEY="")
    assert str(refused.value) == "LDE_AUDIT_KEY is not set: " + HOW_TO


def test_production_refuses_one_key_for_both(monkeypatch: pytest.MonkeyPatch) -> None:
    key = secrets.token_urlsafe(32)
    with pytest.raises(ImproperlyConfigured) as refused:
        _production(monkeypatch, LDE_SECRET_KEY=key, LDE_AUDIT_KEY=key)
    assert str(refused.value) == "LDE_SECRET_KEY and LDE_AUDIT_KEY must be different keys."


def test_production_starts_with_two_fit_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    production = _production(
        monkeypatch,
        LDE_SECRET_KEY=secrets.token_urlsafe(32),
        LDE_AUDIT_KEY=secrets.token_hex(32),
    )
    assert production.DEBUG is False  # type: ignore[attr-defined]
