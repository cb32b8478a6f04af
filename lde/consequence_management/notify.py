"""Text messages through GOV.UK Notify, behind an adapter, and a local fake of Notify's API.

The sender speaks only to `Provider`: `send_text` hands one message over and returns Notify's id
for it, or raises `ProviderError` with the HTTP status Notify answered (None for a time-out);
`find` asks whether a message with a reference was handed over (a worker killed after handing a
message over and before recording it asks this on its return, so the message is not sent again).

`LDE_NOTIFY_PROVIDER` (a dotted path) chooses the provider. The default, and what the tests and
the demo use, is `FakeNotify`: it keeps what it is given in this process, answers as Notify does
(an id per message, 429 over the rate limit), and can be told to answer 400, 429 or 500, or to
time out, for the next messages. `FileNotify` is the same fake kept in a file
(`LDE_FAKE_NOTIFY_FILE`), so that several processes share one "service": a worker killed mid-send
and the worker started after it, and the test or benchmark that counts what each recipient got.
`NotifyClientProvider` wraps `notifications-python-client` (GOV.UK's own client); the tests speak
to it through a local fake of Notify's HTTP API, and the real service is never called by them.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# Notify's limit: 3,000 messages a minute for a service (its API documentation, "Rate limits").
RATE_PER_MINUTE = 3000
NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"


class ProviderError(Exception):
    """The provider refused or did not answer. `status` is the HTTP status (None for a time-out
    or a connection that failed)."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status

    @property
    def permanent(self) -> bool:
        """4xx, but not 429, is the message's own fault and will never succeed; 5xx, 429 and a
        time-out may succeed later."""
        return self.status is not None and 400 <= self.status < 500 and self.status != 429


class Provider(Protocol):
    def send_text(self, *, to: str, body: str, reference: str) -> str: ...

    def find(self, *, reference: str) -> str | None: ...


@dataclass
class Handed:
    id: str
    to: str
    body: str
    reference: str
    at: float


class FakeNotify:
    """A local stand-in for Notify's API. State is per process and shared by every instance, as
    a service would be; `reset` empties it."""

    _lock = threading.Lock()
    handed: list[Handed] = []
    _by_reference: dict[str, str] = {}
    _script: deque[int | None] = deque()
    _window: deque[float] = deque()
    rate_per_minute: int = RATE_PER_MINUTE

    @classmethod
    def reset(cls, *, rate_per_minute: int = RATE_PER_MINUTE) -> None:
        with cls._lock:
            cls.handed = []
            cls._by_reference = {}
            cls._script = deque()
            cls._window = deque()
            cls.rate_per_minute = rate_per_minute

    @classmethod
    def answer_next(cls, *statuses: int | None) -> None:
        """Answer the next messages with these HTTP statuses (None: time out) before any is
        accepted."""
        with cls._lock:
            cls._script.extend(statuses)

    def send_text(self, *, to: str, body: str, reference: str) -> str:
        cls = type(self)
        with cls._lock:
            if cls._script:
                status = cls._script.popleft()
                if status is None:
                    raise ProviderError(None, "Timed out waiting for GOV.UK Notify")
                raise ProviderError(status, f"GOV.UK Notify answered {status}")
            now = time.monotonic()
            while cls._window and cls._window[0] <= now - 60:
                cls._window.popleft()
            if len(cls._window) >= cls.rate_per_minute:
                raise ProviderError(429, "RateLimitError: exceeded rate limit for key type LIVE")
            cls._window.append(now)
            message_id = str(uuid.uuid4())
            cls.handed.append(Handed(message_id, to, body, reference, now))
            cls._by_reference[reference] = message_id
            return message_id

    def find(self, *, reference: str) -> str | None:
        with type(self)._lock:
            return type(self)._by_reference.get(reference)


class FileNotify:
    """The fake Notify kept in a file that every process appends to: one JSON line per message
    handed over (its id, number, reference and the wall-clock second it arrived), written under
    an exclusive lock, so the rate limit and `find` hold across processes as they do at Notify.
    Each process keeps what it has read and reads only the lines added since. The line is written
    before the id is returned: a worker killed after that has handed the message over, and `find`
    says so. `LDE_FAKE_NOTIFY_HANG_AFTER` (tests only) makes a process stop right after it hands
    over a message that brings the file to that many, and before it can record it: a worker
    killed there leaves the worst case for recovery. It is read from the environment, so that it
    reaches only the process it is given to.
    """

    _lock = threading.Lock()
    _seen: dict[str, tuple[int, deque[float], dict[str, str]]] = {}

    def __init__(self) -> None:
        self.path = str(getattr(settings, "LDE_FAKE_NOTIFY_FILE", ""))
        if not self.path:
            raise ValueError("FileNotify needs LDE_FAKE_NOTIFY_FILE, the file it keeps messages in")
        self.rate_per_minute = int(getattr(settings, "LDE_NOTIFY_RATE_PER_MINUTE", RATE_PER_MINUTE))

    @staticmethod
    def handed(path: str) -> list[dict[str, Any]]:
        """Every message handed over, oldest first."""
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as file:
            return [json.loads(line) for line in file if line.strip()]

    def _catch_up(self, file: Any) -> tuple[deque[float], dict[str, str]]:
        """What this process knows of the file, brought up to date (the caller holds the lock)."""
        offset, window, references = self._seen.get(self.path, (0, deque(), {}))
        file.seek(offset)
        for line in file:
            if line.endswith("\n"):
                record = json.loads(line)
                window.append(float(record["at"]))
                references[record["reference"]] = record["id"]
                offset += len(line.encode("utf-8"))
        self._seen[self.path] = (offset, window, references)
        return window, references

    def send_text(self, *, to: str, body: str, reference: str) -> str:
        with type(self)._lock, open(self.path, "a+", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                window, _ = self._catch_up(file)
                now = time.time()
                while window and window[0] <= now - 60:
                    window.popleft()
                if len(window) >= self.rate_per_minute:
                    raise ProviderError(429, "RateLimitError: exceeded rate limit")
                message_id = str(uuid.uuid4())
                record = {"id": message_id, "to": to, "reference": reference, "at": now}
                file.seek(0, os.SEEK_END)
                file.write(json.dumps(record) + "\n")
                file.flush()
                self._catch_up(file)
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)
        hang_after = int(os.environ.get("LDE_FAKE_NOTIFY_HANG_AFTER", "0") or 0)
        if hang_after and len(self._seen[self.path][2]) >= hang_after:
            while True:  # handed over and not yet recorded: wait here to be killed
                time.sleep(1)
        return message_id

    def find(self, *, reference: str) -> str | None:
        with type(self)._lock, open(self.path, "a+", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_SH)
            try:
                _, references = self._catch_up(file)
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)
        return references.get(reference)


class NotifyClientProvider:
    """GOV.UK Notify through its own Python client (`notifications-python-client`), with one
    template whose only placeholder is `((body))` (LDE_NOTIFY_TEXT_TEMPLATE_ID), the key in
    LDE_NOTIFY_API_KEY, and Notify's address in LDE_NOTIFY_BASE_URL (its own by default; the
    tests point it at a local fake of the API). A refusal becomes `ProviderError` with Notify's
    HTTP status; a time-out or a connection that failed, status None (tried again later)."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            str(getattr(settings, "LDE_NOTIFY_API_KEY", "")),
            base_url=str(getattr(settings, "LDE_NOTIFY_BASE_URL", NOTIFY_BASE_URL)),
            timeout=float(getattr(settings, "LDE_NOTIFY_TIMEOUT", 10)),
        )
        self.template_id = str(getattr(settings, "LDE_NOTIFY_TEXT_TEMPLATE_ID", ""))

    @staticmethod
    def _error(error: Exception) -> ProviderError:
        from notifications_python_client.errors import HTTPError

        response = getattr(error, "response", None)
        if isinstance(error, HTTPError) and response is not None:
            return ProviderError(response.status_code, str(error))
        # No answer at all: the client reports it as a 503 with no response.
        return ProviderError(None, f"{type(error).__name__}: {error}")

    def send_text(self, *, to: str, body: str, reference: str) -> str:
        try:
            answer: dict[str, Any] = self.client.send_sms_notification(
                phone_number=to,
                template_id=self.template_id,
                personalisation={"body": body},
                reference=reference,
            )
        except Exception as error:  # the client's HTTPError, or requests' own
            raise self._error(error) from error
        return str(answer["id"])

    def find(self, *, reference: str) -> str | None:
        try:
            found = self.client.get_all_notifications(reference=reference)
        except Exception as error:
            raise self._error(error) from error
        notifications = found.get("notifications", [])
        return str(notifications[0]["id"]) if notifications else None


def provider() -> Provider:
    chosen: type[Provider] = import_string(
        getattr(settings, "LDE_NOTIFY_PROVIDER", "lde.consequence_management.notify.FakeNotify")
    )
    return chosen()
