"""The GOV.UK Notify adapter (`NotifyClientProvider`) through `notifications-python-client`,
against a local fake of Notify's HTTP API: never the real service.

The fake answers as Notify's API does for the two calls the adapter makes (POST
/v2/notifications/sms and GET /v2/notifications?reference=…), checks the client's bearer token (a
JWT whose issuer is the service id, signed with the key's secret, as Notify checks it), and can be
told to answer 400, 429 or 500, or to keep the client waiting past its time-out.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lde.consequence_management.models import Channel, MessageStatus, OutboxMessage
from lde.consequence_management.notify import NotifyClientProvider, ProviderError
from tests.consequence_management.builders import cascade_make, directory_make
from tests.tasks import tasks_run

SERVICE_ID = "7b2a3c4d-1111-4222-8333-944455556666"
SECRET = "0f1e2d3c-aaaa-4bbb-8ccc-9ddddeeeefff"
API_KEY = f"lde_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@dataclass
class FakeNotifyAPI:
    """What the fake service was sent, and what it is told to answer next."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int | None] = field(default_factory=list)  # None: keep the client waiting
    refused_tokens: int = 0


def _handler(state: FakeNotifyAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authenticated(self) -> bool:
            header = self.headers.get("Authorization", "")
            try:
                claims = jwt.decode(header.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
            except jwt.PyJWTError:
                claims = {}
            if claims.get("iss") != SERVICE_ID or abs(time.time() - claims.get("iat", 0)) > 30:
                state.refused_tokens += 1
                self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                return False
            return True

        def do_POST(self) -> None:
            if not self._authenticated():
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if state.answers:
                status = state.answers.pop(0)
                if status is None:
                    time.sleep(2)
                    status = 500
                error = {"400": "BadRequestError", "429": "RateLimitError"}.get(str(status))
                self._answer(
                    status, {"errors": [{"error": error or "Exception", "message": "answered"}]}
                )
                return
            notification = {"id": str(uuid.uuid4()), **body}
            state.sent.append(notification)
            self._answer(
                201,
                {
                    "id": notification["id"],
                    "reference": body.get("reference"),
                    "content": {"body": body["personalisation"]["body"], "from_number": "LDE"},
                    "template": {"id": body["template_id"], "version": 1, "uri": ""},
                    "uri": "",
                },
            )

        def do_GET(self) -> None:
            if not self._authenticated():
                return
            query = parse_qs(urlparse(self.path).query)
            reference = query.get("reference", [""])[0]
            found = [n for n in state.sent if n.get("reference") == reference]
            self._answer(200, {"notifications": found, "links": {}})

    return Handler


@pytest.fixture
def notify_api() -> Iterator[FakeNotifyAPI]:
    state = FakeNotifyAPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(
        LDE_NOTIFY_PROVIDER="lde.consequence_management.notify.NotifyClientProvider",
        LDE_NOTIFY_API_KEY=API_KEY,
        LDE_NOTIFY_TEXT_TEMPLATE_ID=TEMPLATE_ID,
        LDE_NOTIFY_BASE_URL=f"http://127.0.0.1:{server.server_port}",
        LDE_NOTIFY_TIMEOUT=0.5,
    ):
        yield state
    server.shutdown()
    server.server_close()


def test_a_text_is_handed_to_notify_with_its_template_body_and_reference(
    notify_api: FakeNotifyAPI,
) -> None:
    provider = NotifyClientProvider()
    message_id = provider.send_text(
        to="+447700900123", body="Please acknowledge", reference="c1-r2-text"
    )
    (sent,) = notify_api.sent
    assert message_id == sent["id"]
    assert sent["phone_number"] == "+447700900123"
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["personalisation"] == {"body": "Please acknowledge"}
    assert sent["reference"] == "c1-r2-text"
    assert notify_api.refused_tokens == 0


def test_a_message_is_found_by_its_reference_and_an_unknown_one_is_not(
    notify_api: FakeNotifyAPI,
) -> None:
    provider = NotifyClientProvider()
    message_id = provider.send_text(to="+447700900123", body="x", reference="c1-r2-text")
    assert provider.find(reference="c1-r2-text") == message_id
    assert provider.find(reference="c1-r3-text") is None


@pytest.mark.parametrize(
    ("answer", "status", "permanent"),
    [(400, 400, True), (429, 429, False), (500, 500, False), (None, None, False)],
)
def test_notify_refusing_or_not_answering_becomes_a_provider_error(
    notify_api: FakeNotifyAPI, answer: int | None, status: int | None, permanent: bool
) -> None:
    notify_api.answers.append(answer)
    with pytest.raises(ProviderError) as refused:
        NotifyClientProvider().send_text(to="+447700900123", body="x", reference="c1-r2-text")
    assert refused.value.status == status
    assert refused.value.permanent is permanent
    assert notify_api.sent == []


def test_a_wrong_key_is_refused_by_notify_and_recorded_as_permanent(
    notify_api: FakeNotifyAPI,
) -> None:
    wrong = f"lde_test-{SERVICE_ID}-{uuid.uuid4()}"
    with override_settings(LDE_NOTIFY_API_KEY=wrong), pytest.raises(ProviderError) as refused:
        NotifyClientProvider().send_text(to="+447700900123", body="x", reference="c1-r2-text")
    assert refused.value.status == 403
    assert refused.value.permanent
    assert notify_api.refused_tokens == 1


def test_a_cascade_sends_its_texts_through_the_client_once_each(
    cast: dict[str, Any], notify_api: FakeNotifyAPI
) -> None:
    directory_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    cascade = cascade_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    notify_api.answers.append(500)  # the first is tried again later
    tasks_run()
    texts = OutboxMessage.objects.filter(recipient__cascade=cascade, channel=Channel.TEXT)
    # Ten seconds on, the retry is due.
    OutboxMessage.objects.filter(status=MessageStatus.QUEUED).update(
        next_attempt_at=cascade.started_at
    )
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    tasks_run()
    assert texts.exclude(status=MessageStatus.SENT).count() == 0
    references = [n["reference"] for n in notify_api.sent]
    assert sorted(references) == sorted(texts.values_list("key", flat=True))
    assert all(m.provider_id for m in texts)
