"""The mail relay's settings the platform reads from LDE_EMAIL_* (config/env.py: email_config)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.env import email_config


def test_nothing_set_prints_mail_to_the_console() -> None:
    config = email_config({})
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert config["EMAIL_PORT"] == 25
    assert config["EMAIL_USE_TLS"] is False
    assert config["EMAIL_USE_SSL"] is False


def test_a_relay_with_starttls_and_a_login_gives_every_part() -> None:
    config = email_config(
        {
            "LDE_EMAIL_HOST": "smtp.example.org",
            "LDE_EMAIL_PORT": "2587",
            "LDE_EMAIL_HOST_USER": "lde",
            "LDE_EMAIL_HOST_PASSWORD": "s3cret",
            "LDE_EMAIL_USE_TLS": "true",
            "LDE_EMAIL_TIMEOUT": "7.5",
        }
    )
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 2587,
        "EMAIL_HOST_USER": "lde",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 7.5,
    }


def test_the_port_follows_the_encryption_when_not_given() -> None:
    assert email_config({"LDE_EMAIL_HOST": "relay", "LDE_EMAIL_USE_TLS": "1"})["EMAIL_PORT"] == 587
    assert email_config({"LDE_EMAIL_HOST": "relay", "LDE_EMAIL_USE_SSL": "1"})["EMAIL_PORT"] == 465


def test_a_backend_named_outright_wins_over_the_host() -> None:
    config = email_config(
        {
            "LDE_EMAIL_HOST": "relay",
            "LDE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"LDE_EMAIL_USE_TLS": "true", "LDE_EMAIL_USE_SSL": "true"}, "one or the other"),
        ({"LDE_EMAIL_PORT": "smtp"}, "LDE_EMAIL_PORT must be a port number"),
        ({"LDE_EMAIL_PORT": "70000"}, "LDE_EMAIL_PORT must be a port number"),
        ({"LDE_EMAIL_TIMEOUT": "soon"}, "LDE_EMAIL_TIMEOUT must be a number of seconds"),
        ({"LDE_EMAIL_TIMEOUT": "0"}, "LDE_EMAIL_TIMEOUT must be a number of seconds"),
        ({"LDE_EMAIL_HOST_USER": "lde"}, "without LDE_EMAIL_HOST_PASSWORD"),
    ],
)
def test_a_relay_set_wrongly_is_refused_naming_the_variable(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        email_config(environ)


def test_the_settings_carry_the_relay_parts() -> None:
    for name in (
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
        "EMAIL_TIMEOUT",
    ):
        assert hasattr(settings, name)


def test_the_service_refuses_to_start_with_both_tls_and_ssl() -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LDE_EMAIL_USE_TLS": "yes",
        "LDE_EMAIL_USE_SSL": "yes",
    }
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert started.returncode != 0
    assert "LDE_EMAIL_USE_TLS and LDE_EMAIL_USE_SSL are both set" in started.stderr
