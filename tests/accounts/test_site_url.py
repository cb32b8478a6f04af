"""Every link in an email starts at LDE_SITE_URL, wherever the request that caused it came in;
production will not start without it."""

from __future__ import annotations

import importlib
import re
import secrets
import sys
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

import config.env
from config.env import site_url_problem
from lde.partnerships.models import Role
from lde.partnerships.services import membership_invite
from tests.factories import MembershipFactory, UserFactory
from tests.tasks import tasks_run

SITE = "https://lde.example.gov.uk"


@pytest.mark.parametrize(
    ("value", "production", "problem"),
    [
        ("https://lde.example.gov.uk", True, None),
        ("http://127.0.0.1:8000", False, None),
        ("https://lde.example.gov.uk:8443", True, None),
        (
            "",
            True,
            "LDE_SITE_URL is not set: set it to the address people use, like "
            "https://lde.example.gov.uk",
        ),
        (
            "http://lde.example.gov.uk",
            True,
            "LDE_SITE_URL must start with https:// in production, not 'http://lde.example.gov.uk'",
        ),
        (
            "lde.example.gov.uk",
            False,
            "LDE_SITE_URL must be a web address, not 'lde.example.gov.uk': set it to the address "
            "people use, like https://lde.example.gov.uk",
        ),
        (
            "https://lde.example.gov.uk/sign-in?next=/",
            True,
            "LDE_SITE_URL must hold only the scheme and host (and port), not "
            "'https://lde.example.gov.uk/sign-in?next=/'",
        ),
    ],
    ids=["https", "local", "port", "unset", "http", "no-scheme", "path"],
)
def test_the_site_url_is_checked(value: str, production: bool, problem: str | None) -> None:
    assert site_url_problem(value, production=production) == problem


@pytest.fixture
def production_environment(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/lde")
    monkeypatch.setenv("LDE_SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("LDE_AUDIT_KEY", secrets.token_urlsafe(32))

    def load(**variables: str) -> Any:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        importlib.reload(config.env)
        # base.py reads the environment through env.py too: import it afresh.
        sys.modules.pop("config.settings.base", None)
        sys.modules.pop("config.settings.production", None)
        return importlib.import_module("config.settings.production")

    yield load
    monkeypatch.undo()
    importlib.reload(config.env)
    sys.modules.pop("config.settings.base", None)
    sys.modules.pop("config.settings.production", None)


def test_production_refuses_to_start_without_a_site_url(production_environment: Any) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        production_environment()
    assert str(refused.value).startswith("LDE_SITE_URL is not set")


def test_production_refuses_a_plain_http_site_url(production_environment: Any) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        production_environment(LDE_SITE_URL="http://lde.example.gov.uk")
    assert "must start with https://" in str(refused.value)


def test_production_takes_the_site_url_it_is_given(production_environment: Any) -> None:
    production = production_environment(LDE_SITE_URL=SITE + "/")
    assert production.LDE_SITE_URL == SITE


def test_locally_the_site_url_defaults_to_the_address_lde_serve_uses() -> None:
    assert config.env.SITE_URL_DEFAULT == "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_a_forgotten_password_link_starts_at_the_site_url_not_the_requests_host(
    client: Client, settings: Any
) -> None:
    settings.LDE_SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["internal-node-3.local"]
    user = UserFactory()
    client.post("/password/forgotten/", {"email": user.email}, HTTP_HOST="internal-node-3.local")
    tasks_run()
    (message,) = mail.outbox
    assert re.search(rf"^{re.escape(SITE)}/password/set/\S+/$", message.body, re.MULTILINE)
    assert "internal-node-3" not in message.body


@pytest.mark.django_db
def test_an_invitation_links_to_the_site_url(settings: Any) -> None:
    settings.LDE_SITE_URL = SITE
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    membership_invite(
        actor=coordinator.user,
        partnership=coordinator.partnership,
        email="new.person@example.test",
        full_name="New Person",
        role=Role.VIEWER,
    )
    tasks_run()
    (message,) = mail.outbox
    assert re.search(rf"^{re.escape(SITE)}/password/set/\S+/$", message.body, re.MULTILINE)
    assert "127.0.0.1" not in message.body
