"""Rate limits (lde/core/ratelimit.py): counted in the database, so every web instance shares
them; keys kept only as keyed hashes; over the limit, a 429 page saying when to try again. Asking
for a password link is limited per address asked for (whether an account has it or not) and per
internet address; the API per token, and tokens that do not work per internet address."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from lde.accounts.models import ApiToken
from lde.accounts.services import api_token_create
from lde.core.ratelimit import (
    API_FAILURES_PER_ADDRESS,
    API_PER_TOKEN,
    PASSWORD_RESET_PER_ADDRESS,
    PASSWORD_RESET_PER_EMAIL,
    Limit,
    RateCount,
    rate_counts_clear,
    rate_hit,
    rate_peek,
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


def test_a_peek_sees_what_was_counted_and_counts_nothing() -> None:
    start = timezone.now().replace(second=5, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=start):
        assert rate_peek(THREE_A_MINUTE, "someone").count == 0
        rate_hit(THREE_A_MINUTE, "someone")
        rate_hit(THREE_A_MINUTE, "someone")
        assert rate_peek(THREE_A_MINUTE, "someone").count == 2
        assert rate_peek(THREE_A_MINUTE, "someone").count == 2
        assert rate_hit(THREE_A_MINUTE, "someone").count == 3
    assert RateCount.objects.get().count == 3


def test_an_api_token_over_its_limit_gets_429_until_the_minute_ends() -> None:
    user = UserFactory()
    _, raw = api_token_create(actor=user, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    start = timezone.now().replace(second=30, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=start):
        # The token has made all but one of its requests this minute.
        for _ in range(API_PER_TOKEN.count - 1):
            rate_hit(API_PER_TOKEN, ApiToken.digest_of(raw))
        last = client.get("/api/v1/me")
        refused = client.get("/api/v1/me")
    assert last.status_code == 200
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert refused.json()["detail"] == "Too many requests: try again in 30 seconds."
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=30)):
        assert client.get("/api/v1/me").status_code == 200


def test_tokens_that_do_not_work_are_limited_per_address_and_good_ones_still_work() -> None:
    user = UserFactory()
    _, raw = api_token_create(actor=user, name="script")
    start = timezone.now().replace(minute=1, second=0, microsecond=0)
    guessing = Client(HTTP_AUTHORIZATION="Bearer lde_guess", REMOTE_ADDR="198.51.100.7")
    with mock.patch("django.utils.timezone.now", return_value=start):
        answers = [
            guessing.get("/api/v1/me").status_code
            for _ in range(API_FAILURES_PER_ADDRESS.count + 1)
        ]
        elsewhere = Client(HTTP_AUTHORIZATION="Bearer lde_guess", REMOTE_ADDR="198.51.100.8")
        other_address = elsewhere.get("/api/v1/me").status_code
        good = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="198.51.100.7")
        good_answer = good.get("/api/v1/me").status_code
    assert answers == [401] * API_FAILURES_PER_ADDRESS.count + [429]
    assert other_address == 401
    assert good_answer == 200


def test_the_api_document_declares_the_429_on_every_operation_that_needs_a_token() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    with_token = [op for op in operations if op.get("security")]
    assert with_token and all("429" in op["responses"] for op in with_token)
    index = document["paths"]["/api/v1/"]["get"]
    assert "429" not in index["responses"]
