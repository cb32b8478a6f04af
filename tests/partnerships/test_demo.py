"""The demo loads, loads again without duplicates, and every sign-in it prints works."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lde.accounts.models import Clearance, Organisation, User
from lde.core.audit.chain import audit_verify
from lde.partnerships.demo import DEMO_PASSWORD, demo_code
from lde.partnerships.models import Alliance, Assignment, Membership, Partnership
from lde.rollups import demo as rollups_demo
from tests.conftest import kept_for_the_module
from tests.conftest import sign_in as signed_in

pytestmark = pytest.mark.django_db

MODELS = [User, Organisation, Partnership, Membership, Assignment, Alliance, Clearance]


@dataclass(frozen=True)
class Printed:
    email: str
    two_factor: bool


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """`lde demo`, run once for the module and rolled back at its end; yields what it printed.
    Each test's own writes are rolled back after it."""
    out = io.StringIO()
    with kept_for_the_module(django_db_blocker):
        call_command("demo", stdout=out)
        yield out.getvalue()


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Iterator[None]:
    """Replaces tests/conftest.py's: the demo's files stay until the module ends."""
    yield


def printed_sign_ins(out: str) -> list[Printed]:
    """The sign-ins `lde demo` printed: a line each, then a line with the key of each two-factor
    user."""
    listed, keys = out.split(f"Every demo password is: {DEMO_PASSWORD}", 1)[1].split(
        "Two-factor users", 1
    )
    two_factor = {line.split()[0] for line in keys.splitlines() if " key " in line}
    emails = [line.split()[0] for line in listed.splitlines() if line.startswith("  ")]
    return [Printed(email, email in two_factor) for email in emails]


def test_running_the_demo_twice_creates_no_duplicates(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = {model.__name__: model.objects.count() for model in MODELS}
    call_command("demo")
    second = {model.__name__: model.objects.count() for model in MODELS}
    assert first == second
    # The three partnerships people sign in to, and the national picture's fictional ones.
    assert first["Partnership"] == 3 + len(rollups_demo.TEXT["partnerships"])
    assert first["Alliance"] == 1
    assert f"Every demo password is: {DEMO_PASSWORD}" in demo
    assert f"Every demo password is: {DEMO_PASSWORD}" in capsys.readouterr().out
    assert audit_verify().problems == []


def test_every_demo_sign_in_works_two_factor_included(demo: str) -> None:
    sign_ins = printed_sign_ins(demo)
    assert len(sign_ins) >= 12
    assert any(s.two_factor for s in sign_ins) and not all(s.two_factor for s in sign_ins)
    for sign_in in sign_ins:
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


def test_demo_vetting_dates_are_relative_to_today(demo: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    expiries = sorted(Clearance.objects.values_list("expires_on", flat=True))
    assert today - timedelta(days=1) in expiries  # expired yesterday
    assert any(today < e <= today + timedelta(days=90) for e in expiries)  # about to expire


def _home(email: str) -> str:
    """The home page as the demo user sees it, second factor given."""
    client = signed_in(Client(), User.objects.get(email=email))
    response = client.get("/")
    assert response.status_code == 200, email
    return str(response.content.decode())


def _cells(page: str, area: str) -> list[str]:
    """The figures of one row of a coverage table, as shown."""
    row = page.split(f'<th scope="row" class="govuk-table__header">{area}</th>', 1)[1]
    row = row.split("</tr>", 1)[0]
    return [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]


def test_the_national_analyst_sees_real_figures_withheld_where_the_rules_say(demo: str) -> None:
    for page in (
        _home("analyst@demo.invalid"),
        signed_in(Client(), User.objects.get(email="analyst@demo.invalid"))
        .get(reverse("rollups:national-coverage"))
        .content.decode(),
    ):
        # Twelve partnerships in the North West, half of their strategic posts covered.
        assert _cells(page, "North West") == ["12", "26", "50%"]
        # Seven in the West Midlands: fewer than 10, and fewer than 10 posts not covered.
        assert _cells(page, "West Midlands") == [
            "fewer than 10",
            "15",
            "withheld (fewer than 10)",
        ]
        # Four in Yorkshire: not shown at all, but counted in England.
        assert "Yorkshire" not in page
        assert _cells(page, "England") == ["24", "52", "48%"]
        for partnership in Partnership.objects.all():
            assert partnership.name not in page


def test_each_role_finds_its_work_on_its_home_page(demo: str) -> None:
    # The unit's analyst, with no partnership: their drafts, and a way to start one.
    page = _home("analyst@pennine-ctu.demo.invalid")
    assert "Prevent briefing for schools and the college</a> (draft)" in page
    assert reverse("sharing:product-create") in page
    assert "coordinator can invite you" not in page
    # The peer reviewer: the assessment their assignment names.
    assignment = Assignment.objects.get(user__email="peer.reviewer@kestlebury.demo.invalid")
    reviewed = int(assignment.subject_reference.split(":")[1])
    page = _home("peer.reviewer@kestlebury.demo.invalid")
    assert reverse("assessments:assessment-detail", args=[reviewed]) in page
    # The inspector: the assessments of each partnership they inspect.
    page = _home("inspector@demo.invalid")
    for partnership in Partnership.objects.filter(name__in=["Harrowfield Prevent Partnership"]):
        assert reverse("assessments:assessment-list", args=[partnership.pk]) in page
    # The community reviewer: the published assessments they may read.
    page = _home("community@harrowfield.demo.invalid")
    assert "Published assessments to review for the community" in page
    # Each opens as its summary: the factual accuracy comments, which name who made them, are
    # part of the full record.
    client = signed_in(Client(), User.objects.get(email="community@harrowfield.demo.invalid"))
    linked = re.findall(r'href="(/assessments/\d+/)"', page)
    assert linked
    for url in linked:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Factual accuracy" not in response.content.decode(), url
