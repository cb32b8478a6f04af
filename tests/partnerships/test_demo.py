"""The demo loads, loads again without duplicates, and every sign-in it prints works."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from lde.accounts.models import Clearance, Organisation, User
from lde.core.audit.chain import audit_verify
from lde.partnerships.demo import DEMO_PASSWORD, demo_build, demo_code
from lde.partnerships.models import Alliance, Assignment, Membership, Partnership

pytestmark = pytest.mark.django_db

MODELS = [User, Organisation, Partnership, Membership, Assignment, Alliance, Clearance]


def test_running_the_demo_twice_creates_no_duplicates(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    first = {model.__name__: model.objects.count() for model in MODELS}
    call_command("demo")
    second = {model.__name__: model.objects.count() for model in MODELS}
    assert first == second
    assert first["Partnership"] == 3
    assert first["Alliance"] == 1
    out = capsys.readouterr().out
    assert f"Every demo password is: {DEMO_PASSWORD}" in out
    assert audit_verify().problems == []


def test_every_demo_sign_in_works_two_factor_included() -> None:
    result = demo_build()
    assert len(result.sign_ins) >= 12
    for sign_in in result.sign_ins:
        client = Client()
        response = client.post("/sign-in/", {"username": sign_in.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, sign_in.email
        home = client.get("/")
        if sign_in.two_factor:
            assert home.status_code == 302, sign_in.email
            assert home["Location"].startswith("/two-factor/"), sign_in.email
            verified = client.post(
                "/two-factor/", {"otp_token": demo_code(sign_in.email), "next": "/"}
            )
            assert verified.status_code == 302, sign_in.email
            home = client.get("/")
        assert home.status_code == 200, sign_in.email


def test_demo_vetting_dates_are_relative_to_today() -> None:
    from datetime import timedelta

    from django.utils import timezone

    demo_build()
    today = timezone.localdate()
    expiries = sorted(Clearance.objects.values_list("expires_on", flat=True))
    assert today - timedelta(days=1) in expiries  # expired yesterday
    assert any(today < e <= today + timedelta(days=90) for e in expiries)  # about to expire
