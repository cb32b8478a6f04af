"""Rate limits (lde/core/ratelimit.py): counted in the database, so every web instance shares
them; keys kept only as keyed hashes; over the limit, a 429 page saying when to try again. Asking
for a password link is limited per address asked for (whether an account has it or not) and per
internet address."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from lde.core.ratelimit import (
    PASSWORD_RESET_PER_ADDRESS,
    PASSWORD_RESET_PER_EMAIL,
    Limit,
    RateCount,
    rate_counts_clear,
    rate_hit,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THREE_A_MINUTE = Limit("test-thing", count=3, seconds=60)


@pytest.fixture
def mid_window() -> Iterator[None]:
    """Time held ten minutes into an hour, so no test's requests straddle a window's end."""
    held = timezone.now().replace(minute=10, second=0, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=held):
        yield


def test_a_key_is_allowed_its_count_in_a_window_then_refused_until_the_window_ends() -> None:
    start = timezone.now().replace(second=10, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=start):
        verdicts = [rate_hit(THREE_A_MINUTE, "someone") for _ in range(4)]
        other = rate_hit(THREE_A_MINUTE, "someone else")
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 50
    assert other.allowed
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=50)):
        assert rate_hit(THREE_A_MINUTE, "someone").allowed


def test_keys_are_kept_only_as_keyed_hashes_and_ended_windows_are_cleared() -> None:
    start = timezone.now().replace(second=0, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=start):
        rate_hit(THREE_A_MINUTE, "person@example.test")
    assert "person@example.test" not in RateCount.objects.get().key
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=59)):
        assert rate_counts_clear() == 0
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=60)):
        assert rate_counts_clear() == 1
    assert not RateCount.objects.exists()


def test_a_password_link_asked_too_often_for_one_address_gets_429_and_no_email(
    mid_window: None,
) -> None:
    user = UserFactory()
    client = Client()
    for _ in range(PASSWORD_RESET_PER_EMAIL.count):
        assert client.post("/password/forgotten/", {"email": user.email}).status_code == 302
    sent = len(mail.outbox)

    refused = client.post("/password/forgotten/", {"email": user.email.upper()})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "Too many requests" in page and "Try again in" in page
    assert len(mail.outbox) == sent
    # Another address from the same place is still served.
    assert client.post("/password/forgotten/", {"email": "other@example.test"}).status_code == 302


def test_an_unknown_address_is_limited_exactly_as_a_known_one(mid_window: None) -> None:
    """The limit must not tell anyone which addresses have accounts."""
    client = Client()
    answers = [
        client.post("/password/forgotten/", {"email": "nobody@example.test"}).status_code
        for _ in range(PASSWORD_RESET_PER_EMAIL.count + 1)
    ]
    assert answers == [302] * PASSWORD_RESET_PER_EMAIL.count + [429]


def test_one_internet_address_asking_for_many_addresses_is_limited(mid_window: None) -> None:
    client = Client()
    answers = [
        client.post("/password/forgotten/", {"email": f"person{n}@example.test"}).status_code
        for n in range(PASSWORD_RESET_PER_ADDRESS.count + 1)
    ]
    assert answers[-1] == 429 and set(answers[:-1]) == {302}
