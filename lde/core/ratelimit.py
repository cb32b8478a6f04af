"""Rate limits: how many times one key (an email address asking for a password reset, an address
on the internet, an API token, a participant link) may do one thing in a window of time.

Counts are rows in the database, not a per-process cache, so that two web instances behind a load
balancer share them (issue 18). A key is kept only as a keyed hash: the table never holds the
email addresses or tokens it counts. Windows are fixed (the count of the current minute or hour);
rows of windows that have ended are removed by the hourly job.

Sign-in has its own lockout (django-axes: five failures for a username from an address lock it
for an hour); these limits are for what axes does not cover.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class RateCount(models.Model):
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="rate_count_one_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_count_window")]

    def __str__(self) -> str:
        return f"{self.count} since {self.window_start:%H:%M}"


@dataclass(frozen=True)
class Limit:
    """At most `count` in `seconds`, for the action named `name`."""

    name: str
    count: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int


# Asking for a password-setting link: a few times an hour for one address (a person who lost the
# first email asks again), more from one internet address (an office behind one address).
PASSWORD_RESET_PER_EMAIL = Limit("password-reset-email", count=5, seconds=3600)
PASSWORD_RESET_PER_ADDRESS = Limit("password-reset-address", count=30, seconds=3600)

# The API: ten requests a second for one token, averaged over a minute, is more than any script
# reading the platform needs; tokens that do not work, from one address, are someone guessing.
API_PER_TOKEN = Limit("api-token", count=600, seconds=60)
API_FAILURES_PER_ADDRESS = Limit("api-failures-address", count=30, seconds=600)


def _hashed(limit: Limit, key: str) -> str:
    secret = str(settings.SECRET_KEY).encode()
    return hmac.new(secret, f"rate\n{limit.name}\n{key}".encode(), hashlib.sha256).hexdigest()


def _counted(hashed: str, window_start: datetime, seconds: int) -> int:
    """Add one to the window's count and return it, in one statement: an upsert that both SQLite
    (3.35 and later) and PostgreSQL run atomically, so two requests counting at once each see
    their own number, and a limit on every API request costs the request one query."""
    quote = connection.ops.quote_name
    table = quote(RateCount._meta.db_table)
    key, start, window, count = (
        quote(n) for n in ("key", "window_start", "window_seconds", "count")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {start}, {window}, {count}) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT ({key}, {start}) "
            f"DO UPDATE SET {count} = {table}.{count} + 1 "
            f"RETURNING {count}",
            [hashed, connection.ops.adapt_datetimefield_value(window_start), seconds],
        )
        row = cursor.fetchone()
    return int(row[0])


def _window(limit: Limit) -> tuple[datetime, int]:
    """The start of the current window, and the seconds until it ends."""
    now = timezone.now()
    epoch = int(now.timestamp())
    start_epoch = epoch - epoch % limit.seconds
    start = now - timedelta(seconds=epoch - start_epoch, microseconds=now.microsecond)
    return start, max(1, start_epoch + limit.seconds - epoch)


def rate_hit(limit: Limit, key: str) -> Verdict:
    """Count one more of `limit`'s action for `key`; whether it is within the limit, and if not,
    how many seconds until the window ends."""
    window_start, retry_after = _window(limit)
    count = _counted(_hashed(limit, key), window_start, limit.seconds)
    return Verdict(
        allowed=count <= limit.count,
        count=count,
        retry_after=retry_after,
    )


def rate_peek(limit: Limit, key: str) -> Verdict:
    """Whether `key` may try once more within `limit`, counting nothing: for limits on
    failures, which are counted (`rate_hit`) only when a failure happens but checked before
    every attempt."""
    window_start, retry_after = _window(limit)
    count = (
        RateCount.objects.filter(key=_hashed(limit, key), window_start=window_start)
        .values_list("count", flat=True)
        .first()
        or 0
    )
    return Verdict(
        allowed=count < limit.count,
        count=count,
        retry_after=retry_after,
    )


def rate_counts_clear() -> int:
    """Remove the counts of windows that have ended."""
    now = timezone.now()
    ended = [
        row.pk
        for row in RateCount.objects.filter(window_start__lt=now).only(
            "pk", "window_start", "window_seconds"
        )
        if row.window_start + timedelta(seconds=row.window_seconds) <= now
    ]
    return RateCount.objects.filter(pk__in=ended).delete()[0]


def too_many(request: HttpRequest, verdict: Verdict, *, what: str) -> HttpResponse:
    """The page for a request over its limit: 429, saying when to try again."""
    minutes = -(-verdict.retry_after // 60)
    wait = (
        f"{verdict.retry_after} seconds"
        if verdict.retry_after < 60
        else f"{minutes} minute{'s' if minutes != 1 else ''}"
    )
    response = render(
        request, "core/too_many_requests.html", {"what": what, "wait": wait}, status=429
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response
